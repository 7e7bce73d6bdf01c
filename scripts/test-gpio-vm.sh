#!/bin/bash
# test-gpio-vm.sh - the physical panel against the real Linux GPIO uAPI: the edgetrader daemon runs in a QEMU VM
# (Debian's kernel + an out-of-tree gpio-sim) and tests/vm/checks.sh presses its simulated buttons.
#
# Usage: scripts/test-gpio-vm.sh [--arch amd64|arm64] [--aot PATH/TO/edgetrader]
#   --arch  amd64 (default): qemu-system-x86_64 with Debian's amd64 kernel;
#           arm64: qemu-system-aarch64 -M virt -cpu cortex-a72 with Debian's arm64 kernel and a cross-built gpio-sim
#           (tests/vm/*-arm64.sh). Both run the same tests/vm/init, checks.sh and et-*.json.
#   --aot   use this Native AOT binary of the arch; without it one is published with ./build-aot.sh.
# Env:    EDGETRADER_VM_WORK (default <repo>/.vm, <repo>/.vm-arm64; cached between runs), CYCLES (latency cycles,
#         default 200), TIMEOUT (s; default 480 for amd64, 900 for arm64: the arm64 guest takes ~90 s on a quiet
#         machine and was seen at 480 s with the machine's load average at 25).
# Needs root on Debian 12 x86_64 (apt-get) and the Debian archive. The last line is "gpio-vm: N passed, N failed"
# ("gpio-vm-arm64: ..." for arm64).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
AOT="" ARCH=amd64
while [ $# -gt 0 ]; do
  case "$1" in
    --aot) AOT=${2:?--aot needs a path}; shift 2 ;;
    --arch) ARCH=${2:?--arch needs amd64 or arm64}; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "test-gpio-vm: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$ARCH" in
  amd64) TAG=gpio-vm RID=linux-x64 SUFFIX="" ; export EDGETRADER_VM_WORK=${EDGETRADER_VM_WORK:-$REPO/.vm} ;;
  arm64) TAG=gpio-vm-arm64 RID=linux-arm64 SUFFIX=-arm64 ; export EDGETRADER_VM_WORK=${EDGETRADER_VM_WORK:-$REPO/.vm-arm64} ;;
  *) echo "test-gpio-vm: --arch must be amd64 or arm64" >&2; exit 2 ;;
esac
fail() { echo "test-gpio-vm: $*" >&2; echo "$TAG: 0 passed, 1 failed"; exit 1; }

export GPIO_VM_T0=$(date +%s)
"$REPO/tests/vm/setup-host$SUFFIX.sh" || fail "host setup failed"
if [ -z "$AOT" ]; then
  "$REPO/build-aot.sh" --rid "$RID" || fail "build-aot.sh --rid $RID failed (scripts/install-deps.sh installs the toolchain)"
  AOT="$REPO/artifacts/$RID/edgetrader"
fi
[ -f "$AOT" ] || fail "no binary at $AOT"
"$REPO/tests/vm/build-initramfs$SUFFIX.sh" "$AOT" || fail "initramfs build failed"
[ "$ARCH" = arm64 ] && export TIMEOUT=${TIMEOUT:-900}
VM_ARCH=$ARCH APPEND_EXTRA="CYCLES=${CYCLES:-200}" exec "$REPO/tests/vm/run-vm.sh"
