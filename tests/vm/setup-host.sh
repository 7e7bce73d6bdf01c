#!/bin/bash
# setup-host.sh - prepare the host for the GPIO VM test: QEMU, busybox, a Debian kernel and gpio-sim.ko.
#
# Debian's kernels are built without CONFIG_GPIO_SIM / CONFIG_IRQ_SIM, so gpio-sim is compiled here out of tree
# from Debian's own linux-source (drivers/gpio/gpio-sim.c + a private copy of kernel/irq/irq_sim.c) against the
# headers of the kernel that linux-image-amd64 depends on. The kernel image is downloaded and extracted, never
# installed. Everything lands in $WORK (default <repo>/.vm, git-ignored); a second run with a complete cache
# returns at once. FORCE=1 rebuilds.
#
# Output in $WORK: kver, vmlinux-$KVER (PVH boot) and kroot/boot/vmlinuz-$KVER, mod/gpio-sim.ko,
# mod/configfs.ko, setup.ok; debs/ keeps the two downloaded packages.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${EDGETRADER_VM_WORK:-$REPO/.vm}
mkdir -p "$WORK/debs"
cd "$WORK"

need_tools() {
  for c in qemu-system-x86_64 cpio gzip xz gcc make readelf modinfo; do command -v "$c" >/dev/null || return 0; done
  [ -x /bin/busybox ] && [ -e /usr/lib/x86_64-linux-gnu/libc.a ] && [ -e /usr/lib/x86_64-linux-gnu/libzmq.so.5 ] && return 1
  return 0
}

if [ "${FORCE:-0}" != 1 ] && [ -f setup.ok ] && ! need_tools; then
  KVER=$(cat kver)
  if [ -s mod/gpio-sim.ko ] && [ -s mod/configfs.ko ] && { [ -s "vmlinux-$KVER" ] || [ -s "kroot/boot/vmlinuz-$KVER" ]; }; then
    echo "setup: cached in $WORK (kernel $KVER)"
    exit 0
  fi
fi

if [ "$(id -u)" != 0 ]; then echo "setup: must run as root (apt-get install)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root)
apt-get -q -o DPkg::Lock::Timeout=600 update >/dev/null

# The kernel the linux-image-amd64 metapackage points at today (e.g. linux-image-6.1.0-56-amd64).
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || { echo "setup: cannot resolve linux-image-amd64" >&2; exit 1; }
KVER=${KPKG#linux-image-}
KMAJ=$(echo "$KVER" | cut -d. -f1,2)
echo "setup: kernel $KPKG, source linux-source-$KMAJ, work dir $WORK"

"${APT[@]}" install --no-install-recommends qemu-system-x86 busybox-static cpio gzip xz-utils kmod \
  gcc make libc6-dev binutils bc linux-libc-dev libzmq5 libssl3 "linux-headers-$KVER" >/dev/null

# Kernel image + source at the archive's current versions: downloaded once, kept in debs/ (older ones dropped).
cand() { apt-cache show --no-all-versions "$1" | awk '/^Version:/{print $2; exit}'; }
KV=$(cand "$KPKG"); SV=$(cand "linux-source-$KMAJ")
KDEB="debs/${KPKG}_${KV}_amd64.deb"; SDEB="debs/linux-source-${KMAJ}_${SV}_all.deb"
find debs -name '*.deb' ! -path "$KDEB" ! -path "$SDEB" -delete
(
  cd debs
  [ -s "../$KDEB" ] || "${APT[@]}" download "$KPKG" >/dev/null
  [ -s "../$SDEB" ] || "${APT[@]}" download "linux-source-$KMAJ" >/dev/null
)
[ -s "$KDEB" ] && [ -s "$SDEB" ] || { echo "setup: download of $KDEB / $SDEB failed" >&2; exit 1; }
kv=$(dpkg-deb -f "$KDEB" Version); sv=$(dpkg-deb -f "$SDEB" Version)
hv=$(dpkg-query -W -f '${Version}' "linux-headers-$KVER")
echo "setup: image $kv, headers $hv, source $sv"
[ "$kv" = "$hv" ] || echo "setup: WARNING kernel image and headers versions differ" >&2
[ "$kv" = "$sv" ] || echo "setup: WARNING kernel image and linux-source versions differ" >&2

rm -rf kroot && mkdir kroot && dpkg-deb -x "$KDEB" kroot
grep -E '^(# )?CONFIG_(GPIO_SIM|IRQ_SIM|GPIO_CDEV|CONFIGFS_FS|PVH)[ =]' "kroot/boot/config-$KVER" | sed 's/^/setup:   /' || true

# PVH direct boot of the uncompressed vmlinux skips the in-guest xz decompression (seconds under TCG).
rm -f "vmlinux-$KVER"
off=$(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "kroot/boot/vmlinuz-$KVER" | head -1 | cut -d: -f1 || true)
if [ -n "$off" ]; then
  tail -c +$((off + 1)) "kroot/boot/vmlinuz-$KVER" | xz -dc --single-stream > "vmlinux-$KVER" 2>/dev/null || true
fi
if [ -s "vmlinux-$KVER" ] && readelf -n "vmlinux-$KVER" 2>/dev/null | grep -q Xen; then
  echo "setup: vmlinux-$KVER extracted (PVH boot)"
else
  rm -f "vmlinux-$KVER"; echo "setup: no PVH entry; the bzImage will be booted"
fi

# Three files out of the source tarball.
rm -rf src && mkdir src
dpkg-deb --fsys-tarfile "$SDEB" | tar -xO "./usr/src/linux-source-$KMAJ.tar.xz" \
  | tar -xJ -C src --strip-components=1 \
      "linux-source-$KMAJ/drivers/gpio/gpio-sim.c" \
      "linux-source-$KMAJ/drivers/gpio/gpiolib.h" \
      "linux-source-$KMAJ/kernel/irq/irq_sim.c"

# gpio-sim.ko = gpio-sim.c + private irq_sim.c. irq_to_desc() is not exported to modules:
# generic_handle_irq() looks the descriptor up itself and runs its flow handler (handle_simple_irq).
rm -rf mod && mkdir mod
cp src/drivers/gpio/gpio-sim.c mod/gpio-sim-main.c
cp src/drivers/gpio/gpiolib.h mod/
sed -e 's/^EXPORT_SYMBOL_GPL(.*);$//' \
    -e 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' \
    src/kernel/irq/irq_sim.c > mod/irq_sim.c
grep -q 'generic_handle_irq(irqnum);' mod/irq_sim.c || { echo "setup: the irq_sim.c patch did not apply" >&2; exit 1; }
printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > mod/Kbuild
make -s -C "/usr/src/linux-headers-$KVER" M="$WORK/mod" modules
strip --strip-debug mod/gpio-sim.ko
modinfo mod/gpio-sim.ko | grep -E '^(vermagic|depends):' | sed 's/^/setup:   /'

# configfs.ko (gpio-sim's only dependency) from Debian's module tree; the rest of the tree is not needed.
CFS=$(find kroot/lib -path "*/$KVER/*" -name 'configfs.ko*' | head -1)
case "$CFS" in
  *.ko) cp "$CFS" mod/configfs.ko ;;
  *.ko.xz) xz -dc "$CFS" > mod/configfs.ko ;;
  *.ko.zst) zstd -dc "$CFS" > mod/configfs.ko ;;
  *) echo "setup: configfs.ko not found in $KPKG" >&2; exit 1 ;;
esac
rm -rf kroot/lib kroot/usr src

echo "$KVER" > kver
echo "$KVER $kv" > setup.ok
echo "setup: done"
