#!/usr/bin/env bash
# Creates what an EdgeTrader cluster broker needs: a CA, the broker's certificate, a client certificate and password
# per node and for the desk account, Mosquitto's password file and ACL, the HMAC key for signed resets, and a
# mosquitto.conf (from docs/examples/mosquitto/) pointing at them.
#
#   scripts/mqtt-broker-setup.sh --out DIR [--prefix P] [--host NAME]... [--desk NAME] [--port N] [--bind ADDR]
#                                [--conf-dir DIR] [--data-dir DIR] [--days N] NODE...
#
#   --out       where to write everything (created; existing files are kept, so a rerun only adds what is missing)
#   --prefix    MQTT topic prefix of the cluster (mqtt.topicPrefix), default edgetrader/default
#   --host      a name or IP nodes use to reach the broker, repeatable (localhost and 127.0.0.1 are always added)
#   --desk      the account allowed to send kill-switch commands, default desk
#   --port/--bind   the TLS listener, default 8883 on all addresses
#   --conf-dir  where DIR will be installed on the broker (paths in mosquitto.conf), default /etc/mosquitto/edgetrader
#   --data-dir  Mosquitto's persistence directory, default /var/lib/mosquitto/
#   --days      certificate lifetime, default 825
#
# Then, on the broker: copy DIR to --conf-dir (without ca.key), mosquitto.conf to /etc/mosquitto/mosquitto.conf,
# and restart mosquitto. On each node: ca.crt, clients/NODE.crt, clients/NODE.key, passwords/NODE and, for signed
# resets, hmac.key (see docs/mqtt.md for the matching mqtt.* settings). Keep ca.key offline.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
examples="$here/../docs/examples/mosquitto"

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$2" >/dev/null
}
need openssl openssl
need mosquitto_passwd mosquitto

out="" prefix="edgetrader/default" desk="desk" port=8883 bind="" conf_dir="/etc/mosquitto/edgetrader"
data_dir="/var/lib/mosquitto/" days=825
hosts=() nodes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --host) hosts+=("$2"); shift 2 ;;
    --desk) desk="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --bind) bind="$2"; shift 2 ;;
    --conf-dir) conf_dir="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "mqtt-broker-setup: unknown option $1" >&2; exit 2 ;;
    *) nodes+=("$1"); shift ;;
  esac
done
[ -n "$out" ] || { echo "mqtt-broker-setup: --out DIR is required" >&2; exit 2; }
case "$data_dir" in */) ;; *) data_dir="$data_dir/" ;; esac # Mosquitto appends the file name as is
[ "${#nodes[@]}" -gt 0 ] || { echo "mqtt-broker-setup: name at least one node" >&2; exit 2; }
for n in "${nodes[@]}" "$desk"; do
  [[ "$n" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || { echo "mqtt-broker-setup: '$n' is not a valid node/account name" >&2; exit 2; }
done
case "$prefix" in *'#'*|*'+'*|*/) echo "mqtt-broker-setup: --prefix must have no wildcard and no trailing /" >&2; exit 2 ;; esac

mkdir -p "$out/clients" "$out/passwords"
cd "$out"
umask 077

if [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -days "$days" -subj "/CN=EdgeTrader cluster CA" \
    -keyout ca.key -out ca.crt 2>/dev/null
fi

san="DNS:localhost,IP:127.0.0.1"
for h in "${hosts[@]}"; do
  if [[ "$h" =~ ^[0-9.]+$ || "$h" == *:* ]]; then san="$san,IP:$h"; else san="$san,DNS:$h"; fi
done
cn="${hosts[0]:-localhost}"
if [ ! -f server.crt ]; then
  openssl req -newkey rsa:3072 -nodes -subj "/CN=$cn" -keyout server.key -out server.csr 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" > server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
    -extfile server.ext -out server.crt 2>/dev/null
  rm -f server.csr server.ext
fi

[ -f passwd ] || : > passwd
for n in "${nodes[@]}" "$desk"; do
  if [ ! -f "clients/$n.crt" ]; then
    openssl req -newkey rsa:3072 -nodes -subj "/CN=$n" -keyout "clients/$n.key" -out "clients/$n.csr" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > "clients/$n.ext"
    openssl x509 -req -in "clients/$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
      -extfile "clients/$n.ext" -out "clients/$n.crt" 2>/dev/null
    rm -f "clients/$n.csr" "clients/$n.ext"
  fi
  if [ ! -f "passwords/$n" ]; then
    openssl rand -hex 24 > "passwords/$n"
    mosquitto_passwd -b passwd "$n" "$(cat "passwords/$n")"
  fi
done

[ -f hmac.key ] || openssl rand -hex 32 > hmac.key

# The ACL and the config, with this cluster's prefix and paths.
sed -e "s#edgetrader/default#$prefix#g" -e "s#^user desk\$#user $desk#" "$examples/acl" > acl
listener="listener $port${bind:+ $bind}"
sed -e "s#/etc/mosquitto/edgetrader#$conf_dir#g" -e "s#^persistence_location .*#persistence_location $data_dir#" \
    -e "s#^listener 8883\$#$listener#" "$examples/mosquitto.conf" > mosquitto.conf

# The broker drops root for the mosquitto user: let it read its own files (Debian's package creates the group).
if getent group mosquitto >/dev/null 2>&1; then
  chgrp mosquitto passwd acl server.key server.crt ca.crt 2>/dev/null || true
  chmod 640 passwd acl server.key 2>/dev/null || true
fi
chmod 644 ca.crt server.crt mosquitto.conf

echo "mqtt-broker-setup: wrote $(pwd): CA, broker certificate (SAN $san), accounts ${nodes[*]} and $desk, passwd, acl, hmac.key, mosquitto.conf"
