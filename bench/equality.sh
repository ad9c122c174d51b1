#!/usr/bin/env bash
# Can the seed model's shape learn to tell two numbers apart? The one step a careful judgment of the proof world needs
# (is the answer quoted the answer stated?), trained alone from scratch with probe-proof-model: the seed model's
# vocabulary, shape and trainer, on cases "Reference: 7745 / A: 7754 / B: 7745" → "A is wrong. B is right.", numbers
# of up to 1, 2, 3 and 4 digits (each digit a token, as in the world; four in five wrong answers a near miss), the
# same number of cases and steps for each, then the first mark measured greedily on 400 held-out cases. Ends with
# one line per digit count: `equality digits=<d> layers=<l> … acc=<x> near_miss_acc=<y>` (0.5 is a coin).
# Usage: bench/run.sh equality   BENCH_PROBE_EXAMPLES (default 30000), BENCH_PROBE_LAYERS (default 4),
#        BENCH_PROBE_DIGITS (default "1 2 3 4"), BENCH_PROBE_BATCH (default 16).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

results="$BENCH_REPO_ROOT/bench/results"
mkdir -p "$results"
bench_log "building the host (Release)"
dotnet build "$BENCH_REPO_ROOT/src/JudgeApi" -c Release -nologo -v quiet >&2
host=(dotnet "$BENCH_REPO_ROOT/src/JudgeApi/bin/Release/net10.0/JudgeApi.dll")
: >"$results/equality.txt"
for digits in ${BENCH_PROBE_DIGITS:-1 2 3 4}; do
    bench_log "digits $digits; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "${host[@]}" probe-proof-model --digits "$digits" --examples "${BENCH_PROBE_EXAMPLES:-30000}" --layers "${BENCH_PROBE_LAYERS:-4}" \
        --batch "${BENCH_PROBE_BATCH:-16}" --threads "$BENCH_THREADS" | tee -a "$results/equality.txt"
done
