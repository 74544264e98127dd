#!/usr/bin/env bash
# The benchmark (issue 7): core per-stage throughput, `newsworker process`, and end to end
# against the real Kafka and Redis with a plain kcat copy as the floor, in one table.
#
# usage: tests/bench/bench.sh [--items N] [--runs R] [--lat-items M] [--lat-rate R/s]
#                             [--history S] [--no-core] [--no-e2e] [--keep]
#   --items N      items produced to the raw topic for the end-to-end part (default 50000)
#   --runs R       core repetitions, best of (default 3)
#   --lat-items M, --lat-rate R   the paced latency phase (default 2000 items at 200/s)
#   --history S    seed Redis's two older band buckets with S stories each, as a deployment
#                  older than half the TTL has them (default 100000; 0: a fresh Redis)
#   --no-core      end to end only (the items still come from Reuters when it is there)
#   --no-e2e       core and process only (no Kafka, no Redis)
#   NEWSWORKER_* variables in the environment reach the worker (and are named in the table),
#   e.g. NEWSWORKER_DEDUPE_NEAR=false to see what near-duplicate detection costs
#   --keep         keep the work directory (items, logs, results)
# env: NW_BENCH_BUILD (build directory, default build-bench: other work rebuilds build/),
#      NW_SHARED_DATA (default ../shared/data next to the checkout). A stack whose
#      NW_KAFKA_BOOTSTRAP, NW_REDIS_URL and NW_KAFKA_CLASSPATH are exported and answering is
#      used as it is; otherwise one is started (deploy/local/lib.sh) and stopped on exit.
set -euo pipefail

command_line="tests/bench/bench.sh $*"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
items=50000 runs=3 lat_items=2000 lat_rate=200 history=100000 core=1 e2e=1 keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --items) items=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --lat-items) lat_items=$2; shift 2 ;;
        --lat-rate) lat_rate=$2; shift 2 ;;
        --history) history=$2; shift 2 ;;
        --no-core) core=0; shift ;;
        --no-e2e) e2e=0; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

py=/usr/bin/python3
[ -x "$py" ] || py=python3
say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

build=${NW_BENCH_BUILD:-$root/build-bench}
shared=${NW_SHARED_DATA:-$root/../shared/data}
reuters_gz=$shared/reuters21578/reuters21578.jsonl.gz
work=$(mktemp -d /tmp/nw-bench.XXXXXX)
results=$work/results.txt
started_stack=0

cleanup() {
    local rc=$?
    if [ "$started_stack" = 1 ]; then nw_stack_down "$rc" || true; fi
    if [ "$keep" = 1 ] || [ "$rc" -ne 0 ]; then
        say "work directory kept: $work"
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Always the optimised build: a Debug or sanitizer binary would measure the wrong thing.
say "building $build (Release)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNW_WERROR=ON >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log" >&2; exit 1; }
cmake --build "$build" -j"$(nproc)" --target newsworker bench_core bench_produce >>"$work/cmake.log" 2>&1 ||
    { tail -n 30 "$work/cmake.log" >&2; exit 1; }
worker=$build/newsworker

{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- worker 2>/dev/null || echo '+dirty worker/')"
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$results"

# ---- core and process: Reuters-21578 from ../shared
reuters=""
if [ -r "$reuters_gz" ]; then
    reuters=$work/reuters.jsonl
    gzip -dc "$reuters_gz" >"$reuters"
fi
if [ -n "$reuters" ] && [ "$core" = 0 ]; then
    echo "core_skipped=--no-core" >>"$results"
elif [ -n "$reuters" ]; then
    say "core: bench_core over $(wc -l <"$reuters") Reuters stories, best of $runs"
    "$build/tests/bench_core" --runs "$runs" "$reuters" | tee "$work/core.txt" >&2
    # RESULT core k=v ... -> core_k=v
    grep '^RESULT core ' "$work/core.txt" | cut -d' ' -f3- | tr ' ' '\n' | sed 's/^/core_/' >>"$results"

    say "process: newsworker process over the same file"
    if [ ! -x /usr/bin/time ]; then
        echo "bench.sh: /usr/bin/time is missing: apt-get install time (deploy/packages/test.txt)" >&2
        exit 1
    fi
    /usr/bin/time -v -o "$work/process.time" "$worker" process "$reuters" >"$work/process.out" 2>"$work/process.err"
    awk -v f="$reuters" '
        /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print "process_wall_s=" s }
        /User time/ { u = $NF } /System time/ { sy = $NF }
        /Maximum resident set size/ { print "process_rss_kb=" $NF }
        END { print "process_cpu_s=" u + sy }' "$work/process.time" >>"$results"
    {
        echo "process_articles=$(wc -l <"$reuters")"
        echo "process_in_mb=$(awk -v b="$(stat -c %s "$reuters")" 'BEGIN { printf "%.3f", b / 1e6 }')"
        echo "process_records=$(wc -l <"$work/process.out")"
    } >>"$results"
