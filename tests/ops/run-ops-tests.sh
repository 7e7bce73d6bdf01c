#!/usr/bin/env bash
# Ops tests: the systemd unit's hardening, SSH deploy with rollback against a real sshd, and the Debian package's
# install/upgrade/remove/purge in a throwaway copy-on-write clone of this system.
#   tests/ops/run-ops-tests.sh [--binary PATH] [--only build|security|deploy|deb|systemd]...
# Needs root (sshd, mount namespaces, chroot). Installs missing Debian packages. Ends with "ops: N passed, N failed"
# and exits 0 only when nothing failed.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN="" ONLY=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BIN=${2:?}; shift 2 ;;
    --only) ONLY+=("${2:?}"); shift 2 ;;
    *) echo "run-ops-tests: unknown argument $1" >&2; exit 2 ;;
  esac
done
want() { [ ${#ONLY[@]} -eq 0 ] || [[ " ${ONLY[*]} " == *" $1 "* ]]; }

# shellcheck source=tests/ops/lib.sh
. "$REPO/tests/ops/lib.sh"

if [ "$(id -u)" -ne 0 ]; then echo "run-ops-tests: must run as root (sshd, mount namespaces, chroot)" >&2; FAIL=1; finish ops; fi

# --- prerequisites ------------------------------------------------------------------------------------------------
need=()
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v adduser >/dev/null || need+=(adduser)
command -v python3 >/dev/null || need+=(python3)
for p in libzmq5 libssl3; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "run-ops-tests: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq && \
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { bad "install prerequisites ${need[*]}"; finish ops; }
fi

if [ -z "$BIN" ]; then
  BIN="$REPO/artifacts/linux-x64/edgetrader"
  if [ ! -x "$BIN" ]; then "$REPO/build-aot.sh" --rid linux-x64 || { bad "build the AOT binary"; finish ops; }; fi
fi
[ -x "$BIN" ] || { bad "binary $BIN exists"; finish ops; }
BIN=$(readlink -f "$BIN")

T=$(mktemp -d /tmp/edgetrader-ops.XXXXXX)
PIDS_TO_STOP=()
cleanup() {
  for p in "${PIDS_TO_STOP[@]}"; do kill "$p" 2>/dev/null; done
  for f in "$T"/box*/run/edgetrader/edgetrader.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT

# ===================================================================================================================
if want build; then
section "build-aot.sh: the accepted library trim warnings"
# shellcheck source=scripts/lib/aot-warnings.sh
. "$REPO/scripts/lib/aot-warnings.sh"
lib_lines="ILC : Trim analysis warning IL2026: NetMQ.Core.Utils.Opcode.Open(): Using member 'System.Reflection.Assembly.Load(String)' which has 'RequiresUnreferencedCodeAttribute' [/src/EdgeTrader/EdgeTrader.csproj]
ILC : AOT analysis warning IL3050: AsyncIO.Windows.Socket.LoadDynamicMethod<T>(IntPtr,Guid): Using member 'System.Reflection.Emit.DynamicMethod.DynamicMethod(String,Type,Type[])' which has 'RequiresDynamicCodeAttribute' [/src/EdgeTrader/EdgeTrader.csproj]"
ours="/src/EdgeTrader.Core/X.cs(12,5): warning IL2026: EdgeTrader.Transports.X.Probe(): Using member 'NetMQ.Core.Utils.Opcode.Open()' which has 'RequiresUnreferencedCodeAttribute' [/src/EdgeTrader/EdgeTrader.csproj]"
near="ILC : Trim analysis warning IL2026: NetMQ.Core.Utils.Opcode.OpenAll(): Using member 'X' [/src/EdgeTrader/EdgeTrader.csproj]"
if [ -z "$(printf '%s\n' "$lib_lines" | aot_unknown_warnings)" ]; then ok "a known library warning, raised in the known member, is accepted"
else bad "a known library warning, raised in the known member, is accepted" "$(printf '%s\n' "$lib_lines" | aot_unknown_warnings)"; fi
if [ -n "$(printf '%s\n' "$lib_lines" "$ours" | aot_unknown_warnings | grep -F 'EdgeTrader.Transports.X.Probe')" ]; then ok "a warning in our code that names a known member in its message fails the build"
else bad "a warning in our code that names a known member in its message fails the build"; fi
if [ -n "$(printf '%s\n' "$near" | aot_unknown_warnings)" ]; then ok "a member whose name only begins like a known one is not accepted"
else bad "a member whose name only begins like a known one is not accepted"; fi
fi

# ===================================================================================================================
if want security; then
section "systemd unit hardening"
UNIT="$REPO/systemd/edgetrader.service"
sa_out=$(systemd-analyze security --offline=true --threshold=15 "$UNIT" 2>&1); sa_rc=$?
exposure=$(printf '%s\n' "$sa_out" | sed -n 's/.*Overall exposure level for edgetrader.service: \([0-9.]*\).*/\1/p')
if [ "$sa_rc" -eq 0 ] && [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 1.5) }'; then
  ok "systemd-analyze security --offline: exposure $exposure <= 1.5"
else
  bad "systemd-analyze security --offline: exposure ${exposure:-?} <= 1.5 (rc $sa_rc)" "$(printf '%s\n' "$sa_out" | grep -v '^✓')"
fi

missing=""
while IFS= read -r line; do grep -qxF "$line" "$UNIT" || missing+="$line"$'\n'; done <<'EOF'
Type=notify
NotifyAccess=main
WatchdogSec=10s
Restart=on-failure
RestartPreventExitStatus=2
KillSignal=SIGTERM
User=edgetrader
Group=edgetrader
SupplementaryGroups=gpio
StateDirectory=edgetrader
LogsDirectory=edgetrader
RuntimeDirectory=edgetrader
ConfigurationDirectory=edgetrader
ExecStart=/usr/bin/edgetrader run --config /etc/edgetrader/edgetrader.json
NoNewPrivileges=yes
CapabilityBoundingSet=
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
DevicePolicy=closed
DeviceAllow=char-gpiochip rw
MemoryDenyWriteExecute=yes
SystemCallFilter=@system-service
SystemCallArchitectures=native
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
UMask=0077
EOF
if [ -z "$missing" ]; then ok "unit carries the required service, identity and sandbox settings"
else bad "unit carries the required service, identity and sandbox settings" "missing: $missing"; fi

# The unit must load cleanly (syntax, known keys) once its ExecStart exists.
mkdir -p "$T/verify"
sed "s#^ExecStart=/usr/bin/edgetrader #ExecStart=$BIN #" "$UNIT" > "$T/verify/edgetrader.service"
v_out=$(cd "$T/verify" && systemd-analyze verify --man=no ./edgetrader.service 2>&1)
if [ -z "$v_out" ]; then ok "systemd-analyze verify reports nothing for the unit"
else bad "systemd-analyze verify reports nothing for the unit" "$v_out"; fi
fi

# ===================================================================================================================
if want deploy; then
section "deploy over SSH (real sshd on 127.0.0.1, --no-systemd, throwaway --root)"
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key" -C ops-test-host
ssh-keygen -q -t ed25519 -N '' -f "$T/client_key" -C ops-test-client
cp "$T/client_key.pub" "$T/authorized_keys"; chmod 600 "$T/authorized_keys"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOGIN=$(id -un)
cat > "$T/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $T/host_key
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowUsers $LOGIN
MaxStartups 50:30:100
MaxSessions 50
Subsystem sftp internal-sftp
EOF
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$T/host_key.pub")" > "$T/known_hosts"
: > "$T/known_hosts.empty"
mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$T/sshd_config" 2> "$T/sshd.log" &
PIDS_TO_STOP+=($!)
SSHC=(ssh -p "$PORT" -i "$T/client_key" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes
  -o UserKnownHostsFile="$T/known_hosts" -o GlobalKnownHostsFile=/dev/null "$LOGIN@127.0.0.1")
if wait_for 15 "${SSHC[@]}" true; then ok "sshd answers key logins on 127.0.0.1:$PORT"
else bad "sshd answers key logins on 127.0.0.1:$PORT" "$(cat "$T/sshd.log")"; fi

BOX="$T/box"
D() { "$REPO/scripts/deploy.sh" "$LOGIN@127.0.0.1" --ssh-port "$PORT" --identity "$T/client_key" \
  --known-hosts "$T/known_hosts" --root "$BOX" --no-systemd --health-timeout 20 "$@"; }
SOCK="$BOX/run/edgetrader/control.sock"
cur() { readlink "$BOX/opt/edgetrader/current"; }
st() { "$BOX/opt/edgetrader/current/edgetrader" status --json --socket "$SOCK"; }
breaker() { st 2>/dev/null | grep -oE '"state":"(SAFE|ENGAGED)"' | head -n1 | cut -d'"' -f4; }
daemon_exe() { readlink "/proc/$(cat "$BOX/run/edgetrader/edgetrader.pid")/exe"; }

# Stand-ins: a binary that dies at once, and a wrapper whose status hides an ENGAGED breaker.
printf '#!/bin/sh\necho "edgetrader stand-in: broken build" >&2\nexit 1\n' > "$T/broken-edgetrader"; chmod +x "$T/broken-edgetrader"
cp "$BIN" "$T/real-edgetrader"
cat > "$T/forgetful-edgetrader" <<EOF
#!/bin/sh
# Runs the real daemon but reports the breaker SAFE: a release that lost the latch.
if [ "\$1" = status ]; then "$T/real-edgetrader" "\$@" | sed 's/"ENGAGED"/"SAFE"/'; exit; fi
exec "$T/real-edgetrader" "\$@"
EOF
chmod +x "$T/forgetful-edgetrader"

runlog "dry run prints the steps" 0 "$REPO/scripts/deploy.sh" "$LOGIN@127.0.0.1" --ssh-port 1 --root "$BOX" --no-systemd --binary "$BIN" --dry-run
check "dry run shows the atomic switch and the restart, and changes nothing" \
  bash -c '[[ "$1" == *"ln -sfn"*"mv -T .current.tmp current"* && "$1" == *"setsid nohup"* ]] && [ ! -e "$2" ]' _ "$LAST_OUT" "$BOX"

runlog "unknown host key is refused" 1 "$REPO/scripts/deploy.sh" "$LOGIN@127.0.0.1" --ssh-port "$PORT" \
  --identity "$T/client_key" --known-hosts "$T/known_hosts.empty" --root "$BOX" --no-systemd --binary "$BIN"
check "refused deploy created nothing on the box" test ! -e "$BOX"

t0=$(date +%s%N)
runlog "first deploy (v1) succeeds" 0 D --binary "$BIN" --label 1.0.0
echo "       first deploy took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check "current -> releases/1.0.0-<timestamp>" bash -c '[[ "$(readlink "$1")" == releases/1.0.0-* ]]' _ "$BOX/opt/edgetrader/current"
check "v1 daemon answers status over its control socket, SAFE" test "$(breaker)" = SAFE
check "example configuration installed and valid" "$BIN" check-config --config "$BOX/etc/edgetrader/edgetrader.json"
check "unit installed with ExecStart on the current symlink" \
  grep -qxF "ExecStart=$BOX/opt/edgetrader/current/edgetrader run --config /etc/edgetrader/edgetrader.json" "$BOX/etc/systemd/system/edgetrader.service"
V1=$(cur)
check "running daemon is the v1 binary" test "$(daemon_exe)" = "$BOX/opt/edgetrader/$V1/edgetrader"

check "engage through the control socket" "$BOX/opt/edgetrader/current/edgetrader" engage --reason "ops test" --socket "$SOCK"
check "breaker ENGAGED" test "$(breaker)" = ENGAGED
GEN=$(st | grep -oE '"generation":[0-9]+' | head -n1)

OLDPID=$(cat "$BOX/run/edgetrader/edgetrader.pid")
runlog "upgrade (v2) succeeds" 0 D --binary "$BIN" --label 2.0.0
V2=$(cur)
check "current -> releases/2.0.0-<timestamp>" bash -c '[[ "$1" == releases/2.0.0-* ]]' _ "$V2"
check "the v1 daemon was stopped and v2 runs" bash -c '{ [ ! -e /proc/$1/stat ] || [ "$(sed "s/.*) //" /proc/$1/stat | cut -c1)" = Z ]; } && [ "$(readlink /proc/$(cat "$2")/exe)" = "$3" ]' \
  _ "$OLDPID" "$BOX/run/edgetrader/edgetrader.pid" "$BOX/opt/edgetrader/$V2/edgetrader"
check "the breaker latch survived the upgrade (ENGAGED, same generation)" \
  bash -c '[ "$1" = ENGAGED ] && [ "$2" = "$3" ]' _ "$(breaker)" "$(st | grep -oE '"generation":[0-9]+' | head -n1)" "$GEN"

runlog "a release that exits at once is rolled back" 2 D --binary "$T/broken-edgetrader" --label 3.0.0-broken
check "rollback output says the previous release is healthy" bash -c '[[ "$1" == *"rolled back to"*"healthy"* ]]' _ "$LAST_OUT"
check "current -> v2 again" test "$(cur)" = "$V2"
check "after the rollback v2 runs and answers, still ENGAGED" \
  bash -c '[ "$(readlink /proc/$(cat "$1")/exe)" = "$2" ] && [ "$3" = ENGAGED ]' _ "$BOX/run/edgetrader/edgetrader.pid" "$BOX/opt/edgetrader/$V2/edgetrader" "$(breaker)"
check "the failed release is kept for inspection" bash -c 'ls -d "$1"/3.0.0-broken-* >/dev/null' _ "$BOX/opt/edgetrader/releases"

runlog "a release that comes back with a different breaker state is rolled back" 2 D --binary "$T/forgetful-edgetrader" --label 4.0.0-forgetful --health-timeout 8
check "rollback names the state mismatch" bash -c '[[ "$1" == *"expected: ENGAGED"* ]]' _ "$LAST_OUT"
check "current -> v2 again, ENGAGED" bash -c '[ "$1" = "$2" ] && [ "$3" = ENGAGED ]' _ "$(cur)" "$V2" "$(breaker)"

printf '\177ELF' > "$T/arm64-edgetrader"; head -c 14 /dev/zero >> "$T/arm64-edgetrader"; printf '\267\000' >> "$T/arm64-edgetrader"
head -c 100 /dev/zero >> "$T/arm64-edgetrader"; chmod +x "$T/arm64-edgetrader"
n_before=$(ls "$BOX/opt/edgetrader/releases" | wc -l)
runlog "a binary for another architecture is refused before anything changes" 1 D --binary "$T/arm64-edgetrader"
check "no release added, current unchanged" bash -c '[ "$(ls "$1" | wc -l)" = "$2" ] && [ "$3" = "$4" ]' \
  _ "$BOX/opt/edgetrader/releases" "$n_before" "$(cur)" "$V2"

mkdir "$BOX/opt/edgetrader/.deploy.lock"
runlog "a second deploy while one holds the lock is refused" 1 D --binary "$BIN" --label 9.9.9
rmdir "$BOX/opt/edgetrader/.deploy.lock"
check "current unchanged by the refused deploy" test "$(cur)" = "$V2"

runlog "upgrade (v5) with --keep 3 succeeds" 0 D --binary "$BIN" --label 5.0.0 --keep 3
V5=$(cur)
check "old releases pruned to 3, keeping current and previous" bash -c \
  '[ "$(ls "$1" | wc -l)" = 3 ] && [ -d "$1/${2#releases/}" ] && [ -d "$1/${3#releases/}" ]' _ "$BOX/opt/edgetrader/releases" "$V5" "$V2"

# Both the new and the previous release are broken: the rollback must be reported as failed.
cp "$T/broken-edgetrader" "$BOX/opt/edgetrader/$V5/edgetrader.broken" && mv "$BOX/opt/edgetrader/$V5/edgetrader.broken" "$BOX/opt/edgetrader/$V5/edgetrader"
runlog "a failed rollback is reported" 3 D --binary "$T/broken-edgetrader" --label 6.0.0-broken
check "it says ROLLBACK FAILED" bash -c '[[ "$1" == *"ROLLBACK FAILED"* ]]' _ "$LAST_OUT"
if [ -f "$BOX/run/edgetrader/edgetrader.pid" ]; then kill "$(cat "$BOX/run/edgetrader/edgetrader.pid")" 2>/dev/null; fi

BOX="$T/box2"
runlog "a first deploy that fails has nothing to roll back to" 3 D --binary "$T/broken-edgetrader" --label 1.0.0-broken
check "no current link and no daemon left behind" bash -c '[ ! -e "$1/opt/edgetrader/current" ] && [ ! -e "$1/run/edgetrader/edgetrader.pid" ]' _ "$BOX"
check "every login was by public key" bash -c 'grep -q "Accepted publickey" "$1" && ! grep -q "Accepted password\|Accepted keyboard" "$1"' _ "$T/sshd.log"
fi

# ===================================================================================================================
if want deb; then
section "Debian package"
VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO/Directory.Build.props" | head -n1)
t0=$(date +%s%N)
check "build-deb.sh builds the amd64 package" "$REPO/scripts/build-deb.sh" --arch amd64 --binary "$BIN" --out "$T/deb"
DEB="$T/deb/edgetrader_${VERSION}_amd64.deb"
check "named edgetrader_<version>_<arch>.deb" test -f "$DEB"
check "build-deb.sh refuses an x64 binary for arm64" bash -c '! "$1" --arch arm64 --binary "$2" --out "$3" 2>/dev/null' _ "$REPO/scripts/build-deb.sh" "$BIN" "$T/deb-arm"
check "control: Depends libzmq5, libssl3, no libmosquitto1; Architecture amd64" bash -c \
  'd=$(dpkg-deb -f "$1" Depends); [[ "$d" == *libzmq5* && "$d" == *libssl3* && "$d" != *libmosquitto* ]] && [ "$(dpkg-deb -f "$1" Architecture)" = amd64 ]' _ "$DEB"
check "the configuration is a conffile" bash -c 'dpkg-deb --ctrl-tarfile "$1" | tar -xO ./conffiles | grep -qx /etc/edgetrader/edgetrader.json' _ "$DEB"
contents=$(dpkg-deb -c "$DEB")
check "files: binary, unit, config, docs, udev rule; all root-owned" bash -c 'for f in ./usr/bin/edgetrader ./lib/systemd/system/edgetrader.service \
  ./etc/edgetrader/edgetrader.json ./usr/share/doc/edgetrader/copyright ./lib/udev/rules.d/60-edgetrader-gpio.rules; do
  grep -q " $f\$" <<<"$1" || { echo "missing $f"; exit 1; }; done; ! grep -v " root/root " <<<"$1"' _ "$contents"
check "packaged unit is systemd/edgetrader.service" bash -c 'dpkg-deb --fsys-tarfile "$1" | tar -xO ./lib/systemd/system/edgetrader.service | cmp - "$2"' _ "$DEB" "$REPO/systemd/edgetrader.service"

# A throwaway copy-on-write clone of this system: overlay (lower = /, upper = tmpfs) in a private mount namespace.
# apt and dpkg inside it see this machine's package database; nothing reaches the real system.
C="$T/clone"; mkdir -p "$C"
unshare -m --propagation private sleep 900 &
NSPID=$!; PIDS_TO_STOP+=("$NSPID")
wait_for 10 bash -c '[ "$(readlink /proc/$1/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]' _ "$NSPID"
inns() { nsenter -t "$NSPID" -m -- "$@"; }
M="$C/m"
if inns sh -c "mount -t tmpfs tmpfs '$C' && mkdir '$C/u' '$C/w' '$M' && mount -t overlay overlay -o lowerdir=/,upperdir='$C/u',workdir='$C/w' '$M' \
  && mount -t proc proc '$M/proc' && mount --rbind /dev '$M/dev' && mount -t tmpfs tmpfs '$M/run' && mount -t tmpfs tmpfs '$M/tmp' \
  && cp '$DEB' '$M/tmp/' && rm -f '$M/usr/sbin/policy-rc.d'" 2> "$T/clone.err"; then ok "throwaway clone of the system mounted"
else bad "throwaway clone of the system mounted" "$(cat "$T/clone.err")"; fi
# The service manager's stand-in, in place of /usr/bin/systemctl (apt runs maintainer scripts with a fixed PATH):
# records every call; start/stop/restart/is-active/daemon-reload act on a state file; preset, enable and disable go
# to the real systemctl in offline mode (--root=/), which only edits the /etc symlinks.
inns mv "$M/usr/bin/systemctl" "$M/usr/bin/systemctl.real"
inns sh -c "cat > '$M/usr/bin/systemctl'" <<'EOF'
#!/bin/sh
echo "systemctl $*" >> /run/systemctl.log
action=""; unit=""
for a in "$@"; do case "$a" in -*) ;; *) if [ -z "$action" ]; then action=$a; elif [ -z "$unit" ]; then unit=$a; fi ;; esac; done
mkdir -p /run/shim
case "$action" in
  preset|enable|disable|reenable|mask|unmask) exec /usr/bin/systemctl.real --root=/ "$@" ;;
  is-enabled) if [ -e "/etc/systemd/system/multi-user.target.wants/$unit" ]; then echo enabled; exit 0; else echo disabled; exit 1; fi ;;
  is-active) if [ -e "/run/shim/$unit" ]; then echo active; exit 0; else echo inactive; exit 3; fi ;;
  start|restart) touch "/run/shim/$unit" ;;
  stop) rm -f "/run/shim/$unit" ;;
