#!/usr/bin/env bash
# .NET 10 against .NET 9 NativeAOT, same sources, same machine, one run: binary size, start -> ready
# (scripts/bench-startup.sh) and the peak RSS of `edgetrader demo --duration 8`, the two binaries alternating.
#   scripts/bench-net9-net10.sh [ROUNDS]      (default 3 rounds; each: bench-startup 20 runs + one demo per binary)
# The net9.0 binary is published into artifacts/net9-linux-x64 from a copy of the sources switched to net9.0 (needs
# the net9 ILCompiler and runtime packs in the feed); the net10.0 one is artifacts/linux-x64/edgetrader (./build-aot.sh when missing).
# Prints one line per measurement and a median per binary. Note the load average: numbers taken while the machine is
# busy are provisional.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
command -v /usr/bin/time >/dev/null || { echo "bench-net9-net10: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
[ -x artifacts/linux-x64/edgetrader ] || ./build-aot.sh --rid linux-x64
NET10=$PWD/artifacts/linux-x64/edgetrader
NET9=$PWD/artifacts/net9-linux-x64/edgetrader
if [ ! -x "$NET9" ]; then
  # A copy of the sources with the target framework switched to net9.0 (the projects' single TargetFramework comes
  # from Directory.Build.props; a global -p:TargetFramework does not reach NuGet restore). The checkout is untouched.
  echo "bench-net9-net10: publishing the net9.0 binary"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  cp -r src Directory.Build.props Directory.Packages.props "$tmp/"
  rm -rf "$tmp"/src/*/bin "$tmp"/src/*/obj
  sed -i 's|<TargetFramework>net10.0</TargetFramework>|<TargetFramework>net9.0</TargetFramework>|' "$tmp/Directory.Build.props"
  dotnet publish "$tmp/src/EdgeTrader/EdgeTrader.csproj" -c Release -r linux-x64 -o "$PWD/artifacts/net9-linux-x64" \
    -nologo -clp:NoSummary -v q >"$tmp/publish.log" 2>&1 || { cat "$tmp/publish.log"; exit 1; }
  rm -f artifacts/net9-linux-x64/*.pdb artifacts/net9-linux-x64/*.dbg
  rm -rf "$tmp"; trap - EXIT
fi
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "$NET9" "$NET10"; do echo "$("$b" --version): $(stat -c %s "$b") bytes"; done

out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for r in $(seq "$rounds"); do
  for b in "$NET9" "$NET10"; do
    tag=$(basename "$(dirname "$b")")
    line=$(scripts/bench-startup.sh 20 --binary "$b")
    line=${line%%$'\n'*}
    ready=$(echo "$line" | grep -oE 'median [0-9.]+' | grep -oE '[0-9.]+')
    rss_ready=$(echo "$line" | grep -oE 'RSS when ready [0-9.]+' | grep -oE '[0-9.]+$')
    (cd "$out" && /usr/bin/time -f %M "$b" demo --duration 8 </dev/null >demo.out 2>time.err) || true
    peak=$(tail -n1 "$out/time.err")
    grep -q "demo: OK" "$out/demo.out" || { echo "demo of $b did not end OK:"; tail -n 20 "$out/demo.out"; exit 1; }
    echo "round $r $tag: start->ready median ${ready} ms, RSS when ready ${rss_ready} MiB, demo peak RSS $(awk -v k="$peak" 'BEGIN {printf "%.1f", k/1024}') MiB"
    echo "$tag $ready $rss_ready $peak" >> "$out/all"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
for tag in net9-linux-x64 linux-x64; do
  awk -v t="$tag" '$1 == t' "$out/all" | sort -k2 -n | awk -v t="$tag" '{r[NR]=$2} END {printf "%s: start->ready median of round medians %.1f ms\n", t, r[int((NR+1)/2)]}'
  awk -v t="$tag" '$1 == t' "$out/all" | sort -k4 -n | awk -v t="$tag" '{p[NR]=$4} END {printf "%s: demo peak RSS median %.1f MiB\n", t, p[int((NR+1)/2)]/1024}'
done