else
    say "core: $reuters_gz not found; skipping the core and process parts (set NW_SHARED_DATA)"
    echo "core_skipped=no Reuters-21578 at $reuters_gz" >>"$results"
fi

# ---- end to end
if [ "$e2e" = 1 ]; then
    # shellcheck source-path=SCRIPTDIR source=../../deploy/local/lib.sh
    . "$root/deploy/local/lib.sh"
    if [ -n "${NW_KAFKA_BOOTSTRAP:-}" ] && [ -n "${NW_REDIS_URL:-}" ] && [ -n "${NW_KAFKA_CLASSPATH:-}" ] &&
        timeout 10 kcat -L -b "$NW_KAFKA_BOOTSTRAP" -m 5 >/dev/null 2>&1; then
        say "using the running stack at $NW_KAFKA_BOOTSTRAP"
        delete_topics=--delete-topics
    else
        # Other stacks on this machine may hold the default ports: take the first free set.
        if [ -z "${NW_KAFKA_PORT:-}" ]; then
            for set in "16379 19092 19093 19094" "56379 59092 59093 59094" \
                       "57379 57092 57093 57094" "58379 58092 58093 58094"; do
                read -r r k c s <<<"$set"
                if ! nw__port_in_use "$r" && ! nw__port_in_use "$k" && ! nw__port_in_use "$c" &&
                    ! nw__port_in_use "$s"; then
                    export NW_REDIS_PORT=$r NW_KAFKA_PORT=$k NW_KAFKA_CONTROLLER_PORT=$c NW_KAFKA_SASL_PORT=$s
                    break
                fi
            done
        fi
        unset NW_STACK_DIR
        say "starting a stack (Redis ${NW_REDIS_PORT:-16379}, Kafka ${NW_KAFKA_PORT:-19092})"
        started_stack=1
        nw_stack_up || { say "stack start failed"; exit 1; }
        delete_topics=""
    fi
    # bench.py runs Kafka's ConfigCommand from the jars
    [ -n "${NW_KAFKA_LIB:-}" ] || nw_kafka_jars || exit 1
    export NW_KAFKA_BOOTSTRAP NW_REDIS_URL NW_KAFKA_CLASSPATH NW_KAFKA_LIB
    [ -z "${NW_STACK_DIR:-}" ] || export NW_STACK_DIR
    if [ -n "$reuters" ]; then
        "$py" "$here/bench.py" items --out "$work/items.jsonl" --count "$items" --reuters "$reuters"
    else
        "$py" "$here/bench.py" items --out "$work/items.jsonl" --count "$items"
    fi
    "$py" "$here/bench.py" e2e --worker "$worker" --produce "$build/tests/bench_produce" --items "$work/items.jsonl" --results "$results" \
        --workdir "$work" --lat-items "$lat_items" --lat-rate "$lat_rate" --history "$history" $delete_topics
else
    echo "e2e_skipped=--no-e2e" >>"$results"
fi
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$results"

# ---- the table
{
    echo
    echo "newsworker benchmark, $(sed -n 's/^date=//p' "$results"), commit $(sed -n 's/^commit=//p' "$results")"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)"
    echo "command: $command_line"
    echo "worker settings: $("$worker" check-config 2>/dev/null |
        sed -n -E 's/^(worker\.threads|batch\.max_messages|dedupe\.near|kafka\.producer\.linger\.ms) = ([^ ]*).*/\1=\2/p' |
        tr '\n' ' ')(worker.threads=0: one per CPU)"
    if env | grep -q '^NEWSWORKER_'; then
        echo "worker environment: $(env | grep '^NEWSWORKER_' | sort | tr '\n' ' ')"
    fi
    echo "load average at start: $(sed -n 's/^load_start=//p' "$results"), at end: $(sed -n 's/^load_end=//p' "$results")"
    echo
    "$py" "$here/bench.py" table --results "$results"
} | tee "$work/table.md"
