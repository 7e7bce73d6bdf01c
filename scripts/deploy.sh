#!/usr/bin/env bash
# Deploys one edgetrader binary to a box over SSH: versioned release directory, atomic switch of the `current`
# symlink, restart, health check (status answers and the breaker state is what it was before), automatic rollback.
# See docs/operations.md ("Deploying over SSH").
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/deploy.sh [USER@]HOST [options]
  --binary PATH        deploy this binary (default: build with ./build-aot.sh --rid linux-<arch>)
  --arch x64|arm64     target architecture (default: detected with `uname -m` over SSH; checked when given)
  --ssh-port N         SSH port (default 22)
  --identity FILE      private key (key-based login only; passwords are never tried)
  --known-hosts FILE   known_hosts file holding the host's key (StrictHostKeyChecking=yes always)
  --root DIR           put the whole remote layout under DIR (tests; needs --no-systemd)
  --no-systemd         host without systemd: stop by pid file + SIGTERM, start detached with setsid/nohup
  --label TEXT         version part of the release name (default: from `edgetrader --version` or the build)
  --health-timeout S   seconds the new release has to become healthy (default 30)
  --keep N             releases kept on the box (default 5; current and previous are always kept)
  --dry-run            print every step and remote command; connect to nothing, change nothing
Exit: 0 deployed and healthy; 1 nothing changed (usage, build, SSH, lock); 2 new release unhealthy, rolled back,
previous release verified healthy; 3 unhealthy and the rollback failed or there was nothing to roll back to.
EOF
}

HOST="" BINARY="" ARCH="" PORT=22 IDENTITY="" KNOWN_HOSTS="" ROOT="" DRY=0 NOSYSTEMD=0 LABEL=""
HEALTH_TIMEOUT=30 KEEP=5
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY=${2:?}; shift 2 ;;
    --arch) ARCH=${2:?}; shift 2 ;;
    --ssh-port) PORT=${2:?}; shift 2 ;;
    --identity) IDENTITY=${2:?}; shift 2 ;;
    --known-hosts) KNOWN_HOSTS=${2:?}; shift 2 ;;
    --root) ROOT=${2:?}; shift 2 ;;
    --no-systemd) NOSYSTEMD=1; shift ;;
    --label) LABEL=${2:?}; shift 2 ;;
    --health-timeout) HEALTH_TIMEOUT=${2:?}; shift 2 ;;
    --keep) KEEP=${2:?}; shift 2 ;;
    --dry-run) DRY=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "deploy: unknown option $1" >&2; usage >&2; exit 1 ;;
    *) [ -z "$HOST" ] || { echo "deploy: one host only" >&2; exit 1; }; HOST=$1; shift ;;
  esac
done

log() { printf 'deploy: %s\n' "$*"; }
die() { printf 'deploy: error: %s\n' "$*" >&2; exit 1; }

