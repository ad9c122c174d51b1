#!/usr/bin/env bash
# Judge service benchmark, side by side in one run with the peer a user would pick instead: llama-server built from
# the bundled source, on the same generated model, threads and parallelism (32 sequences: 16 clients x both orders),
# judging the same pairs with the same rendered judge prompt (bench/judge-load.py says how), and with
# llama-batched-bench for raw generation speed.
#   direct_ratio_16, reasoning_ratio_16: our judgments/s over llama-server's at 16 clients (direct; reasoning with
#     GEN-token budgets);
#   tg_ratio_N: our generated tokens/s in reasoning mode at N clients over llama-batched-bench's generated tokens per
#     second of total time (prompt + generation, the work one judgment does) at 2N sequences;
#   p99_over_p50_64: p99 over median latency of our direct judgments with 64 clients (twice the sequences).
# Ends with one line `judge direct_ratio_16=… reasoning_ratio_16=… tg_ratio_1=… tg_ratio_4=… tg_ratio_16=… p99_over_p50_64=…`.
# Usage: bench/run.sh judge [model.gguf]   (default: the generated BENCH_PRESET model, smollm2-135m, q8_0)
# Our KV cache has llama-server's layout by default here (BENCH_KV_UNIFIED=false: a stream of PER_SEQUENCE cells per
# sequence, as its -np 32 -c 32768), the same memory as the unified cache of KvCacheTokens cells (BENCH_KV_UNIFIED=true).
# BENCH_REQUESTS (default 2) requests per client and level in reasoning mode, 4x that in direct mode;
# BENCH_GEN (default 128) reasoning tokens. A reduced run: BENCH_PRESET=tiny BENCH_REQUESTS=1 BENCH_GEN=16.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GEN="${BENCH_GEN:-128}" CLIENTS=(1 4 16) REQUESTS="${BENCH_REQUESTS:-2}" SEQUENCES=32 PER_SEQUENCE=1024
results="$BENCH_REPO_ROOT/bench/results"
mkdir -p "$results"

tools="$(build_llama_tools)"
server="$(build_llama_server)"
model="${1:-$(make_bench_model "${BENCH_PRESET:-smollm2-135m}" q8_0)}"
build_bench_project JudgeApi.Bench
dotnet "$BENCH_REPO_ROOT/bench/JudgeApi.Bench/bin/Release/net10.0/JudgeApi.Bench.dll" judge-prompts --model "$model" \
    --response-a "Insertion sort: it runs in nearly linear time when few elements are out of place." \
    --response-b "Quicksort with a random pivot, because it is the fastest sort on every input." >"$results/judge-prompts.json"

load() { # target url mode clients requests-per-client -> one JSON line
    python3 "$BENCH_REPO_ROOT/bench/judge-load.py" "$1" "$2" "$results/judge-prompts.json" "$3" "$4" "$5" "$GEN"
}
levels() { # target url: every client level in both modes
    load "$1" "$2" direct 1 1 >/dev/null # warm-up
    for clients in "${CLIENTS[@]}"; do
        for mode in reasoning direct; do
            n="$REQUESTS"; [[ "$mode" == direct ]] && n=$((REQUESTS * 4))
            bench_log "$1: mode=$mode, $clients clients x $n requests"
            load "$1" "$2" "$mode" "$clients" "$n" | tee -a "$results/judge.jsonl" >&2
        done
    done
}
: >"$results/judge.jsonl"

start_bench_service "$results/judge-service.log" --Judge:ModelPath="$model" --Judge:Sequences=$SEQUENCES \
    --Judge:ContextSize=$PER_SEQUENCE --Judge:KvCacheTokens=$((SEQUENCES * PER_SEQUENCE)) --Judge:BatchSize=512 --Judge:MaxQueue=256 \
    --Judge:KvUnified="${BENCH_KV_UNIFIED:-false}"
