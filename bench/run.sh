#!/usr/bin/env bash
# Entry point for every benchmark: bench/run.sh <mode> [args...] runs bench/<mode>.sh.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODES=(engine judge train pipeline generator prompt selftaught equality)

usage() {
    cat >&2 <<USAGE
usage: bench/run.sh <mode> [args...]
modes:
  engine    prompt processing (pp512) and generation (tg128) tokens/s of our binding vs llama-bench
  judge     POST /judge throughput and latency of the service
  train     LoRA training step time of the trainer vs llama-finetune
  pipeline  one Self-Taught Evaluator iteration end to end
  generator one iteration whose texts a separate generator writes (file, llama-server or service)
  prompt    judge prompt tokenization per request on every bundled vocabulary, vs llama.cpp's plain one pass
  selftaught  the loop on the proof world: labeled-set accuracy per iteration, against a control without rejection sampling
  equality  whether the seed model's shape learns to tell two numbers apart, the step its judgments need, by digit count
environment: JUDGEAPI_CACHE (default ~/.cache/judgeapi) holds built tools and generated models;
             BENCH_THREADS (default 2) is the thread count every benchmark uses.
USAGE
}

mode="${1:-}"
if [[ -z "$mode" || ! " ${MODES[*]} " =~ " $mode " ]]; then
    [[ -n "$mode" ]] && echo "unknown mode: $mode" >&2
    usage
    exit 2
fi
shift
script="$BENCH_DIR/$mode.sh"
if [[ ! -f "$script" ]]; then
    echo "bench/$mode.sh is not written yet" >&2
    exit 2
fi
exec bash "$script" "$@"
