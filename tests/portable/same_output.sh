#!/usr/bin/env bash
# same_output.sh -- the core with its SIMD fast paths and the core built with NW_SWAR_ONLY
# must print the same for every input: the bundled samples, the fuzz corpora and regressions.
set -euo pipefail
fast=$1 portable=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

inputs=("$root"/schemas/examples "$root"/tests/fuzz/regressions "$root"/tests/fuzz/corpus/*/)
# the runner's last line names the binary: left out of the comparison
"$fast" "${inputs[@]}" | grep -v ': replayed ' >"$tmp/fast.txt"
"$portable" "${inputs[@]}" | grep -v ': replayed ' >"$tmp/portable.txt"
[ -s "$tmp/fast.txt" ] || { echo "FAIL: no output" >&2; exit 1; }
if ! cmp -s "$tmp/fast.txt" "$tmp/portable.txt"; then
        echo "FAIL: the portable paths print otherwise than the fast ones:" >&2
        diff "$tmp/fast.txt" "$tmp/portable.txt" | cut -c1-300 | head -40 >&2
        exit 1
fi
echo "same output: $(grep -c '^== input' "$tmp/fast.txt") inputs, $(wc -l <"$tmp/fast.txt") lines"
