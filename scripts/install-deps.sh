#!/usr/bin/env bash
# Installs what EdgeTrader needs to build, run and test on Debian 12 (x86_64), as root or via sudo.
#   scripts/install-deps.sh            runtime libraries and the x64 NativeAOT toolchain (what scripts/demo.sh needs)
#   scripts/install-deps.sh --arm64    + the linux-arm64 cross build: Debian's arm64 cross glibc/libgcc and qemu-user
#                                        (build-aot.sh runs the arm64 binary once through qemu-aarch64)
#   scripts/install-deps.sh --test     + --arm64 + what the test suites need, and the arm64 library root
#                                        (scripts/arm64-root.sh) that the arm64 e2e and ABI tests run against
# Idempotent: packages already present are skipped by apt. The GPIO VM tests install their own QEMU, kernel and
# cross-compiler packages (tests/vm/setup-host*.sh).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Runtime: libzmq (loaded by soname) and OpenSSL (loaded by .NET's TLS and HMAC for the MQTT mirror). MQTT itself is
# managed code (MQTTnet): no MQTT library is needed on the box.
RUNTIME_PKGS=(libzmq5 libssl3)
# Build: the NativeAOT linker toolchain; llvm for llvm-objcopy (the symbol strip of a cross build).
BUILD_PKGS=(clang lld llvm zlib1g-dev)
# linux-arm64 on x86_64: the arm64 glibc and libgcc as Debian's cross packages (Architecture: all, installed under
# /usr/aarch64-linux-gnu and /usr/lib/gcc-cross). Chosen over `dpkg --add-architecture arm64` because they leave the
# host's package architectures alone: no arm64 indices on every apt-get update, no version lock between the amd64
# and arm64 copies of Multi-Arch: same libraries on a build machine that others share. The arm64 libraries that
# exist only as :arm64 packages (libzmq5, libssl3) are unpacked into a folder instead (scripts/arm64-root.sh).
ARM64_PKGS=(libc6-dev-arm64-cross libgcc-12-dev-arm64-cross qemu-user)
# Tests: a real broker and its clients, python zmq for wire checks, procps for ps/kill; a real Prometheus (and
# promtool) and headless Chromium for the metrics and status-page tests (they start their own, on free ports).
TEST_PKGS=(mosquitto mosquitto-clients python3-zmq procps openssh-server openssh-client systemd-container prometheus chromium fonts-dejavu-core)

arm64=0 test=0
for a in "$@"; do
  case "$a" in
    --arm64) arm64=1 ;;
    --test) test=1 arm64=1 ;;
    *) echo "install-deps: unknown argument $a" >&2; exit 2 ;;
  esac
done
want=("${RUNTIME_PKGS[@]}" "${BUILD_PKGS[@]}")
if [ "$arm64" = 1 ]; then want+=("${ARM64_PKGS[@]}"); fi
if [ "$test" = 1 ]; then want+=("${TEST_PKGS[@]}"); fi

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
if [ "$test" = 1 ]; then
  root=$("$REPO/scripts/arm64-root.sh") || { echo "install-deps: the arm64 library root could not be built" >&2; exit 1; }
  echo "install-deps: arm64 library root $root"
fi
echo "install-deps: ok"
