#!/usr/bin/env bash
# Mutation testing (Stryker.NET, a local dotnet tool: dotnet-tools.json) of the rules that guard the money:
#   scripts/mutation.sh [--since[=REF]] [--concurrency N] [--threshold PCT] [--wide] [AREA...]
# AREA: killswitch, trading (incl. Risk and Strategies), journal, mqtt-policy; default all four. trading-loop
# (Trading/*.cs) and trading-risk (Trading/Risk/**, Trading/Strategies/**) split trading in two disjoint halves whose
# counts add up to trading's. Each area mutates only its own
# files and runs the unit tests (no benchmarks) that cover each mutant; mutants no test covers count against the score.
# killswitch, mqtt-policy and trading-risk run their own rule tests (no broker, no socket, no long journal); --wide
# runs every unit test for them too (the broker-backed MQTT tests included: several times slower).
# --since[=REF] mutates only files changed since REF (default main): fast reruns while killing survivors.
# Reports: artifacts/mutation/<area>/reports/mutation-report.{html,json}; one summary line per area at the end
# (score, killed/survived/no coverage/timeout, wall time, load) and the surviving mutants, file:line and mutator.
# Exit status: 1 when an area scores below --threshold (default 90) or gives no report, so the claim is checkable.
# Not part of CI: a full run takes tens of minutes on 2 cores (docs/testing.md gives the measured times).
set -euo pipefail
cd "$(dirname "$0")/.."

since=""; concurrency=$(( $(nproc) > 1 ? $(nproc) : 1 )); threshold=90; wide=0; areas=()
while [ $# -gt 0 ]; do
  case "$1" in
    --since) since="main"; shift ;;
    --since=*) since="${1#--since=}"; shift ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --threshold) threshold="$2"; shift 2 ;;
    --threshold=*) threshold="${1#--threshold=}"; shift ;;
    --wide) wide=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    killswitch|trading|trading-loop|trading-risk|journal|mqtt-policy) areas+=("$1"); shift ;;
    *) echo "mutation.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#areas[@]} -eq 0 ] && areas=(killswitch trading journal mqtt-policy)
if ! [[ "$threshold" =~ ^[0-9]+([.][0-9]+)?$ ]] || ! awk -v t="$threshold" 'BEGIN { exit !(t <= 100) }'; then
  echo "mutation.sh: --threshold must be a percentage 0..100, not '$threshold'" >&2; exit 2
fi

dotnet tool restore >/dev/null

# The files of an area (globs relative to src/EdgeTrader.Core), and the unit tests that exercise them.
mutate_of() {
  case "$1" in
    killswitch) echo '"KillSwitch/**/*.cs"' ;;
    trading) echo '"Trading/**/*.cs"' ;;
    trading-loop) echo '"Trading/*.cs"' ;;
    trading-risk) echo '"Trading/Risk/**/*.cs","Trading/Strategies/**/*.cs"' ;;
    journal) echo '"Journal/**/*.cs"' ;;
    # The policy: what a topic and payload mean for the breaker, the signed reset, the reconnect schedule (the session
    # and the connector have their own broker-backed tests; the bytes are MQTTnet).
    mqtt-policy)
      local files=()
      for f in KillSwitchMirrorPolicy.cs MqttPayloads.cs SignedReset.cs ReconnectBackoff.cs; do
        [ -f "src/EdgeTrader.Core/Transports/Mqtt/$f" ] && files+=("\"Transports/Mqtt/$f\"")
      done
      (IFS=,; echo "${files[*]}") ;;
  esac
}
filter_of() {
  case "$1" in
    # trading, journal, and any area with --wide: every unit test but the benchmarks; with per-test coverage only
    # the tests that reach a mutant run against it (the broker-backed MQTT tests reach the breaker's peer paths).
    trading|trading-loop|journal) echo 'Category!=Benchmark' ;;
    *) if [ "$wide" = 1 ]; then
         case "$1" in
           killswitch|trading-risk) echo 'Category!=Benchmark' ;;
           mqtt-policy) echo 'Category!=Benchmark&FullyQualifiedName~Mqtt' ;;
         esac
       else
         # The area's own rule tests, without a broker or a socket: minutes rather than an hour on 2 shared cores.
         case "$1" in
           killswitch) echo 'Category!=Benchmark&(FullyQualifiedName~EdgeTrader.Tests.KillSwitch.|FullyQualifiedName~EdgeTrader.Tests.Persistence.|FullyQualifiedName~EdgeTrader.Tests.Transports.Mqtt.KillSwitchMirrorPolicy)' ;;
           mqtt-policy) echo 'Category!=Benchmark&FullyQualifiedName~EdgeTrader.Tests.Transports.Mqtt.&FullyQualifiedName!~EdgeTrader.Tests.Transports.Mqtt.MqttMirror&FullyQualifiedName!~EdgeTrader.Tests.Transports.Mqtt.MqttNetConnector' ;;
           # The risk rules' and the loop's own tests (in memory, fake time): not the journal's long readings or the sessions' sockets.
           trading-risk) echo 'Category!=Benchmark&FullyQualifiedName~EdgeTrader.Tests.Trading.' ;;
         esac
       fi ;;
  esac
}

