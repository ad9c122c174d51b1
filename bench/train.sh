#!/usr/bin/env bash
# Training benchmark: LoRA training (r=16, all attention and FFN projections, sequence 512) of JudgeApi.Training
# on the smollm2-135m preset with the base in F32 and in Q8_0, next to llama.cpp's llama-finetune (full fine-tune,
# F32, loss on every token) on the same sequence length and number of sequences and the same thread count.
# Measures training tokens/s (the optimisation loop; model loading excluded on both sides) and peak resident memory
# of each process. Ends with one line `train tps_ratio=<ours q8_0 / llama-finetune> mem_ratio=<ours q8_0 / llama-finetune>`.
# The pinned llama-finetune sizes its training graph from the tensor count (8 nodes per tensor, at least 1024) and
# aborts with GGML_ASSERT(cgraph->n_nodes < cgraph->size) on models deeper than a few layers, smollm2-135m included.
# When it does, the script says so and the ratio line compares both trainers on the `tiny` preset instead, the
# largest generated model llama-finetune completes; our smollm2-135m numbers are reported either way.
# Usage: bench/run.sh train   (BENCH_TRAIN_SEQS, default 16: sequences of 512 tokens each side trains on)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SEQ=512 RANK=16 SEQS="${BENCH_TRAIN_SEQS:-16}"
results="$BENCH_REPO_ROOT/bench/results"
work="$results/train"
mkdir -p "$work"

tools="$(build_llama_tools)"
nice -n 10 dotnet build "$BENCH_REPO_ROOT/src/JudgeApi" -c Release -nologo -v quiet >&2
host="$BENCH_REPO_ROOT/src/JudgeApi/bin/Release/net10.0/JudgeApi.dll"

# Text made of plain words: the same vocabulary for both sides. Our examples have prompts longer than SEQ
# tokens, so each is cut to exactly SEQ tokens (prompt truncated from the front) with a short judgment target.
words() { awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed); split("the judge compares two answers and explains which one follows the instruction better because it is more accurate helpful clear complete and safe while the other misses details or adds errors", w, " "); for (i = 0; i < n; i++) printf "%s ", w[int(rand() * length(w)) + 1] }'; }
dataset="$work/dataset.ndjson"
: >"$dataset"
for i in $(seq 1 "$SEQS"); do
    printf '{"messages":[{"role":"user","content":"%s"},{"role":"assistant","content":"Verdict: %s"}]}\n' \
        "$(words 700 "$i")" "$([[ $((i % 2)) == 0 ]] && echo A || echo B)" >>"$dataset"
done
# llama-finetune cuts its text into SEQ-token windows at a stride of SEQ/2 and holds back 5% for validation:
# enough text for at least SEQS training windows; the windows it trained on are read from its progress bar.
words $(( (SEQS * 2 + 8) * SEQ / 2 )) 1 >"$work/finetune.txt"

