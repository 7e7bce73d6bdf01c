#!/bin/bash
# build-initramfs-arm64.sh - the arm64 variant of build-initramfs.sh: the GPIO VM test's initramfs around a linux-arm64
# edgetrader Native AOT binary, assembled on x86_64.
#
# Usage: build-initramfs-arm64.sh PATH/TO/edgetrader     (a linux-arm64 binary: ./build-aot.sh --rid linux-arm64)
# Env:   EDGETRADER_VM_WORK (default <repo>/.vm-arm64; must hold setup-host-arm64.sh's output),
#        EDGETRADER_ARM64_ROOT (the arm64 library root of scripts/arm64-root.sh)
# Output: $WORK/initramfs.cpio.gz with busybox-static:arm64, /init, /checks.sh and the configs (the same files as the
#         x86 VM's), configfs.ko + gpio-sim.ko, gpiotool (static, aarch64-linux-gnu-gcc-12), /bin/edgetrader and the
#         arm64 libraries it needs: its NEEDED entries plus the ones it dlopens (libzmq, OpenSSL), with
#         their NEEDED closure read by readelf from the library root (the host's ldd cannot run arm64 binaries).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${EDGETRADER_VM_WORK:-$REPO/.vm-arm64}
BIN=${1:?usage: build-initramfs-arm64.sh PATH/TO/edgetrader}
[ -f "$BIN" ] || { echo "initramfs-arm64: $BIN not found" >&2; exit 1; }
readelf -h "$BIN" | grep -qE 'Machine: +AArch64' || { echo "initramfs-arm64: $BIN is not an aarch64 executable" >&2; exit 1; }
LIBROOT=$("$REPO/scripts/arm64-root.sh")
R="$WORK/initramfs-root"
rm -rf "$R" && mkdir -p "$R"/{bin,dev,proc,sys,tmp,run,etc,lib/modules}

install -m 0755 "$WORK/busybox" "$R/bin/busybox"
install -m 0755 "$HERE/init" "$R/init"
install -m 0755 "$HERE/checks.sh" "$R/checks.sh"
install -m 0644 "$HERE"/et-*.json "$R/etc/"
cp "$WORK/mod/configfs.ko" "$WORK/mod/gpio-sim.ko" "$R/lib/modules/"
aarch64-linux-gnu-gcc-12 -O2 -Wall -static -o "$R/bin/gpiotool" "$HERE/gpiotool.c"
aarch64-linux-gnu-strip "$R/bin/gpiotool"
cp -L "$BIN" "$R/bin/edgetrader"
aarch64-linux-gnu-strip "$R/bin/edgetrader" 2>/dev/null || true

find_lib() {   # soname -> its path inside the library root (Debian's arm64 library directories)
  local d
  for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib; do
    if [ -e "$LIBROOT/$d/$1" ]; then echo "/$d/$1"; return 0; fi
  done
  return 1
}
copy_lib() {   # a library of the root to the same path inside, plus what it links against
  local f=$1 dep p
  [ -e "$R$f" ] && return 0
  mkdir -p "$R$(dirname "$f")"
  cp -L "$LIBROOT$f" "$R$f"
  for dep in $(readelf -d "$LIBROOT$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    p=$(find_lib "$dep") || { echo "initramfs-arm64: $dep (needed by $f) is not in $LIBROOT" >&2; exit 1; }
    copy_lib "$p"
  done
}
copy_lib /lib/ld-linux-aarch64.so.1
for dep in $(readelf -d "$BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  p=$(find_lib "$dep") || { echo "initramfs-arm64: $dep (needed by edgetrader) is not in $LIBROOT" >&2; exit 1; }
  copy_lib "$p"
done
# Loaded with dlopen by the transports (not in NEEDED).
for so in libzmq.so.5 libssl.so.3 libcrypto.so.3; do
  p=$(find_lib "$so") || { echo "initramfs-arm64: $so is not in $LIBROOT" >&2; exit 1; }
  copy_lib "$p"
done

(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -6 > "$WORK/initramfs.cpio.gz")
echo "initramfs-arm64: $WORK/initramfs.cpio.gz ($(( $(stat -c %s "$WORK/initramfs.cpio.gz") / 1024 )) KiB, $(du -sk "$R" | cut -f1) KiB unpacked)"
