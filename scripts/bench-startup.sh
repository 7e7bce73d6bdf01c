#!/usr/bin/env bash
# Start-to-ready of the AOT daemon (process start -> control socket serving, as the daemon logs it) and its RSS.
#   scripts/bench-startup.sh [RUNS] [--binary PATH]     (default: artifacts/linux-x64/edgetrader, built when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=20 ET=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) ET=$(readlink -f "${2:?}"); shift 2 ;;
    *) runs=$1; shift ;;
  esac
done
if [ -z "$ET" ]; then
  [ -x artifacts/linux-x64/edgetrader ] || ./build-aot.sh
  ET=$PWD/artifacts/linux-x64/edgetrader
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat >"$work/et.json" <<JSON
{ "node": "bench", "stateDir": "$work/state", "logDir": "$work/log", "control": { "socket": "$work/control.sock" },
  "bridge": { "ticks": "tcp://127.0.0.1:1" }, "gateway": { "endpoint": "tcp://127.0.0.1:2" }, "panel": { "driver": "sim" } }
JSON
ready=()
for i in $(seq "$runs"); do
  "$ET" run --config "$work/et.json" >"$work/out.log" 2>&1 & pid=$!
  for _ in $(seq 500); do grep -q "ready in" "$work/out.log" && break; sleep 0.01; done
  ms=$(grep -oE "ready in [0-9.]+ ms" "$work/out.log" | grep -oE "[0-9.]+")
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill -TERM $pid; wait $pid || true
  ready+=("$ms"); last_rss=$rss
done
printf '%s\n' "${ready[@]}" | sort -n | awk -v rss="$last_rss" -v n="$runs" '{a[NR]=$1} END {printf "start->ready over %d runs: min %.1f ms, median %.1f ms, max %.1f ms; RSS when ready %.1f MiB\n", n, a[1], a[int((NR+1)/2)], a[NR], rss/1024}'
echo "binary: $(stat -c %s "$ET") bytes"

# `edgetrader engage` round trip: process start, control socket, engage (gates closed, state fsync'd), answer.
"$ET" run --config "$work/et.json" >"$work/out.log" 2>&1 & pid=$!
for _ in $(seq 500); do grep -q "ready in" "$work/out.log" && break; sleep 0.01; done
rt=()
for i in $(seq "$runs"); do
  t0=$(date +%s%N); "$ET" engage --reason bench --socket "$work/control.sock" >/dev/null; t1=$(date +%s%N)
  rt+=($(( (t1 - t0) / 1000 )))
  "$ET" reset --yes --socket "$work/control.sock" >/dev/null
done
kill -TERM $pid; wait $pid || true
printf '%s\n' "${rt[@]}" | sort -n | awk -v n="$runs" '{a[NR]=$1} END {printf "edgetrader engage round trip over %d runs: min %.2f ms, median %.2f ms, max %.2f ms\n", n, a[1]/1000, a[int((NR+1)/2)]/1000, a[NR]/1000}'
