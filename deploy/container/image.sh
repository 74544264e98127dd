#!/usr/bin/env bash
# Builds and runs the newsworker image with podman, no Docker engine or registry needed: image.sh base|build|podman ARGS...|clean.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat >&2 <<USAGE
usage: deploy/container/image.sh COMMAND
  base            make the Debian $NWC_SUITE minbase image $NWC_BASE_IMAGE (debootstrap, cached)
  build [ARGS]    build the Dockerfile into $NWC_IMAGE on that base (extra podman build ARGS)
  podman ARGS     run podman with the project's image storage ($NW_CONTAINER_CACHE)
  clean           remove the cached base tarball and image storage
USAGE
    exit 2
}

[ "$#" -ge 1 ] || usage
cmd=$1; shift
case "$cmd" in
    base)   nwc_base_image ;;
    build)  nwc_build "$@" ;;
    podman) nwc_podman "$@" ;;
    clean)
        nwc_podman system reset -f >/dev/null 2>&1 || true
        rm -rf "$NW_CONTAINER_CACHE"
        ;;
    *) usage ;;
esac
