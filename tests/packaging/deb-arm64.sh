#!/usr/bin/env bash
# The arm64 Debian package, built on x86_64 from the linux-arm64 binary: its control fields, and its binary and
# configuration run (qemu-aarch64 -L <arm64 library root>). Installing it under a real arm64 systemd is not done
# here; the amd64 package's install/upgrade/remove/purge is (tests/ops, section deb).
#   tests/packaging/deb-arm64.sh [--binary artifacts/linux-arm64/edgetrader]
# Ends with "deb-arm64: N passed, N failed".
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$REPO/artifacts/linux-arm64/edgetrader
[ "${1:-}" = --binary ] && BIN=${2:?}
pass=0 fail=0
check() { local name=$1; shift; if "$@" >/tmp/deb-arm64.$$ 2>&1; then pass=$((pass + 1)); echo "PASS $name"; else fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/  /' /tmp/deb-arm64.$$ | tail -n 5; fi; rm -f /tmp/deb-arm64.$$; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

ROOT=$("$REPO/scripts/arm64-root.sh" 2>/dev/null) || ROOT=""
check "arm64 library root" test -n "$ROOT"
check "build-deb.sh --arch arm64" "$REPO/scripts/build-deb.sh" --arch arm64 --binary "$BIN" --out "$T"
DEB=$(ls "$T"/edgetrader_*_arm64.deb 2>/dev/null | head -n1)
check "control: Architecture arm64" test "$(dpkg-deb -f "$DEB" Architecture)" = arm64
check "control: Depends libc6 (>= 2.34), libzmq5, libssl3, adduser" \
  test "$(dpkg-deb -f "$DEB" Depends)" = "libc6 (>= 2.34), libzmq5, libssl3, adduser"
dpkg-deb -x "$DEB" "$T/x" 2>/dev/null
check "usr/bin/edgetrader is the aarch64 binary" bash -c 'readelf -h "$1" | grep -qE "Machine: +AArch64" && cmp -s "$1" "$2"' _ "$T/x/usr/bin/edgetrader" "$BIN"
check "usr/bin/edgetrader --version under qemu-aarch64" bash -c \
  'qemu-aarch64 -L "$1" "$2" --version | grep -q "linux-arm64, native AOT"' _ "$ROOT" "$T/x/usr/bin/edgetrader"
check "the shipped configuration passes check-config" \
  qemu-aarch64 -L "$ROOT" "$T/x/usr/bin/edgetrader" check-config --config "$T/x/etc/edgetrader/edgetrader.json"
echo "deb-arm64: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
