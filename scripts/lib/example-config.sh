# shellcheck shell=bash
# Prints the configuration installed when none exists yet (by build-deb.sh and deploy.sh).
# Uses docs/edgetrader.example.json when the repository has it; otherwise a complete configuration with the
# safe defaults (dry run, no panel, no MQTT). With a PREFIX, the state, log and runtime paths move under it.
#   example_config REPO_ROOT [PREFIX]
example_config() {
  local repo=$1 prefix=${2:-}
  local src="$repo/docs/edgetrader.example.json"
  if [ -f "$src" ]; then
    sed -e "s#\"/var/lib/edgetrader#\"$prefix/var/lib/edgetrader#g" \
        -e "s#\"/var/log/edgetrader#\"$prefix/var/log/edgetrader#g" \
        -e "s#\"/run/edgetrader/#\"$prefix/run/edgetrader/#g" "$src"
  else
    cat <<JSON
// EdgeTrader configuration (JSON with comments). Every key is explained in docs/operations.md.
// Safe defaults: orders are simulated (execution.dryRun), no GPIO panel, no MQTT mirroring.
{
  "node": "edge-1",
  "stateDir": "$prefix/var/lib/edgetrader",
  "logDir": "$prefix/var/log/edgetrader",
  "logLevel": "information",
  "control": { "socket": "$prefix/run/edgetrader/control.sock" },
  "bridge": { "ticks": "tcp://127.0.0.1:32770", "format": "json", "receiveHighWaterMark": 1000000,
              "staleAfterMs": 5000, "engageOnSilenceMs": 0 },
  "gateway": { "endpoint": "tcp://127.0.0.1:32771", "heartbeatMs": 1000, "staleAfterMs": 5000,
               "engageOnSilenceMs": 0, "ackTimeoutMs": 2000, "sendHighWaterMark": 1000000 },
  "execution": { "dryRun": true },
  "strategy": { "kind": "ema-cross", "qty": 0.01, "symbols": ["EURUSD"], "fast": 8, "slow": 21 },
  "risk": { "maxOrdersPerSecond": 20, "maxQty": 1.0, "maxPosition": 5.0, "maxDailyLoss": 1000.0,
            "maxTradesPerDay": 10000, "maxLossStreak": 10, "maxTickAgeMs": 2000, "contractSize": 100000.0,
            "timeZone": "UTC", "sessions": [] },
  "panel": { "driver": "none", "chip": "", "emergencyStopLine": "GPIO17", "resetLine": "GPIO27",
             "greenLedLine": "GPIO22", "redLedLine": "GPIO23", "amberLedLine": "GPIO24",
             "resetHoldMs": 2000, "debounceMs": 20 },
  "mqtt": { "enabled": false, "host": "127.0.0.1", "port": 1883, "topicPrefix": "edgetrader/default",
            "clientId": "", "username": "", "passwordFile": "", "caFile": "", "certFile": "", "keyFile": "",
            "hmacKeyFile": "", "allowRemoteReset": false, "replayWindowMs": 30000, "keepAliveSeconds": 10,
            "engageOnIsolationMs": 0 }
}
JSON
  fi
}
