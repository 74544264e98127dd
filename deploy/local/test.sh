#!/usr/bin/env bash
# The test command: installs what is missing, builds (plain, clang, AddressSanitizer+UBSan), fuzzes
# briefly, starts Redis and Kafka, runs every ctest test (unit and integration in both builds),
# and stops everything; non-zero on failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

"$root/deploy/local/deps.sh"
echo "== building (warnings are errors)"
"$root/deploy/local/build.sh" "$root/build"
if [ "${NW_TEST_CLANG:-1}" = "1" ]; then
    # the code is C11, not GNU C: a second compiler keeps it so (nothing is run from this build)
    echo "== building with clang (warnings are errors)"
    CC=clang "$root/deploy/local/build.sh" "$root/build-clang"
fi
if [ "${NW_TEST_ASAN:-1}" = "1" ]; then
    echo "== building with AddressSanitizer + UBSan"
    "$root/deploy/local/build.sh" "$root/build-asan" -DNW_SANITIZE=address,undefined
fi

# a short libFuzzer run of each core target (clang); a crash, leak or timeout fails the run.
# NW_TEST_FUZZ_SECONDS=0 skips it; tests/fuzz/run.sh 600 is the longer run on demand.
if [ "${NW_TEST_FUZZ_SECONDS:-20}" != "0" ]; then
    echo "== fuzzing, ${NW_TEST_FUZZ_SECONDS:-20} s per target"
    "$root/tests/fuzz/run.sh" "${NW_TEST_FUZZ_SECONDS:-20}"
fi

# shellcheck source=lib.sh
. "$root/deploy/local/lib.sh"
trap 'nw_stack_down $?' EXIT
trap 'exit 130' INT TERM
echo "== starting Redis and Kafka"
nw_stack_up

# the sanitized build's leaks and UB abort the test that hit them
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if [ "${NW_TEST_ASAN:-1}" = "1" ]; then
    # the unit and integration tests under the sanitizers; the fault, dev-set and container
    # runs exercise the same code and run once, below
    echo "== unit and integration tests, AddressSanitizer + UBSan build"
    ctest --test-dir "$root/build-asan" --output-on-failure -L 'unit|integration'
fi

echo "== unit tests under valgrind"
valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    "$root/build/tests/unit/nw_unit_tests" >/dev/null

echo "== container and deployment: the image built with podman and run against the stack"
ctest --test-dir "$root/build" --output-on-failure -L 'container|deploy'

# last, so that the run ends with CUnit's and ctest's summaries
echo "== unit, integration, fault and dev-set tests"
"$root/build/tests/unit/nw_unit_tests" | tail -n 8
ctest --test-dir "$root/build" --output-on-failure -LE 'container|deploy'
