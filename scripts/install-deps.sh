#!/usr/bin/env bash
# Installs what EdgeTrader needs to build, run and test on Debian 12 (x86_64), as root or via sudo.
# Idempotent: packages already present are skipped by apt.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Runtime: libzmq (loaded by soname) and OpenSSL (loaded by .NET's TLS and HMAC for the MQTT mirror). MQTT itself is
# managed code (MQTTnet): no MQTT library is needed on the box.
RUNTIME_PKGS=(libzmq5 libssl3)
# Build: the NativeAOT linker toolchain.
BUILD_PKGS=(clang lld zlib1g-dev)
# Tests: a real broker and its clients (they bring libmosquitto1 along), python zmq for wire checks, procps for ps/kill.
TEST_PKGS=(mosquitto mosquitto-clients python3-zmq procps openssh-server openssh-client systemd-container)

want=("${RUNTIME_PKGS[@]}" "${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${TEST_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# mosquitto's package starts a system broker on :1883; tests start their own on free ports.
if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET SDK 10 is required (dotnet not found on PATH)" >&2
  exit 1
fi
echo "install-deps: ok"
