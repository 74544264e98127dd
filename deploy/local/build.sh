#!/usr/bin/env bash
# Configures and builds newsworker into build/ (or $1), warnings as errors; extra args go to cmake.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$dir" -DNW_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)" 2>&1 | grep -vE '^\[ *[0-9]+%\]' || true
# grep hides progress lines only; a failed build must still fail this script
test -x "$dir/newsworker"
