#!/usr/bin/env bash
# Mutation testing (Stryker.NET, a local dotnet tool: dotnet-tools.json) of the rules that guard the money:
#   scripts/mutation.sh [--since[=REF]] [--concurrency N] [AREA...]
# AREA: killswitch, trading (incl. Risk), journal, mqtt-policy; default all four. Each area mutates only its own
# files and runs the unit tests (no benchmarks) that cover each mutant; mutants no test covers count against the score.
# --since[=REF] mutates only files changed since REF (default main): fast reruns while killing survivors.
# Reports: artifacts/mutation/<area>/reports/mutation-report.{html,json}; one summary line per area at the end.
# Not part of CI: a full run takes tens of minutes on 2 cores (docs/operations.md says how long).
set -euo pipefail
cd "$(dirname "$0")/.."

since=""; concurrency=$(( $(nproc) > 1 ? $(nproc) : 1 )); areas=()
while [ $# -gt 0 ]; do
  case "$1" in
    --since) since="main"; shift ;;
    --since=*) since="${1#--since=}"; shift ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    killswitch|trading|journal|mqtt-policy) areas+=("$1"); shift ;;
    *) echo "mutation.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#areas[@]} -eq 0 ] && areas=(killswitch trading journal mqtt-policy)

dotnet tool restore >/dev/null

# The files of an area (globs relative to src/EdgeTrader.Core), and the unit tests that exercise them.
mutate_of() {
  case "$1" in
    killswitch) echo '"KillSwitch/**/*.cs"' ;;
    trading) echo '"Trading/**/*.cs"' ;;
    journal) echo '"Journal/**/*.cs"' ;;
    # The policy: what a topic and payload mean for the breaker (the session has its own fake-time tests; the bytes are MQTTnet).
    mqtt-policy)
      local files=()
      for f in KillSwitchMirrorPolicy.cs MqttPayloads.cs SignedReset.cs; do
        [ -f "src/EdgeTrader.Core/Transports/Mqtt/$f" ] && files+=("\"Transports/Mqtt/$f\"")
      done
      (IFS=,; echo "${files[*]}") ;;
  esac
}
filter_of() {
  case "$1" in
    # Every unit test but the benchmarks: with per-test coverage only the tests that reach a mutant run against it
    # (the broker-backed MQTT tests reach the breaker's peer paths, so they count for killswitch too).
    killswitch|trading|journal) echo 'Category!=Benchmark' ;;
    mqtt-policy) echo 'Category!=Benchmark&FullyQualifiedName~Mqtt' ;;
  esac
}

summary=()
for area in "${areas[@]}"; do
  out="artifacts/mutation/$area"
  mkdir -p "$out"
  cfg="$out/stryker-config.json"
  cat >"$cfg" <<JSON
{
  "stryker-config": {
    "project": "EdgeTrader.Core.csproj",
    "test-projects": ["$PWD/tests/EdgeTrader.Core.Tests/EdgeTrader.Core.Tests.csproj"],
    "solution": "$PWD/EdgeTrader.sln",
    "mutate": [$(mutate_of "$area")],
    "test-case-filter": "$(filter_of "$area")",
    "coverage-analysis": "perTest",
    "concurrency": $concurrency,
    "reporters": ["html", "json", "progress", "cleartext"],
    "thresholds": { "high": 90, "low": 80, "break": 0 },
    "additional-timeout": 5000
  }
}
JSON
  args=(--config-file "$PWD/$cfg" --output "$PWD/$out")
  [ -n "$since" ] && args+=("--since:$since")
  echo "== mutation: $area ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
  start=$(date +%s)
  (cd src/EdgeTrader.Core && dotnet stryker "${args[@]}") 2>&1 | tee "$out/stryker.log" | grep -E 'mutation score|Killed|Survived|No coverage|Timeout|error|Error' | tail -n 20 || true
  secs=$(( $(date +%s) - start ))
  score=$(grep -Eo 'The final mutation score is [0-9.]+ ?%' "$out/stryker.log" | grep -Eo '[0-9.]+' | tail -n1 || true)
  summary+=("$area: score ${score:-?} % in ${secs} s (report $out/reports/mutation-report.html)")
done
echo "== mutation summary"
printf '%s\n' "${summary[@]}"
