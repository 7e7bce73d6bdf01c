#!/usr/bin/env bash
# Publishes the Native AOT `edgetrader` binary into artifacts/<rid>/edgetrader.
#   ./build-aot.sh [--rid linux-x64|linux-arm64]
# Fails when the publish prints a trim/AOT warning from EdgeTrader's own code. The two known library warnings
# (System.CommandLine IL2070, Serilog IL2072, System.Device.Gpio IL2091) are listed in the README and allowed.
#
# linux-arm64: this needs the arm64 runtime/ILCompiler packs in the NuGet feed
# (runtime.linux-arm64.Microsoft.DotNet.ILCompiler, Microsoft.NETCore.App.Runtime.linux-arm64) and a cross toolchain
# (clang, lld, and an arm64 sysroot: `dpkg --add-architecture arm64 && apt-get install libc6-dev:arm64 zlib1g-dev:arm64`),
# or simply run this script on the Pi itself with the .NET SDK installed.
set -euo pipefail
cd "$(dirname "$0")"

rid=linux-x64
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) rid="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "build-aot.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$rid" in linux-x64|linux-arm64) ;; *) echo "build-aot.sh: --rid must be linux-x64 or linux-arm64" >&2; exit 2 ;; esac

# The feed has no .NET 10 NativeAOT pack; the net9.0 ILCompiler builds the same sources (see README).
aot_tfm=${EDGETRADER_AOT_TFM:-net9.0}
out="artifacts/$rid"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Clean publish: a stale ILC output can survive an incremental build when only native inputs change.
rm -rf "$out" src/*/bin/Release src/*/obj/Release
mkdir -p "$out"
echo "build-aot: publishing edgetrader for $rid ($aot_tfm NativeAOT)"
if ! dotnet publish src/EdgeTrader/EdgeTrader.csproj -c Release -r "$rid" -p:AotTargetFramework="$aot_tfm" \
     -o "$out" -nologo -clp:NoSummary >"$log" 2>&1; then
  cat "$log"
  echo "build-aot: publish FAILED" >&2
  exit 1
fi

# Trim/AOT warnings: ours fail the build; the library ones are known and listed.
warnings=$(grep -E "warning IL[0-9]{4}" "$log" | sed -E 's/ \[.*\]$//' | sort -u || true)
ours=$(printf '%s\n' "$warnings" | grep -vE "^/_/src/command-line-api/|System\.CommandLine\.|Serilog\.|System\.Device\.Gpio\.UnmanagedArray|^$" || true)
if [ -n "$warnings" ]; then
  echo "build-aot: library trim warnings (known, see README):"
  printf '%s\n' "$warnings" | grep -oE "IL[0-9]{4}: [A-Za-z.]+[A-Za-z]" | sort -u | sed 's/^/  /'
fi
if [ -n "$ours" ]; then
  echo "build-aot: trim/AOT warnings from EdgeTrader's own code:" >&2
  printf '%s\n' "$ours" >&2
  exit 1
fi

rm -f "$out"/*.pdb "$out"/*.xml "$out"/*.dbg
bin="$out/edgetrader"
size=$(stat -c %s "$bin")
echo "build-aot: $bin $(( size / 1024 )) KiB ($size bytes); $("$bin" --version)"
