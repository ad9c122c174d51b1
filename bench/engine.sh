#!/usr/bin/env bash
# Engine benchmark: pp512 and tg128 tokens/s of JudgeApi.Llama next to llama.cpp's llama-bench on the same
# model and thread count. llama-bench runs twice: on the pinned natives our binding loads (same native code,
# so the ratio measures our binding) and on its own -march=native build (for reference).
# Ends with one line `engine pp_ratio=<x> tg_ratio=<y>` (ours / llama-bench on the pinned natives).
# Usage: bench/run.sh engine [model.gguf]   (default: the generated smollm2-135m q8_0 model)
# BENCH_REPS (default 3) repetitions per test; BENCH_NICE (default 0) niceness of the three measured runs
# (a negative value, as root, shields them from other work on a busy machine).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMPT=512 GEN=128 REPS="${BENCH_REPS:-3}" NICENESS="${BENCH_NICE:-0}"
results="$BENCH_REPO_ROOT/bench/results"
mkdir -p "$results"

tools="$(build_llama_tools)"
model="${1:-$(make_bench_model smollm2-135m q8_0)}"
build_bench_project JudgeApi.Bench
llama_bench_args=(-m "$model" -p "$PROMPT" -n "$GEN" -t "$BENCH_THREADS" -r "$REPS" -o json)

# Builds above ran niced; the measured runs below inherit this shell's niceness.
renice -n "$NICENESS" -p $$ >/dev/null
bench_log "$model: pp$PROMPT tg$GEN, $BENCH_THREADS threads, $REPS reps; load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench_log "llama-bench on the pinned natives"
run_llama_tool_on_pinned_natives llama-bench "${llama_bench_args[@]}" >"$results/engine-llama-bench-pinned.json"
bench_log "llama-bench, own build"
"$tools/llama-bench" "${llama_bench_args[@]}" >"$results/engine-llama-bench-build.json"
bench_log "JudgeApi.Llama"
dotnet "$BENCH_REPO_ROOT/bench/JudgeApi.Bench/bin/Release/net10.0/JudgeApi.Bench.dll" \
    --model "$model" --threads "$BENCH_THREADS" --prompt "$PROMPT" --gen "$GEN" --reps "$REPS" \
    --reference "llama-bench pinned=$results/engine-llama-bench-pinned.json" \
    --reference "llama-bench own build=$results/engine-llama-bench-build.json" | tee "$results/engine.txt"
bench_log "done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
