#!/bin/bash
# run-vm.sh - boot Debian's kernel with the test initramfs under QEMU (TCG), stream the serial console, and judge it.
# Exit 0 only if the guest ran to the end and printed no FAIL line. The last line is "gpio-vm: N passed, N failed"
# ("gpio-vm-arm64: ..." for VM_ARCH=arm64).
# Env: VM_ARCH (amd64, default, or arm64), EDGETRADER_VM_WORK (default <repo>/.vm, <repo>/.vm-arm64 for arm64),
#      TIMEOUT (s, default 480), MEM (256M), SMP (1), ACCEL (tcg),
#      APPEND_EXTRA (more kernel arguments, e.g. "cycles=20" is passed to /init's environment).
# KVM is not used by default: on machines whose /dev/kvm is not VMX/SVM-backed, a stock kernel does not boot there.
# arm64: qemu-system-aarch64 -M virt -cpu cortex-a72 (TCG), the kernel's Image booted directly, console on the PL011
# (ttyAMA0). cortex-a72 rather than `max`, whose emulated pointer authentication (QARMA) makes the guest ~2x slower.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VM_ARCH=${VM_ARCH:-amd64}
case "$VM_ARCH" in
  amd64) WORK=${EDGETRADER_VM_WORK:-$REPO/.vm} TAG=gpio-vm ;;
  arm64) WORK=${EDGETRADER_VM_WORK:-$REPO/.vm-arm64} TAG=gpio-vm-arm64 ;;
  *) echo "run-vm: VM_ARCH must be amd64 or arm64" >&2; exit 2 ;;
esac
KVER=$(cat "$WORK/kver")
ACCEL=${ACCEL:-tcg}; MEM=${MEM:-256M}; SMP=${SMP:-1}; TIMEOUT=${TIMEOUT:-480}
LOG="$WORK/console.log"
if [ "$VM_ARCH" = arm64 ]; then
  QEMU=qemu-system-aarch64 KERNEL="$WORK/Image-$KVER" BOOT=image CONSOLE=ttyAMA0
  CPU=cortex-a72; [ "$ACCEL" = kvm ] && CPU=host
  MACHINE=(-M virt)
else
  QEMU=qemu-system-x86_64 CONSOLE=ttyS0 MACHINE=()
  if [ -s "$WORK/vmlinux-$KVER" ]; then KERNEL="$WORK/vmlinux-$KVER"; BOOT=pvh; else KERNEL="$WORK/kroot/boot/vmlinuz-$KVER"; BOOT=bzimage; fi
  CPU=max; [ "$ACCEL" = kvm ] && CPU=host
fi

start=$(date +%s.%N)
timeout --foreground -k 5 "$TIMEOUT" \
  "$QEMU" "${MACHINE[@]}" -accel "$ACCEL" -cpu "$CPU" -m "$MEM" -smp "$SMP" \
    -nodefaults -no-user-config -nographic -serial stdio -no-reboot \
    -kernel "$KERNEL" -initrd "$WORK/initramfs.cpio.gz" \
    -append "console=$CONSOLE panic=-1 loglevel=4 ${APPEND_EXTRA:-}" </dev/null 2>&1 | sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | tee "$LOG"
qrc=${PIPESTATUS[0]}
wall=$(echo "$(date +%s.%N) - $start" | bc)
printf '%s: qemu %s boot=%s cpu=%s accel=%s mem=%s smp=%s exit=%s vm_wall=%.1fs host_cpus=%s console=%s\n' \
  "$TAG" "$("$QEMU" --version | head -1 | awk '{print $4}')" "$BOOT" "$CPU" "$ACCEL" "$MEM" "$SMP" "$qrc" "$wall" "$(nproc)" "$LOG"
[ -n "${GPIO_VM_T0:-}" ] && echo "$TAG: total $(( $(date +%s) - GPIO_VM_T0 )) s including setup and build"

npass=$(grep -c '^PASS ' "$LOG")
nfail=$(grep -c '^FAIL ' "$LOG")
if [ "$qrc" -ne 0 ]; then echo "$TAG: FAIL qemu exited $qrc (124 = timeout after ${TIMEOUT}s)"; nfail=$((nfail + 1)); fi
if ! grep -q '^VMINIT: done' "$LOG"; then echo "$TAG: FAIL the guest did not finish"; nfail=$((nfail + 1)); fi
[ "$npass" -gt 0 ] || nfail=$((nfail + 1))
echo "$TAG: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
