#!/bin/bash
# bench-panel.sh - button edge -> gates closed, the daemon's own recorder (panel.engageLatencyUs), for two AOT binaries
# under the same conditions: the same initramfs tooling, the same five-line panel (tests/vm/et-bench.json), the same
# 200-cycle loop (tests/vm/checks.sh with PANEL_BENCH=1), runs alternating A, B, A, B ... in the QEMU TCG guest.
#
# Usage: scripts/bench-panel.sh [--runs N] A=PATH/TO/edgetrader [B=PATH/TO/edgetrader ...]
# Env:   EDGETRADER_VM_WORK (default <repo>/.vm), CYCLES (default 200), TIMEOUT.
# Needs what scripts/test-gpio-vm.sh needs (it runs tests/vm/setup-host.sh first). Prints one line per run and the
# host's load average before each: the numbers are TCG emulation figures, and noisy on a shared machine.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
export EDGETRADER_VM_WORK=${EDGETRADER_VM_WORK:-$REPO/.vm}
runs=2
bins=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    *=*) bins+=("$1"); shift ;;
    *) echo "bench-panel: expected NAME=PATH, got $1" >&2; exit 2 ;;
  esac
done
[ ${#bins[@]} -gt 0 ] || { sed -n '2,9p' "$0"; exit 2; }
"$REPO/tests/vm/setup-host.sh" >/dev/null
for ((i = 1; i <= runs; i++)); do
  for b in "${bins[@]}"; do
    name=${b%%=*} bin=${b#*=}
    "$REPO/tests/vm/build-initramfs.sh" "$bin" >/dev/null
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    out=$(APPEND_EXTRA="PANEL_BENCH=1 CYCLES=${CYCLES:-200}" "$REPO/tests/vm/run-vm.sh" 2>&1 || true)
    lat=$(printf '%s\n' "$out" | grep -o 'bench_engage_latency_us {[^}]*}' | cut -d' ' -f2 || true)
    cyc=$(printf '%s\n' "$out" | grep -o 'press_to_red_led_us [^)]*' || true)
    wall=$(printf '%s\n' "$out" | grep -o 'vm_wall=[0-9.]*s' || true)
    echo "bench-panel: run $i $name load [$load] engageLatencyUs ${lat:-FAILED} ${cyc} ${wall}"
  done
done