esac
exit 0
EOF
inns chmod 0755 "$M/usr/bin/systemctl"
CH() { inns chroot "$M" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
APT=(apt-get -o DPkg::Lock::Timeout=60 -y -q)
export M NSPID; export -f inns CH

# 1. No systemd running (as in a chroot image build): files, user, enable links; nothing started.
runlog "apt install ./$(basename "$DEB") without a running systemd" 0 CH sh -c "cd /tmp && ${APT[*]} install ./$(basename "$DEB")"
check "installed binary runs in the clone" CH /usr/bin/edgetrader --version
check "installed configuration is valid" CH /usr/bin/edgetrader check-config --config /etc/edgetrader/edgetrader.json
check "system user edgetrader (uid < 1000, nologin) and group gpio created" bash -c \
  'IFS=: read -r n _ uid _ _ home shell <<<"$(CH getent passwd edgetrader)"; [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] && CH getent group gpio >/dev/null'
check "configuration is root:edgetrader 0640" test "$(CH stat -c '%U:%G %a' /etc/edgetrader/edgetrader.json)" = "root:edgetrader 640"
check "service enabled for the next boot (multi-user.target.wants link)" CH test -L /etc/systemd/system/multi-user.target.wants/edgetrader.service
check "nothing was started or reloaded (no systemd running)" bash -c '! CH grep -E " (start|restart|daemon-reload)( |\$)" /run/systemctl.log' 

CH sh -c 'echo "// operator edit" >> /etc/edgetrader/edgetrader.json'
runlog "reinstall (upgrade path) over an existing user and an edited configuration" 0 CH sh -c "cd /tmp && ${APT[*]} install --reinstall ./$(basename "$DEB")"
check "user not duplicated, configuration edit kept" bash -c \
  '[ "$(CH getent passwd | grep -c "^edgetrader:")" = 1 ] && CH grep -q "operator edit" /etc/edgetrader/edgetrader.json'

CH sh -c 'dpkg-query -L edgetrader' > "$T/deb-files"
runlog "apt remove" 0 CH "${APT[@]}" remove edgetrader
left=$(while read -r f; do [ "$f" = /etc/edgetrader/edgetrader.json ] && continue
  CH test ! -d "$f" -a \( -f "$f" -o -L "$f" \) < /dev/null && echo "$f"; done < "$T/deb-files")
check "remove leaves no packaged file but the conffile" bash -c '[ -z "$1" ] && CH test -f /etc/edgetrader/edgetrader.json || { echo "left: $1"; exit 1; }' _ "$left"
check "remove drops the enable link" CH test ! -e /etc/systemd/system/multi-user.target.wants/edgetrader.service
runlog "apt purge" 0 CH "${APT[@]}" purge edgetrader
check "purge removes the conffile, /etc/edgetrader and the edgetrader user and group" bash -c \
  'CH test ! -e /etc/edgetrader && ! CH getent passwd edgetrader && ! CH getent group edgetrader'
check "dpkg knows nothing of edgetrader any more" bash -c '! CH dpkg-query -W edgetrader 2>/dev/null'

# 2. systemd running (stand-in): start on install, restart on upgrade, stop before removal.
inns mkdir -p "$M/run/systemd/system"
runlog "apt install with systemd running" 0 CH sh -c "cd /tmp && ${APT[*]} install ./$(basename "$DEB")"
check "postinst reloaded systemd and started the service" bash -c \
  'log=$(CH cat /run/systemctl.log); [[ "$log" == *daemon-reload* && "$log" == *" start edgetrader.service"* ]] && CH test -e /run/shim/edgetrader.service'
runlog "reinstall with systemd running" 0 CH sh -c "cd /tmp && ${APT[*]} install --reinstall ./$(basename "$DEB")"
check "upgrade restarts the service" bash -c 'CH grep -q " restart edgetrader.service" /run/systemctl.log'
runlog "apt remove with systemd running" 0 CH "${APT[@]}" remove edgetrader
check "remove stopped the service: nothing left running" bash -c \
  'CH grep -q " stop edgetrader.service" /run/systemctl.log && CH test ! -e /run/shim/edgetrader.service'
runlog "apt purge with systemd running" 0 CH "${APT[@]}" purge edgetrader
echo "       package build + both install/remove rounds took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
kill "$NSPID" 2>/dev/null
fi

# ===================================================================================================================
if want systemd; then
section "the package under a real systemd"
# Type=notify needs the daemon to speak sd_notify; the string is in the binary only when SystemdNotifier is used.
if ! LC_ALL=C grep -q -a -P 'N\x00O\x00T\x00I\x00F\x00Y\x00_\x00S\x00O\x00C\x00K\x00E\x00T' "$BIN"; then
  echo "skip - $BIN does not use SystemdNotifier yet: a Type=notify start would time out (see docs/operations.md)"
else
  if [ ! -f "${DEB:-}" ]; then "$REPO/scripts/build-deb.sh" --arch amd64 --binary "$BIN" --out "$T/deb" >/dev/null; DEB=$(ls "$T"/deb/edgetrader_*_amd64.deb); fi
  out=$("$REPO/tests/ops/verify-under-systemd.sh" "$DEB" < /dev/null 2>&1); printf '%s\n' "$out" | grep -v '^systemd: '
  line=$(printf '%s\n' "$out" | tail -n 1)
  if [[ "$line" =~ ^systemd:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    PASS=$((PASS + BASH_REMATCH[1])); FAIL=$((FAIL + BASH_REMATCH[2]))
  else bad "verify-under-systemd.sh finished with a summary" "$out"; fi
fi
fi

finish ops
