#!/bin/bash
# run-vm.sh - boot Debian's kernel with the test initramfs under QEMU (TCG), stream the serial console, and judge it.
# Exit 0 only if the guest ran to the end and printed no FAIL line. The last line is "gpio-vm: N passed, N failed".
# Env: EDGETRADER_VM_WORK (default <repo>/.vm), TIMEOUT (s, default 480), MEM (256M), SMP (1), ACCEL (tcg),
#      APPEND_EXTRA (more kernel arguments, e.g. "cycles=20" is passed to /init's environment).
# KVM is not used by default: on machines whose /dev/kvm is not VMX/SVM-backed, a stock kernel does not boot there.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${EDGETRADER_VM_WORK:-$REPO/.vm}
KVER=$(cat "$WORK/kver")
ACCEL=${ACCEL:-tcg}; MEM=${MEM:-256M}; SMP=${SMP:-1}; TIMEOUT=${TIMEOUT:-480}
LOG="$WORK/console.log"
if [ -s "$WORK/vmlinux-$KVER" ]; then KERNEL="$WORK/vmlinux-$KVER"; BOOT=pvh; else KERNEL="$WORK/kroot/boot/vmlinuz-$KVER"; BOOT=bzimage; fi
CPU=max; [ "$ACCEL" = kvm ] && CPU=host

start=$(date +%s.%N)
timeout --foreground -k 5 "$TIMEOUT" \
  qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -m "$MEM" -smp "$SMP" \
    -nodefaults -no-user-config -nographic -serial stdio -no-reboot \
    -kernel "$KERNEL" -initrd "$WORK/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 loglevel=4 ${APPEND_EXTRA:-}" </dev/null 2>&1 | sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | tee "$LOG"
qrc=${PIPESTATUS[0]}
wall=$(echo "$(date +%s.%N) - $start" | bc)
printf 'gpio-vm: qemu %s boot=%s accel=%s mem=%s smp=%s exit=%s vm_wall=%.1fs host_cpus=%s console=%s\n' \
  "$(qemu-system-x86_64 --version | head -1 | awk '{print $4}')" "$BOOT" "$ACCEL" "$MEM" "$SMP" "$qrc" "$wall" "$(nproc)" "$LOG"
[ -n "${GPIO_VM_T0:-}" ] && echo "gpio-vm: total $(( $(date +%s) - GPIO_VM_T0 )) s including setup and build"

npass=$(grep -c '^PASS ' "$LOG")
nfail=$(grep -c '^FAIL ' "$LOG")
if [ "$qrc" -ne 0 ]; then echo "gpio-vm: FAIL qemu exited $qrc (124 = timeout after ${TIMEOUT}s)"; nfail=$((nfail + 1)); fi
if ! grep -q '^VMINIT: done' "$LOG"; then echo "gpio-vm: FAIL the guest did not finish"; nfail=$((nfail + 1)); fi
[ "$npass" -gt 0 ] || nfail=$((nfail + 1))
echo "gpio-vm: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