# Counts by status from Stryker's JSON report, the score as Stryker computes it (killed + timeout over those plus
# survived + no coverage; compile errors and ignored mutants do not count), and each undetected mutant.
report_of() {
  python3 - "$1" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
root = r.get("projectRoot", "")
n = {}
undetected = []
for path, f in sorted(r["files"].items()):
    rel = os.path.relpath(path, root) if root else path
    for m in f["mutants"]:
        st = m["status"]
        n[st] = n.get(st, 0) + 1
        if st in ("Survived", "NoCoverage"):
            undetected.append(f'  {st:<10} {rel}:{m["location"]["start"]["line"]} {m["mutatorName"]}: {m.get("replacement", "")[:80]!r}')
k, t, s, c = (n.get(x, 0) for x in ("Killed", "Timeout", "Survived", "NoCoverage"))
valid = k + t + s + c
score = 100.0 * (k + t) / valid if valid else 0.0
print(f"{score:.2f} killed {k}, survived {s}, no coverage {c}, timeout {t}, compile error {n.get('CompileError', 0)}, ignored {n.get('Ignored', 0)}")
print("\n".join(undetected))
PY
}

summary=()
failed=0
for area in "${areas[@]}"; do
  out="artifacts/mutation/$area"
  rm -rf "$out/reports"
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
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== mutation: $area ($(date -u +%H:%M:%S), load $load, concurrency $concurrency, tests: $(filter_of "$area"))"
  start=$(date +%s)
  (cd src/EdgeTrader.Core && dotnet stryker "${args[@]}") 2>&1 | tee "$out/stryker.log" | grep -E 'mutation score|Killed|Survived|No coverage|Timeout|error|Error' | tail -n 20 || true
  secs=$(( $(date +%s) - start ))
  json="$out/reports/mutation-report.json"
  if [ ! -f "$json" ]; then
    summary+=("$area: no report after ${secs} s (see $out/stryker.log): FAILED")
    failed=1
    continue
  fi
  report_of "$json" >"$out/summary.txt"
  read -r score counts <"$out/summary.txt"
  verdict=ok
  if ! awk -v s="$score" -v t="$threshold" 'BEGIN { exit !(s >= t) }'; then verdict="BELOW ${threshold} %"; failed=1; fi
  summary+=("$area: score $score % ($counts) in ${secs} s, load at start $load, now $(cut -d' ' -f1-3 /proc/loadavg): $verdict")
  [ "$(wc -l <"$out/summary.txt")" -gt 1 ] && summary+=("$(tail -n +2 "$out/summary.txt")")
done
echo "== mutation summary (threshold $threshold %)"
printf '%s\n' "${summary[@]}"
exit "$failed"
