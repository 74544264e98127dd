# Bash library for building and running the newsworker image with podman and no Docker engine or registry; sourced by image.sh and tests/container/.
# shellcheck shell=bash
#
# Why it looks like this: no image registry is reachable here, so the base image is made
# from Debian's own packages (debootstrap --variant=minbase bookworm, the release the tests
# and deploy/packages/ use) and imported into a private podman storage. That storage and the
# base tarball live under $NW_CONTAINER_CACHE (git-ignored by default) so a CI machine can
# cache one directory and warm builds reuse every layer.
#
# Conventions as in deploy/local/lib.sh: functions return non-zero instead of exiting,
# messages go to stderr.

NWC_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NWC_ROOT=$(cd "$NWC_LIB_DIR/../.." && pwd)
NWC_SUITE=${NWC_SUITE:-bookworm}
NWC_MIRROR=${NWC_MIRROR:-http://deb.debian.org/debian}
NW_CONTAINER_CACHE=${NW_CONTAINER_CACHE:-${NW_CACHE_DIR:-$NWC_ROOT/deploy/local/.cache}/container}
NWC_BASE_IMAGE=${NWC_BASE_IMAGE:-localhost/newsworker-base:$NWC_SUITE}
NWC_IMAGE=${NWC_IMAGE:-localhost/newsworker:dev}

nwc__say() { printf '%s\n' "$*" >&2; }
nwc__now_ms() { date +%s%3N; }
nwc__secs() { local ms=$1; printf '%d.%d s' $(( ms / 1000 )) $(( ms % 1000 / 100 )); }

# The run root (container state, mounts) goes to /run, which a reboot empties, as podman
# expects; only the image storage is cached. One run root per cache directory.
NWC_RUNROOT=${NWC_RUNROOT:-/run/newsworker-podman/$(printf '%s' "$NW_CONTAINER_CACHE" | cksum | cut -d' ' -f1)}

# podman with this project's storage and the settings that work in a plain root shell
# without systemd: cgroupfs (no systemd to ask for cgroups), events in a file (no
# journald), runc (crun fails here), and the default netavark/CNI left unused because
# every container runs with --network=host. A CI runner whose own root is an overlay (a
# container) can set NWC_STORAGE_DRIVER=vfs, slower but it works anywhere.
nwc_podman() {
    mkdir -p "$NW_CONTAINER_CACHE/storage" "$NWC_RUNROOT" "$NW_CONTAINER_CACHE/tmp" || return 1
    TMPDIR="$NW_CONTAINER_CACHE/tmp" podman \
        --root "$NW_CONTAINER_CACHE/storage" \
        --runroot "$NWC_RUNROOT" \
        --storage-driver "${NWC_STORAGE_DRIVER:-overlay}" \
        --cgroup-manager cgroupfs \
        --events-backend file \
        --runtime "${NWC_RUNTIME:-runc}" \
        "$@"
}

nwc__need_tools() {
    local t missing=""
    for t in podman runc debootstrap; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
    done
    if [ -n "$missing" ]; then
        nwc__say "container: missing:$missing (run deploy/local/deps.sh, they are in deploy/packages/test.txt)"
        return 1
    fi
}

# The base tarball: a minbase bookworm root file system with the same apt sources as
# Docker Hub's debian:bookworm-slim (updates and security too), so `apt-get install` in
# the Dockerfile gets the same package versions as deploy/local/deps.sh on the host.
# Cached; NWC_REFRESH_BASE=1 rebuilds it (e.g. weekly in CI, for security updates).
nwc_base_tarball() {
    local tar="$NW_CONTAINER_CACHE/$NWC_SUITE-minbase.tar" dir t0
    nwc__need_tools || return 1
    mkdir -p "$NW_CONTAINER_CACHE" || return 1
    if [ -s "$tar" ] && [ "${NWC_REFRESH_BASE:-0}" != "1" ]; then
        printf '%s' "$tar"
        return 0
    fi
    t0=$(nwc__now_ms)
    dir=$(mktemp -d "$NW_CONTAINER_CACHE/rootfs.XXXXXX") || return 1
    nwc__say "container: debootstrap --variant=minbase $NWC_SUITE from $NWC_MIRROR (once per cache)"
    if ! debootstrap --variant=minbase "$NWC_SUITE" "$dir" "$NWC_MIRROR" \
            >"$NW_CONTAINER_CACHE/debootstrap.log" 2>&1; then
        nwc__say "container: debootstrap failed; last lines of $NW_CONTAINER_CACHE/debootstrap.log:"
        tail -n 30 "$NW_CONTAINER_CACHE/debootstrap.log" >&2
        rm -rf "$dir"
        return 1
    fi
    rm -f "$dir/etc/apt/sources.list"
    cat >"$dir/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $NWC_MIRROR
Suites: $NWC_SUITE $NWC_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${NWC_MIRROR%/debian}/debian-security
Suites: $NWC_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    # As in the official slim images: no apt caches or package lists in the layer.
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/var/log/*.log
    # Write to a temporary name first: an interrupted run must not leave a truncated cache.
    if ! tar --numeric-owner --xattrs -C "$dir" -cf "$tar.part" .; then
        rm -rf "$dir" "$tar.part"
        return 1
    fi
    mv "$tar.part" "$tar"
    rm -rf "$dir"
    nwc__say "container: base tarball $tar ready in $(nwc__secs $(( $(nwc__now_ms) - t0 )))"
    printf '%s' "$tar"
}

# Imports the base tarball as $NWC_BASE_IMAGE unless the storage already has it. Under a
# lock: two test runs sharing the cache must not debootstrap into the same tarball at once.
nwc_base_image() {
    local tar t0 rc=0
    nwc__need_tools || return 1
    mkdir -p "$NW_CONTAINER_CACHE" || return 1
    exec {nwc_lock_fd}>"$NW_CONTAINER_CACHE/.base.lock" || return 1
    if ! flock -w 900 "$nwc_lock_fd"; then
        nwc__say "container: timed out waiting for $NW_CONTAINER_CACHE/.base.lock"
        exec {nwc_lock_fd}>&-
        return 1
    fi
    if [ "${NWC_REFRESH_BASE:-0}" = "1" ] || ! nwc_podman image exists "$NWC_BASE_IMAGE" 2>/dev/null; then
        if tar=$(nwc_base_tarball); then
            t0=$(nwc__now_ms)
            if nwc_podman import --change 'CMD ["/bin/bash"]' "$tar" "$NWC_BASE_IMAGE" >/dev/null; then
                nwc__say "container: imported $NWC_BASE_IMAGE in $(nwc__secs $(( $(nwc__now_ms) - t0 )))"
            else
                nwc__say "container: podman import of $tar failed"; rc=1
            fi
        else
            rc=1
        fi
    fi
    exec {nwc_lock_fd}>&-
    return "$rc"
}

# Assembles a build context under $NW_CONTAINER_CACHE: the files git would have in a
# clone (tracked plus new, not ignored) from the working tree by default, or the tree of a
# git revision with NWC_SOURCE=<rev> (e.g. HEAD), to build what is committed while the
# working tree is mid-edit. Build trees and this very cache never enter the context.
nwc_context() {
    local ctx
    # One directory per build: concurrent builds from one cache must not share a context.
    mkdir -p "$NW_CONTAINER_CACHE" || return 1
    ctx=$(mktemp -d "$NW_CONTAINER_CACHE/context.XXXXXX") || return 1
    if [ -n "${NWC_SOURCE:-}" ]; then
        git -C "$NWC_ROOT" archive --format=tar "$NWC_SOURCE" | tar -C "$ctx" -xf - || {
            nwc__say "container: git archive $NWC_SOURCE failed"; return 1; }
    else
        # Deleted-but-tracked files are listed by ls-files too; skip what is not there.
        (cd "$NWC_ROOT" && git ls-files -z --cached --others --exclude-standard \
            | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
            | tar --null -T - -cf -) | tar -C "$ctx" -xf - || {
            nwc__say "container: copying the build context failed"; return 1; }
    fi
    printf '%s' "$ctx"
}

# Builds the project's Dockerfile on the debootstrapped base. --format docker keeps the
# HEALTHCHECK (the OCI image format has no field for it); chroot isolation is what works
# without a container engine here; layers are cached in the private storage.
nwc_build() {
    local t0 ms rc ctx version
    nwc_base_image || return 1
    ctx=$(nwc_context) || return 1
    # The image's version label comes from the same place as the binary's (project()).
    version=$(sed -n 's/^project(newsworker VERSION \([0-9.]*\).*/\1/p' "$ctx/CMakeLists.txt")
    t0=$(nwc__now_ms)
    nwc__say "container: building $NWC_IMAGE (version ${version:-?}) from ${NWC_SOURCE:-the working tree} on $NWC_BASE_IMAGE"
    # The build stage is built and tagged first (${NWC_IMAGE}-build): a tagged stage keeps
    # its layers, so the prune below can drop every other untagged image and the cache holds
    # exactly the layers of the latest build. The second build reuses them all.
    nwc_podman build --isolation=chroot --network=host --format docker --layers \
        --build-arg "BASE=$NWC_BASE_IMAGE" --build-arg "VERSION=${version:-0.0.0}" \
        --target build -t "${NWC_IMAGE}-build" -f "$ctx/Dockerfile" "$ctx" "$@" \
    && nwc_podman build --isolation=chroot --network=host --format docker --layers \
        --build-arg "BASE=$NWC_BASE_IMAGE" --build-arg "VERSION=${version:-0.0.0}" \
        -t "$NWC_IMAGE" -f "$ctx/Dockerfile" "$ctx" "$@"
    rc=$?
    rm -rf "$ctx"
    ms=$(( $(nwc__now_ms) - t0 ))
    if [ "$rc" -ne 0 ]; then
        nwc__say "container: podman build failed (exit $rc) after $(nwc__secs "$ms")"
        return 1
    fi
    nwc__say "container: built $NWC_IMAGE in $(nwc__secs "$ms")"
    nwc_podman image prune -f >/dev/null 2>&1 || true
}
