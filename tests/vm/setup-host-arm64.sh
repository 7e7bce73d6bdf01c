#!/bin/bash
# setup-host-arm64.sh - the arm64 variant of setup-host.sh: Debian's arm64 kernel and a gpio-sim.ko cross-built for it,
# for the GPIO VM test under qemu-system-aarch64 (-M virt -cpu cortex-a72, TCG) on an x86_64 host.
#
# As on x86, Debian's arm64 kernel is built without CONFIG_GPIO_SIM / CONFIG_IRQ_SIM, so gpio-sim is compiled out of
# tree from Debian's linux-source (the same three files and irq_sim.c patch as setup-host.sh) against the arm64
# headers of the kernel that linux-image-arm64 depends on, with gcc-12-aarch64-linux-gnu (the compiler the headers'
# .kernelvariables names) and the host's linux-kbuild (fixdep, modpost). The arm64 packages (kernel image, headers,
# busybox-static) come from the archive through a private apt state (scripts/lib/arm64-apt.sh: the host's package
# architectures are left alone) and are extracted, never installed; linux-headers-*-arm64 cannot be installed on
# amd64 anyway (it depends on the arm64 linux-kbuild). On arm64 the kernel package's vmlinuz is already a plain Image,
# which QEMU boots directly. Everything lands in $WORK (default <repo>/.vm-arm64, git-ignored); a second run with a
# complete cache returns at once. FORCE=1 rebuilds.
#
# Output in $WORK: kver, Image-$KVER, mod/gpio-sim.ko, mod/configfs.ko, busybox, setup.ok; debs/ keeps the downloads.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${EDGETRADER_VM_WORK:-$REPO/.vm-arm64}
export ARM64_APT=${ARM64_APT:-$REPO/.arm64/apt}
# shellcheck source=scripts/lib/arm64-apt.sh
. "$REPO/scripts/lib/arm64-apt.sh"
mkdir -p "$WORK/debs"
cd "$WORK"

need_tools() {
  for c in qemu-system-aarch64 cpio gzip aarch64-linux-gnu-gcc-12 aarch64-linux-gnu-strip make readelf modinfo; do
    command -v "$c" >/dev/null || return 0
  done
  [ -e /usr/aarch64-linux-gnu/lib/libc.a ] && return 1
  return 0
}

if [ "${FORCE:-0}" != 1 ] && [ -f setup.ok ] && ! need_tools; then
  KVER=$(cat kver)
  if [ -s mod/gpio-sim.ko ] && [ -s mod/configfs.ko ] && [ -s "Image-$KVER" ] && [ -x busybox ]; then
    echo "setup-arm64: cached in $WORK (kernel $KVER)"
    exit 0
  fi
fi

if [ "$(id -u)" != 0 ]; then echo "setup-arm64: must run as root (apt-get install)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root)
arm64_update

