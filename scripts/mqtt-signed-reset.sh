#!/usr/bin/env bash
# Prints a signed remote-reset message for P/killswitch/reset (format: docs/mqtt.md, "Signed remote reset").
#
#   scripts/mqtt-signed-reset.sh --key FILE --prefix P --node NODE|'*' --engagement ORIGIN:INCARNATION:SEQ [--reason TEXT] [--time EPOCH_MS] [--nonce N]
#
# Example (publish it as the desk account):
#   mosquitto_pub -h broker -p 8883 --cafile ca.crt -u desk -P "$(cat desk.pass)" -q 1 \
#     -t edgetrader/default/killswitch/reset \
#     -m "$(scripts/mqtt-signed-reset.sh --key hmac.key --prefix edgetrader/default --node pi-1 \\
#          --engagement pi-1:3f9c0d6e2b7a41c8:7 --reason 'cleared by desk')"
#
# The key file's first line is the hex key (make one with: openssl rand -hex 32). Nodes accept the message only with
# mqtt.allowRemoteReset=true, within mqtt.replayWindowMs of their clock, once per nonce, and only while the named
# engagement (the "engagement" of the node's retained state or status) is the node's current one.
set -euo pipefail

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$2" >&2
}
need openssl openssl

key_file="" prefix="" node="" reason="remote reset" time_ms="" nonce=""
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key_file="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --node) node="$2"; shift 2 ;;
    --reason) reason="$2"; shift 2 ;;
    --time) time_ms="$2"; shift 2 ;;
    --nonce) nonce="$2"; shift 2 ;;
    --engagement) engagement="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "mqtt-signed-reset: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$key_file" ] && [ -n "$prefix" ] && [ -n "$node" ] && [ -n "${engagement:-}" ] || { echo "mqtt-signed-reset: --key, --prefix, --node and --engagement are required" >&2; exit 2; }
[[ "$engagement" =~ ^[A-Za-z0-9_-]{1,64}:[0-9a-f]{16}:[1-9][0-9]{0,15}$ ]] || { echo "mqtt-signed-reset: --engagement must be origin:incarnation:seq (the node's state shows it)" >&2; exit 2; }
key="$(head -n1 "$key_file" | tr -d '[:space:]')"
[[ "$key" =~ ^([0-9a-fA-F]{2}){16,}$ ]] || { echo "mqtt-signed-reset: $key_file must hold a hex key of at least 16 bytes" >&2; exit 2; }
[ -n "$time_ms" ] || time_ms="$(date +%s%3N)"
[[ "$time_ms" =~ ^-?[0-9]+$ ]] || { echo "mqtt-signed-reset: --time must be epoch milliseconds" >&2; exit 2; }
[ -n "$nonce" ] || nonce="$(openssl rand -hex 16)"
[[ "$nonce" =~ ^[A-Za-z0-9._-]{8,128}$ ]] || { echo "mqtt-signed-reset: the nonce must be 8-128 of [A-Za-z0-9._-]" >&2; exit 2; }
# Keep the reason to one line of printable text, so that the JSON below needs only \ and " escaped.
if printf '%s' "$reason" | LC_ALL=C grep -q '[[:cntrl:]]'; then
  echo "mqtt-signed-reset: the reason must not contain control characters" >&2; exit 2
fi

# Piped, not captured first: $(...) would drop the final newline of a message whose reason is empty.
hmac="$(printf 'edgetrader-reset-v2\n%s\n%s\n%s\n%s\n%s\n%s' "$prefix" "$node" "$engagement" "$time_ms" "$nonce" "$reason" \
  | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -r | cut -d' ' -f1)"

json_escape() { local s="${1//\\/\\\\}"; printf '%s' "${s//\"/\\\"}"; }
printf '{"node":"%s","engagement":"%s","time":%s,"nonce":"%s","reason":"%s","hmac":"%s"}\n' \
  "$(json_escape "$node")" "$engagement" "$time_ms" "$nonce" "$(json_escape "$reason")" "$hmac"
