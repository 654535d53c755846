# shellcheck shell=bash
# A private PostgreSQL server for tests and benchmarks. Source this file, then:
#
#   pg_start   # initdb into ${FLYRUN_TMP:-$(mktemp -d)}/postgres, starts postgres on
#              # 127.0.0.1 and a free port (its Unix socket stays in that directory),
#              # creates the role `flyrun` (LOGIN, CREATEDB, not a superuser) and the
#              # database `flyrun` it owns, and exports
#              #   FLYRUN_TEST_PG_URL        postgresql://flyrun:<pw>@127.0.0.1:<port>/flyrun
#              #   FLYRUN_TEST_PG_ADMIN_URL  the same as the superuser `postgres`
#              #   FLYRUN_TEST_PG_BINDIR     the server's bin directory (psql, pg_ctl...)
#   pg_stop    # pg_ctl stop -m fast, then removes the directory
#
# Both are idempotent and quiet on success; on failure they print the server
# log to stderr and return non-zero. initdb refuses to run as root, so as root
# the server runs as the `postgres` system user of the Debian package.
#
# It can feed streaming standbys (scripts/lib/pg_standby.sh): wal_level=replica,
# WAL senders and replication slots are on, and initdb's pg_hba.conf lets a
# superuser replicate over the socket (trust) and 127.0.0.1 (password).
#
# The server is a throwaway: fsync is off. FLYRUN_PG_OPTS adds server options
# (e.g. FLYRUN_PG_OPTS="-c fsync=on" for a benchmark that wants durability).

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_flyrun_pg_dir=
_flyrun_pg_base_created=
_flyrun_pg_bindir=
_flyrun_pg_port=

_flyrun_pg_fail() { flyrun_fail_with_log postgres "$_flyrun_pg_dir/server.log" "$@"; }

# Runs a command as the server's owner: `postgres` when we are root.
_flyrun_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The bin directory of the newest installed server: pg_config's, else the
# highest /usr/lib/postgresql/<major>/bin.
_flyrun_pg_find_bindir() {
  local d
  if command -v pg_config >/dev/null; then
    d=$(pg_config --bindir 2>/dev/null)
    if [ -x "$d/postgres" ] && [ -x "$d/initdb" ]; then
      echo "$d"
      return 0
    fi
  fi
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ]; then
    echo "$d"
    return 0
  fi
  return 1
}

_flyrun_pg_running() {
  [ -n "$_flyrun_pg_dir" ] && [ -f "$_flyrun_pg_dir/data/postmaster.pid" ] &&
    _flyrun_pg_as_owner "$_flyrun_pg_bindir/pg_ctl" -D "$_flyrun_pg_dir/data" status \
      >/dev/null 2>&1
}

# Asks through our own socket: on TCP another server may answer on that port.
_flyrun_pg_ready() {
  "$_flyrun_pg_bindir/pg_isready" -q -h "$_flyrun_pg_dir/socket" -p "$1" -d postgres -t 2 \
    >/dev/null 2>&1
}

_flyrun_pg_psql() {
  _flyrun_pg_as_owner "$_flyrun_pg_bindir/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$_flyrun_pg_dir/socket" -p "$_flyrun_pg_port" -U postgres "$@"
}

