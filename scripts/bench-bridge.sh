#!/usr/bin/env bash
# Tick -> order through separate processes over loopback TCP: EdgeTrader against a raw C forward, in the same run.
#   scripts/bench-bridge.sh [--ticks N] [--paced-ticks N] [--rate R] [--rates "R1 R2 ..."] [--runs K] [--sim] [--baseline BIN]
# Load generator and gateway: scripts/bench/load-gen.c (one C process, XPUB + ROUTER answering ack + fill; it stamps
# each tick's send time by seq, so tick -> order latency is bridge send -> gateway receive on one clock).
# Subjects: scripts/bench/raw-forward.c (SUB -> DEALER, one order per tick, no logic, replies ignored) and the AOT
# daemon (every-tick, journal on, dryRun false, every ack and fill processed and journaled).
# Cases: flat out (orders/s, latency, tick accounting), paced at --rate and at each of --rates (latency), and, with
# --sim, the C# sim-bridge as load generator as before. --baseline BIN adds another edgetrader binary (an earlier build)
# as a third subject in every case, for before/after comparisons in one run. The load average is printed with every case:
# numbers taken while the machine is busy are provisional; rerun in a quiet window.
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000; PACED=50000; RATE=10000; RATES="1000 100000 300000"; RUNS=3; SIM=0; BASE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --ticks) N=$2; shift 2 ;; --paced-ticks) PACED=$2; shift 2 ;; --rate) RATE=$2; shift 2 ;;
    --rates) RATES=$2; shift 2 ;; --runs) RUNS=$2; shift 2 ;; --sim) SIM=1; shift ;; --baseline) BASE=$(realpath "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
bash scripts/install-deps.sh >/dev/null
dpkg -s libzmq3-dev >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends libzmq3-dev gcc >/dev/null
[ -x artifacts/linux-x64/edgetrader ] || ./build-aot.sh
ET=$PWD/artifacts/linux-x64/edgetrader
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -o "$work/raw-forward" scripts/bench/raw-forward.c -lzmq
gcc -O2 -pthread -o "$work/load-gen" scripts/bench/load-gen.c -lzmq

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

config() { # $1 dir $2 ticks $3 gateway $4 strategy
  cat >"$1/et.json" <<JSON
{ "node": "bench", "stateDir": "$1/state", "logDir": "$1/log", "logLevel": "warning",
  "control": { "socket": "$1/control.sock" },
  "bridge": { "ticks": "$2", "receiveHighWaterMark": 0 },
  "gateway": { "endpoint": "$3", "sendHighWaterMark": 0 },
  "execution": { "dryRun": false },
  "strategy": { "kind": "$4", "qty": 0.01, "symbols": ["EURUSD"] },
  "risk": { "maxOrdersPerSecond": 1000000, "maxPosition": 1000000, "maxTradesPerDay": 2000000000,
            "maxLossStreak": 0, "maxDailyLoss": 1e15, "maxTickAgeMs": 1000 } }
JSON
}

# run SUBJECT RATE COUNT [GENERATOR] -> the generator's summary JSON, then (edgetrader) the daemon's counters JSON
run() {
  local subject=$1 rate=$2 count=$3 gen=${4:-c} t g d pid sim
  t="tcp://127.0.0.1:$(port)"; g="tcp://127.0.0.1:$(port)"; d=$(mktemp -d -p "$work")
  if [ "$gen" = c ]; then "$work/load-gen" "$t" "$g" --rate "$rate" --count "$count" --exit-idle-ms 1500 >"$d/gen.json" 2>/dev/null &
  else "$ET" sim-bridge --ticks "$t" --gateway "$g" --rate "$rate" --count "$count" --wait-for-subscriber --exit-idle-ms 1500 >"$d/gen.json" 2>/dev/null & fi
  sim=$!
  local bin=$ET; [ "$subject" = baseline ] && bin=$BASE
  if [ "$subject" = raw ]; then "$work/raw-forward" "$t" "$g" 2>/dev/null & pid=$!
  else config "$d" "$t" "$g" every-tick; "$bin" run --config "$d/et.json" >/dev/null 2>&1 & pid=$!; fi
  wait $sim
  local counters='{}'
  if [ "$subject" != raw ]; then
    # The daemon may still be reading a backlog the generator finished sending: wait until its tick count settles.
    counters=$(python3 - "$bin" "$d/control.sock" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ticksSent"])' "$d/gen.json")" <<'PY'
import json, subprocess, sys, time
bin, sock, sent = sys.argv[1], sys.argv[2], int(sys.argv[3])
def counters():
    return json.loads(subprocess.run([bin, "status", "--json", "--socket", sock], capture_output=True, text=True).stdout)["counters"]
last, since, deadline = None, time.time(), time.time() + 30
while time.time() < deadline:
    c = counters()
    if c["ticks"] >= sent: break
    if c["ticks"] != last: last, since = c["ticks"], time.time()
    elif time.time() - since > 2: break
    time.sleep(0.05)
print(json.dumps(counters()))
PY
)
  fi
  kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true
  printf '%s\n%s\n' "$(cat "$d/gen.json")" "$counters"
}

# show RESULT: one line per run (gen JSON on line 1, daemon counters on line 2)
show() {
  python3 - "$1" <<'PY'
import json, sys
gen, counters = sys.argv[1].split("\n")[:2]
g = json.loads(gen); c = json.loads(counters)
l = g["latencyUs"]
a = g.get("orderStampAgeMs", {})
s = f'{g["orders"]:>8} orders {g["ordersPerSecond"]:>9,.0f}/s  latency us p50 {l["p50"]:>9,.1f}  p99 {l["p99"]:>9,.1f}  p99.9 {l["p999"]:>9,.1f}  max {l["max"]:>10,.1f}  (offered {g["offeredPerSecond"]:,.0f}/s; tick age at the order stamp p99 {a.get("p99", 0):.0f} ms)'
if c:
    dropped = sum(c.get("dropped", {}).values())
    unaccounted = g["ticksSent"] - (c["ticksAccepted"] + dropped + c.get("conflated", 0))
    s += f'\n      daemon: {c["ticks"]} of {g["ticksSent"]} ticks received: {c["ticksAccepted"]} acted on, {c.get("conflated", 0)} conflated, {dropped} dropped {c.get("dropped", {})}; seq gap ticks {c["seqGapTicks"]}; unaccounted {unaccounted}'
print(s)
PY
}
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1].split(chr(10))[0]); print(eval(sys.argv[2]))" "$1" "$2"; }
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), libzmq $(dpkg-query -W -f='${Version}' libzmq5); load $(load)"

