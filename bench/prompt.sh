#!/usr/bin/env bash
# Prompt benchmark: what tokenizing a judge prompt (about 1,500 tokens of judged text) costs per request with
# ChatTokenizer, the tokenization serving and training share, next to llama.cpp's plain one pass over the same
# rendered text, on every vocabulary of the llama.cpp bundle; and what retokenizing a 512-token reasoning with the
# verdict lead costs the scheduler thread at the end of a judgment (JudgmentProgram.End).
# Ends with one line `prompt chat_us_max=<µs> overhead_max=<ratio> end_us_max=<µs>`.
# Usage: bench/run.sh prompt [reps]   (default 20)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

results="$BENCH_REPO_ROOT/bench/results"
mkdir -p "$results"
build_bench_project JudgeApi.PromptBench
bench_log "judge prompt tokenization on every bundled vocabulary; load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$BENCH_REPO_ROOT/bench/JudgeApi.PromptBench/bin/Release/net10.0/JudgeApi.PromptBench.dll" \
    "$BENCH_REPO_ROOT/.cache/llama.cpp/models" "${1:-20}" | tee "$results/prompt.txt"
bench_log "done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
