#!/usr/bin/env bash
# Tick -> order through separate processes over loopback TCP: both ZeroMQ transports of EdgeTrader against a raw C
# forward, in the same run.
#   scripts/bench-bridge.sh [--ticks N] [--paced-ticks N] [--rate R] [--rates "R1 R2 ..."] [--runs K]
#                           [--transports "libzmq netmq"] [--sim] [--baseline BIN] [--bin BIN]
# Load generator and gateway: scripts/bench/load-gen.c (one C process, XPUB + ROUTER answering ack + fill; it stamps
# each tick's send time by seq, so tick -> order latency is bridge send -> gateway receive on one clock).
# Subjects: scripts/bench/raw-forward.c (SUB -> DEALER, one order per tick, no logic, replies ignored) and the AOT
# daemon (every-tick, journal on, dryRun false, every ack and fill processed and journaled) once per bridge.transport
# in --transports (default: libzmq and netmq, same binary).
# Cases: flat out (orders/s, latency, tick accounting) and paced at --rate (default 10,000 ticks/s), each --runs times
# with the subjects interleaved (medians); each of --rates once more (latency); with --sim, the C# sim-bridge as load
# generator as before. --baseline BIN adds another edgetrader binary (an earlier build, its default transport) as a
# subject in every case, for before/after comparisons in one run. The end is a summary per transport against the goals
# (docs/performance.md): p99 tick -> order <= 10 ms in every case, flat-out orders/s >= 0.8 x the raw forward's, paced
# p50 <= 1.15 x and p99 <= 1.5 x the raw forward's, 0 ticks unaccounted. The load average is printed with every case:
# numbers taken while the machine is busy are provisional; rerun in a quiet window. Defaults take about 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000; PACED=50000; RATE=10000; RATES=""; RUNS=3; SIM=0; BASE=""; TRANSPORTS="libzmq netmq"; ET=$PWD/artifacts/linux-x64/edgetrader
while [ $# -gt 0 ]; do
  case "$1" in
    --ticks) N=$2; shift 2 ;; --paced-ticks) PACED=$2; shift 2 ;; --rate) RATE=$2; shift 2 ;;
    --rates) RATES=$2; shift 2 ;; --runs) RUNS=$2; shift 2 ;; --sim) SIM=1; shift ;; --baseline) BASE=$(realpath "$2"); shift 2 ;;
    --transports) TRANSPORTS=$2; shift 2 ;; --bin) ET=$(realpath "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
bash scripts/install-deps.sh >/dev/null
dpkg -s libzmq3-dev >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends libzmq3-dev gcc >/dev/null
[ -x "$ET" ] || ./build-aot.sh
for tr in $TRANSPORTS; do case $tr in libzmq|netmq) ;; *) echo "--transports: $tr is not a bridge.transport (libzmq, netmq)" >&2; exit 2 ;; esac; done
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -o "$work/raw-forward" scripts/bench/raw-forward.c -lzmq
gcc -O2 -pthread -o "$work/load-gen" scripts/bench/load-gen.c -lzmq

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

config() { # $1 dir $2 ticks $3 gateway $4 strategy $5 transport (empty: the binary's default, for a baseline)
  local tr=""; [ -n "${5:-}" ] && tr=", \"transport\": \"$5\""
  cat >"$1/et.json" <<JSON
{ "node": "bench", "stateDir": "$1/state", "logDir": "$1/log", "logLevel": "warning",
  "control": { "socket": "$1/control.sock" },
  "bridge": { "ticks": "$2", "receiveHighWaterMark": 0$tr },
  "gateway": { "endpoint": "$3", "sendHighWaterMark": 0 },
  "execution": { "dryRun": false },
  "strategy": { "kind": "$4", "qty": 0.01, "symbols": ["EURUSD"] },
  "risk": { "maxOrdersPerSecond": 1000000, "maxPosition": 1000000, "maxTradesPerDay": 2000000000,
            "maxLossStreak": 0, "maxDailyLoss": 1e15, "maxTickAgeMs": 1000 } }
JSON
}

# run SUBJECT RATE COUNT [GENERATOR] -> the generator's summary JSON, then (a daemon) the daemon's counters JSON.
# SUBJECT: raw, baseline, or a bridge.transport (libzmq, netmq) of the binary under test.
run() {
  local subject=$1 rate=$2 count=$3 gen=${4:-c} t g d pid sim
  t="tcp://127.0.0.1:$(port)"; g="tcp://127.0.0.1:$(port)"; d=$(mktemp -d -p "$work")
  if [ "$gen" = c ]; then "$work/load-gen" "$t" "$g" --rate "$rate" --count "$count" --exit-idle-ms 1500 >"$d/gen.json" 2>/dev/null &
  else "$ET" sim-bridge --ticks "$t" --gateway "$g" --rate "$rate" --count "$count" --wait-for-subscriber --exit-idle-ms 1500 >"$d/gen.json" 2>/dev/null & fi
  sim=$!
  local bin=$ET transport=$subject; [ "$subject" = baseline ] && bin=$BASE transport=""
  if [ "$subject" = raw ]; then "$work/raw-forward" "$t" "$g" 2>/dev/null & pid=$!
  else config "$d" "$t" "$g" every-tick "$transport"; "$bin" run --config "$d/et.json" >/dev/null 2>&1 & pid=$!; fi
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

# keep CASE SUBJECT RESULT: the result, for the summary
keep() { printf '%s\n' "$3" >"$res/$1.$2.$(ls "$res" | grep -c "^$1\.$2\." || true)"; }
res=$work/results; mkdir -p "$res"
subjects="raw $TRANSPORTS${BASE:+ baseline}"

echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), libzmq $(dpkg-query -W -f='${Version}' libzmq5), $("$ET" --version); load $(load)"