# The kernel the linux-image-arm64 metapackage points at today (e.g. linux-image-6.1.0-57-arm64).
KPKG=$(arm64_cache depends linux-image-arm64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || { echo "setup-arm64: cannot resolve linux-image-arm64" >&2; exit 1; }
KVER=${KPKG#linux-image-}
KMAJ=$(echo "$KVER" | cut -d. -f1,2)
KCOMMON="linux-headers-${KVER%-arm64}-common"
echo "setup-arm64: kernel $KPKG, headers linux-headers-$KVER + $KCOMMON, source linux-source-$KMAJ, work dir $WORK"

if [ -z "$(dpkg-query -W -f '${Status}' "linux-kbuild-$KMAJ" 2>/dev/null | grep 'install ok installed')" ] || need_tools; then
  apt-get -q -o DPkg::Lock::Timeout=600 update >/dev/null
  "${APT[@]}" install --no-install-recommends qemu-system-arm cpio gzip kmod make bc gcc-12-aarch64-linux-gnu \
    binutils-aarch64-linux-gnu libc6-dev-arm64-cross "linux-kbuild-$KMAJ" >/dev/null
fi

# Downloads, kept in debs/ (older versions dropped). linux-source (139 MB, Architecture: all) is taken from the x86
# test's cache when it holds the same version.
SV=$(arm64_version "linux-source-$KMAJ")
SDEB="debs/linux-source-${KMAJ}_${SV}_all.deb"
[ -s "$SDEB" ] || [ ! -s "$REPO/.vm/debs/$(basename "$SDEB")" ] || ln -f "$REPO/.vm/debs/$(basename "$SDEB")" "$SDEB" 2>/dev/null \
  || cp "$REPO/.vm/debs/$(basename "$SDEB")" "$SDEB"
arm64_fetch debs "$KPKG" "linux-headers-$KVER" "$KCOMMON" busybox-static "linux-source-$KMAJ"
KDEB=$(arm64_deb debs "$KPKG"); HDEB=$(arm64_deb debs "linux-headers-$KVER"); CDEB=$(arm64_deb debs "$KCOMMON")
BDEB=$(arm64_deb debs busybox-static)
keep=("$KDEB" "$HDEB" "$CDEB" "$BDEB" "$SDEB")
for f in debs/*.deb; do [[ " ${keep[*]} " == *" $f "* ]] || rm -f "$f"; done
kv=$(dpkg-deb -f "$KDEB" Version); hv=$(dpkg-deb -f "$HDEB" Version); sv=$(dpkg-deb -f "$SDEB" Version)
bv=$(dpkg-query -W -f '${Version}' "linux-kbuild-$KMAJ")
echo "setup-arm64: image $kv, headers $hv, source $sv, host kbuild $bv"
[ "$kv" = "$hv" ] || echo "setup-arm64: WARNING kernel image and headers versions differ" >&2
[ "$kv" = "$sv" ] || echo "setup-arm64: WARNING kernel image and linux-source versions differ" >&2
[ "$kv" = "$bv" ] || echo "setup-arm64: WARNING kernel image and host linux-kbuild versions differ" >&2

rm -rf kroot && mkdir kroot && dpkg-deb -x "$KDEB" kroot
grep -E '^(# )?CONFIG_(GPIO_SIM|IRQ_SIM|GPIO_CDEV|CONFIGFS_FS|GPIO_PL061|SERIAL_AMBA_PL011)[ =]' "kroot/boot/config-$KVER" | sed 's/^/setup-arm64:   /' || true
# The arm64 vmlinuz is the plain Image (older packagings gzip it): QEMU's -kernel takes the Image.
if gzip -t "kroot/boot/vmlinuz-$KVER" 2>/dev/null; then gzip -dc "kroot/boot/vmlinuz-$KVER" > "Image-$KVER"; else cp "kroot/boot/vmlinuz-$KVER" "Image-$KVER"; fi
[ "$(od -An -c -j56 -N4 "Image-$KVER" | tr -d ' ')" = "ARMd" ] || { echo "setup-arm64: Image-$KVER is not an arm64 Image" >&2; exit 1; }

# busybox-static:arm64 for the initramfs.
rm -rf bb && mkdir bb && dpkg-deb -x "$BDEB" bb && cp bb/bin/busybox busybox && rm -rf bb

# The arm64 headers tree, pointed at the host's kbuild tools (the headers' scripts/ and tools/ links lead to
# ../../lib/linux-kbuild-$KMAJ) and at its own -common half (its Makefile includes it by absolute path).
rm -rf hdr && mkdir hdr && dpkg-deb -x "$HDEB" hdr && dpkg-deb -x "$CDEB" hdr
mkdir -p hdr/usr/lib && ln -sfn "/usr/lib/linux-kbuild-$KMAJ" "hdr/usr/lib/linux-kbuild-$KMAJ"
sed -i "s|^include /usr/src/$KCOMMON/Makefile|include $WORK/hdr/usr/src/$KCOMMON/Makefile|" "hdr/usr/src/linux-headers-$KVER/Makefile"
grep -q "^include $WORK/hdr/usr/src/$KCOMMON/Makefile" "hdr/usr/src/linux-headers-$KVER/Makefile" \
  || { echo "setup-arm64: the headers Makefile patch did not apply" >&2; exit 1; }

# Three files out of the source tarball (as setup-host.sh).
rm -rf src && mkdir src
dpkg-deb --fsys-tarfile "$SDEB" | tar -xO "./usr/src/linux-source-$KMAJ.tar.xz" \
  | tar -xJ -C src --strip-components=1 \
      "linux-source-$KMAJ/drivers/gpio/gpio-sim.c" \
      "linux-source-$KMAJ/drivers/gpio/gpiolib.h" \
      "linux-source-$KMAJ/kernel/irq/irq_sim.c"

rm -rf mod && mkdir mod
cp src/drivers/gpio/gpio-sim.c mod/gpio-sim-main.c
cp src/drivers/gpio/gpiolib.h mod/
sed -e 's/^EXPORT_SYMBOL_GPL(.*);$//' \
    -e 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' \
    src/kernel/irq/irq_sim.c > mod/irq_sim.c
grep -q 'generic_handle_irq(irqnum);' mod/irq_sim.c || { echo "setup-arm64: the irq_sim.c patch did not apply" >&2; exit 1; }
printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > mod/Kbuild
make -s -C "hdr/usr/src/linux-headers-$KVER" M="$WORK/mod" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules
aarch64-linux-gnu-strip --strip-debug mod/gpio-sim.ko
modinfo mod/gpio-sim.ko | grep -E '^(vermagic|depends):' | sed 's/^/setup-arm64:   /'
modinfo -F vermagic mod/gpio-sim.ko | grep -q "^$KVER .*aarch64" || { echo "setup-arm64: gpio-sim.ko is not built for $KVER aarch64" >&2; exit 1; }

CFS=$(find kroot/lib -path "*/$KVER/*" -name 'configfs.ko*' | head -1)
case "$CFS" in
  *.ko) cp "$CFS" mod/configfs.ko ;;
  *.ko.xz) xz -dc "$CFS" > mod/configfs.ko ;;
  *.ko.zst) zstd -dc "$CFS" > mod/configfs.ko ;;
  *) echo "setup-arm64: configfs.ko not found in $KPKG" >&2; exit 1 ;;
esac
rm -rf kroot src hdr

echo "$KVER" > kver
echo "$KVER $kv" > setup.ok
echo "setup-arm64: done"
