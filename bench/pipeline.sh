#!/usr/bin/env bash
# Self-taught pipeline benchmark: one iteration (classify the pool, select, synthesise pairs, annotate by rejection
# sampling, build the dataset) through the real service, timed per stage from GET /iterations/{id}.
# pairs_per_min = synthesised pairs over the synthesis stage's wall time (3 generations each: y_w, x', y_l);
# judgments_per_min = judgments over the annotation stage's wall time (one judge prompt + reasoning each).
# Ends with one line `pipeline pairs_per_min=<x> judgments_per_min=<y>`.
# Usage: bench/run.sh pipeline [model.gguf]   (default: the generated smollm2-135m q8_0 model)
# BENCH_PAIRS (default 16) instructions per iteration, BENCH_JUDGMENTS (default 4) judgments per pair,
# BENCH_TOKENS (default 128) token budget of each response and of each judgment's reasoning,
# BENCH_SEQUENCES (default 16) engine sequences, BENCH_PARALLELISM (default 4) pipeline items in flight.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PAIRS="${BENCH_PAIRS:-16}" JUDGMENTS="${BENCH_JUDGMENTS:-4}" TOKENS="${BENCH_TOKENS:-128}"
SEQUENCES="${BENCH_SEQUENCES:-16}" PARALLELISM="${BENCH_PARALLELISM:-4}"
results="$BENCH_REPO_ROOT/bench/results"
data="$results/pipeline-data"
mkdir -p "$results"
rm -rf "$data"

model="${1:-$(make_bench_model smollm2-135m q8_0)}"
start_bench_service "$results/pipeline-service.log" --Judge:ModelPath="$model" --Judge:Sequences="$SEQUENCES" \
    --Judge:ContextSize=2048 --Judge:DataDir="$data" --Judge:SelfTaught:MaxResponseTokens="$TOKENS" \
    --Judge:SelfTaught:MaxJudgeReasoningTokens="$TOKENS" --Judge:SelfTaught:ItemParallelism="$PARALLELISM"
url="$service_url"

bench_log "one iteration: $PAIRS instructions, $JUDGMENTS judgments per pair, $TOKENS-token budgets"
PYTHONPATH="$BENCH_REPO_ROOT/bench" PYTHONDONTWRITEBYTECODE=1 python3 - "$url" "$PAIRS" "$JUDGMENTS" "$data/pipeline.db" <<'PY' | tee "$results/pipeline.json" >&2
import json, sqlite3, sys
import iteration_run
url, pairs, judgments, db = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
topics = ["a binary search in Python", "the sum of the first {n} odd numbers", "why the sky is blue",
          "a haiku about autumn", "the capital of Australia", "names for a coffee shop", "a proof that sqrt(2) is irrational"]
pool = [f"Question {n}: explain or write {t.format(n=n)}." for n in range(pairs) for t in topics][: pairs * 2]
iteration_run.call(url, "POST", "/instructions", pool)
view, durations, total = iteration_run.run(url, pairs, judgments)
with sqlite3.connect(db) as c:
    chars = c.execute("SELECT AVG(LENGTH(chosen)), AVG(LENGTH(modified_instruction)), AVG(LENGTH(rejected)) FROM pairs").fetchone()
    judge_chars = c.execute("SELECT AVG(LENGTH(completion)) FROM judgments").fetchone()[0]
p, j = view["progress"], view["progress"]["judgments"]
print(json.dumps({
    "pool": len(pool), "pairs": p["pairs"], "judgments": j, "kept": p["kept"], "discarded": p["discarded"],
    "seconds": {k: round(v, 1) for k, v in durations.items()}, "total_s": round(total, 1),
    "pairs_per_min": round(p["pairs"] / durations["synthesize"] * 60, 2),
    "judgments_per_min": round(j / durations["annotate"] * 60, 2),
    "classifications_per_min": round(len(pool) / durations.get("classify", float("nan")) * 60, 2),
    "avg_chars": {"y_w": round(chars[0] or 0), "x_prime": round(chars[1] or 0), "y_l": round(chars[2] or 0), "judgment": round(judge_chars or 0)},
    "metrics": view["metrics"]}))
PY
kill "$service_pid" 2>/dev/null || true
jq -r '"pipeline pairs_per_min=\(.pairs_per_min) judgments_per_min=\(.judgments_per_min)"' "$results/pipeline.json"