peak_kib() { awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$1"; }

run_ours() { # <label> <model>
    local label="$1" model="$2"
    bench_log "JudgeApi.Training ($label base): $SEQS sequences x $SEQ tokens, r=$RANK, $BENCH_THREADS threads"
    /usr/bin/time -v -o "$work/ours-$label.time" dotnet "$host" train --model "$model" --dataset "$dataset" \
        --out "$work/adapter-$label.gguf" --rank "$RANK" --alpha 32 --max-sequence-length "$SEQ" --batch-size 1 --epochs 1 \
        --threads "$BENCH_THREADS" >"$work/ours-$label.log" 2>&1
    local tps
    tps="$(sed -n 's/.*(\([0-9.]*\) tokens\/s in the training loop).*/\1/p' "$work/ours-$label.log")"
    [[ -n "$tps" ]] || { cat "$work/ours-$label.log" >&2; bench_log "training failed"; exit 1; }
    echo "$tps $(peak_kib "$work/ours-$label.time")"
}

# Prints "<tokens/s> <peak KiB>" of a llama-finetune run, or nothing when it aborted.
run_finetune() { # <label> <model>
    local label="$1" model="$2"
    bench_log "llama-finetune ($label, full fine-tune, F32): windows of $SEQ tokens, $BENCH_THREADS threads"
    /usr/bin/time -v -o "$work/finetune-$label.time" "$tools/llama-finetune" -m "$model" -f "$work/finetune.txt" \
        -c "$SEQ" -b "$SEQ" -ub "$SEQ" -t "$BENCH_THREADS" --epochs 1 -o "$work/finetuned.gguf" >"$work/finetune-$label.log" 2>&1 || true
    rm -f "$work/finetuned.gguf"
    # The last train progress update: "train: [...] data=<done>/<total> ... t=HH:MM:SS ETA=..."; data counts windows.
    local last windows seconds
    last="$(tr '\r' '\n' <"$work/finetune-$label.log" | grep '^train: ' | tail -n 1 || true)"
    windows="$(sed -n 's/.*data=0*\([0-9][0-9]*\)\/.*/\1/p' <<<"$last")"
    seconds="$(sed -n 's/.*t=\([0-9]*\):\([0-9]*\):\([0-9]*\) .*/\1 \2 \3/p' <<<"$last" | awk '{ print $1 * 3600 + $2 * 60 + $3 }')"
    if [[ -z "$windows" || -z "$seconds" || "$seconds" -eq 0 ]] || grep -q GGML_ASSERT "$work/finetune-$label.log"; then
        bench_log "llama-finetune did not finish on $label: $(grep -m1 -o 'GGML_ASSERT.*' "$work/finetune-$label.log" || echo 'no progress')"
        return 0
    fi
    echo "$(awk -v w="$windows" -v s="$seconds" -v n="$SEQ" 'BEGIN { printf "%.1f", w * n / s }') $(peak_kib "$work/finetune-$label.time")"
}

row() { printf '%-44s %12.1f %14.1f\n' "$1" "$2" "$(awk -v k="$3" 'BEGIN { print k / 1024 }')"; }

report="$results/train.txt"
printf '%-44s %12s %14s\n' "trainer (model)" "tokens/s" "peak RSS MiB" | tee "$report"
for preset in smollm2-135m tiny; do
    model_f32="$(make_bench_model "$preset" f32)"
    model_q8="$(make_bench_model "$preset" q8_0)"
    read -r ft_tps ft_kib < <(run_finetune "$preset" "$model_f32"; echo)
    if [[ -z "$ft_tps" && "$preset" != tiny ]]; then
        # ours on the requested preset for the record, then the comparison on a model both can train
        read -r tps kib < <(run_ours "$preset-f32" "$model_f32"); row "JudgeApi LoRA r=$RANK, F32 base ($preset)" "$tps" "$kib" | tee -a "$report"
        read -r tps kib < <(run_ours "$preset-q8_0" "$model_q8"); row "JudgeApi LoRA r=$RANK, Q8_0 base ($preset)" "$tps" "$kib" | tee -a "$report"
        echo "llama-finetune aborted on $preset (see $work/finetune-$preset.log); comparing on tiny" | tee -a "$report"
        continue
    fi
    read -r ours_f32_tps ours_f32_kib < <(run_ours "$preset-f32" "$model_f32")
    read -r ours_q8_tps ours_q8_kib < <(run_ours "$preset-q8_0" "$model_q8")
    {
        row "JudgeApi LoRA r=$RANK, F32 base ($preset)" "$ours_f32_tps" "$ours_f32_kib"
        row "JudgeApi LoRA r=$RANK, Q8_0 base ($preset)" "$ours_q8_tps" "$ours_q8_kib"
        row "llama-finetune full, F32 ($preset)" "$ft_tps" "$ft_kib"
        echo "($SEQS x $SEQ-token sequences each; $BENCH_THREADS threads)"
        awk -v a="$ours_q8_tps" -v b="$ft_tps" -v c="$ours_q8_kib" -v d="$ft_kib" \
            'BEGIN { printf "train tps_ratio=%.2f mem_ratio=%.2f\n", a / b, c / d }'
    } | tee -a "$report"
    exit 0
done