[ -n "$HOST" ] || { usage >&2; exit 1; }
case "$ARCH" in ""|x64|arm64) ;; *) die "--arch must be x64 or arm64" ;; esac
case "$PORT$HEALTH_TIMEOUT$KEEP" in *[!0-9]*) die "--ssh-port, --health-timeout and --keep take numbers" ;; esac
[ "$KEEP" -ge 2 ] || die "--keep must be at least 2 (current and previous)"
if [ -n "$ROOT" ]; then
  [ "$NOSYSTEMD" = 1 ] || die "--root needs --no-systemd (systemd units cannot live under a prefix)"
  case "$ROOT" in /*) ;; *) die "--root must be an absolute path" ;; esac
  ROOT=${ROOT%/}
fi
[ -z "$IDENTITY" ] || [ -r "$IDENTITY" ] || die "cannot read identity $IDENTITY"
[ -z "$KNOWN_HOSTS" ] || [ -r "$KNOWN_HOSTS" ] || die "cannot read known_hosts $KNOWN_HOSTS"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/example-config.sh
. "$REPO/scripts/lib/example-config.sh"

# Remote layout (all under --root when given).
BASE="$ROOT/opt/edgetrader"
RELEASES="$BASE/releases"
CURRENT="$BASE/current"
CONFIG="$ROOT/etc/edgetrader/edgetrader.json"
UNIT="$ROOT/etc/systemd/system/edgetrader.service"
RUNDIR="$ROOT/run/edgetrader"
SOCKET="$RUNDIR/control.sock"
PIDFILE="$RUNDIR/edgetrader.pid"
STATEDIR="$ROOT/var/lib/edgetrader"
LOGDIR="$ROOT/var/log/edgetrader"
LOCK="$BASE/.deploy.lock"
STOP_TIMEOUT=15   # as TimeoutStopSec= in the unit

# Key-based, non-interactive, host key must already be known. One multiplexed connection for all steps.
SSH_OPTS=(-p "$PORT" -o BatchMode=yes -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no
  -o StrictHostKeyChecking=yes -o ConnectTimeout=10 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -o LogLevel=ERROR)
[ -z "$KNOWN_HOSTS" ] || SSH_OPTS+=(-o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null)
[ -z "$IDENTITY" ] || SSH_OPTS+=(-i "$IDENTITY" -o IdentitiesOnly=yes)
CTL=$(mktemp -d /tmp/edgetrader-deploy.XXXXXX)
SSH_OPTS+=(-o ControlPath="$CTL/mux")
LOCKED=0
cleanup() {
  if [ "$LOCKED" = 1 ]; then ssh "${SSH_OPTS[@]}" "$HOST" "rm -rf $(q "$LOCK")" >/dev/null 2>&1 || true; fi
  [ "$DRY" = 1 ] || ssh "${SSH_OPTS[@]}" -O exit "$HOST" >/dev/null 2>&1 || true
  rm -rf "$CTL"
}
trap cleanup EXIT

# Single-quotes one word for the remote POSIX shell.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# Every remote action is a POSIX sh snippet: printed under --dry-run, run over SSH otherwise.
# $S is "sudo -n" when the login is not root and the step needs root (systemd mode only).
S=""
remote() {
  local what=$1 script=$2
  if [ "$DRY" = 1 ]; then
    printf 'deploy: [dry-run] %s on %s:\n%s\n' "$what" "$HOST" "$(printf '%s\n' "$script" | sed 's/^/    /')" >&2
    return 0
  fi
  ssh "${SSH_OPTS[@]}" "$HOST" "S=$(q "$S"); $ALIVE_FN; set -eu; $script"
}
# True while pid $1 runs (a zombie left by a daemon that exited does not count).
ALIVE_FN='alive() { [ -n "$1" ] && [ -r /proc/$1/stat ] && [ "$(sed "s/.*) //" /proc/$1/stat | cut -c1)" != Z ]; }'

# --- 1. architecture -------------------------------------------------------------------------------------------
remote_arch=""
if [ "$DRY" = 0 ]; then
  log "connecting to $HOST:$PORT"
  # The master connection goes to the background with its output closed, so later $(ssh ...) calls do not hang on it.
  ssh "${SSH_OPTS[@]}" -o ControlMaster=yes -o ControlPersist=300 -fN "$HOST" </dev/null >/dev/null 2>"$CTL/master.err" \
    || die "SSH to $HOST:$PORT failed (key login only, host key must be in known_hosts): $(cat "$CTL/master.err")"
  machine=$(remote "detect architecture" "uname -m") || die "SSH to $HOST failed"
  case "$machine" in
    x86_64|amd64) remote_arch=x64 ;;
    aarch64|arm64) remote_arch=arm64 ;;
    *) die "unsupported remote architecture: $machine" ;;
  esac
  if [ -n "$ARCH" ] && [ "$ARCH" != "$remote_arch" ]; then die "--arch $ARCH but $HOST is $machine"; fi
  ARCH=$remote_arch
  log "remote architecture: $machine ($ARCH)"
else
  remote "detect architecture" "uname -m"
  ARCH=${ARCH:-x64}
fi

# --- 2. binary -----------------------------------------------------------------------------------------------------
if [ -z "$BINARY" ]; then
  BINARY="$REPO/artifacts/linux-$ARCH/edgetrader"
  if [ "$DRY" = 1 ]; then log "[dry-run] would build: $REPO/build-aot.sh --rid linux-$ARCH -> $BINARY"
  else
    [ -x "$REPO/build-aot.sh" ] || die "no --binary given and $REPO/build-aot.sh is missing"
    log "building: build-aot.sh --rid linux-$ARCH"
    "$REPO/build-aot.sh" --rid "linux-$ARCH" || die "build failed"
  fi
fi
if [ "$DRY" = 0 ]; then
  [ -f "$BINARY" ] && [ -x "$BINARY" ] || die "binary $BINARY is missing or not executable"
  # An ELF binary must match the box (e_machine at offset 18: 0x3e x86-64, 0xb7 aarch64).
  if [ "$(head -c 4 "$BINARY" | od -An -c | tr -d ' ')" = '177ELF' ]; then
    em=$(od -An -tx1 -j18 -N2 "$BINARY" | tr -d ' \n')
    case "$ARCH:$em" in x64:3e00|arm64:b700) ;; *) die "$BINARY is not a linux-$ARCH executable (e_machine $em)" ;; esac
  else
    log "warning: $BINARY is not an ELF executable (a script?); deploying it as is"
  fi
fi

if [ -z "$LABEL" ]; then
  if [ "$DRY" = 0 ] && v=$(timeout 10 "$BINARY" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*' | head -n1) && [ -n "$v" ]; then
    LABEL=$v
  else
    LABEL=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO/Directory.Build.props" 2>/dev/null | head -n1)
    LABEL=${LABEL:-unknown}
  fi
fi
case "$LABEL" in *[!0-9A-Za-z.+_-]*) die "label '$LABEL' may hold only letters, digits and . + _ -" ;; esac
RELEASE="$LABEL-$(date -u +%Y%m%dT%H%M%SZ)"

# --- 3. lock, probe --------------------------------------------------------------------------------------------------
if [ "$NOSYSTEMD" = 0 ] && [ "$DRY" = 0 ]; then
  remote "check for systemd" '[ -d /run/systemd/system ]' || die "$HOST does not run systemd (use --no-systemd)"
  if [ "$(remote "check login" 'id -u')" != 0 ]; then
    remote "check sudo" 'sudo -n true' || die "login is not root and sudo needs a password"
    S="sudo -n"
  fi
fi
remote "take the deploy lock" "mkdir -p $(q "$BASE") && mkdir $(q "$LOCK") && echo \"\$(date -u) from \${SSH_CLIENT%% *}\" > $(q "$LOCK/owner")" \
  || die "another deploy holds $LOCK on $HOST ($(remote "read lock" "cat $(q "$LOCK/owner")" 2>/dev/null || true)); remove it if stale"
LOCKED=1

PREVIOUS=$(remote "read the current release" "readlink $(q "$CURRENT") || true")
[ "$DRY" = 1 ] && PREVIOUS="<current release>"
log "current release: ${PREVIOUS:-none}"

# The breaker state as the running daemon reports it, or "" when no daemon answers or its tick loop is not alive.
STATUS_SNIPPET="out=\$(\$S $(q "$CURRENT/edgetrader") status --json --socket $(q "$SOCKET") 2>/dev/null) || exit 0
printf '%s' \"\$out\" | tr -d '\\n' | grep -qE '\"loopAlive\"[[:space:]]*:[[:space:]]*false' && exit 0
printf '%s' \"\$out\" | tr -d '\\n' | grep -oE '\"(state|position)\"[[:space:]]*:[[:space:]]*\"(SAFE|ENGAGED)\"' | head -n1 | grep -oE '(SAFE|ENGAGED)' || true"
BEFORE=""
if [ -n "$PREVIOUS" ]; then BEFORE=$(remote "record the breaker state" "$STATUS_SNIPPET"); fi
log "breaker before deploy: ${BEFORE:-no daemon answering (any state accepted)}"

# --- 4. upload -------------------------------------------------------------------------------------------------------
INCOMING="$RELEASES/.incoming-$$"
if [ "$DRY" = 1 ]; then
  log "[dry-run] would copy $BINARY over SSH to $HOST:$INCOMING/edgetrader and check its sha256"
else
  sum=$(sha256sum "$BINARY" | cut -d' ' -f1)
  remote "prepare upload" "mkdir -p $(q "$INCOMING")"
  ssh "${SSH_OPTS[@]}" "$HOST" "cat > $(q "$INCOMING/edgetrader")" < "$BINARY" || die "upload failed"
  [ "$(remote "checksum" "sha256sum $(q "$INCOMING/edgetrader") | cut -d' ' -f1")" = "$sum" ] || die "checksum mismatch after upload"
fi
RELEASE=$(remote "place release $RELEASE" "r=$(q "$RELEASE"); n=1; while [ -e $(q "$RELEASES")/\$r ]; do n=\$((n+1)); r=$(q "$RELEASE").\$n; done
chmod 0755 $(q "$INCOMING/edgetrader"); mv $(q "$INCOMING") $(q "$RELEASES")/\$r; echo \"\$r\"")
[ "$DRY" = 1 ] && RELEASE="$LABEL-<timestamp>"
log "release: $RELEASES/$RELEASE"

# --- 5. unit, user, directories, configuration -----------------------------------------------------------------------
UNIT_TEXT=$(sed "s#^ExecStart=/usr/bin/edgetrader #ExecStart=$CURRENT/edgetrader #" "$REPO/systemd/edgetrader.service")
UNIT_CHANGED=0
if [ "$NOSYSTEMD" = 0 ]; then
  remote "create the service user and groups if missing" \
    "getent group gpio >/dev/null || \$S groupadd --system gpio
getent passwd edgetrader >/dev/null || \$S useradd --system --user-group --home-dir /var/lib/edgetrader --no-create-home --shell /usr/sbin/nologin edgetrader
id -nG edgetrader | grep -qw gpio || \$S usermod -aG gpio edgetrader"
fi
if [ "$DRY" = 1 ]; then
  log "[dry-run] would install $UNIT (ExecStart=$CURRENT/edgetrader ...) when it differs"
  UNIT_CHANGED=1
else
  tmpunit="$RELEASES/$RELEASE/edgetrader.service"
  printf '%s\n' "$UNIT_TEXT" | ssh "${SSH_OPTS[@]}" "$HOST" "cat > $(q "$tmpunit")"
  UNIT_CHANGED=$(remote "install the unit" "if cmp -s $(q "$tmpunit") $(q "$UNIT"); then echo 0; else
\$S mkdir -p $(q "${UNIT%/*}") && \$S install -m 0644 $(q "$tmpunit") $(q "$UNIT") && echo 1; fi")
fi
if [ "$DRY" = 1 ]; then
  log "[dry-run] would install an example configuration at $CONFIG if none exists"
else
  example_config "$REPO" "$ROOT" | ssh "${SSH_OPTS[@]}" "$HOST" "cat > $(q "$RELEASES/$RELEASE/edgetrader.example.json")"
  remote "install the configuration if missing" "if [ ! -e $(q "$CONFIG") ]; then
  \$S mkdir -p $(q "${CONFIG%/*}")
  if getent group edgetrader >/dev/null && [ -z $(q "$ROOT") ]; then g='-g edgetrader'; else g=''; fi
  \$S install -m 0640 \$g $(q "$RELEASES/$RELEASE/edgetrader.example.json") $(q "$CONFIG"); echo 'deploy: installed example configuration $CONFIG'
fi"
fi
if [ "$NOSYSTEMD" = 1 ]; then
  remote "create state, log and runtime directories" "mkdir -p $(q "$STATEDIR") $(q "$LOGDIR") $(q "$RUNDIR") && chmod 0750 $(q "$STATEDIR") $(q "$LOGDIR") $(q "$RUNDIR")"
fi

# --- restart and health helpers ---------------------------------------------------------------------------------------
switch_to() { # atomic: a new symlink renamed over the old one; $1 is the link target
  remote "switch current -> $1" "cd $(q "$BASE") && ln -sfn $(q "$1") .current.tmp && mv -T .current.tmp current"
}

stop_snippet="if [ -f $(q "$PIDFILE") ]; then
  pid=\$(cat $(q "$PIDFILE"))
  if alive \"\$pid\" && tr '\\0' ' ' < /proc/\$pid/cmdline | grep -q edgetrader; then
    kill -TERM \"\$pid\" || true; end=\$((\$(date +%s) + $STOP_TIMEOUT)); killed=0
    while alive \"\$pid\"; do
      if [ \$killed = 0 ] && [ \$(date +%s) -ge \$end ]; then echo 'deploy: daemon ignored SIGTERM, sending SIGKILL'; kill -KILL \"\$pid\" || true; killed=1; fi
      if [ \$(date +%s) -ge \$((end + 5)) ]; then echo 'deploy: daemon does not die'; exit 1; fi
      sleep 0.1
    done
  fi
  rm -f $(q "$PIDFILE")
fi"

restart() {
  if [ "$NOSYSTEMD" = 0 ]; then
    local reload=""
    [ "$UNIT_CHANGED" = 1 ] && reload="\$S systemctl daemon-reload; "
    # Type=notify: restart returns once READY=1 arrived or the start failed.
    # reset-failed: a crash-looping release may have hit StartLimitBurst, which would refuse the rollback's start.
    remote "restart the service" "${reload}\$S systemctl reset-failed edgetrader 2>/dev/null || true
\$S systemctl enable --quiet edgetrader; \$S systemctl restart edgetrader" \
      || log "systemctl restart failed"
    UNIT_CHANGED=0
  else
    remote "stop the daemon (pid file, SIGTERM) and start current/edgetrader detached" "$stop_snippet
cd /
setsid nohup $(q "$CURRENT/edgetrader") run --config $(q "$CONFIG") >> $(q "$LOGDIR/daemon.out") 2>&1 < /dev/null &
echo \$! > $(q "$PIDFILE")" || log "restart step failed"
  fi
}

# Polls `status --json` until it answers with a breaker state equal to $1 (any when empty), up to the deadline.
# Fails early when the process is gone (no-systemd) or the unit failed.
healthy() {
  local want=$1 up
  if [ "$NOSYSTEMD" = 1 ]; then up="alive \"\$(cat $(q "$PIDFILE") 2>/dev/null)\""
  # Under systemd: failed, or restarted automatically since our restart (a crash loop), is not up.
  else up="! systemctl is-failed --quiet edgetrader && [ \"\$(systemctl show -p NRestarts --value edgetrader)\" = 0 ]"; fi
  remote "wait up to ${HEALTH_TIMEOUT}s for status to answer with breaker ${want:-in any state}" "want=$(q "$want")
up() { $up; }
end=\$((\$(date +%s) + $HEALTH_TIMEOUT))
while :; do
  got=\$($STATUS_SNIPPET)
  if [ -n \"\$got\" ] && { [ -z \"\$want\" ] || [ \"\$got\" = \"\$want\" ]; } && up; then echo \"deploy: healthy, breaker \$got\"; exit 0; fi
  if ! up; then echo 'deploy: the daemon is not running'; exit 1; fi
  if [ \$(date +%s) -ge \$end ]; then echo \"deploy: not healthy within ${HEALTH_TIMEOUT}s (breaker: \${got:-no answer}, expected: \${want:-any})\"; exit 1; fi
  sleep 0.2
done"
}

# --- 6. switch, restart, check, roll back ----------------------------------------------------------------------------
switch_to "releases/$RELEASE"
restart
if healthy "$BEFORE"; then
  if [ "$DRY" = 1 ]; then
    log "[dry-run] if that check failed: switch current back to the previous release, restart, check it the same way"
    log "[dry-run] nothing was changed"; exit 0
  fi
  log "deployed $RELEASE on $HOST"
  # Prune: current and previous always stay; of the others, the newest ($KEEP - 2) stay.
  remote "prune old releases" "cd $(q "$RELEASES") && ls -1t | while read -r r; do
  case \"\$r\" in $(q "$RELEASE")|$(q "${PREVIOUS##*/}")) continue ;; esac; echo \"\$r\"; done | tail -n +$((KEEP - 1)) | while read -r r; do
  rm -rf -- \"\$r\"; done"
  exit 0
fi

log "release $RELEASE is NOT healthy"
if [ -z "$PREVIOUS" ]; then
  log "nothing to roll back to (first deploy): stopping it and removing the current link"
  if [ "$NOSYSTEMD" = 1 ]; then remote "stop" "$stop_snippet" || true
  else remote "stop and disable" "\$S systemctl disable --now edgetrader" || true; fi
  remote "remove current" "rm -f $(q "$CURRENT")"
  exit 3
fi
log "rolling back to $PREVIOUS"
switch_to "$PREVIOUS"
restart
if healthy "$BEFORE"; then
  log "rolled back to $PREVIOUS; it is running and healthy (the failed release stays in $RELEASES/$RELEASE)"
  exit 2
fi
log "ROLLBACK FAILED: $PREVIOUS is not healthy either; intervene on $HOST"
exit 3
