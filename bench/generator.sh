#!/usr/bin/env bash
# One iteration whose texts a separate generator writes (Judge:Generator), through the real service: a GGUF generator
# loaded beside the judge (`file`), llama-server built from the bundled source (`llama-server`), or a second instance of
# this service serving its OpenAI-compatible /v1 (`service`, once issue 14's endpoint is in). MT-Bench-style
# two-turn questions and plain instructions go into the pool, so the iteration makes multi-turn pairs too.
# Ends with one line `generator kind=<k> pairs_per_min=<x> judgments_per_min=<y> generators=<n>`.
# Usage: bench/run.sh generator [file|llama-server|service] [judge.gguf] [generator.gguf]
#   (default models: generated smollm2-135m q8_0 as judge, qwen2.5-0.5b q8_0 as the stronger generator)
# BENCH_PAIRS (default 8) instructions, BENCH_JUDGMENTS (default 4) judgments per pair, BENCH_TOKENS (default 96) budgets.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kind="${1:-file}"
PAIRS="${BENCH_PAIRS:-8}" JUDGMENTS="${BENCH_JUDGMENTS:-4}" TOKENS="${BENCH_TOKENS:-96}"
results="$BENCH_REPO_ROOT/bench/results"
data="$results/generator-data"
mkdir -p "$results"
rm -rf "$data" "$results/generator-endpoint-data"
judge="${2:-$(make_bench_model smollm2-135m q8_0)}"
generator="${3:-$(make_bench_model qwen2.5-0.5b q8_0)}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

endpoint_pid=""
case "$kind" in
    file) generator_settings=(--Judge:Generator:ModelPath="$generator" --Judge:Generator:Threads="$BENCH_THREADS") ;;
    llama-server | service)
        port="$(free_port)"
        if [[ "$kind" == llama-server ]]; then
            server="$(build_llama_server)/llama-server"
            bench_log "starting llama-server on 127.0.0.1:$port with $generator"
            "$server" -m "$generator" --host 127.0.0.1 --port "$port" -t "$BENCH_THREADS" -c 4096 -np 4 \
                >"$results/generator-endpoint.log" 2>&1 &
        else
            nice -n 10 dotnet build "$BENCH_REPO_ROOT/src/JudgeApi" -c Release -nologo -v quiet >&2
            bench_log "starting a second service on 127.0.0.1:$port with $generator"
            dotnet "$BENCH_REPO_ROOT/src/JudgeApi/bin/Release/net10.0/JudgeApi.dll" --urls "http://127.0.0.1:$port" \
                --Judge:ModelPath="$generator" --Judge:Threads="$BENCH_THREADS" --Judge:DataDir="$results/generator-endpoint-data" \
                --Logging:LogLevel:Default=Warning >"$results/generator-endpoint.log" 2>&1 &
        fi
        endpoint_pid=$!
        for _ in $(seq 600); do
            curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null && break
            kill -0 "$endpoint_pid" 2>/dev/null || { bench_log "the endpoint exited; see $results/generator-endpoint.log"; exit 1; }
            sleep 0.5
        done
        curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null || { bench_log "no /v1/models on port $port after 5 minutes"; exit 1; }
        generator_settings=(--Judge:Generator:Endpoint="http://127.0.0.1:$port/v1")
        ;;
    *) echo "usage: bench/run.sh generator [file|llama-server|service] [judge.gguf] [generator.gguf]" >&2; exit 2 ;;
esac

start_bench_service "$results/generator-service.log" --Judge:ModelPath="$judge" --Judge:ContextSize=2048 --Judge:DataDir="$data" \
    --Judge:SelfTaught:MaxResponseTokens="$TOKENS" --Judge:SelfTaught:MaxJudgeReasoningTokens="$TOKENS" "${generator_settings[@]}"
# start_bench_service's trap stops the service; this one stops the endpoint too.
trap 'kill "$service_pid" ${endpoint_pid:+"$endpoint_pid"} 2>/dev/null || true' EXIT

bench_log "one iteration: $PAIRS instructions (half two-turn), $JUDGMENTS judgments per pair, generator: $kind"
PYTHONPATH="$BENCH_REPO_ROOT/bench" PYTHONDONTWRITEBYTECODE=1 python3 - "$service_url" "$PAIRS" "$JUDGMENTS" "$kind" <<'PY' | tee "$results/generator.json" >&2
import json, sys
import iteration_run
url, pairs, judgments, kind = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lines = []
for n in range(pairs):
    if n % 2 == 0:
        lines.append({"question_id": n, "category": "writing", "turns": [f"Write a short story about the number {n}.", "Now retell it in two sentences."]})
    else:
        lines.append({"instruction": f"Explain in a paragraph why {n} squared is {n * n}."})
iteration_run.call(url, "POST", "/instructions", "\n".join(json.dumps(l) for l in lines).encode(), "application/x-ndjson")
view, durations, total = iteration_run.run(url, pairs, judgments)
p = view["progress"]
print(json.dumps({
    "kind": kind, "pairs": p["pairs"], "judgments": p["judgments"], "kept": p["kept"],
    "seconds": {k: round(v, 1) for k, v in durations.items()}, "total_s": round(total, 1),
    "pairs_per_min": round(p["pairs"] / durations["synthesize"] * 60, 2),
    "judgments_per_min": round(p["judgments"] / durations["annotate"] * 60, 2),
    "generators": view["generators"], "metrics": view["metrics"]}))
PY
jq -r '"generator kind=\(.kind) pairs_per_min=\(.pairs_per_min) judgments_per_min=\(.judgments_per_min) generators=\(.generators | length)"' "$results/generator.json"
