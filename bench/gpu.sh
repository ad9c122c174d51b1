#!/usr/bin/env bash
# Serving and training speed on a GPU, on a generated model of Llama 3 8B's shape (issue 11 item 12).
#
# The GPU machine has CUDA 13 and cmake but no .NET, and only 64 MiB of the tree travel to it, so the work is split:
#   bench/gpu.sh prepare   here (needs .NET): publishes bench/JudgeApi.GpuBench self-contained and copies the llama.cpp
#                          source bundle into bench/gpu-carry/ (git-ignored, about 60 MiB); prints how to run the rest
#   bench/gpu.sh           there, with bench/gpu-carry carried: builds llama.cpp with CUDA from the bundle, writes the
#                          8B-shaped model (F16, 16 GB), serves it through our binding (pp512, tg128) and trains a LoRA
#                          adapter on it with our trainer on the GPU, with and without activation checkpointing; one
#                          line per step, then `gpu serve_pp512_tps=… serve_tg128_tps=… train_tps=… train_ckpt_tps=…`
#   bench/gpu.sh dry-run   here: the same steps on the CPU at reduced size (tiny preset, a CPU build of the same
#                          source from bench/lib.sh's cache), to check the script and the published tool
# Every step is bounded (GPU_BENCH_BUILD_S, _GEN_S, _SERVE_S, _TRAIN_S) so the whole stays within 10 minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CARRY=bench/gpu-carry
WORK="${GPU_BENCH_WORK:-/tmp/judgeapi-gpu}"
log() { printf '[gpu %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

prepare() {
    rm -rf "$CARRY" && mkdir -p "$CARRY"
    dotnet publish bench/JudgeApi.GpuBench -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true \
        -p:TreatWarningsAsErrors=false -nologo -v quiet -o "$CARRY/app" >&2
    cp node_modules/node-llama-cpp/llama/gitRelease.bundle "$CARRY/llama.cpp.bundle"
    log "prepared $(du -sh "$CARRY" | cut -f1) in $CARRY; on the GPU machine: run(command=\"bench/gpu.sh\", carry=[\"$CARRY\"], timeout_s=600)"
}

# Runs a step under a time limit and keeps its summary line (the last line starting with the step's name).
step() {
    local name=$1 limit=$2
    shift 2
    local started=$SECONDS out
    out="$(timeout "$limit" "$@" 2>"$WORK/$name.err")" || { log "$name failed or ran past ${limit}s; the end of its log:"; tail -20 "$WORK/$name.err" >&2; exit 1; }
    printf '%s\n' "$out" | grep "^${name%%-*} " | tail -1
    log "$name took $((SECONDS - started))s"
}

# Builds llama.cpp's shared libraries from the bundle: with CUDA (one architecture, no FlashAttention kernels, which
# halves the build) unless a CPU build is given, and names them as the binding loads them.
build_natives() {
    local backend=$1 natives="$WORK/natives"
    mkdir -p "$natives"
    if [[ "$backend" == Cuda ]]; then
        [[ -d "$WORK/llama.cpp" ]] || git clone -q "$CARRY/llama.cpp.bundle" "$WORK/llama.cpp"
        if [[ ! -f "$WORK/build/bin/libllama.so" ]]; then
            log "building llama.cpp with CUDA (log: $WORK/build.log)"
            timeout "${GPU_BENCH_BUILD_S:-360}" bash -c "cmake -S '$WORK/llama.cpp' -B '$WORK/build' -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
                -DGGML_CUDA=ON -DGGML_CUDA_FA=OFF -DCMAKE_CUDA_ARCHITECTURES=native -DGGML_NATIVE=ON -DGGML_OPENMP=OFF \
                -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_OPENSSL=OFF \
                && cmake --build '$WORK/build' --target llama -j $(nproc)" >"$WORK/build.log" 2>&1 \
                || { log "the llama.cpp build failed or ran past ${GPU_BENCH_BUILD_S:-360}s:"; tail -30 "$WORK/build.log" >&2; exit 1; }
        fi
        BIN="$WORK/build/bin"
        ln -sfn "$BIN/libllama.so" "$natives/libllama.cuda.v0.5.0.so"
        ln -sfn "$BIN/libggml.so" "$natives/libggml.cuda.v0.5.0.so"
        cp "$WORK/llama.cpp/models/ggml-vocab-llama-bpe.gguf" "$APP/vocab/"
    else
        # shellcheck source=bench/lib.sh
        source bench/lib.sh
        BIN="$(build_llama_tools)"
        ln -sfn "$BIN/libllama.so" "$natives/libllama.v0.5.0.so"
        ln -sfn "$BIN/libggml.so" "$natives/libggml.v0.5.0.so"
        cp .cache/llama.cpp/models/ggml-vocab-gpt-2.gguf "$APP/vocab/"
    fi
    ln -sfn "$BIN/libggml-base.so" "$natives/libggml-base.so"
    export LD_LIBRARY_PATH="$BIN${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    NATIVES="$natives"
}

run() {
    local backend=$1 preset=$2 threads=$3 steps=$4 tokens=$5
    [[ -x "$CARRY/app/JudgeApi.GpuBench" && -f "$CARRY/llama.cpp.bundle" ]] || { log "$CARRY is missing: run 'bench/gpu.sh prepare' where .NET is, and carry $CARRY"; exit 2; }
    mkdir -p "$WORK"
    APP="$WORK/app"
    rm -rf "$APP" && cp -r "$CARRY/app" "$APP" && mkdir -p "$APP/vocab"
    [[ "$backend" == Cuda ]] && { nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2 || true; }
    build_natives "$backend"
    local tool="$APP/JudgeApi.GpuBench" model="$WORK/$preset-f16.gguf" common=(--natives "$NATIVES" --backend "$backend")
    [[ -f "$model" ]] || step gen "${GPU_BENCH_GEN_S:-150}" "$tool" gen "${common[@]}" --model "$model" --preset "$preset" --type f16
    local serve train ckpt
    serve="$(step serve "${GPU_BENCH_SERVE_S:-90}" "$tool" serve "${common[@]}" --model "$model" --threads "$threads")"
    train="$(step train "${GPU_BENCH_TRAIN_S:-100}" "$tool" train "${common[@]}" --model "$model" --threads "$threads" --steps "$steps" --tokens "$tokens")"
    ckpt="$(step train-ckpt "${GPU_BENCH_TRAIN_S:-100}" "$tool" train "${common[@]}" --model "$model" --threads "$threads" --steps "$steps" --tokens "$tokens" --activation-checkpointing)"
    printf '%s\n%s\n%s\n' "$serve" "$train" "$ckpt"
    field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }
    echo "gpu backend=$backend preset=$preset serve_pp512_tps=$(field pp512_tps "$serve") serve_tg128_tps=$(field tg128_tps "$serve")" \
         "train_tps=$(field tps "$train") train_ckpt_tps=$(field tps "$ckpt") train_compute_mib=$(field compute_mib "$train")" \
         "train_ckpt_compute_mib=$(field compute_mib "$ckpt")"
}

case "${1:-}" in
    prepare) prepare ;;
    dry-run) run Cpu tiny 1 2 128 ;;
    "") run Cuda llama3-8b "$(nproc)" 4 512 ;;
    *) echo "usage: bench/gpu.sh [prepare|dry-run]" >&2; exit 2 ;;
esac
