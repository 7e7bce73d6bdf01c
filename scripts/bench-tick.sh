#!/usr/bin/env bash
# In-process tick-path benchmark of the AOT binary (no sockets, no journal): ticks/s and bytes allocated per tick.
#   scripts/bench-tick.sh [--ticks N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x artifacts/linux-x64/edgetrader ] || ./build-aot.sh
echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
exec artifacts/linux-x64/edgetrader bench-tick "$@"
