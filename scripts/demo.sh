#!/usr/bin/env bash
# Installs what EdgeTrader needs (Debian 12), builds the Native AOT binary and runs the demo.
# Extra arguments go to `edgetrader demo` (e.g. --duration 10).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
./build-aot.sh
exec artifacts/linux-x64/edgetrader demo "$@"
