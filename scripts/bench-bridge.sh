#!/usr/bin/env bash
# Tick -> order through separate processes over loopback TCP, EdgeTrader vs a raw C forward measured in the same run.
#   scripts/bench-bridge.sh [--ticks N] [--paced-ticks N] [--rate R] [--runs K]
# Load generator and gateway: `edgetrader sim-bridge` (one process). Subjects: scripts/bench/raw-forward.c (SUB->DEALER,
# no logic) and the AOT daemon (every-tick, journal on, dryRun false). Latency is bridge send -> gateway receive on one
# clock (the sim stamps each tick's send time by seq).
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000; PACED=50000; RATE=10000; RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --ticks) N=$2; shift 2 ;; --paced-ticks) PACED=$2; shift 2 ;; --rate) RATE=$2; shift 2 ;; --runs) RUNS=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
bash scripts/install-deps.sh >/dev/null
dpkg -s libzmq3-dev >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends libzmq3-dev gcc >/dev/null
[ -x artifacts/linux-x64/edgetrader ] || ./build-aot.sh
ET=$PWD/artifacts/linux-x64/edgetrader
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
gcc -O2 -o "$work/raw-forward" scripts/bench/raw-forward.c -lzmq

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

config() { # $1 dir $2 ticks $3 gateway $4 strategy
  cat >"$1/et.json" <<JSON
{ "node": "bench", "stateDir": "$1/state", "logDir": "$1/log", "logLevel": "warning",
  "control": { "socket": "$1/control.sock" },
  "bridge": { "ticks": "$2", "receiveHighWaterMark": 0 },
  "gateway": { "endpoint": "$3", "sendHighWaterMark": 0 },
  "execution": { "dryRun": false },
  "strategy": { "kind": "$4", "qty": 0.01, "symbols": ["EURUSD"] },
  "risk": { "maxOrdersPerSecond": 1000000, "maxPosition": 1000000, "maxTradesPerDay": 2000000000,
            "maxLossStreak": 0, "maxDailyLoss": 1e15, "maxTickAgeMs": 0 } }
JSON
}

# run SUBJECT RATE COUNT STRATEGY -> prints the sim summary JSON (+ daemon ticks for edgetrader)
run() {
  local subject=$1 rate=$2 count=$3 strategy=${4:-every-tick} t g d pid
  t="tcp://127.0.0.1:$(port)"; g="tcp://127.0.0.1:$(port)"; d=$(mktemp -d -p "$work")
  "$ET" sim-bridge --ticks "$t" --gateway "$g" --rate "$rate" --count "$count" --wait-for-subscriber --exit-idle-ms 1500 >"$d/sim.json" 2>/dev/null &
  local sim=$!
  if [ "$subject" = raw ]; then "$work/raw-forward" "$t" "$g" 2>/dev/null & pid=$!
  elif [ "$subject" = raw-poll ]; then "$work/raw-forward" "$t" "$g" --poll 2>/dev/null & pid=$!
  else config "$d" "$t" "$g" "$strategy"; "$ET" run --config "$d/et.json" >/dev/null 2>&1 & pid=$!; fi
  wait $sim
  local ticks=""
  if [ "$subject" = edgetrader ]; then
    ticks=$("$ET" status --json --socket "$d/control.sock" | python3 -c 'import json,sys; c=json.load(sys.stdin)["counters"]; print(c["ticks"], c["orders"])')
  fi
  kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true
  echo "$(cat "$d/sim.json") ${ticks}"
}

field() { python3 -c "import json,sys; d=json.loads(sys.argv[1].split('} ')[0]+'}'); print(eval(sys.argv[2]))" "$1" "$2"; }

echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), libzmq $(dpkg-query -W -f='${Version}' libzmq5)"
echo "flat out, $N ticks, every-tick, orders/s at the gateway (median of $RUNS, runs interleaved):"
declare -a R E
for i in $(seq "$RUNS"); do
  r=$(run raw 0 "$N"); e=$(run edgetrader 0 "$N")
  R+=("$(field "$r" 'd["ordersPerSecond"]')"); E+=("$(field "$e" 'd["ordersPerSecond"]')")
  echo "  run $i: raw $(field "$r" 'd["orders"]') orders, $(field "$r" 'd["ordersPerSecond"]')/s | edgetrader $(field "$e" 'd["orders"]') orders, $(field "$e" 'd["ordersPerSecond"]')/s; ticks received/orders by the daemon: ${e##*\} }"
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mr=$(med "${R[@]}"); me=$(med "${E[@]}")
echo "  median: raw $mr/s, edgetrader $me/s, ratio $(python3 -c "print(round($me/$mr,2))")"

echo "no signal (ema-cross on a random walk: few signals), $N ticks flat out: ticks/s received and processed by the daemon"
nosignal() {
  local t g d pid sim
  t="tcp://127.0.0.1:$(port)"; g="tcp://127.0.0.1:$(port)"; d=$(mktemp -d -p "$work")
  config "$d" "$t" "$g" ema-cross; "$ET" run --config "$d/et.json" >/dev/null 2>&1 & pid=$!
  "$ET" sim-bridge --ticks "$t" --gateway "$g" --rate 0 --count "$N" --wait-for-subscriber >/dev/null 2>&1 & sim=$!
  python3 - "$ET" "$d/control.sock" "$N" <<'PY'
import json, subprocess, sys, time
et, sock, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ticks():
    try: return json.loads(subprocess.run([et, "status", "--json", "--socket", sock], capture_output=True, text=True).stdout)["counters"]["ticks"]
    except Exception: return 0
deadline = time.time() + 120
while ticks() == 0 and time.time() < deadline: time.sleep(0.005)
t0 = time.time(); last = 0
while time.time() < deadline:
    last = ticks()
    if last >= n: break
    time.sleep(0.01)
dt = time.time() - t0
print(f"  {last} of {n} ticks processed in {dt:.3f} s: {last/dt/1e6:.2f} M ticks/s (lost: {n-last})")
PY
  kill -TERM $sim $pid 2>/dev/null; wait $sim $pid 2>/dev/null || true
}
for i in $(seq "$RUNS"); do nosignal; done

echo "paced $RATE ticks/s, $PACED ticks: tick->order latency in us (bridge send -> gateway receive)"
for s in raw raw-poll edgetrader; do
  o=$(run $s "$RATE" "$PACED")
  echo "  $s: p50 $(field "$o" 'd["latencyUs"]["p50"]')  p99 $(field "$o" 'd["latencyUs"]["p99"]')  p99.9 $(field "$o" 'd["latencyUs"]["p999"]')  max $(field "$o" 'd["latencyUs"]["max"]')  (orders $(field "$o" 'd["orders"]'))"
done
