#!/usr/bin/env bash
# Engine benchmark: pp512 and tg128 tokens/s of JudgeApi.Llama next to llama.cpp's llama-bench on the same
# model and thread count. Ends with one line `engine pp_ratio=<x> tg_ratio=<y>` (ours / llama-bench).
# Usage: bench/run.sh engine [model.gguf]   (default: the generated smollm2-135m q8_0 model)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMPT=512 GEN=128 REPS="${BENCH_REPS:-3}"
results="$BENCH_REPO_ROOT/bench/results"
mkdir -p "$results"

tools="$(build_llama_tools)"
model="${1:-$(make_bench_model smollm2-135m q8_0)}"
build_bench_project JudgeApi.Bench

bench_log "llama-bench: $model, pp$PROMPT tg$GEN, $BENCH_THREADS threads, $REPS reps"
"$tools/llama-bench" -m "$model" -p "$PROMPT" -n "$GEN" -t "$BENCH_THREADS" -r "$REPS" -o json \
    >"$results/engine-llama-bench.json"

bench_log "JudgeApi.Llama: same tests"
dotnet "$BENCH_REPO_ROOT/bench/JudgeApi.Bench/bin/Release/net10.0/JudgeApi.Bench.dll" \
    --model "$model" --threads "$BENCH_THREADS" --prompt "$PROMPT" --gen "$GEN" --reps "$REPS" \
    --llama-bench-json "$results/engine-llama-bench.json" | tee "$results/engine.txt"
