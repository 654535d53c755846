# shellcheck shell=bash
# Streaming standbys of the test PostgreSQL (scripts/lib/postgres.sh: pg_start
# first; it needs FLYRUN_TEST_PG_ADMIN_URL and FLYRUN_TEST_PG_BINDIR). Source
# this file, then:
#
#   pg_standby_start  # a standby in ${FLYRUN_TMP}/pg-standby that stays one (tests
#                     # never promote it), exporting
#                     #   FLYRUN_TEST_PG_STANDBY_URL        the primary's URL with the standby's port
#                     #   FLYRUN_TEST_PG_STANDBY_ADMIN_URL  the same as `postgres`
#                     #   FLYRUN_TEST_PG_STANDBY_SCRIPT     this file, for pg_standby_new
#   pg_standby_stop   # stops it and removes its directory
#
# A test that promotes a standby makes its own, short-lived one by running this
# file:
#
#   bash pg_standby.sh new DIR     # a standby in DIR/standby on a free port; prints
#                                  #   url=<the primary's URL with the standby's port>
#                                  #   admin_url=<the same as postgres>
#   bash pg_standby.sh remove DIR  # stops it and removes DIR/standby
#
# Promote with `SELECT pg_promote()` as postgres. A standby is a copy taken with
# pg_basebackup -R (streaming its WAL from the primary over 127.0.0.1); it has
# the primary's roles, passwords and databases, listens on 127.0.0.1 only, and
# keeps its Unix socket in its own directory. As root it runs as `postgres`.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_flyrun_pgs_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# _flyrun_pgs_with_port URL PORT: the URL with its port replaced.
_flyrun_pgs_with_port() {
  local url=$1 port=$2
  local scheme=${url%%://*} rest=${url#*://}
  local userinfo=${rest%@*} after=${rest##*@}
  local path=/${after#*/}
  echo "$scheme://$userinfo@127.0.0.1:$port$path"
}

# _flyrun_pgs_create DIR: takes the base backup into DIR/data and starts it on
# a free port; prints the port.
_flyrun_pgs_create() {
  local dir=$1 bindir=${FLYRUN_TEST_PG_BINDIR:-}
  [ -n "$bindir" ] && [ -n "${FLYRUN_TEST_PG_ADMIN_URL:-}" ] || {
    echo "pg_standby: start PostgreSQL first (pg_start)" >&2
    return 1
  }
  rm -rf "$dir"
  mkdir -p "$dir/socket" || return 1
  chmod 700 "$dir" "$dir/socket"
  if [ "$(id -u)" -eq 0 ]; then
    chmod a+x "$(dirname "$dir")"
    chown -R postgres: "$dir"
  fi
  # The primary's admin URL, as a libpq URI, is also pg_basebackup's -d.
  if ! _flyrun_pgs_as_owner "$bindir/pg_basebackup" -d "$FLYRUN_TEST_PG_ADMIN_URL" \
    -D "$dir/data" -R -X stream -c fast --no-sync >"$dir/basebackup.log" 2>&1; then
    flyrun_fail_with_log pg_standby "$dir/basebackup.log" "pg_basebackup failed"
    return 1
  fi
  local port _ started='' deadline
  for _ in 1 2 3; do
    port=$(flyrun_free_port) || return 1
    : >"$dir/server.log"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/server.log"; fi
    if ! _flyrun_pgs_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -W \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c hot_standby=on \
      -c fsync=off -c max_connections=200" start >"$dir/pg_ctl.log" 2>&1; then
      cat "$dir/pg_ctl.log" >&2
      flyrun_fail_with_log pg_standby "$dir/server.log" "pg_ctl start failed"
      return 1
    fi
    deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
      if "$bindir/pg_isready" -q -h "$dir/socket" -p "$port" -d postgres -t 2 >/dev/null 2>&1; then
        started=1
        break
      fi
      if [ ! -f "$dir/data/postmaster.pid" ] && grep -q FATAL "$dir/server.log" 2>/dev/null; then
        break
      fi
      sleep 0.05
    done
    [ -n "$started" ] && break
    grep -q "could not bind\|could not create any TCP/IP sockets" "$dir/server.log" \
      2>/dev/null || break
    _flyrun_pgs_as_owner "$bindir/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
  done
  if [ -z "$started" ]; then
    flyrun_fail_with_log pg_standby "$dir/server.log" "the standby did not become ready"
    _flyrun_pgs_remove "$dir"
    return 1
  fi
  echo "$port"
}

_flyrun_pgs_remove() {
  local dir=$1
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    _flyrun_pgs_as_owner "${FLYRUN_TEST_PG_BINDIR:-}/pg_ctl" -D "$dir/data" stop -m immediate \
      -w -t 30 >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

_flyrun_pgs_dir=

pg_standby_start() {
  if [ -n "$_flyrun_pgs_dir" ] && [ -f "$_flyrun_pgs_dir/data/postmaster.pid" ]; then
    return 0
  fi
  [ -n "${FLYRUN_TMP:-}" ] || {
    echo "pg_standby: FLYRUN_TMP is not set" >&2
    return 1
  }
  _flyrun_pgs_dir=$FLYRUN_TMP/pg-standby
  local port
  port=$(_flyrun_pgs_create "$_flyrun_pgs_dir") || {
    _flyrun_pgs_dir=
    return 1
  }
  export FLYRUN_TEST_PG_STANDBY_URL
  export FLYRUN_TEST_PG_STANDBY_ADMIN_URL
  export FLYRUN_TEST_PG_STANDBY_SCRIPT
  FLYRUN_TEST_PG_STANDBY_URL=$(_flyrun_pgs_with_port "$FLYRUN_TEST_PG_URL" "$port")
  FLYRUN_TEST_PG_STANDBY_ADMIN_URL=$(_flyrun_pgs_with_port "$FLYRUN_TEST_PG_ADMIN_URL" "$port")
  FLYRUN_TEST_PG_STANDBY_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pg_standby.sh
  return 0
}

pg_standby_stop() {
  [ -n "$_flyrun_pgs_dir" ] || return 0
  _flyrun_pgs_remove "$_flyrun_pgs_dir"
  _flyrun_pgs_dir=
  unset FLYRUN_TEST_PG_STANDBY_URL FLYRUN_TEST_PG_STANDBY_ADMIN_URL FLYRUN_TEST_PG_STANDBY_SCRIPT
  return 0
}

# Run as a program: new DIR / remove DIR.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    new)
      [ -n "${2:-}" ] || { echo "usage: $0 new DIR" >&2; exit 2; }
      port=$(_flyrun_pgs_create "$2/standby")
      echo "url=$(_flyrun_pgs_with_port "$FLYRUN_TEST_PG_URL" "$port")"
      echo "admin_url=$(_flyrun_pgs_with_port "$FLYRUN_TEST_PG_ADMIN_URL" "$port")"
      ;;
    remove)
      [ -n "${2:-}" ] || { echo "usage: $0 remove DIR" >&2; exit 2; }
      _flyrun_pgs_remove "$2/standby"
      ;;
    *)
      echo "usage: $0 new DIR | remove DIR" >&2
      exit 2
      ;;
  esac
fi
