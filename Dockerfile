# JudgeApi service image (CPU). Build:  docker build -t judgeapi .
# Run:   docker run -p 8080:8080 -v $PWD/models:/app/models \
#          -e Judge__ModelPath=/app/models/your-model.gguf -e Auth__ClientKeys__0=change-me judgeapi
# Without any Auth key the service binds to loopback only (by design), so a container is reachable from outside
# only once a key is configured. Without Judge__ModelPath it generates a random-weight demo model (random verdicts).
#
# CUDA variant: the natives come from the pinned @node-llama-cpp/linux-x64-cuda package (natives/cuda) and need the
# host's NVIDIA driver plus the CUDA 13 runtime and cuBLAS in the image:
#   docker build -t judgeapi:cuda --build-arg LLAMA_BACKEND=cuda \
#     --build-arg RUNTIME_IMAGE=<an image with the CUDA 13 runtime, cuBLAS and the ASP.NET Core 10 runtime,
#                                 e.g. nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04 plus aspnetcore-runtime-10.0> .
#   docker run --gpus all -e Judge__Backend=Cuda -e Judge__GpuLayers=999 ... judgeapi:cuda

ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# npm fetches the pinned llama.cpp natives (package-lock.json integrity hashes); git clones the matching source bundle.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm git && rm -rf /var/lib/apt/lists/*
ARG LLAMA_BACKEND=cpu
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
COPY natives/ natives/
RUN npm install --no-save --ignore-scripts --omit=optional --no-audit --no-fund
COPY Directory.Build.props Directory.Packages.props JudgeApi.sln appsettings.json ./
COPY eng/ eng/
COPY src/ src/
RUN dotnet publish src/JudgeApi -c Release -o /app -p:LlamaBackend=${LLAMA_BACKEND}

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /app/models
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
# Probes: GET /health/live (process up) and GET /health/ready (model loaded); both need no key.
ENTRYPOINT ["dotnet", "JudgeApi.dll"]
