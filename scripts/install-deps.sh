#!/usr/bin/env bash
# Installs the Debian 12 packages flyrun needs to build and test, when missing.
# Usage: scripts/install-deps.sh [build|test|bench]  (default: build)
set -euo pipefail

what=${1:-build}
pkgs=(build-essential cmake pkg-config git
      libsqlitecpp-dev libsqlite3-dev libssl-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
      libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libpqxx-dev libpq-dev libmysqlcppconn-dev
      libgit2-dev zlib1g-dev
      libgtest-dev libgmock-dev libbenchmark-dev sqlite3)
case "$what" in
  build) ;;
  test) pkgs+=(postgresql postgresql-client mariadb-server mariadb-client clang libclang-rt-14-dev
              libpg-query-dev galera-4 rsync pgbouncer) ;;
  bench) pkgs+=(postgresql postgresql-client mariadb-server mariadb-client hyperfine time) ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Debian's server packages try to start their service on install; our scripts
# start private servers instead, so keep the packaged ones from starting.
policy=/usr/sbin/policy-rc.d
created_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
trap '[ -n "$created_policy" ] && $SUDO rm -f "$policy"' EXIT
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