pg_start() {
  if _flyrun_pg_running; then
    return 0
  fi
  _flyrun_pg_bindir=$(_flyrun_pg_find_bindir) || {
    echo "postgres: no PostgreSQL server found (scripts/install-deps.sh test installs it)" >&2
    return 1
  }
  local tool
  for tool in initdb pg_ctl pg_isready psql; do
    [ -x "$_flyrun_pg_bindir/$tool" ] || {
      echo "postgres: $_flyrun_pg_bindir/$tool not found" >&2
      return 1
    }
  done
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "postgres: running as root needs the 'postgres' system user (the postgresql package creates it)" >&2
    return 1
  fi

  local base=${FLYRUN_TMP:-}
  _flyrun_pg_base_created=
  if [ -z "$base" ]; then
    base=$(mktemp -d) || return 1
    _flyrun_pg_base_created=$base
  fi
  _flyrun_pg_dir=$base/postgres
  local dir=$_flyrun_pg_dir
  rm -rf "$dir"
  mkdir -p "$dir/socket" || return 1
  chmod 700 "$dir/socket"
  if [ "$(id -u)" -eq 0 ]; then
    # The server runs as `postgres`: it must reach its directory through ours.
    chmod a+x "$base"
    chown -R postgres: "$dir"
  fi

  local admin_pw pw
  admin_pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$admin_pw" >"$dir/pwfile"
  chmod 600 "$dir/pwfile"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/pwfile"; fi

  # Local (socket) connections are trusted: the socket directory is private to
  # the server's owner. TCP connections need a password.
  if ! _flyrun_pg_as_owner "$_flyrun_pg_bindir/initdb" -D "$dir/data" -U postgres \
    --pwfile="$dir/pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
    --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    _flyrun_pg_fail "initdb failed"
    return 1
  fi
  rm -f "$dir/pwfile"

  local port _ started='' deadline
  for _ in 1 2 3; do
    port=$(flyrun_free_port) || {
      _flyrun_pg_fail "no free port"
      return 1
    }
    # shellcheck disable=SC2086
    if ! _flyrun_pg_as_owner "$_flyrun_pg_bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
      -W -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c max_connections=200 \
      -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
      -c wal_level=replica -c max_wal_senders=10 -c max_replication_slots=10 \
      ${FLYRUN_PG_OPTS:-}" \
      start >"$dir/pg_ctl.log" 2>&1; then
      cat "$dir/pg_ctl.log" >&2
      _flyrun_pg_fail "pg_ctl start failed"
      return 1
    fi
    deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
      if _flyrun_pg_ready "$port"; then
        started=1
        break
      fi
      # The postmaster removes its pid file when it gives up (e.g. port taken).
      if [ ! -f "$dir/data/postmaster.pid" ] && grep -q "FATAL" "$dir/server.log" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    [ -n "$started" ] && break
    # Another process may have taken the port between the probe and the bind.
    if ! grep -q "could not bind\|could not create any TCP/IP sockets" "$dir/server.log" \
      2>/dev/null; then
      break
    fi
    _flyrun_pg_as_owner "$_flyrun_pg_bindir/pg_ctl" -D "$dir/data" stop -m immediate \
      >/dev/null 2>&1 || true
    : >"$dir/server.log"
  done
  if [ -z "$started" ]; then
    _flyrun_pg_fail "postgres did not become ready"
    pg_stop
    return 1
  fi
  _flyrun_pg_port=$port

  if ! _flyrun_pg_psql -d postgres >"$dir/setup.log" 2>&1 <<SQL; then
CREATE ROLE flyrun LOGIN CREATEDB PASSWORD '$pw';
CREATE DATABASE flyrun OWNER flyrun;
SQL
    cat "$dir/setup.log" >&2
    _flyrun_pg_fail "creating the role and database failed"
    pg_stop
    return 1
  fi

  export FLYRUN_TEST_PG_URL="postgresql://flyrun:$pw@127.0.0.1:$port/flyrun"
  export FLYRUN_TEST_PG_ADMIN_URL="postgresql://postgres:$admin_pw@127.0.0.1:$port/flyrun"
  export FLYRUN_TEST_PG_BINDIR=$_flyrun_pg_bindir
  return 0
}

pg_stop() {
  [ -n "$_flyrun_pg_dir" ] || return 0
  local dir=$_flyrun_pg_dir rc=0
  if [ -f "$dir/data/postmaster.pid" ]; then
    if ! _flyrun_pg_as_owner "$_flyrun_pg_bindir/pg_ctl" -D "$dir/data" stop -m fast -w -t 60 \
      >"$dir/pg_ctl-stop.log" 2>&1; then
      cat "$dir/pg_ctl-stop.log" >&2
      _flyrun_pg_fail "pg_ctl stop failed; stopping immediately"
      _flyrun_pg_as_owner "$_flyrun_pg_bindir/pg_ctl" -D "$dir/data" stop -m immediate -w \
        >/dev/null 2>&1 || true
      rc=1
    fi
  fi
  rm -rf "$dir"
  if [ -n "$_flyrun_pg_base_created" ]; then
    rm -rf "$_flyrun_pg_base_created"
  fi
  _flyrun_pg_dir=
  _flyrun_pg_base_created=
  _flyrun_pg_port=
  unset FLYRUN_TEST_PG_URL FLYRUN_TEST_PG_ADMIN_URL FLYRUN_TEST_PG_BINDIR
  return $rc
}
