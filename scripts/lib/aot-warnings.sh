# Trim/AOT warnings a library raises that were reviewed and are accepted (README, "Build"); sourced by build-aot.sh
# and tested by tests/ops/run-ops-tests.sh (--only build).
# NetMQ's Opcode (reflection on Mono.Posix for an rdtsc stub; under AOT the load fails, NetMQ's Clock catches it and
# reads Stopwatch) and AsyncIO's Windows socket (constructed only on Win32NT; Linux gets its .NET-socket one).
# Each is the member the warning is raised in (extended regular expressions), matched right after "warning ILnnnn: ":
# a warning raised in our code that only names one of these members in its message is not accepted.
AOT_KNOWN_WARNINGS=('NetMQ\.Core\.Utils\.Opcode\.(Open|IsARMArchitecture)[^A-Za-z0-9_]'
                    'AsyncIO\.Windows\.Socket\.LoadDynamicMethod[^A-Za-z0-9_]')

# aot_unknown_warnings < PUBLISH-LOG: the distinct trim/AOT warning lines that are not accepted, one per line.
aot_unknown_warnings() {
  local warnings k
  warnings=$(grep -E "warning IL[0-9]{4}" | sed -E 's/ \[.*\]$//' | sort -u || true)
  for k in "${AOT_KNOWN_WARNINGS[@]}"; do
    warnings=$(printf '%s\n' "$warnings" | grep -vE "warning IL[0-9]{4}: ${k}" || true)
  done
  printf '%s\n' "$warnings" | grep -v '^$' || true
}
