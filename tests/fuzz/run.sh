#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] -- builds the libFuzzer targets with clang into build-fuzz/ and runs
# each for SECONDS (default 30), printing executions per target; non-zero if any target crashed,
# leaked, timed out or broke an invariant. Crash inputs land in build-fuzz/artifacts/: keep one
# as tests/fuzz/regressions/<target>-<what>.<ext> once the bug is fixed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
secs=${1:-30}
build=${NW_FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=${NW_FUZZ_TARGETS:-"decode normalize html extract pipeline"}

if ! command -v clang >/dev/null; then
    echo "run.sh: clang is not installed (deploy/packages/test.txt lists it)" >&2
    exit 1
fi
echo "== building the fuzz targets (clang, libFuzzer + ASan + UBSan) in $build"
mkdir -p "$build"
CC=clang cmake -S "$root" -B "$build" -DNW_FUZZ=ON -DNW_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/cmake.log" 2>&1 ||
    { cat "$build/cmake.log" >&2; exit 1; }
# shellcheck disable=SC2086 # the target list is meant to split
cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' $targets) >/dev/null

mkdir -p "$build/artifacts"
# leaks fail the input that made them; UB aborts like a crash
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in $targets; do
    # the first directory is libFuzzer's writable corpus (kept between runs, so longer
    # campaigns build on shorter ones); the others are read-only seeds
    work="$build/corpus/$t"
    mkdir -p "$work"
    log="$build/fuzz_$t.log"
    set +e
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
        -dict="$root/tests/fuzz/nw.dict" -artifact_prefix="$build/artifacts/$t-" \
        "$work" "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions" \
        "$root/schemas/examples" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    printf 'fuzz_%-10s %10s executions in %s s (%s/s), corpus %s files, exit %d\n' "$t" \
        "${execs:-?}" "$secs" "${rate:-?}" "$(find "$work" -type f | wc -l)" "$rc"
    if [ "$rc" -ne 0 ]; then
        failed=1
        echo "---- fuzz_$t failed; the end of $log:" >&2
        tail -n 40 "$log" >&2
        ls -1 "$build/artifacts/$t-"* 2>/dev/null >&2 || true
    fi
done
exit "$failed"
