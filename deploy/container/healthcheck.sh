#!/bin/bash
# The image's HEALTHCHECK: GET /healthz on the worker's own port with bash alone (the runtime image has no curl).
# Reads the same environment as the worker; a port set only in a config file must also be
# given as NEWSWORKER_HTTP_PORT for this check. Exit 0 healthy, 1 not.
set -u
port=${NEWSWORKER_HTTP_PORT:-8080}
addr=${NEWSWORKER_HTTP_ADDRESS:-0.0.0.0}
# A wildcard bind is reachable on loopback inside the container's network namespace.
case "$addr" in ""|0.0.0.0|::|"[::]") addr=127.0.0.1 ;; esac
if ! exec 3<>"/dev/tcp/$addr/$port"; then
    echo "healthcheck: cannot connect to $addr:$port"
    exit 1
fi
printf 'GET /healthz HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$addr" >&3
status=""
IFS= read -r -t 5 status <&3 || true
case "$status" in
    "HTTP/1."?" 200 "*) exit 0 ;;
esac
echo "healthcheck: /healthz answered: ${status%$'\r'}"
exit 1
