# Shell functions shared by the benchmarks (bench/*.sh source this file).
# Everything built or generated here lives in a cache outside git, keyed so that it is made once:
#   ${JUDGEAPI_CACHE:-$HOME/.cache/judgeapi}/llama-tools/<llama.cpp source commit>/build/bin/   llama.cpp's own tools
#   ${JUDGEAPI_CACHE:-$HOME/.cache/judgeapi}/models/<preset>-<type>.gguf                 generated benchmark models

BENCH_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_CACHE="${JUDGEAPI_CACHE:-$HOME/.cache/judgeapi}"
BENCH_LLAMA_SOURCE="$BENCH_REPO_ROOT/.cache/llama.cpp"
# Benchmarks compare like with like: the same thread count for llama.cpp's tools and for our code.
BENCH_THREADS="${BENCH_THREADS:-2}"
# cpu, or cuda: the service built with -p:LlamaBackend=cuda and every layer on the GPU, llama.cpp's tools built with
# GGML_CUDA and run with -ngl 999 (bench/gpu-judge.sh).
BENCH_BACKEND="${BENCH_BACKEND:-cpu}"
if [[ "$BENCH_BACKEND" == cuda ]]; then
    BENCH_TOOLS_SUFFIX=-cuda BENCH_CMAKE_BACKEND=-DGGML_CUDA=ON BENCH_GPU_LAYERS=999
else
    BENCH_TOOLS_SUFFIX="" BENCH_CMAKE_BACKEND=-DGGML_CUDA=OFF BENCH_GPU_LAYERS=0
fi

bench_log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# The first build of any project fetches the pinned natives and clones the llama.cpp source bundle.
ensure_llama_source() {
    if [[ ! -f "$BENCH_LLAMA_SOURCE/include/llama.h" ]]; then
        bench_log "llama.cpp source missing; building src/JudgeApi.Llama to fetch it"
        dotnet build "$BENCH_REPO_ROOT/src/JudgeApi.Llama" -nologo -v quiet >&2
    fi
}

llama_source_commit() {
    ensure_llama_source
    git -C "$BENCH_LLAMA_SOURCE" rev-parse HEAD
}

# Directory holding llama-bench, llama-batched-bench and llama-finetune built from the bundled source.
llama_tools_dir() {
    echo "$BENCH_CACHE/llama-tools/$(llama_source_commit)$BENCH_TOOLS_SUFFIX/build/bin"
}

# Builds llama.cpp targets from the bundled source once per source commit, into $BENCH_CACHE/<tree>/<commit>/build
# (<commit>-cuda with BENCH_BACKEND=cuda; minutes on 2 cores). A lock keeps helpers that call this at the same time
# from building twice; a marker file written last tells a finished build from an interrupted one. Prints the bin
# directory.
# Usage: build_llama_tree <tree> "<what, for the log>" "<cmake flags>" <target>...
build_llama_tree() {
    local tree="$1" what="$2" flags="$3" commit root
    shift 3
    commit="$(llama_source_commit)"
    root="$BENCH_CACHE/$tree/$commit$BENCH_TOOLS_SUFFIX"
    mkdir -p "$root"
    (
        flock 9
        if [[ -f "$root/.complete" ]]; then exit 0; fi
        bench_log "building $what ($commit) in $root (log: $root/build.log)"
        {
            # No HTTPS downloads, no tests or apps. OpenMP off because the pinned natives we benchmark against are
            # built without it (ggml's own thread pool): both sides then share one threading model.
            # shellcheck disable=SC2086 # the flags are words
            nice -n 10 cmake -S "$BENCH_LLAMA_SOURCE" -B "$root/build" \
                -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DGGML_OPENMP=OFF "$BENCH_CMAKE_BACKEND" \
                -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_TOOLS=ON $flags &&
            nice -n 10 cmake --build "$root/build" --target "$@" -j "${BENCH_BUILD_JOBS:-2}"
        } >"$root/build.log" 2>&1 || { bench_log "$what build failed; see $root/build.log"; exit 1; }
        touch "$root/.complete"
    ) 9>"$root/.lock" || return 1
    echo "$root/build/bin"
}

# llama.cpp's benchmark and training tools (no server: only what the benchmarks run).
build_llama_tools() {
    build_llama_tree llama-tools "llama.cpp tools" "-DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_EXAMPLES=ON" \
        llama-bench llama-batched-bench llama-finetune
}