echo "flat out, $N ticks, every-tick, C load generator ($RUNS runs, subjects interleaved):"
for i in $(seq "$RUNS"); do
  echo "  run $i (load $(load)):"
  for s in $subjects; do o=$(run "$s" 0 "$N"); keep flat "$s" "$o"; printf '    %-10s %s\n' "$s" "$(show "$o")"; done
done

echo "paced $RATE ticks/s, $PACED ticks ($RUNS runs, subjects interleaved):"
for i in $(seq "$RUNS"); do
  echo "  run $i (load $(load)):"
  for s in $subjects; do o=$(run "$s" "$RATE" "$PACED"); keep paced "$s" "$o"; printf '    %-10s %s\n' "$s" "$(show "$o")"; done
done

for rr in $RATES; do
  cnt=$PACED; [ "$rr" -gt 100000 ] && cnt=$((rr * 3))
  echo "paced $rr ticks/s, $cnt ticks (load $(load)):"
  for s in $subjects; do o=$(run "$s" "$rr" "$cnt"); keep "rate$rr" "$s" "$o"; printf '  %-10s %s\n' "$s" "$(show "$o")"; done
done

if [ "$SIM" = 1 ]; then
  echo "C# sim-bridge as load generator, flat out, $N ticks (load $(load)):"
  for s in raw ${TRANSPORTS%% *}; do
    o=$(run "$s" 0 "$N" sim); printf '  %-10s orders %s, %s/s\n' "$s" "$(field "$o" 'd["orders"]')" "$(field "$o" 'd["ordersPerSecond"]')"
  done
fi

echo "summary against the goals (medians over the runs; load $(load)):"
python3 - "$res" "$subjects" <<'PY'
import glob, json, os, statistics, sys
res, subjects = sys.argv[1], sys.argv[2].split()
def runs(case, s):
    out = []
    for f in sorted(glob.glob(os.path.join(res, f"{case}.{s}.*"))):
        gen, counters = open(f).read().split("\n")[:2]
        g, c = json.loads(gen), json.loads(counters)
        un = None
        if c:
            un = g["ticksSent"] - (c["ticksAccepted"] + sum(c.get("dropped", {}).values()) + c.get("conflated", 0))
        out.append((g, un))
    return out
med = lambda xs: statistics.median(xs) if xs else float("nan")
def m(case, s, f): return med([f(g) for g, _ in runs(case, s)])
cases = sorted({os.path.basename(f).split(".")[0] for f in glob.glob(os.path.join(res, "*"))})
raw_ops = m("flat", "raw", lambda g: g["ordersPerSecond"])
raw_p50 = m("paced", "raw", lambda g: g["latencyUs"]["p50"])
raw_p99 = m("paced", "raw", lambda g: g["latencyUs"]["p99"])
print(f"  raw forward: flat out {raw_ops:,.0f} orders/s; paced p50 {raw_p50:,.1f} us, p99 {raw_p99:,.1f} us")
ok = lambda b: "meets" if b else "MISSES"
for s in subjects:
    if s == "raw": continue
    ops = m("flat", s, lambda g: g["ordersPerSecond"])
    p50 = m("paced", s, lambda g: g["latencyUs"]["p50"])
    p99 = m("paced", s, lambda g: g["latencyUs"]["p99"])
    worst = max(((m(c, s, lambda g: g["latencyUs"]["p99"]), c) for c in cases), default=(float("nan"), "-"))
    unaccounted = sum(u for c in cases for _, u in runs(c, s) if u is not None)
    line = lambda what, goal, met: print(f"    {what:<52} goal {goal:<9} {ok(met)}")
    print(f"  {s}:")
    line(f"flat-out orders/s {ops:,.0f} = {ops / raw_ops:.2f} x raw", ">= 0.8 x", ops >= 0.8 * raw_ops)
    line(f"paced p50 {p50:,.1f} us = {p50 / raw_p50:.2f} x raw", "<= 1.15 x", p50 <= 1.15 * raw_p50)
    line(f"paced p99 {p99:,.1f} us = {p99 / raw_p99:.2f} x raw", "<= 1.5 x", p99 <= 1.5 * raw_p99)
    line(f"worst p99, median per case: {worst[0] / 1000:,.2f} ms ({worst[1]})", "<= 10 ms", worst[0] <= 10_000)
    line(f"ticks unaccounted, all runs: {unaccounted}", "0", unaccounted == 0)
PY
echo "done (load $(load))"
