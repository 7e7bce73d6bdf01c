#!/bin/bash
# build-initramfs.sh - assemble the GPIO VM test's initramfs around an edgetrader Native AOT binary.
#
# Usage: build-initramfs.sh PATH/TO/edgetrader
# Env:   EDGETRADER_VM_WORK (default <repo>/.vm; must hold setup-host.sh's output)
# Output: $WORK/initramfs.cpio.gz with busybox, /init, /checks.sh, the configs, configfs.ko + gpio-sim.ko,
#         gpiotool (static C helper), /bin/edgetrader and the shared libraries it needs (ldd, plus the libraries
#         it may dlopen at run time when the host has them: libzmq, OpenSSL).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${EDGETRADER_VM_WORK:-$REPO/.vm}
BIN=${1:?usage: build-initramfs.sh PATH/TO/edgetrader}
[ -x "$BIN" ] || { echo "initramfs: $BIN is not an executable" >&2; exit 1; }
R="$WORK/initramfs-root"
rm -rf "$R" && mkdir -p "$R"/{bin,dev,proc,sys,tmp,run,etc,lib/modules}

cp /bin/busybox "$R/bin/busybox"
install -m 0755 "$HERE/init" "$R/init"
install -m 0755 "$HERE/checks.sh" "$R/checks.sh"
install -m 0644 "$HERE"/et-*.json "$R/etc/"
cp "$WORK/mod/configfs.ko" "$WORK/mod/gpio-sim.ko" "$R/lib/modules/"
gcc -O2 -Wall -static -o "$R/bin/gpiotool" "$HERE/gpiotool.c"
strip "$R/bin/gpiotool"
cp -L "$BIN" "$R/bin/edgetrader"
strip "$R/bin/edgetrader" 2>/dev/null || true

copy_lib() {   # a host library to the same path inside, plus what it links against
  local f=$1 dep
  [ -e "$R$f" ] && return 0
  mkdir -p "$R$(dirname "$f")"
  cp -L "$f" "$R$f"
  for dep in $(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'); do copy_lib "$dep"; done
}
for lib in $(ldd "$BIN" | awk '/=> \//{print $3} /^\t\//{print $1}'); do copy_lib "$lib"; done
# Loaded with dlopen by the transports (not visible to ldd); copied under their sonames when present.
for so in libzmq.so.5 libssl.so.3 libcrypto.so.3; do
  for dir in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu; do
    if [ -e "$dir/$so" ]; then copy_lib "$dir/$so"; break; fi
  done
done

(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -6 > "$WORK/initramfs.cpio.gz")
echo "initramfs: $WORK/initramfs.cpio.gz ($(( $(stat -c %s "$WORK/initramfs.cpio.gz") / 1024 )) KiB, $(du -sk "$R" | cut -f1) KiB unpacked)"