# llama-server, an OpenAI-compatible endpoint (e.g. for Judge:Generator:Endpoint, and bench/judge.sh's peer), in its
# own tree; no web UI (nothing downloaded: it serves an empty one).
build_llama_server() {
    build_llama_tree llama-server "llama-server" "-DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF" llama-server
}

# Directory of the pinned natives our binding loads (node_modules, fetched by the first dotnet build).
pinned_natives_dir() {
    ensure_llama_source
    echo "$BENCH_REPO_ROOT/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
}

# Runs one of the built llama.cpp tools on the pinned natives instead of its own build, so that it executes
# exactly the native code our binding executes and a comparison measures only the harness around it.
# The tools need the sonames of their own build (libllama.so.0, …); a directory of links maps those names
# to the pinned files, and the working directory is the natives directory because ggml_backend_load_all()
# looks for the CPU backend variants (libggml-cpu-<arch>.so) there. Pass absolute paths as arguments.
# Usage: run_llama_tool_on_pinned_natives <tool> [args...]
run_llama_tool_on_pinned_natives() {
    local tool="$1" natives tools links
    shift
    natives="$(pinned_natives_dir)"
    tools="$(build_llama_tools)" || return 1
    links="$(dirname "$(dirname "$tools")")/pinned-natives-links"
    mkdir -p "$links"
    ln -sfn "$natives/libllama.v0.5.0.so" "$links/libllama.so.0"
    ln -sfn "$natives/libggml.v0.5.0.so" "$links/libggml.so.0"
    ln -sfn "$natives/libggml-base.so" "$links/libggml-base.so.0"
    ln -sfn "$natives/libllama-common.so" "$links/libllama-common.so.0"
    (cd "$natives" && LD_LIBRARY_PATH="$links:$natives" exec "$tools/$tool" "$@")
}

# Generates a realistic-shape benchmark model (real dimensions, random weights) once and prints its path.
# Usage: make_bench_model [preset=smollm2-135m] [type=q8_0]
make_bench_model() {
    local preset="${1:-smollm2-135m}" type="${2:-q8_0}" out
    out="$BENCH_CACHE/models/$preset-$type.gguf"
    mkdir -p "$BENCH_CACHE/models"
    (
        flock 9
        if [[ -f "$out" ]]; then exit 0; fi
        bench_log "generating benchmark model $preset ($type) at $out"
        nice -n 10 dotnet run --project "$BENCH_REPO_ROOT/src/JudgeApi" -c Release -- \
            create-test-model --preset "$preset" --type "$type" --out "$out" >&2
    ) 9>"$out.lock" || return 1
    echo "$out"
}

# Builds a project under bench/ (kept out of JudgeApi.sln) in Release and prints nothing but errors.
build_bench_project() {
    nice -n 10 dotnet build "$BENCH_REPO_ROOT/bench/$1" -c Release -nologo -v quiet >&2
}

# Builds the service in Release and starts it on a free loopback port, logging to $1; the remaining arguments are
# configuration (--Judge:Key=value …). Waits until /health/ready answers, sets service_url and service_pid, and
# stops the service when the calling script exits.
start_bench_service() {
    local log="$1" port
    shift
    bench_log "building the service (Release)"
    nice -n 10 dotnet build "$BENCH_REPO_ROOT/src/JudgeApi" -c Release -nologo -v quiet -p:LlamaBackend="$BENCH_BACKEND" >&2
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    service_url="http://127.0.0.1:$port"
    bench_log "starting the service on $service_url, $BENCH_THREADS threads: $*"
    dotnet "$BENCH_REPO_ROOT/src/JudgeApi/bin/Release/net10.0/JudgeApi.dll" --urls "$service_url" \
        --Judge:Threads="$BENCH_THREADS" --Judge:Backend="$BENCH_BACKEND" --Judge:GpuLayers="$BENCH_GPU_LAYERS" \
        --Logging:LogLevel:Default=Warning "$@" >"$log" 2>&1 &
    service_pid=$!
    trap 'kill "$service_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 600); do
        curl -sf "$service_url/health/ready" >/dev/null && return 0
        kill -0 "$service_pid" 2>/dev/null || { bench_log "the service exited; see $log"; return 1; }
        sleep 0.5
    done
    bench_log "the service was not ready after 5 minutes; see $log"
    return 1
}