echo "flat out, $N ticks, every-tick, C load generator (median of $RUNS, runs interleaved):"
declare -a R E EP99
for i in $(seq "$RUNS"); do
  echo "  run $i (load $(load)):"
  r=$(run raw 0 "$N"); echo "    raw        $(show "$r")"
  e=$(run edgetrader 0 "$N"); echo "    edgetrader $(show "$e")"
  if [ -n "$BASE" ]; then b=$(run baseline 0 "$N"); echo "    baseline   $(show "$b")"; fi
  R+=("$(field "$r" 'd["ordersPerSecond"]')"); E+=("$(field "$e" 'd["ordersPerSecond"]')"); EP99+=("$(field "$e" 'd["latencyUs"]["p99"]')")
done
mr=$(med "${R[@]}"); me=$(med "${E[@]}")
echo "  median orders/s: raw $mr, edgetrader $me, ratio $(python3 -c "print(round($me/$mr,2))"); edgetrader p99 median $(med "${EP99[@]}") us (load $(load))"

for rr in $RATE $RATES; do
  cnt=$PACED; [ "$rr" -gt 100000 ] && cnt=$((rr * 3))
  echo "paced $rr ticks/s, $cnt ticks (load $(load)):"
  for s in raw edgetrader ${BASE:+baseline}; do
    o=$(run $s "$rr" "$cnt"); printf '  %-10s %s\n' "$s" "$(show "$o")"
  done
done

if [ "$SIM" = 1 ]; then
  echo "C# sim-bridge as load generator, flat out, $N ticks (load $(load)):"
  for s in raw edgetrader; do
    o=$(run $s 0 "$N" sim); printf '  %-10s orders %s, %s/s\n' "$s" "$(field "$o" 'd["orders"]')" "$(field "$o" 'd["ordersPerSecond"]')"
  done
fi
echo "done (load $(load))"
