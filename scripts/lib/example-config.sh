# shellcheck shell=bash
# Prints the configuration installed when none exists yet (by build-deb.sh and deploy.sh).
# Uses docs/edgetrader.example.json when the repository has it; otherwise a minimal valid configuration with the
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
// EdgeTrader configuration (JSON with comments). Every key and its default: docs/operations.md.
// Safe defaults: orders are simulated (execution.dryRun), no GPIO panel, no MQTT mirroring.
{
  "node": "edge-1",
  "stateDir": "$prefix/var/lib/edgetrader",
  "logDir": "$prefix/var/log/edgetrader",
  "control": { "socket": "$prefix/run/edgetrader/control.sock" },
  "bridge": { "ticks": "tcp://127.0.0.1:32770", "format": "json" },
  "gateway": { "endpoint": "tcp://127.0.0.1:32771" },
  "execution": { "dryRun": true },
  "panel": { "driver": "none" },
  "mqtt": { "enabled": false }
}
JSON
  fi
}