levels ours "$service_url"
bench_log "ours: mode=direct, 64 clients x $REQUESTS requests (latency spread)"
load ours "$service_url" direct 64 "$REQUESTS" | tee -a "$results/judge.jsonl" >&2
kill "$service_pid" 2>/dev/null || true
wait "$service_pid" 2>/dev/null || true

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
bench_log "starting llama-server on 127.0.0.1:$port: $SEQUENCES slots of $PER_SEQUENCE tokens, $BENCH_THREADS threads"
"$server/llama-server" -m "$model" --host 127.0.0.1 --port "$port" -np $SEQUENCES -c $((SEQUENCES * PER_SEQUENCE)) \
    -b 512 -ub 512 -t "$BENCH_THREADS" -tb "$BENCH_THREADS" -ngl "$BENCH_GPU_LAYERS" --no-webui >"$results/judge-llama-server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { bench_log "llama-server exited; see $results/judge-llama-server.log"; exit 1; }
    sleep 0.5
done
levels llama-server "http://127.0.0.1:$port"
kill "$server_pid" 2>/dev/null || true

# The judge prompt's length in tokens, for llama-batched-bench's prompt.
pp="$(jq '.ab | sub("@@INSTRUCTION@@"; "Explain which sorting algorithm suits nearly sorted data. 0123456789abcdef0123456789abcdef")' \
    "$results/judge-prompts.json" | dotnet "$BENCH_REPO_ROOT/bench/JudgeApi.Bench/bin/Release/net10.0/JudgeApi.Bench.dll" count-tokens --model "$model")"
bench_log "llama-batched-bench: npp=$pp ntg=$GEN npl=2,8,32 (both orders of 1, 4, 16 clients), $BENCH_THREADS threads"
"$tools/llama-batched-bench" -m "$model" -c $((SEQUENCES * PER_SEQUENCE)) -b 512 -ub 512 -t "$BENCH_THREADS" -ngl "$BENCH_GPU_LAYERS" \
    -npp "$pp" -ntg "$GEN" -npl 2,8,32 --output-format jsonl 2>/dev/null | grep '^{' >"$results/judge-batched-bench.jsonl"

jq -rs --slurpfile runs "$results/judge.jsonl" '
    def run($t; $m; $c): $runs[] | select(.target == $t and .mode == $m and .clients == $c);
    def batched($pl): (.[] | select(.pl == $pl)) as $r | ($r.pl * $r.tg / $r.t);
    . as $bb
    | (["clients", "ours reasoning/s", "llama-server reasoning/s", "ours direct/s", "llama-server direct/s", "ours tg/s", "llama-server tg/s", "batched-bench tg/s"] | @tsv),
      ($runs[] | select(.target == "ours" and .mode == "reasoning") | .clients) as $c
      | [$c, (run("ours"; "reasoning"; $c).judgments_per_s), (run("llama-server"; "reasoning"; $c).judgments_per_s),
         (run("ours"; "direct"; $c).judgments_per_s), (run("llama-server"; "direct"; $c).judgments_per_s),
         (run("ours"; "reasoning"; $c).tg_per_s), (run("llama-server"; "reasoning"; $c).tg_per_s), ($bb | batched($c * 2))]
      | map(if type == "number" then (. * 100 | round / 100) else . end) | @tsv' \
    "$results/judge-batched-bench.jsonl" | column -t -s $'\t' | tee "$results/judge.txt" >&2

jq -rs --slurpfile runs "$results/judge.jsonl" '
    def run($t; $m; $c): $runs[] | select(.target == $t and .mode == $m and .clients == $c);
    def batched($pl): (.[] | select(.pl == $pl)) as $r | ($r.pl * $r.tg / $r.t);
    def r3: . * 1000 | round / 1000;
    . as $bb
    | "judge direct_ratio_16=\(run("ours"; "direct"; 16).judgments_per_s / run("llama-server"; "direct"; 16).judgments_per_s | r3)"
      + " reasoning_ratio_16=\(run("ours"; "reasoning"; 16).judgments_per_s / run("llama-server"; "reasoning"; 16).judgments_per_s | r3)"
      + ([1, 4, 16] | map(. as $c | " tg_ratio_\($c)=\(run("ours"; "reasoning"; $c).tg_per_s / ($bb | batched($c * 2)) | r3)") | add)
      + " p99_over_p50_64=\(run("ours"; "direct"; 64) | .p99_s / .p50_s | r3)"' \
    "$results/judge-batched-bench.jsonl"
