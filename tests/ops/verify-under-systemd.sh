#!/usr/bin/env bash
# Runs the Debian package under a real systemd: boots this machine's own system image (a copy-on-write overlay of /,
# nothing written back) as a systemd-nspawn container with a private network, installs the .deb there and checks
# the service as systemd runs it: READY=1, STATUS=, the sandbox (MemoryDenyWriteExecute, SystemCallFilter, no
# capabilities, user edgetrader), a watchdog restart of a frozen daemon with the breaker latch kept, a clean stop,
# and that `apt remove` leaves nothing running.
#   tests/ops/verify-under-systemd.sh DEB
# Needs root and systemd-container (installed when missing). Ends with "systemd: N passed, N failed".
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/ops/lib.sh
. "$REPO/tests/ops/lib.sh"
DEB=${1:?usage: verify-under-systemd.sh DEB}
DEB=$(readlink -f "$DEB")
[ "$(id -u)" -eq 0 ] || { echo "verify-under-systemd: must run as root" >&2; FAIL=1; finish systemd; }
if ! command -v systemd-nspawn >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends systemd-container >/dev/null \
    || { bad "install systemd-container"; finish systemd; }
fi

T=$(mktemp -d /tmp/edgetrader-nspawn.XXXXXX)
NSPAWN="" CPID=""

# The container's systemd manages the cgroup subtree it starts in. Start it in fresh subgroups of our own cgroups,
# so it can never see, move or kill any process outside this test.
CGROUPS=() ORIG=()
while IFS=: read -r _ ctrl path; do
  case "$ctrl" in cpuset|net_cls*|perf_event|hugetlb|rdma|misc) continue ;; "") dir=/sys/fs/cgroup/unified ;;
    name=systemd) dir=/sys/fs/cgroup/systemd ;; *) dir=/sys/fs/cgroup/${ctrl} ;; esac
  [ -d "$dir" ] || { [ "$ctrl" = "" ] && [ -f /sys/fs/cgroup/cgroup.procs ] && dir=/sys/fs/cgroup; } || continue
  [ -f "$dir$path/cgroup.procs" ] || continue
  sub="$dir${path%/}/edgetrader-verify-$$"
  mkdir "$sub" && echo $BASHPID > "$sub/cgroup.procs" && CGROUPS+=("$sub") && ORIG+=("$dir$path")
done <<<"$(cat /proc/self/cgroup)"   # read once: the file changes as we move

