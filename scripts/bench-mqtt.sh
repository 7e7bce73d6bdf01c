#!/usr/bin/env bash
# MQTT mirror latency through a real, local Mosquitto broker (docs/mqtt.md, "Latency").
#   scripts/bench-mqtt.sh [--cycles N] [--bin PATH]
# Starts its own broker on a free 127.0.0.1 port in a temporary directory (never the system one on :1883), runs the
# hidden `edgetrader bench-mqtt` command against it, and stops the broker. Default binary: artifacts/linux-x64/edgetrader
# (./build-aot.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=artifacts/linux-x64/edgetrader
cycles=200
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "bench-mqtt: unknown argument $1" >&2; exit 2 ;;
  esac
done

if ! command -v mosquitto >/dev/null 2>&1 || ! dpkg-query -W -f='${Status}' libmosquitto1 2>/dev/null | grep -q "install ok installed"; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends mosquitto libmosquitto1 >/dev/null
fi
[ -x "$bin" ] || { echo "bench-mqtt: $bin not found: run ./build-aot.sh first, or pass --bin PATH" >&2; exit 2; }

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
"$bin" bench-mqtt --host 127.0.0.1 --port "$port" --cycles "$cycles"
