#!/usr/bin/env bash
# The arm64 library root: Debian 12's arm64 glibc, libzmq5 and libssl3 with everything they depend on,
# unpacked into a folder (never installed), plus the arch-independent zmq.h. It is what an arm64
# `edgetrader` needs at run time on this x86_64 machine: `qemu-aarch64 -L ROOT edgetrader ...` (the e2e suite, the
# ABI test, build-aot.sh's --version check) and the libraries of the arm64 VM's initramfs.
#   scripts/arm64-root.sh            prints the root's path (default <repo>/.arm64/root; EDGETRADER_ARM64_ROOT)
# Cached: a second run with an unchanged package set returns at once; FORCE=1 rebuilds. Needs the Debian archive.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${EDGETRADER_ARM64_ROOT:-$REPO/.arm64/root}
export ARM64_APT=${ARM64_APT:-$(dirname "$ROOT")/apt}
# shellcheck source=scripts/lib/arm64-apt.sh
. "$REPO/scripts/lib/arm64-apt.sh"

RUNTIME=(libc6 libzmq5 libssl3)
HEADERS=(libzmq3-dev)   # only its header is taken, not what it depends on

arm64_update >&2
mapfile -t pkgs < <(arm64_closure "${RUNTIME[@]}")
[ ${#pkgs[@]} -gt 0 ] || { echo "arm64-root: cannot resolve ${RUNTIME[*]} for arm64" >&2; exit 1; }
stamp=$(arm64_versions "${pkgs[@]}" "${HEADERS[@]}" | sort)
if [ "${FORCE:-0}" != 1 ] && [ -f "$ROOT/.root.ok" ] && [ "$(cat "$ROOT/.root.ok")" = "$stamp" ]; then
  echo "$ROOT"
  exit 0
fi

debs="$ARM64_APT/debs"
arm64_fetch "$debs" "${pkgs[@]}" "${HEADERS[@]}" >&2
rm -rf "$ROOT.new" && mkdir -p "$ROOT.new"
for p in "${pkgs[@]}"; do dpkg-deb -x "$(arm64_deb "$debs" "$p")" "$ROOT.new"; done
hdr=$(mktemp -d); trap 'rm -rf "$hdr"' EXIT
for p in "${HEADERS[@]}"; do dpkg-deb -x "$(arm64_deb "$debs" "$p")" "$hdr"; done
mkdir -p "$ROOT.new/usr/include"
cp "$hdr/usr/include/zmq.h" "$ROOT.new/usr/include/"
# The dev packages' unversioned .so links are not wanted: only the runtime sonames are on the box.
[ -e "$ROOT.new/lib/ld-linux-aarch64.so.1" ] || { echo "arm64-root: no arm64 loader after unpacking" >&2; exit 1; }
printf '%s\n' "$stamp" > "$ROOT.new/.root.ok"
rm -rf "$ROOT" && mv "$ROOT.new" "$ROOT"
echo "arm64-root: ${#pkgs[@]} packages unpacked into $ROOT ($(du -sh "$ROOT" | cut -f1))" >&2
echo "$ROOT"
