#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts Redis and Kafka, runs the worker, feeds it
# the bundled samples and prints what comes out; everything started is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

"$root/deploy/local/deps.sh"
echo "== building"
NW_BUILD_LOG=$(mktemp)
if ! "$root/deploy/local/build.sh" >"$NW_BUILD_LOG" 2>&1; then
    cat "$NW_BUILD_LOG"
    exit 1
fi
rm -f "$NW_BUILD_LOG"

# shellcheck source=lib.sh
. "$root/deploy/local/lib.sh"
worker_pid=""
cleanup() {
    local rc=$?
    if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2>/dev/null; then
        kill -TERM "$worker_pid" 2>/dev/null || true
        wait "$worker_pid" 2>/dev/null || true
    fi
    nw_stack_down "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== starting Redis and Kafka"
nw_stack_up

echo "== starting newsworker run (log: $NW_STACK_DIR/worker.log)"
NW_DEMO_HTTP=${NW_DEMO_HTTP_PORT:-18080}
NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS=$NW_KAFKA_BOOTSTRAP NEWSWORKER_REDIS_URL=$NW_REDIS_URL \
    NEWSWORKER_HTTP_ADDRESS=127.0.0.1 NEWSWORKER_HTTP_PORT=$NW_DEMO_HTTP \
    "$root/build/newsworker" run >"$NW_STACK_DIR/worker.log" 2>&1 &
worker_pid=$!

echo "== producing the bundled samples (schemas/examples/) to news.raw"
samples=("$root"/schemas/examples/[0-9][0-9]-*)
for f in "${samples[@]}"; do
    name=$(basename "$f")
    case "$f" in
        *.txt) kcat -P -b "$NW_KAFKA_BOOTSTRAP" -t news.raw -k "$name" -H content-type=text/plain "$f" ;;
        # JSON samples are compacted to one line; the malformed one is sent as its bytes are
        *) { jq -c . "$f" 2>/dev/null || tr -d '\n' <"$f"; } | kcat -P -b "$NW_KAFKA_BOOTSTRAP" -t news.raw -k "$name" ;;
    esac
    echo "   $name"
done

# all but the exact duplicate and the malformed sample become records
expected=$(( ${#samples[@]} - 2 ))
count() { kcat -C -b "$NW_KAFKA_BOOTSTRAP" -t "$1" -o beginning -e -q -f 'x\n' 2>/dev/null | wc -l; }
for _ in $(seq 1 120); do
    [ "$(count news.enriched)" -ge "$expected" ] && [ "$(count news.dlq)" -ge 1 ] && break
    kill -0 "$worker_pid" 2>/dev/null || { echo "newsworker exited early:"; cat "$NW_STACK_DIR/worker.log"; exit 1; }
    sleep 0.5
done

echo
echo "== news.enriched ($(count news.enriched) records; bodies shortened for the screen)"
kcat -C -b "$NW_KAFKA_BOOTSTRAP" -t news.enriched -o beginning -e -q -f '%s\n' |
    jq '.body |= (if length > 240 then .[0:240] + " [...]" else . end)'
echo
echo "== news.dlq ($(count news.dlq) records: original bytes, reason in the headers)"
kcat -C -b "$NW_KAFKA_BOOTSTRAP" -t news.dlq -o beginning -e -q -f 'value: %s\nheaders: %h\n\n'

echo "== /metrics (http://127.0.0.1:$NW_DEMO_HTTP/metrics), the newsworker_ counters"
curl -fsS "http://127.0.0.1:$NW_DEMO_HTTP/metrics" | grep -E '^newsworker_(messages|records|duplicates|dlq|redis_up|partitions|in_flight)' | grep -v ' 0$' || true
echo "readyz: $(curl -sS "http://127.0.0.1:$NW_DEMO_HTTP/readyz")"
echo
echo "== stopping newsworker (SIGTERM)"
kill -TERM "$worker_pid"
rc=0
wait "$worker_pid" || rc=$?
worker_pid=""
grep -h '"stopped:' "$NW_STACK_DIR/worker.log" | jq -r .msg || true
echo "newsworker exit code: $rc"
[ "$rc" -eq 0 ]
