# shellcheck shell=bash
# PgBouncer in transaction pooling mode in front of the test PostgreSQL
# (scripts/lib/postgres.sh: call pg_start first). Source this file, then:
#
#   pgbouncer_start  # writes its ini and auth file into ${FLYRUN_TMP}/pgbouncer,
#                    # listens on 127.0.0.1 and a free port (no Unix socket), hands
#                    # every transaction to one of at most 3 server connections per
#                    # database and user, and exports
#                    #   FLYRUN_TEST_PGBOUNCER_URL        postgresql://flyrun:<pw>@127.0.0.1:<port>/flyrun
#                    #   FLYRUN_TEST_PGBOUNCER_ADMIN_URL  the same as the superuser `postgres`
#   pgbouncer_stop   # stops it (SIGINT, then SIGKILL) and removes the directory
#
# Any database name is forwarded to the server of the same name, so a test may
# create its own database and reach it through the pooler. Both functions are
# idempotent and quiet on success; on failure they print the log and return
# non-zero. PgBouncer refuses to run as root: as root it runs as `postgres`.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_flyrun_pgb_dir=

_flyrun_pgb_fail() { flyrun_fail_with_log pgbouncer "$_flyrun_pgb_dir/pgbouncer.log" "$@"; }

_flyrun_pgb_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# _flyrun_pgb_url_part URL user|password|port
_flyrun_pgb_url_part() {
  local rest=${1#*://}
  local userinfo=${rest%@*} hostport=${rest##*@}
  hostport=${hostport%%/*}
  case $2 in
    user) echo "${userinfo%%:*}" ;;
    password) echo "${userinfo#*:}" ;;
    port) echo "${hostport##*:}" ;;
  esac
}

_flyrun_pgb_running() {
  [ -n "$_flyrun_pgb_dir" ] && [ -f "$_flyrun_pgb_dir/pgbouncer.pid" ] &&
    kill -0 "$(cat "$_flyrun_pgb_dir/pgbouncer.pid")" 2>/dev/null
}

pgbouncer_start() {
  if _flyrun_pgb_running; then
    return 0
  fi
  command -v pgbouncer >/dev/null || {
    echo "pgbouncer: not installed (scripts/install-deps.sh test installs it)" >&2
    return 1
  }
  [ -n "${FLYRUN_TEST_PG_URL:-}" ] && [ -n "${FLYRUN_TEST_PG_ADMIN_URL:-}" ] || {
    echo "pgbouncer: start PostgreSQL first (pg_start)" >&2
    return 1
  }
  local base=${FLYRUN_TMP:-}
  [ -n "$base" ] || {
    echo "pgbouncer: FLYRUN_TMP is not set" >&2
    return 1
  }
  _flyrun_pgb_dir=$base/pgbouncer
  local dir=$_flyrun_pgb_dir
  rm -rf "$dir"
  mkdir -p "$dir" || return 1
  chmod 700 "$dir"

  local server_port user pw admin admin_pw
  server_port=$(_flyrun_pgb_url_part "$FLYRUN_TEST_PG_URL" port)
  user=$(_flyrun_pgb_url_part "$FLYRUN_TEST_PG_URL" user)
  pw=$(_flyrun_pgb_url_part "$FLYRUN_TEST_PG_URL" password)
  admin=$(_flyrun_pgb_url_part "$FLYRUN_TEST_PG_ADMIN_URL" user)
  admin_pw=$(_flyrun_pgb_url_part "$FLYRUN_TEST_PG_ADMIN_URL" password)
  # Plain-text passwords: PgBouncer needs them to answer the server's SCRAM
  # challenge itself. The file is readable by its owner only.
  printf '"%s" "%s"\n"%s" "%s"\n' "$user" "$pw" "$admin" "$admin_pw" >"$dir/userlist.txt"
  chmod 600 "$dir/userlist.txt"

  local port _ started='' deadline
  for _ in 1 2 3; do
    port=$(flyrun_free_port) || {
      _flyrun_pgb_fail "no free port"
      return 1
    }
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$server_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = 3
max_client_conn = 200
max_prepared_statements = 0
server_reset_query =
ignore_startup_parameters = extra_float_digits
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
log_connections = 0
log_disconnections = 0
INI
    # max_prepared_statements appeared in 1.21: older versions refuse unknown keys.
    if ! pgbouncer --version 2>/dev/null | head -1 | grep -qE ' 1\.(2[1-9]|[3-9][0-9])'; then
      sed -i '/^max_prepared_statements/d' "$dir/pgbouncer.ini"
    fi
    : >"$dir/pgbouncer.log"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
    if ! _flyrun_pgb_as_owner pgbouncer -d -q "$dir/pgbouncer.ini" >"$dir/start.log" 2>&1; then
      cat "$dir/start.log" >&2
      _flyrun_pgb_fail "pgbouncer did not start"
      return 1
    fi
    deadline=$((SECONDS + 20))
    while [ $SECONDS -lt $deadline ]; do
      if [ -f "$dir/pgbouncer.pid" ] &&
        PGPASSWORD=$pw "$FLYRUN_TEST_PG_BINDIR/psql" -X -q -At -h 127.0.0.1 -p "$port" \
          -U "$user" -d flyrun -c 'SELECT 1' >/dev/null 2>&1; then
        started=1
        break
      fi
      if grep -q "Address already in use" "$dir/pgbouncer.log" 2>/dev/null; then
        break
      fi
      sleep 0.05
    done
    [ -n "$started" ] && break
    grep -q "Address already in use" "$dir/pgbouncer.log" 2>/dev/null || break
    _flyrun_pgb_kill
  done
  if [ -z "$started" ]; then
    _flyrun_pgb_fail "pgbouncer did not accept connections"
    pgbouncer_stop
    return 1
  fi
  export FLYRUN_TEST_PGBOUNCER_URL="postgresql://$user:$pw@127.0.0.1:$port/flyrun"
  export FLYRUN_TEST_PGBOUNCER_ADMIN_URL="postgresql://$admin:$admin_pw@127.0.0.1:$port/flyrun"
  return 0
}

_flyrun_pgb_kill() {
  local dir=$_flyrun_pgb_dir pid _
  [ -f "$dir/pgbouncer.pid" ] || return 0
  pid=$(cat "$dir/pgbouncer.pid")
  kill -INT "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}

pgbouncer_stop() {
  [ -n "$_flyrun_pgb_dir" ] || return 0
  _flyrun_pgb_kill
  rm -rf "$_flyrun_pgb_dir"
  _flyrun_pgb_dir=
  unset FLYRUN_TEST_PGBOUNCER_URL FLYRUN_TEST_PGBOUNCER_ADMIN_URL
  return 0
}
