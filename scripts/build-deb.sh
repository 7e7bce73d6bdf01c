#!/usr/bin/env bash
# Builds the Debian package of one architecture: artifacts/edgetrader_<version>_<arch>.deb.
#   scripts/build-deb.sh [--arch amd64|arm64] [--binary PATH] [--version V] [--out DIR]
# Without --binary it takes artifacts/linux-<x64|arm64>/edgetrader, building it with ./build-aot.sh when missing.
# See docs/operations.md ("Installing the Debian package").
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARCH="" BINARY="" VERSION="" OUT="$REPO/artifacts"
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=${2:?}; shift 2 ;;
    --binary) BINARY=${2:?}; shift 2 ;;
    --version) VERSION=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "build-deb: unknown argument $1" >&2; exit 1 ;;
  esac
done
die() { echo "build-deb: error: $*" >&2; exit 1; }

if [ -z "$ARCH" ]; then ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64); fi
case "$ARCH" in amd64) RID=linux-x64 EM=3e00 ;; arm64) RID=linux-arm64 EM=b700 ;; *) die "--arch must be amd64 or arm64" ;; esac
command -v dpkg-deb >/dev/null || die "dpkg-deb is required (package dpkg)"

if [ -z "$BINARY" ]; then
  BINARY="$REPO/artifacts/$RID/edgetrader"
  if [ ! -x "$BINARY" ]; then
    [ -x "$REPO/build-aot.sh" ] || die "no $BINARY and no build-aot.sh to build it"
    "$REPO/build-aot.sh" --rid "$RID"
  fi
fi
[ -f "$BINARY" ] || die "binary $BINARY not found"
[ "$(od -An -tx1 -j18 -N2 "$BINARY" | tr -d ' \n')" = "$EM" ] || die "$BINARY is not a $RID executable"
# The glibc the binary needs: its highest GLIBC_ symbol version (2.34 for a build on Debian 12: __libc_start_main,
# dlopen and pthread_* moved into libc in 2.34). A system with an older glibc (Debian 11, Raspberry Pi OS bullseye:
# 2.31) then refuses the package instead of installing a binary that cannot start.
command -v readelf >/dev/null || die "readelf is required (package binutils)"
GLIBC=$(readelf --dyn-syms -W "$BINARY" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/^GLIBC_//' | sort -uV | tail -n1)
[ -n "$GLIBC" ] || die "$BINARY references no versioned glibc symbol (not a glibc build?)"

if [ -z "$VERSION" ]; then
  VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO/Directory.Build.props" | head -n1)
fi
case "$VERSION" in [0-9]*) ;; *) die "version '$VERSION' must start with a digit" ;; esac

STAGE=$(mktemp -d /tmp/edgetrader-deb.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
P="$STAGE/edgetrader_${VERSION}_$ARCH"
install -d "$P/DEBIAN" "$P/usr/bin" "$P/lib/systemd/system" "$P/lib/udev/rules.d" "$P/etc/edgetrader" \
  "$P/usr/share/doc/edgetrader"
install -m 0755 "$BINARY" "$P/usr/bin/edgetrader"
install -m 0644 "$REPO/systemd/edgetrader.service" "$P/lib/systemd/system/edgetrader.service"
install -m 0644 "$REPO/packaging/debian/60-edgetrader-gpio.rules" "$P/lib/udev/rules.d/60-edgetrader-gpio.rules"

# shellcheck source=scripts/lib/example-config.sh
. "$REPO/scripts/lib/example-config.sh"
if [ ! -f "$REPO/docs/edgetrader.example.json" ]; then
  echo "build-deb: docs/edgetrader.example.json not found: shipping a minimal valid configuration instead"
fi
example_config "$REPO" "" > "$P/etc/edgetrader/edgetrader.json"
chmod 0640 "$P/etc/edgetrader/edgetrader.json"
install -m 0644 "$P/etc/edgetrader/edgetrader.json" "$P/usr/share/doc/edgetrader/edgetrader.example.json"
install -m 0644 "$REPO/packaging/debian/copyright" "$P/usr/share/doc/edgetrader/copyright"
[ ! -f "$REPO/docs/operations.md" ] || install -m 0644 "$REPO/docs/operations.md" "$P/usr/share/doc/edgetrader/operations.md"

for s in postinst prerm postrm; do install -m 0755 "$REPO/packaging/debian/$s" "$P/DEBIAN/$s"; done
echo /etc/edgetrader/edgetrader.json > "$P/DEBIAN/conffiles"
(cd "$P" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$P/DEBIAN/md5sums"
cat > "$P/DEBIAN/control" <<EOF
Package: edgetrader
Version: $VERSION
Architecture: $ARCH
Maintainer: EdgeTrader <edgetrader@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$P" | cut -f1)
Depends: libc6 (>= $GLIBC), libzmq5, libssl3, adduser
Section: net
Priority: optional
Description: trading appliance with a dual-gated hardware kill switch
 A single native binary for a Raspberry Pi or industrial Linux box: a tick
 loop fed by a ZeroMQ bridge, a persisted circuit breaker with a GPIO
 emergency-stop panel, MQTT mirroring of the kill switch across nodes, and a
 hardened systemd service (Type=notify, watchdog).
EOF

mkdir -p "$OUT"
DEB="$OUT/edgetrader_${VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group --build "$P" "$DEB" >/dev/null
echo "build-deb: $DEB ($(du -h "$DEB" | cut -f1))"
