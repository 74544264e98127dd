#!/usr/bin/env bash
# Configures and builds newsworker into build/ (or $1), warnings as errors; extra args go to cmake.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$dir" -DNW_WERROR=ON "$@" >/dev/null
# the log without progress lines; a failed build (any target, tests included) fails this script
status=0
cmake --build "$dir" -j"$(nproc)" >"$dir/build.log" 2>&1 || status=$?
grep -vE '^\[ *[0-9]+%\]' "$dir/build.log" || true
[ "$status" -eq 0 ] || exit "$status"
test -x "$dir/newsworker"
