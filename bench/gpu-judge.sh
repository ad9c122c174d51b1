#!/usr/bin/env bash
# The judge benchmark on one CUDA GPU (issue 13, item 7): bench/run.sh judge with the service on the CUDA natives and
# every layer offloaded, against llama-server and llama-batched-bench built from the same bundled source with
# GGML_CUDA, all on the same GPU, model, parallelism (32 sequences) and prompts. Prints the judge line.
# Needs a CUDA 13 host with the .NET 10 SDK, npm (the first build fetches @node-llama-cpp/linux-x64-cuda), nvcc and
# CMake. Sized to end within 10 minutes on an H100/H200 with an 8B q4_k model once the tools are built (the first
# CUDA build of llama.cpp takes longer; run it once beforehand with `BENCH_BACKEND=cuda bash -c 'source bench/lib.sh;
# build_llama_tools; build_llama_server'`).
# Usage: bench/gpu-judge.sh MODEL.gguf   (an 8B-shaped q4_k GGUF, e.g. Llama-3.1-8B-Instruct Q4_K_M)
set -euo pipefail
[[ $# -eq 1 && -f "$1" ]] || { echo "usage: bench/gpu-judge.sh MODEL.gguf (an 8B-shaped q4_k model)" >&2; exit 2; }
export BENCH_BACKEND=cuda BENCH_THREADS="${BENCH_THREADS:-4}" BENCH_REQUESTS="${BENCH_REQUESTS:-2}"
exec timeout 600 bash "$(dirname "${BASH_SOURCE[0]}")/run.sh" judge "$(realpath "$1")"
