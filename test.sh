#!/usr/bin/env bash
# Every test, on a fresh machine as on a developer's: installs what the tests need when it is missing (Debian
# packages through apt-get; the ecosystem tests' npm packages here; llama.cpp's natives are fetched by the build itself), checks the
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
# The scale-out tests start a private PostgreSQL cluster (initdb, postgres); Debian keeps them off PATH.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
    sudo_cmd=()
    [[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

# The JavaScript tools the ecosystem tests drive (the official openai client, Spectral), from the npm registry at the
# versions tests/ecosystem/package-lock.json pins, into the git-ignored tests/ecosystem/node_modules.
if [[ ! -d tests/ecosystem/node_modules || tests/ecosystem/package-lock.json -nt tests/ecosystem/node_modules ]]; then
    npm ci --prefix tests/ecosystem --ignore-scripts --no-audit --no-fund
fi

# The style .editorconfig describes; `dotnet format` fixes what this reports.
dotnet format JudgeApi.sln --verify-no-changes --severity warn

dotnet test JudgeApi.sln "$@"
