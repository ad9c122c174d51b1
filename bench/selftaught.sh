#!/usr/bin/env bash
# The self-taught experiment on the proof world: does the loop raise a judge's accuracy on a labeled test set it
# never sees? The real service, pipeline, trainer, evaluation and promotion, on a seed model trained here from
# scratch (create-proof-model, cached outside git), with the world's pool imported and its labeled set configured
# as Judge:Evaluation:LabeledSetPath. Two arms, each a fresh service and database:
#   selftaught  three iterations with rejection sampling (the method);
#   control     the same three iterations with "rejectionSampling": false (a random judgment kept per pair,
#               whatever its verdict) and "maxExamples" = what the self-taught arm kept, so the same training
#               examples and steps: a gain that also shows here comes from more training, not from the method.
# Every setting is fixed in bench/selftaught.py before any run and printed with the results. Ends with one line
#   selftaught seed_acc=<x> iter1_acc=<a> iter2_acc=<b> iter3_acc=<c> gain=<c-x> vote_acc=<v> control_gain=<g>
# (accuracies of the seed model and of each iteration's candidate on the labeled set, both orders judged; vote_acc:
# majority vote over N samples with the last candidate), after the wall time of every stage and an audit of each arm's
# own pairs and kept judgments against the world's answer key (audit.json).
# Usage: bench/run.sh selftaught          BENCH_SIZE=reduced for a quick check of the script (not a result);
#        BENCH_SIZE=dev for one iteration judged on the world's dev half (choosing settings without the test half);
#        BENCH_PLOT=docs/selftaught-loop.svg to also copy the plot there;
#        BENCH_SEED_MODEL=path.gguf to use that seed model instead of the cached one (checking the script).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE="${BENCH_SIZE:-full}"
driver="$BENCH_REPO_ROOT/bench/selftaught.py"
python3 "$driver" settings "$SIZE" >/dev/null || { bench_log "unknown BENCH_SIZE '$SIZE' (full, dev or reduced)"; exit 2; }
run="$BENCH_REPO_ROOT/bench/results/selftaught-$SIZE"
rm -rf "$run" && mkdir -p "$run"
python3 "$driver" settings "$SIZE" >"$run/settings.json"
setting() { python3 -c "import json,sys; print(eval('s' + sys.argv[1], {'s': json.load(open('$run/settings.json'))}))" "$1"; }

bench_log "building the host (Release)"
nice -n 10 dotnet build "$BENCH_REPO_ROOT/src/JudgeApi" -c Release -nologo -v quiet >&2
host=(dotnet "$BENCH_REPO_ROOT/src/JudgeApi/bin/Release/net10.0/JudgeApi.dll")

# The seed model: trained once per seed and per version of the code that makes it, then reused.
seed="$(setting '["seed_model_seed"]')"
code="$(git -C "$BENCH_REPO_ROOT" ls-files -s src/JudgeApi.SelfTaught/ProofWorld src/JudgeApi.Training src/JudgeApi.Llama/Gguf src/JudgeApi.Judging/Prompts | sha1sum | cut -c1-12)"
model="${BENCH_SEED_MODEL:-$BENCH_CACHE/models/proof-seed$seed-$code.gguf}"
mkdir -p "$BENCH_CACHE/models"
(
    flock 9
    if [[ ! -f "$model" ]]; then
        bench_log "training the seed model (seed $seed) into $model"
        start=$(date +%s)
        nice -n 10 "${host[@]}" create-proof-model --out "$model" --seed "$seed" --threads "$BENCH_THREADS" >&2
        bench_log "seed model trained in $(( $(date +%s) - start )) s"
    fi
) 9>"$model.lock"
cp "$model.seed.json" "$run/seed-model.json" 2>/dev/null || true

world="$run/world"
"${host[@]}" create-world --out "$world" --pool-seed "$(setting '["world"]["pool_seed"]')" --pool-size "$(setting '["world"]["pool_size"]')" \
    --labeled-seed "$(setting '["world"]["labeled_seed"]')" --labeled-size "$(setting '["world"]["labeled_size"]')" \
    --half "$(setting '["world"]["labeled_half"]')" >&2

for arm in $(setting '["arms"]' | tr -d "[]',"); do
    mapfile -t args < <(python3 "$driver" service-args "$SIZE" "$arm")
    start_bench_service "$run/$arm-service.log" --Judge:ModelPath="$model" --Judge:DataDir="$run/$arm-data" \
        --Judge:Evaluation:LabeledSetPath="$world/labeled.jsonl" "${args[@]}"
    bench_log "$arm: $(setting '["iterations"]') iterations"
    python3 "$driver" arm "$service_url" "$SIZE" "$arm" "$run/$arm.json" "$run/selftaught.json"
    kill "$service_pid" && wait "$service_pid" 2>/dev/null || true
done

python3 "$driver" report "$SIZE" "$run/selftaught.json" "$run/control.json" "$run/selftaught.svg" | tee "$run/summary.txt"
if [[ -n "${BENCH_PLOT:-}" ]]; then cp "$run/selftaught.svg" "$BENCH_REPO_ROOT/$BENCH_PLOT"; fi
