#!/usr/bin/env bash
# Developer/CI front end for the local Redis + Kafka stack: up, down, status, or run a command against a throw-away stack.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

usage() {
    cat >&2 <<'EOF'
usage: stack.sh up                 start a stack, print its env, leave it running
       stack.sh down [STACK_DIR]   stop the stack in STACK_DIR (default: $NW_STACK_DIR)
       stack.sh status [STACK_DIR] show whether its services are running
       stack.sh run -- CMD...      start a stack, run CMD with its env, always stop it;
                                   exits with CMD's status
env:   NW_REDIS_PORT (16379) NW_KAFKA_PORT (19092) NW_KAFKA_CONTROLLER_PORT (19093)
       NW_KEEP_LOGS=1 keeps $NW_STACK_DIR after a successful run
EOF
    exit 2
}

# `down`/`status` address an existing stack; it must never silently create a new one.
use_existing() {
    if [ -n "${1:-}" ]; then export NW_STACK_DIR=$1; fi
    if [ -z "${NW_STACK_DIR:-}" ] || [ ! -f "$NW_STACK_DIR/stack.env" ]; then
        echo "stack.sh: no stack at '${NW_STACK_DIR:-}' (pass its dir or export NW_STACK_DIR)" >&2
        exit 1
    fi
    nw_stack_init
}

cmd=${1:-}
[ -n "$cmd" ] || usage
shift

case "$cmd" in
    up)
        if ! nw_stack_up; then
            nw_stack_down 1
            exit 1
        fi
        # Ready to paste: eval "$(deploy/local/stack.sh up)"
        nw_stack_env
        echo "# stop with: $here/stack.sh down $NW_STACK_DIR" >&2
        ;;
    down)
        use_existing "${1:-}"
        nw_stack_down 0
        ;;
    status)
        use_existing "${1:-}"
        nw_stack_env
        for svc in redis kafka; do
            pid=$(cat "$NW_STACK_DIR/$svc.pid" 2>/dev/null || true)
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                echo "# $svc: running (pid $pid)"
            else
                echo "# $svc: stopped"
            fi
        done
        ;;
    run)
        [ "${1:-}" = "--" ] && shift
        [ "$#" -gt 0 ] || usage
        rc=1
        # One teardown path for every way out; INT/TERM are turned into exits so the EXIT trap runs once.
        trap 'nw_stack_down "$rc"' EXIT
        trap 'rc=130; exit 130' INT
        trap 'rc=143; exit 143' TERM
        nw_stack_up
        set +e
        "$@"
        rc=$?
        set -e
        exit "$rc"
        ;;
    -h|--help|help)
        usage
        ;;
    *)
        usage
        ;;
esac
