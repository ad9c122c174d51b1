#!/usr/bin/env bash
# Every test, on a fresh machine as on a developer's: installs what the tests need when it is missing (Debian
# packages through apt-get; npm packages and llama.cpp's natives are fetched by the build itself), checks the
# formatting, then runs the whole suite. CI (.ci/run) calls exactly this. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests start or drive, by the command that proves each is installed.
declare -A packages=(
    [redis-server]=redis-server   # the Redis judgment-cache tests run a private redis-server
    [chromium]=chromium           # the console's browser tests drive it through Playwright (which downloads no browser)
)
missing=()
for command in "${!packages[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("${packages[$command]}")
done
if ((${#missing[@]})); then
    sudo_cmd=()
    [[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

# The style .editorconfig describes; `dotnet format` fixes what this reports.
dotnet format JudgeApi.sln --verify-no-changes --severity warn

dotnet test JudgeApi.sln "$@"
