#!/usr/bin/env bash
# Journal benchmarks: group-commit throughput with the checkpointer, restore rate of a large journal, and the start
# after a crash of a long run. They are xunit tests with [Trait("Category", "Benchmark")], left out of the unit suite.
#   scripts/bench-journal.sh [ORDERS]     (default 300000 orders per case; EDGETRADER_RESTORE_BENCH_ORDERS)
# Numbers taken while the machine is busy are provisional: the script prints the load average with them.
set -euo pipefail
cd "$(dirname "$0")/.."
export EDGETRADER_BENCH=1
export EDGETRADER_RESTORE_BENCH_ORDERS="${1:-${EDGETRADER_RESTORE_BENCH_ORDERS:-300000}}"
echo "bench-journal: $EDGETRADER_RESTORE_BENCH_ORDERS orders per case; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet test tests/EdgeTrader.Core.Tests -nologo -c Release --filter "Category=Benchmark&FullyQualifiedName~Journal" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E '^\s+(journal|restore|start after)|Passed |Failed |error' || true
