#!/usr/bin/env bash
# Publishes the .NET 10 Native AOT `edgetrader` binary into artifacts/<rid>/edgetrader and checks what it built.
#   ./build-aot.sh [--rid linux-x64|linux-arm64]
# Fails (non-zero) when
#   - the publish prints a trim/AOT warning that is not on the known list below (NetMQ's
#     IL2026/IL2075 in Opcode and AsyncIO's IL3050 in its Windows socket; System.Device.Gpio's IL2091 went with
#     dotnet/iot's SysFs and libgpiod drivers, which the panel no longer references;
#     System.CommandLine's IL2070 went with its annotated net10.0 asset, Serilog's IL2072 with Serilog 4.4.0, whose
#     build targets switch destructuring off under trimming; README, "Build");
#   - the result is not an ELF executable of the rid's machine, or links anything but libc, libm and the loader;
#   - the binary does not run: `--version` must print the rid. A linux-arm64 binary built on x86_64 is run through
#     qemu-aarch64 (package qemu-user; binfmt_misc is not relied on).
#
# linux-arm64 on an x86_64 Debian 12 host is a cross build: clang --target=aarch64-linux-gnu linked by lld
# (-p:LinkerFlavor=lld: the host's GNU ld cannot link aarch64), llvm-objcopy for the symbol strip (package llvm;
# without it the strip step falls back to the x86-only GNU objcopy and fails), and the arm64 glibc and libgcc from
# Debian's cross packages libc6-dev-arm64-cross and libgcc-12-dev-arm64-cross (scripts/install-deps.sh installs all
# of them). The cross packages are Architecture: all and install into /usr/aarch64-linux-gnu and
# /usr/lib/gcc-cross, where clang finds them without a sysroot; unlike `dpkg --add-architecture arm64` they leave
# the host's package architectures alone (no arm64 indices on every apt-get update, no version lock between the
# amd64 and arm64 copies of Multi-Arch: same libraries), and the same packages serve the kernel-module and
# initramfs cross builds of the arm64 VM test. The arm64 runtime libraries that only exist as :arm64 packages
# (libzmq5, libssl3) are not needed to build; scripts/arm64-root.sh unpacks them into a folder for
# qemu-aarch64 -L and the VM. EDGETRADER_SYSROOT=DIR links against a folder sysroot instead (-p:SysRoot).
# On an arm64 machine (a Pi with the .NET SDK) the linux-arm64 build is native and needs only clang and lld.
set -euo pipefail
cd "$(dirname "$0")"

rid=linux-x64
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) rid="${2:?--rid needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "build-aot.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$rid" in
  linux-x64) machine=x86_64 elf_machine="Advanced Micro Devices X86-64" loader=ld-linux-x86-64.so.2 ;;
  linux-arm64) machine=aarch64 elf_machine="AArch64" loader=ld-linux-aarch64.so.1 ;;
  *) echo "build-aot.sh: --rid must be linux-x64 or linux-arm64" >&2; exit 2 ;;
esac
die() { echo "build-aot: $*" >&2; exit 1; }

