#!/usr/bin/env bash
# Installs what the tests need (Debian 12), builds the AOT binary, runs every test suite:
#   unit + in-process broker tests (xunit), end-to-end tests of the AOT binary (xunit),
#   the panel on the real Linux GPIO uAPI in a QEMU VM (gpio-sim),
#   operations: unit hardening, SSH deploy with rollback, Debian package, the unit under a real systemd.
# Ends with one line "N passed, N failed, N skipped"; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test || exit 1
./build-aot.sh || exit 1
export EDGETRADER_BIN="$PWD/artifacts/linux-x64/edgetrader"

passed=0; failed=0; skipped=0
results=$(mktemp -d)

count_xunit() { # file: sums dotnet test's per-assembly summary lines
  local p f k
  p=$(grep -Eo 'Passed: +[0-9]+' "$1" | awk '{s+=$2} END {print s+0}')
  f=$(grep -Eo 'Failed: +[0-9]+' "$1" | awk '{s+=$2} END {print s+0}')
  k=$(grep -Eo 'Skipped: +[0-9]+' "$1" | awk '{s+=$2} END {print s+0}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${k:-0}))
}

count_line() { # file prefix: adds a suite's closing "prefix: N passed, N failed[, N skipped]" line
  local line k
  line=$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed" "$1" | tail -n1)
  if [ -z "$line" ]; then echo "$2: no result line"; failed=$((failed + 1)); return; fi
  passed=$((passed + $(echo "$line" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+')))
  failed=$((failed + $(echo "$line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')))
  k=$(echo "$line" | grep -Eo '[0-9]+ skipped' | grep -Eo '[0-9]+' || true)
  skipped=$((skipped + ${k:-0}))
}

dotnet build EdgeTrader.sln -nologo -clp:NoSummary -v q >"$results/build.log" 2>&1 || { cat "$results/build.log"; echo "0 passed, 1 failed"; exit 1; }

for proj in tests/EdgeTrader.Core.Tests tests/EdgeTrader.Tests; do
  echo "== $proj"
  dotnet test "$proj" --no-build -nologo 2>&1 | tee "$results/$(basename "$proj").log" | grep -E -A12 '^  Failed |^  Skipped |Passed!|Failed!|error CS' | grep -vE '^ +at ' || true
  count_xunit "$results/$(basename "$proj").log"
  if ! grep -qE 'Passed!|Failed!' "$results/$(basename "$proj").log"; then
    echo "$proj: the test run did not finish"; failed=$((failed + 1))
  fi
done

if [ "${EDGETRADER_SKIP_VM:-0}" != "1" ]; then
  echo "== GPIO panel on the real kernel interface (QEMU + gpio-sim)"
  scripts/test-gpio-vm.sh --aot "$EDGETRADER_BIN" 2>&1 | tee "$results/vm.log" | tail -n 40
  count_line "$results/vm.log" gpio-vm
fi

if [ "${EDGETRADER_SKIP_OPS:-0}" != "1" ]; then
  echo "== ops: unit hardening, SSH deploy with rollback, Debian package, real systemd"
  tests/ops/run-ops-tests.sh --binary "$EDGETRADER_BIN" < /dev/null 2>&1 | tee "$results/ops.log" | grep -E '^(FAIL|skip|#)|^ops:' || true
  count_line "$results/ops.log" ops
fi

rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
