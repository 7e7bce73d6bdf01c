#!/usr/bin/env bash
# MQTT mirror latency through a real, local Mosquitto broker (docs/mqtt.md, "Latency").
#   scripts/bench-mqtt.sh [--cycles N] [--bin PATH] [--baseline PATH [--rounds N]]
# Starts its own broker on a free 127.0.0.1 port in a temporary directory (never the system one on :1883), runs the
# hidden `edgetrader bench-mqtt` command against it, and stops the broker. Default binary: artifacts/linux-x64/edgetrader
# (./build-aot.sh builds it).
# --baseline PATH: also runs another build (e.g. an older release) against the same broker, alternating the two
# binaries for --rounds rounds (default 3, order swapped every round), and prints both binaries' sizes, each run's load
# average, the median over the rounds of each p50 and p99, and the ratio of --bin to --baseline.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=artifacts/linux-x64/edgetrader
baseline=""
cycles=200
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "bench-mqtt: unknown argument $1" >&2; exit 2 ;;
  esac
done

need=()
command -v mosquitto >/dev/null 2>&1 || need+=(mosquitto)
# An older build may still load libmosquitto (builds before the mirror moved to MQTTnet).
if [ -n "$baseline" ] && ! dpkg-query -W -f='${Status}' libmosquitto1 2>/dev/null | grep -q "install ok installed"; then need+=(libmosquitto1); fi
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for b in "$bin" ${baseline:+"$baseline"}; do
  [ -x "$b" ] || { echo "bench-mqtt: $b not found: run ./build-aot.sh first, or pass --bin/--baseline PATH" >&2; exit 2; }
done

dir="$(mktemp -d /tmp/edgetrader-bench-mqtt.XXXXXX)"
broker_pid=""
cleanup() { [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for _ in $(seq 1 20); do
  port=$((20000 + RANDOM % 40000))
  port_open "$port" && continue
  cat > "$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
persistence false
log_dest file $dir/mosquitto.log
user $(id -un)
CONF
  mosquitto -c "$dir/mosquitto.conf" >/dev/null 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 100); do
    port_open "$port" && break
    kill -0 "$broker_pid" 2>/dev/null || break
    sleep 0.05 # waiting for the broker's port, with a deadline of 5 s
  done
  if kill -0 "$broker_pid" 2>/dev/null && port_open "$port"; then break; fi
  broker_pid=""
done
[ -n "$broker_pid" ] || { echo "bench-mqtt: could not start mosquitto (log: $dir/mosquitto.log)" >&2; exit 1; }

echo "bench-mqtt: $(uname -m), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), mosquitto $(mosquitto -h 2>/dev/null | head -n1 | awk '{print $3}')"

if [ -z "$baseline" ]; then
  "$bin" bench-mqtt --host 127.0.0.1 --port "$port" --cycles "$cycles"
  exit 0
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
# One run of one binary; its table goes to the terminal and, tagged, to $dir/rows: "LABEL MODE gates|retained P50 P99".
run() {
  local label=$1 b=$2 out
  echo "--- $label ($b), load before $(load)"
  if ! out=$("$b" bench-mqtt --host 127.0.0.1 --port "$port" --cycles "$cycles"); then
    printf '%s\n' "$out"
    echo "--- $label FAILED (left out of the medians), load after $(load)"
    return 0
  fi
  printf '%s\n' "$out"
  echo "--- load after $(load)"
  printf '%s\n' "$out" | awk -v l="$label" '$1=="direct"||$1=="command"{m=($0 ~ /gates closed/)?"gates":"retained"; print l, $1, m, $(NF-3), $(NF-2)}' >> "$dir/rows"
}

for b in "$baseline" "$bin"; do
  echo "size $(stat -c %s "$b") bytes: $b"
done
for r in $(seq 1 "$rounds"); do
  echo "=== round $r of $rounds"
  if [ $((r % 2)) -eq 1 ]; then run baseline "$baseline"; run bin "$bin"; else run bin "$bin"; run baseline "$baseline"; fi
done

echo "=== median over $rounds rounds, µs (bin = $bin, baseline = $baseline)"
printf '%-8s %-9s %10s %10s %8s %10s %10s %8s\n' mode to "base p50" "bin p50" ratio "base p99" "bin p99" ratio
median() { sort -n | awk '{a[NR]=$1} END{if(NR==0){print "nan"} else if(NR%2){print a[(NR+1)/2]} else {print (a[NR/2]+a[NR/2+1])/2}}'; }
for mode in direct command; do
  for to in gates retained; do
    bp50=$(awk -v m=$mode -v t=$to '$1=="baseline"&&$2==m&&$3==t{print $4}' "$dir/rows" | median)
    np50=$(awk -v m=$mode -v t=$to '$1=="bin"&&$2==m&&$3==t{print $4}' "$dir/rows" | median)
    bp99=$(awk -v m=$mode -v t=$to '$1=="baseline"&&$2==m&&$3==t{print $5}' "$dir/rows" | median)
    np99=$(awk -v m=$mode -v t=$to '$1=="bin"&&$2==m&&$3==t{print $5}' "$dir/rows" | median)
    awk -v m=$mode -v t=$to -v a="$bp50" -v b="$np50" -v c="$bp99" -v d="$np99" \
      'BEGIN{printf "%-8s %-9s %10.0f %10.0f %8.2f %10.0f %10.0f %8.2f\n", m, t, a, b, b/a, c, d, d/c}'
  done
done
