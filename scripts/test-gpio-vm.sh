#!/bin/bash
# test-gpio-vm.sh - the physical panel against the real Linux GPIO uAPI: the edgetrader daemon runs in a QEMU VM
# (Debian's kernel + an out-of-tree gpio-sim) and tests/vm/checks.sh presses its simulated buttons.
#
# Usage: scripts/test-gpio-vm.sh [--aot PATH/TO/edgetrader]
#   --aot   use this linux-x64 Native AOT binary; without it one is published into the work dir.
# Env:    EDGETRADER_VM_WORK (default <repo>/.vm, cached between runs), TIMEOUT, CYCLES (latency cycles, default 200).
# Needs root on Debian 12 x86_64 (apt-get) and the Debian archive. The last line is "gpio-vm: N passed, N failed".
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
export EDGETRADER_VM_WORK=${EDGETRADER_VM_WORK:-$REPO/.vm}
AOT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --aot) AOT=${2:?--aot needs a path}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "test-gpio-vm: unknown argument $1" >&2; exit 2 ;;
  esac
done
fail() { echo "test-gpio-vm: $*" >&2; echo "gpio-vm: 0 passed, 1 failed"; exit 1; }

export GPIO_VM_T0=$(date +%s)
"$REPO/tests/vm/setup-host.sh" || fail "host setup failed"
if [ -z "$AOT" ]; then
  # Native AOT links with clang/lld (scripts/install-deps.sh installs them; here only when missing).
  if ! command -v clang >/dev/null || ! command -v ld.lld >/dev/null; then
    apt-get -y -q -o DPkg::Lock::Timeout=600 install --no-install-recommends clang lld zlib1g-dev >/dev/null \
      || fail "cannot install clang/lld for the AOT publish"
  fi
  "$REPO/build-aot.sh" --rid linux-x64 || fail "build-aot.sh failed"
  AOT="$REPO/artifacts/linux-x64/edgetrader"
fi
[ -x "$AOT" ] || fail "no executable at $AOT"
"$REPO/tests/vm/build-initramfs.sh" "$AOT" || fail "initramfs build failed"
APPEND_EXTRA="CYCLES=${CYCLES:-200}" exec "$REPO/tests/vm/run-vm.sh"
