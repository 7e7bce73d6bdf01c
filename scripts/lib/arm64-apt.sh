# shellcheck shell=bash
# arm64 packages from the Debian archive without `dpkg --add-architecture arm64`: apt runs with arm64 as its only
# architecture and a private state (package lists, cache, an empty dpkg status) under $ARM64_APT, so the host's own
# apt state is never read for arm64 nor written. Packages are only downloaded and unpacked into folders, never
# installed. Sourced by scripts/arm64-root.sh and tests/vm/setup-host.sh.
#   arm64_apt ARGS...         apt-get with that private state (update, install -s, download)
#   arm64_cache ARGS...       apt-cache with it (show, depends)
#   arm64_version PKG         the archive's current version of PKG (arm64_versions PKG...: "pkg=version" lines)
#   arm64_update              refreshes the lists (at most once a day unless FORCE=1)
#   arm64_closure PKG...      the packages PKG... need, themselves included (what an empty system would install)
#   arm64_fetch DIR PKG...    the .debs of PKG... at the archive's current versions into DIR (cached by file name)
#   arm64_deb DIR PKG         the path of PKG's fetched .deb in DIR
ARM64_APT=${ARM64_APT:?set ARM64_APT to a work folder}

arm64_apt() { _arm64_apt apt-get "$@"; }
arm64_cache() { _arm64_apt apt-cache "$@"; }
arm64_version() { arm64_versions "$1" | cut -d= -f2-; }
arm64_versions() { # PKG...: one "pkg=version" line each, in one apt-cache call
  arm64_cache show --no-all-versions "$@" 2>/dev/null | awk '/^Package:/{p=$2} /^Version:/{print p "=" $2}'
}

_arm64_apt() {
  local tool=$1; shift
  mkdir -p "$ARM64_APT/lists/partial" "$ARM64_APT/cache/archives/partial"
  [ -e "$ARM64_APT/status" ] || : > "$ARM64_APT/status"
  "$tool" -q -o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
    -o Dir::State::Lists="$ARM64_APT/lists" -o Dir::State::status="$ARM64_APT/status" \
    -o Dir::Cache="$ARM64_APT/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root \
    -o Acquire::Languages=none "$@"
}

arm64_update() {
  if [ "${FORCE:-0}" != 1 ] && [ -n "$(find "$ARM64_APT/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
    return 0
  fi
  arm64_apt update >/dev/null || { echo "arm64-apt: apt-get update for arm64 failed" >&2; return 1; }
}

arm64_closure() {
  arm64_apt install -s --no-install-recommends "$@" | awk '/^Inst /{print $2}' | sort -u
}

arm64_fetch() {
  local dir=$1; shift
  mkdir -p "$dir"
  local want=() p v f
  declare -A ver=()
  while IFS== read -r p v; do ver[$p]=$v; done < <(arm64_versions "$@")
  for p in "$@"; do
    v=${ver[$p]:-}
    [ -n "$v" ] || { echo "arm64-apt: no arm64 package $p" >&2; return 1; }
    f="$dir/${p}_${v//:/%3a}_"   # apt-get download's file name: pkg_version_arch.deb, the epoch's colon as %3a
    compgen -G "$f*.deb" >/dev/null || want+=("$p")
  done
  [ ${#want[@]} -eq 0 ] || (cd "$dir" && arm64_apt download "${want[@]}" >/dev/null) \
    || { echo "arm64-apt: download of ${want[*]} failed" >&2; return 1; }
}

arm64_deb() {
  local v
  v=$(arm64_version "$2")
  compgen -G "$1/${2}_${v//:/%3a}_*.deb" | head -n1
}