host=$(uname -m)
extra=()
runner=()
if [ "$machine" != "$host" ]; then
  [ "$host" = x86_64 ] && [ "$rid" = linux-arm64 ] || die "cross builds are set up for x86_64 -> linux-arm64 only (host $host, rid $rid)"
  for tool in clang ld.lld llvm-objcopy; do
    command -v "$tool" >/dev/null || die "$tool not found: run scripts/install-deps.sh (packages clang lld llvm)"
  done
  extra+=(-p:LinkerFlavor=lld)
  if [ -n "${EDGETRADER_SYSROOT:-}" ]; then
    extra+=(-p:SysRoot="$EDGETRADER_SYSROOT")
  elif [ ! -e /usr/aarch64-linux-gnu/lib/libc.so ] || [ ! -e /usr/lib/gcc-cross/aarch64-linux-gnu/12/crtbeginS.o ]; then
    die "no arm64 glibc/libgcc to link against: run scripts/install-deps.sh (packages libc6-dev-arm64-cross libgcc-12-dev-arm64-cross), or set EDGETRADER_SYSROOT"
  fi
  command -v qemu-aarch64 >/dev/null || die "qemu-aarch64 not found: the cross-built binary must be run once before it counts as built; run scripts/install-deps.sh (package qemu-user)"
  # The library root of scripts/arm64-root.sh when it exists, else the cross glibc (enough for --version).
  root=${EDGETRADER_ARM64_ROOT:-$PWD/.arm64/root}
  [ -e "$root/lib/$loader" ] || [ -e "$root/usr/lib/$loader" ] || root=/usr/aarch64-linux-gnu
  # Cortex-A53: the oldest core the product targets (Pi 3, Pi Zero 2 W); qemu's default, "max", has every extension.
  runner=(qemu-aarch64 -cpu cortex-a53 -L "$root")
fi

out="artifacts/$rid"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Clean publish: a stale ILC output can survive an incremental build when only native inputs change.
rm -rf "$out" src/*/bin/Release src/*/obj/Release
mkdir -p "$out"
echo "build-aot: publishing edgetrader for $rid (net10.0 NativeAOT${runner:+, cross from $host})"
if ! dotnet publish src/EdgeTrader/EdgeTrader.csproj -c Release -r "$rid" "${extra[@]}" \
     -o "$out" -nologo -clp:NoSummary >"$log" 2>&1; then
  cat "$log"
  die "publish FAILED"
fi

# Trim/AOT warnings: any warning not on the known list fails the build (ours always; a library's until it is
# reviewed, listed in scripts/lib/aot-warnings.sh and in the README).
# shellcheck source=scripts/lib/aot-warnings.sh
. scripts/lib/aot-warnings.sh
warnings=$(grep -E "warning IL[0-9]{4}" "$log" | sed -E 's/ \[.*\]$//' | sort -u || true)
unknown=$(aot_unknown_warnings < "$log")
if [ -n "$warnings" ] && [ "$warnings" != "$unknown" ]; then
  echo "build-aot: known library trim warnings (see README):"
  printf '%s\n' "$warnings" | grep -oE "IL[0-9]{4}: [A-Za-z.]+[A-Za-z]" | sort -u | sed 's/^/  /'
fi
if [ -n "$unknown" ]; then
  echo "build-aot: trim/AOT warnings (none is known; ours must be fixed, a library's reviewed and listed):" >&2
  printf '%s\n' "$unknown" >&2
  exit 1
fi

rm -f "$out"/*.pdb "$out"/*.xml "$out"/*.dbg
bin="$out/edgetrader"
[ -f "$bin" ] || die "no $bin after the publish"

# What was built: an ELF executable for the rid's machine that needs nothing but glibc.
header=$(readelf -h "$bin" 2>&1) || die "$bin is not an ELF file: $header"
grep -qE "Machine: +$elf_machine\$" <<<"$header" || die "$bin is not a $machine executable: $(grep Machine: <<<"$header")"
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
for lib in $needed; do
  case "$lib" in libc.so.6|libm.so.6|"$loader") ;; *) die "$bin links $lib (only libc.so.6, libm.so.6 and $loader are allowed: every other library is loaded by soname at run time)" ;; esac
done

# It runs: --version names the rid. `if !` keeps a failure visible under set -e (a failing command inside $(...)
# in an echo would not be).
if ! ver=$("${runner[@]}" "$bin" --version 2>&1); then
  die "$bin does not run${runner:+ under ${runner[*]}}: $ver"
fi
case "$ver" in "edgetrader "*"$rid"*) ;; *) die "$bin --version printed '$ver' (expected the rid $rid)" ;; esac

size=$(stat -c %s "$bin")
echo "build-aot: $bin $(( size / 1024 )) KiB ($size bytes), $machine, needs ${needed% }; $ver${runner:+ (run under ${runner[*]})}"
