#!/usr/bin/env bash
# Installs whatever Debian packages from deploy/packages/*.txt are missing; a no-op (no apt-get update) when all are present.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pkgdir=$(cd "$here/../packages" && pwd)

# Lists to read; the default covers everything a developer or CI needs locally.
lists=("$pkgdir/build.txt" "$pkgdir/runtime.txt" "$pkgdir/test.txt")
if [ "$#" -gt 0 ]; then
    lists=()
    for name in "$@"; do lists+=("$pkgdir/$name.txt"); done
fi

# Strip comments and blank space so the lists can be documented inline.
read_list() {
    sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$1"
}

wanted=()
for f in "${lists[@]}"; do
    [ -f "$f" ] || { echo "deps: no such package list: $f" >&2; exit 2; }
    while IFS= read -r p; do wanted+=("$p"); done < <(read_list "$f")
done

missing=()
for p in "${wanted[@]}"; do
    # Java and Maven may come from outside apt (SDKMAN, a tarball, a CI image);
    # a working command on PATH is what the stack needs, not the Debian package.
    case "$p" in
        openjdk-*-jre-headless|openjdk-*-jdk-headless|openjdk-*-jre|openjdk-*-jdk)
            command -v java >/dev/null 2>&1 && continue ;;
        maven)
            command -v mvn >/dev/null 2>&1 && continue ;;
    esac
    # "install ok installed" is the only state where the package is really usable;
    # removed-but-config-files ("rc") must count as missing.
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        # Avoid duplicates when a package appears in several lists.
        case " ${missing[*]:-} " in *" $p "*) ;; *) missing+=("$p") ;; esac
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "deps: all present"
    exit 0
fi

echo "deps: installing: ${missing[*]}"

# Root installs directly; otherwise fall back to sudo, and fail loudly rather than half-work.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        as_root=(sudo)
    else
        echo "deps: not root and sudo is not available; install these as root: ${missing[*]}" >&2
        exit 1
    fi
fi

"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
echo "deps: done"
