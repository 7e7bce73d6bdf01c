# shellcheck shell=bash
# Shared by the ops test scripts: counting checks, deadline waits, the closing summary line.
PASS=0 FAIL=0 LAST_OUT=""
ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | tail -n 40 | sed 's/^/       /'; }
# check NAME CMD...: passes when CMD exits 0 (its output is shown only on failure).
check() { local name=$1 out; shift; if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi; }
# runlog NAME RC CMD...: passes when CMD exits with RC; its output is kept in LAST_OUT.
runlog() { local name=$1 want_rc=$2 out rc; shift 2; out=$("$@" 2>&1); rc=$?; LAST_OUT=$out
  if [ "$rc" -eq "$want_rc" ]; then ok "$name (exit $rc)"; else bad "$name (exit $rc, expected $want_rc)" "$out"; fi; }
# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds; fails when the deadline passes.
wait_for() { local secs=$1 end; shift; end=$(($(date +%s%N) + secs * 1000000000)); until "$@" >/dev/null 2>&1; do
  [ "$(date +%s%N)" -lt "$end" ] || return 1; sleep 0.1; done; }
section() { echo "# $1"; }
# finish PREFIX: the closing line CI reads, and the exit status.
finish() { echo "$1: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; exit $?; }
