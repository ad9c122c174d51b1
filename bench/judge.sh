#!/usr/bin/env bash
# Judge service benchmark: judgments/s and generated tokens/s of POST /judge at 1, 4 and 16 concurrent clients
# (mode=reasoning with maxReasoningTokens=128, and mode=direct), next to llama.cpp's llama-batched-bench doing the
# same work (the judge prompt, 128 generated tokens, one sequence per judged order) at the same parallelism.
# tg_ratio = our generated tokens/s over llama-batched-bench's generated tokens per second of total time (prompt
# processing + generation, the work one judgment does), both at 16 clients = 32 sequences (both orders).
# Ends with one line `judge tg_ratio_16=<x> reasoning_per_s_16=<n> direct_per_s_16=<n>`.
# Usage: bench/run.sh judge [model.gguf]   (default: the generated smollm2-135m q8_0 model)
# BENCH_REQUESTS (default 2) requests per client and level in reasoning mode, 4x that in direct mode.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GEN=128 CLIENTS=(1 4 16) REQUESTS="${BENCH_REQUESTS:-2}"
results="$BENCH_REPO_ROOT/bench/results"
mkdir -p "$results"

tools="$(build_llama_tools)"
model="${1:-$(make_bench_model smollm2-135m q8_0)}"
start_bench_service "$results/judge-service.log" --Judge:ModelPath="$model" --Judge:Sequences=32 \
    --Judge:ContextSize=1024 --Judge:BatchSize=512 --Judge:MaxQueue=256
url="$service_url"

# Load generator: N clients each send their requests back to back; every request is unique (no cache hits).
load() { # mode clients requests-per-client -> one JSON line
    python3 - "$url" "$1" "$2" "$3" <<'PY'
import json, sys, threading, time, urllib.request, uuid
url, mode, clients, per_client = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
done, lock = [], threading.Lock()
def client():
    for _ in range(per_client):
        body = {"instruction": "Explain which sorting algorithm suits nearly sorted data. " + uuid.uuid4().hex,
                "responseA": "Insertion sort: it runs in nearly linear time when few elements are out of place.",
                "responseB": "Quicksort with a random pivot, because it is the fastest sort on every input.",
                "mode": mode, "maxReasoningTokens": 128, "useCache": False}
        req = urllib.request.Request(url + "/judge", json.dumps(body).encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=600) as r:
            answer = json.load(r)
        with lock:
            done.append(answer)
threads = [threading.Thread(target=client) for _ in range(clients)]
start = time.time()
for t in threads: t.start()
for t in threads: t.join()
wall = time.time() - start
judgments = sum(a["votes"]["a"] + a["votes"]["b"] for a in done)
print(json.dumps({"mode": mode, "clients": clients, "requests": len(done), "wall_s": wall,
                  "per_s": len(done) / wall, "generated_tokens": sum(a["reasoningTokens"] for a in done),
                  "tg_per_s": sum(a["reasoningTokens"] for a in done) / wall,
                  "prompt_tokens_per_judgment": sum(a["promptTokens"] for a in done) / judgments}))
PY
}

: >"$results/judge.jsonl"
load direct 1 1 >/dev/null # warm-up
for clients in "${CLIENTS[@]}"; do
    for mode in reasoning direct; do
        n="$REQUESTS"; [[ "$mode" == direct ]] && n=$((REQUESTS * 4))
        bench_log "ours: mode=$mode, $clients clients x $n requests"
        load "$mode" "$clients" "$n" | tee -a "$results/judge.jsonl" >&2
    done
done
kill "$service_pid" 2>/dev/null || true

pp="$(jq -s '[.[] | select(.mode == "reasoning")][0].prompt_tokens_per_judgment | floor' "$results/judge.jsonl")"
bench_log "llama-batched-bench: npp=$pp ntg=$GEN npl=2,8,32 (both orders of 1, 4, 16 clients), $BENCH_THREADS threads"
"$tools/llama-batched-bench" -m "$model" -c $((32 * 1024)) -b 512 -ub 512 -t "$BENCH_THREADS" \
    -npp "$pp" -ntg "$GEN" -npl 2,8,32 --output-format jsonl 2>/dev/null | grep '^{' >"$results/judge-batched-bench.jsonl"

jq -rs --slurpfile ours "$results/judge.jsonl" '
    def theirs($pl): (.[] | select(.pl == $pl)) as $r | ($r.pl * $r.tg / $r.t);
. as $bb
    | (["clients", "ours reasoning/s", "ours direct/s", "ours tg/s", "llama.cpp tg/s (end to end)", "ratio"] | @tsv),
      (($ours[] | select(.mode == "reasoning")) as $o
       | ($ours[] | select(.mode == "direct" and .clients == $o.clients)) as $d
       | ($bb | theirs($o.clients * 2)) as $t
       | [$o.clients, ($o.per_s * 100 | round / 100), ($d.per_s * 100 | round / 100), ($o.tg_per_s | round), ($t | round), ($o.tg_per_s / $t * 100 | round / 100)]
       | @tsv)' "$results/judge-batched-bench.jsonl" | column -t -s $'\t' | tee "$results/judge.txt" >&2

jq -rs --slurpfile ours "$results/judge.jsonl" '
    ($ours[] | select(.mode == "reasoning" and .clients == 16)) as $o
    | ($ours[] | select(.mode == "direct" and .clients == 16)) as $d
    | (.[] | select(.pl == 32)) as $r
    | "judge tg_ratio_16=\($o.tg_per_s / ($r.pl * $r.tg / $r.t) * 1000 | round / 1000) reasoning_per_s_16=\($o.per_s * 100 | round / 100) direct_per_s_16=\($d.per_s * 100 | round / 100)"' \
    "$results/judge-batched-bench.jsonl"