cleanup() {
  if [ -n "$NSPAWN" ] && kill -0 "$NSPAWN" 2>/dev/null; then
    kill -TERM "$NSPAWN"   # nspawn asks the container to power off
    if ! wait_for 30 bash -c '! kill -0 "$1"' _ "$NSPAWN"; then
      # Killing the container's PID 1 ends every process in its PID namespace.
      [ -z "$CPID" ] || kill -KILL "$CPID" 2>/dev/null
      wait_for 10 bash -c '! kill -0 "$1"' _ "$NSPAWN" || kill -KILL "$NSPAWN"
    fi
    wait "$NSPAWN" 2>/dev/null
  fi
  local i
  for i in "${!CGROUPS[@]}"; do
    echo $BASHPID > "${ORIG[$i]}/cgroup.procs" 2>/dev/null
    find "${CGROUPS[$i]}" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section "the package under a real systemd (nspawn container booted from a copy-on-write clone of this system)"
C="$T/c" M="$T/c/m"; mkdir -p "$C"
t0=$(date +%s%N)
setsid unshare -m --propagation private bash -c '
  set -e; C=$1 M=$2 DEB=$3
  mount -t tmpfs tmpfs "$C"; mkdir "$C/u" "$C/w" "$M"
  mount -t overlay overlay -o lowerdir=/,upperdir="$C/u",workdir="$C/w" "$M"
  rm -f "$M/usr/sbin/policy-rc.d"                 # let the package start its service
  ln -sf /lib/systemd/system/basic.target "$M/etc/systemd/system/default.target"   # boot nothing else of this host
  cp "$DEB" "$M/root/edgetrader.deb"
  exec systemd-nspawn -q -D "$M" --boot --private-network --register=no --keep-unit --console=passive \
    --machine=edgetrader-verify
' _ "$C" "$M" "$DEB" < /dev/null > "$T/nspawn.log" 2>&1 &
NSPAWN=$!

# The container's PID 1: a descendant of nspawn that is PID 1 in its own PID namespace.
find_init() {
  local p
  for p in $(ps -e -o pid= ); do
    [ "$(awk '/^NSpid:/{print $NF}' /proc/$p/status 2>/dev/null)" = 1 ] || continue
    [ "$p" != 1 ] || continue
    q=$p; while [ "$q" -gt 1 ]; do q=$(awk '/^PPid:/{print $2}' /proc/$q/status 2>/dev/null || echo 1); [ "$q" = "$NSPAWN" ] && { echo "$p"; return 0; }; done
  done
  return 1
}
wait_for 30 find_init && CPID=$(find_init)
IN() { nsenter -t "$CPID" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" < /dev/null; }
# Copies a host file into the container.
PUT() { nsenter -t "$CPID" -a -- sh -c 'cat > "$1"' _ "$2" < "$1"; }
if [ -n "$CPID" ] && wait_for 60 bash -c 'nsenter -t "$1" -a -- systemctl is-system-running 2>/dev/null | grep -qE "running|degraded"' _ "$CPID"; then
  ok "container booted with systemd as PID 1 in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
else
  bad "container booted with systemd as PID 1" "$(tail -n 30 "$T/nspawn.log")"; finish systemd
fi

export CPID; export -f IN wait_for
runlog "apt-get install ./edgetrader.deb" 0 IN sh -c 'cd /root && apt-get -y -q install ./edgetrader.deb'
check "service active (Type=notify: the daemon sent READY=1)" bash -c 'IN systemctl is-active --quiet edgetrader ||
  { IN systemctl status edgetrader --no-pager; IN journalctl -u edgetrader --no-pager -n 30; exit 1; }'
show() { IN systemctl show edgetrader -p "$1" --value; }
check "STATUS= from the daemon shows the breaker" bash -c '[[ "$1" == "SAFE gen 0 "* ]] || { echo "StatusText=$1"; exit 1; }' _ "$(show StatusText)"
check "watchdog armed (WatchdogUSec=10s)" test "$(show WatchdogUSec)" = 10s
MAIN=$(show MainPID)
pstatus() { IN cat "/proc/$1/status"; }
check "runs as user edgetrader with group gpio, no capabilities, no new privileges, seccomp filter on" bash -c '
  s=$(IN cat /proc/$1/status); uid=$(IN id -u edgetrader); gpio=$(IN getent group gpio | cut -d: -f3)
  grep -qE "^Uid:\s+$uid\s" <<<"$s" && grep -qE "^Groups:.*\b$gpio\b" <<<"$s" && grep -qE "^CapBnd:\s+0+$" <<<"$s" &&
  grep -qE "^CapEff:\s+0+$" <<<"$s" && grep -qE "^NoNewPrivs:\s+1$" <<<"$s" && grep -qE "^Seccomp:\s+2$" <<<"$s" || { echo "$s"; exit 1; }' _ "$MAIN"
# SupplementaryGroups=gpio under PrivateUsers=yes: a file readable only by group gpio stands in for /dev/gpiochip*.
check "supplementary group gpio grants access inside the sandbox" bash -c 'IN sh -c "echo probe > /var/lib/gpio-probe && chown root:gpio /var/lib/gpio-probe && chmod 0640 /var/lib/gpio-probe" &&
  IN systemd-run -q --wait --pipe -p User=edgetrader -p SupplementaryGroups=gpio -p PrivateUsers=yes -p ProtectSystem=strict cat /var/lib/gpio-probe &&
  ! IN systemd-run -q --wait --pipe -p User=edgetrader -p PrivateUsers=yes cat /var/lib/gpio-probe'
check "status over the control socket: SAFE, tick loop alive" bash -c \
  'j=$(IN edgetrader status --json); [[ "$j" == *"\"state\":\"SAFE\""* && "$j" == *"\"loopAlive\":true"* ]] || { echo "$j"; exit 1; }'
check "engage through the control socket" IN edgetrader engage --reason "systemd verification"
check "STATUS= follows the transition" wait_for 5 bash -c '[[ "$(IN systemctl show edgetrader -p StatusText --value)" == "ENGAGED gen 1 (cli: systemd verification)"* ]]'

# MemoryDenyWriteExecute= and SystemCallFilter= are enforced here (not silently unsupported): a W+X mapping and a
# call from @resources fail under the unit's exact settings and succeed without them.
PY_WX='import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ|mmap.PROT_WRITE|mmap.PROT_EXEC); print("mapped")'
check "W+X mapping allowed without MemoryDenyWriteExecute" IN systemd-run -q --wait --pipe python3 -c "$PY_WX"
check "W+X mapping refused with MemoryDenyWriteExecute=yes" bash -c '! IN systemd-run -q --wait --pipe -p MemoryDenyWriteExecute=yes python3 -c "$1"' _ "$PY_WX"
PY_AFF='import os; os.sched_setaffinity(0, {0}); print("set")'
check "sched_setaffinity allowed without a filter" IN systemd-run -q --wait --pipe python3 -c "$PY_AFF"
# The unit's own SystemCallFilter= lines, in order.
SCF=(); while IFS= read -r l; do SCF+=(-p "$l"); done < <(grep -E '^SystemCall(Filter|ErrorNumber)=' "$REPO/systemd/edgetrader.service")
check "sched_setaffinity refused under the unit's SystemCallFilter" bash -c '! IN systemd-run -q --wait --pipe "${@:2}" python3 -c "$1"' _ "$PY_AFF" "${SCF[@]}"

# Watchdog: a frozen daemon stops pinging; systemd kills and restarts it; the latch comes back ENGAGED.
IN kill -STOP "$MAIN"
t1=$(date +%s%N)
if wait_for 40 bash -c 'p=$(IN systemctl show edgetrader -p MainPID --value); [ "$p" != 0 ] && [ "$p" != "$1" ] && IN systemctl is-active --quiet edgetrader' _ "$MAIN"; then
  ok "frozen daemon killed by the watchdog and restarted after $(( ($(date +%s%N) - t1) / 1000000 )) ms"
else bad "frozen daemon killed by the watchdog and restarted" "$(IN journalctl -u edgetrader --no-pager -n 20)"; fi
check "journal names the watchdog timeout" bash -c 'IN journalctl -u edgetrader --no-pager | grep -q "Watchdog timeout"'
check "after the restart the breaker is still ENGAGED (generation 1)" bash -c \
  'j=$(IN edgetrader status --json); [[ "$j" == *"\"state\":\"ENGAGED\""* && "$j" == *"\"generation\":1,"* ]] || { echo "$j"; exit 1; }'

check "systemd-analyze security (online, in the container): exposure <= 1.5" bash -c \
  'o=$(IN systemd-analyze security edgetrader --no-pager); e=$(sed -n "s/.*Overall exposure level for edgetrader.service: \([0-9.]*\).*/\1/p" <<<"$o"); awk -v e="$e" "BEGIN{exit !(e<=1.5)}" || { echo "$o"; exit 1; }'

check "systemctl stop: SIGTERM, clean exit 0" bash -c 'IN systemctl stop edgetrader && [ "$(IN systemctl show edgetrader -p Result --value)" = success ] &&
  [ "$(IN systemctl show edgetrader -p ExecMainStatus --value)" = 0 ]'
check "start again" IN systemctl start edgetrader
runlog "apt-get remove edgetrader" 0 IN apt-get -y -q remove edgetrader
check "nothing of edgetrader runs after removal" bash -c '! IN pgrep -u edgetrader && ! IN systemctl is-active --quiet edgetrader'
runlog "apt-get purge edgetrader" 0 IN apt-get -y -q purge edgetrader
check "purge removed the user and the state" bash -c '! IN getent passwd edgetrader && ! IN test -e /var/lib/edgetrader'
# --- scripts/deploy.sh in systemd mode, against this container: sshd on 127.0.0.1:2222 in the container's private
# network; deploy.sh runs from the host's files inside that network namespace only.
section "deploy.sh against the container's systemd"
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key"; ssh-keygen -q -t ed25519 -N '' -f "$T/client_key"
IN mkdir -p /root/ops-ssh /run/sshd
for f in host_key host_key.pub client_key.pub; do PUT "$T/$f" "/root/ops-ssh/$f"; done
IN sh -c 'chmod 600 /root/ops-ssh/host_key; cp /root/ops-ssh/client_key.pub /root/ops-ssh/authorized_keys; cat > /root/ops-ssh/sshd_config <<EOF
ListenAddress 127.0.0.1
Port 2222
HostKey /root/ops-ssh/host_key
AuthorizedKeysFile /root/ops-ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
EOF'
IN systemd-run -q --unit=ops-sshd /usr/sbin/sshd -D -e -f /root/ops-ssh/sshd_config
echo "[127.0.0.1]:2222 $(cut -d' ' -f1,2 "$T/host_key.pub")" > "$T/known_hosts"
dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./usr/bin/edgetrader > "$T/edgetrader"; chmod +x "$T/edgetrader"
printf '#!/bin/sh\necho "edgetrader stand-in: broken build" >&2\nexit 1\n' > "$T/broken"; chmod +x "$T/broken"
DEP() { nsenter -t "$CPID" -n -- "$REPO/scripts/deploy.sh" root@127.0.0.1 --ssh-port 2222 --identity "$T/client_key" \
  --known-hosts "$T/known_hosts" --health-timeout 25 "$@"; }
check "sshd listens in the container" bash -c 'wait_for 10 nsenter -t "$CPID" -n -- bash -c "</dev/tcp/127.0.0.1/2222" ||
  { IN systemctl status ops-sshd --no-pager; IN journalctl -u ops-sshd --no-pager -n 20; IN ip addr; exit 1; }'
runlog "first deploy: user, unit, config, enable, restart, healthy" 0 DEP --binary "$T/edgetrader" --label 1.0.0
check "the unit runs /opt/edgetrader/current/edgetrader" bash -c \
  '[[ "$(IN systemctl show edgetrader -p ExecStart --value)" == *"path=/opt/edgetrader/current/edgetrader "* ]] && IN systemctl is-active --quiet edgetrader'
check "engage" IN /opt/edgetrader/current/edgetrader engage --reason "deploy under systemd"
MAIN1=$(show MainPID)
runlog "upgrade: restart through systemctl, breaker kept" 0 DEP --binary "$T/edgetrader" --label 2.0.0
check "new main process, ENGAGED" bash -c '[ "$(IN systemctl show edgetrader -p MainPID --value)" != "$1" ] &&
  [[ "$(IN /opt/edgetrader/current/edgetrader status --json)" == *"\"state\":\"ENGAGED\""* ]]' _ "$MAIN1"
V2=$(IN readlink /opt/edgetrader/current)
t1=$(date +%s%N)
runlog "a crashing release is rolled back (crash loop detected through NRestarts)" 2 DEP --binary "$T/broken" --label 3.0.0-broken
echo "       failed deploy + rollback took $(( ($(date +%s%N) - t1) / 1000000 )) ms"
check "current -> the previous release, active, ENGAGED" bash -c '[ "$(IN readlink /opt/edgetrader/current)" = "$1" ] &&
  IN systemctl is-active --quiet edgetrader && [[ "$(IN /opt/edgetrader/current/edgetrader status --json)" == *"\"state\":\"ENGAGED\""* ]]' _ "$V2"

echo "       whole verification took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
finish systemd
