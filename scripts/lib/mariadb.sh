# shellcheck shell=bash
# A private MariaDB server for tests and benchmarks. Source this file, then:
#
#   mariadb_start   # installs a data directory under ${FLYRUN_TMP:-$(mktemp -d)},
#                   # starts mariadbd on 127.0.0.1 and a free port, creates the
#                   # non-root user `flyrun` and the database `flyrun`, and exports
#                   #   FLYRUN_TEST_MYSQL_URL        mysql://flyrun:<pw>@127.0.0.1:<port>/flyrun
#                   #   FLYRUN_TEST_MYSQL_ADMIN_URL  the same as root
#                   #   FLYRUN_TEST_MYSQL_SOCKET     the server's Unix socket
#                   #   FLYRUN_TEST_MYSQL_SSL_CA     CA of the server's TLS certificate
#                   #                                (when openssl is installed)
#   mariadb_stop    # shuts the server down and removes its directory
#
# Both are idempotent and quiet on success; on failure they print the server's
# error log to stderr and return non-zero. As root the server runs as the
# `mysql` system user of the Debian package; otherwise as the calling user.
#
# `flyrun` gets ALL on the databases `flyrun` and `flyrun%` (tests create one
# database per test, named flyrun_<something>), nothing global: it is what an
# application's migration user usually is. log_bin_trust_function_creators=1 lets
# it create functions and triggers without SUPER.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_flyrun_mariadb_dir=
_flyrun_mariadb_base_created=
_flyrun_mariadb_root_pw=

_flyrun_mariadb_fail() { flyrun_fail_with_log mariadb "$_flyrun_mariadb_dir/error.log" "$@"; }

_flyrun_mariadb_pid_alive() {
  local pid
  pid=$(cat "$_flyrun_mariadb_dir/mariadbd.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# A self-signed CA and a server certificate for 127.0.0.1/localhost, so the
# driver's TLS modes can be tested against the real server.
_flyrun_mariadb_make_certs() {
  local d=$1
  command -v openssl >/dev/null || return 1
  (
    set -e
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=flyrun test CA" \
      -keyout ca-key.pem -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
      -keyout server-key.pem -out server.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
      -extfile server.ext -out server-cert.pem
    chmod 644 ./*.pem
  ) >"$d/openssl.log" 2>&1
}

mariadb_start() {
  if [ -n "$_flyrun_mariadb_dir" ] && _flyrun_mariadb_pid_alive; then
    return 0
  fi
  local tool
  for tool in mariadbd mariadb-install-db mariadb-admin mariadb; do
    command -v "$tool" >/dev/null || {
      echo "mariadb: $tool not found (scripts/install-deps.sh test installs mariadb-server)" >&2
      return 1
    }
  done

  local base=${FLYRUN_TMP:-}
  _flyrun_mariadb_base_created=
  _flyrun_mariadb_root_pw=
  if [ -z "$base" ]; then
    base=$(mktemp -d) || return 1
    _flyrun_mariadb_base_created=$base
  fi
  _flyrun_mariadb_dir=$base/mariadb
  local dir=$_flyrun_mariadb_dir
  rm -rf "$dir"
  mkdir -p "$dir/data" "$dir/tmp" || return 1

  local user_opt
  if [ "$(id -u)" -eq 0 ]; then
    id mysql >/dev/null 2>&1 || {
      echo "mariadb: running as root needs the 'mysql' system user (mariadb-server creates it)" >&2
      return 1
    }
    # The server runs as `mysql`: it must reach its directory through ours.
    chmod a+x "$base"
    chown -R mysql: "$dir"
    user_opt=--user=mysql
  else
    user_opt=--user=$(whoami)
  fi

  local ssl_opts=()
  if _flyrun_mariadb_make_certs "$dir"; then
    ssl_opts=(--ssl-ca="$dir/ca.pem" --ssl-cert="$dir/server-cert.pem"
      --ssl-key="$dir/server-key.pem")
  fi

  if ! mariadb-install-db --no-defaults --datadir="$dir/data" "$user_opt" \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1; then
    cat "$dir/install.log" >&2
    _flyrun_mariadb_fail "mariadb-install-db failed"
    mariadb_stop
    return 1
  fi

  local port _ started='' deadline
  for _ in 1 2 3; do
    port=$(flyrun_free_port) || {
      _flyrun_mariadb_fail "no free port"
      return 1
    }
    rm -f "$dir/mariadbd.pid"
    (
      exec mariadbd --no-defaults "$user_opt" --datadir="$dir/data" --tmpdir="$dir/tmp" \
        --socket="$dir/mariadbd.sock" --pid-file="$dir/mariadbd.pid" \
        --log-error="$dir/error.log" --port="$port" --bind-address=127.0.0.1 \
        --skip-name-resolve --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_general_ci --log-bin-trust-function-creators=1 \
        --max-connections=300 --innodb-buffer-pool-size=128M --innodb-log-file-size=96M \
        --max-allowed-packet=64M "${ssl_opts[@]}" </dev/null >>"$dir/stdout.log" 2>&1 &
      echo $! >"$dir/launcher.pid"
    )
    deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
      if mariadb-admin --no-defaults --protocol=socket --socket="$dir/mariadbd.sock" \
        -uroot --connect-timeout=2 ping >/dev/null 2>&1; then
        started=1
        break
      fi
      kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null || break
      sleep 0.1
    done
    [ -n "$started" ] && break
    # Another process may have taken the port between the probe and the bind.
    if ! grep -q "Address already in use" "$dir/error.log" 2>/dev/null; then
      break
    fi
  done
  if [ -z "$started" ]; then
    _flyrun_mariadb_fail "mariadbd did not become ready"
    mariadb_stop
    return 1
  fi

  _flyrun_mariadb_root_pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  local pw
  pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  local root_pw=$_flyrun_mariadb_root_pw
  # root has no password yet; it gets one here, over the socket.
  if ! mariadb --no-defaults --protocol=socket --socket="$dir/mariadbd.sock" -uroot --batch \
    >"$dir/setup.log" 2>&1 <<SQL; then
DELETE FROM mysql.global_priv WHERE User = '' OR Host NOT IN ('localhost', '127.0.0.1', '::1');
DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost', '127.0.0.1', '::1');
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_pw';
CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '$root_pw';
GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE flyrun;
CREATE USER 'flyrun'@'%' IDENTIFIED BY '$pw';
CREATE USER 'flyrun'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL ON \`flyrun\`.* TO 'flyrun'@'%', 'flyrun'@'localhost';
GRANT ALL ON \`flyrun%\`.* TO 'flyrun'@'%', 'flyrun'@'localhost';
SQL
    cat "$dir/setup.log" >&2
    _flyrun_mariadb_fail "creating the users failed"
    mariadb_stop
    return 1
  fi

  export FLYRUN_TEST_MYSQL_URL="mysql://flyrun:$pw@127.0.0.1:$port/flyrun"
  export FLYRUN_TEST_MYSQL_ADMIN_URL="mysql://root:$root_pw@127.0.0.1:$port/flyrun"
  export FLYRUN_TEST_MYSQL_SOCKET="$dir/mariadbd.sock"
  if [ ${#ssl_opts[@]} -gt 0 ]; then
    export FLYRUN_TEST_MYSQL_SSL_CA="$dir/ca.pem"
  else
    unset FLYRUN_TEST_MYSQL_SSL_CA
  fi
  return 0
}

mariadb_stop() {
  [ -n "$_flyrun_mariadb_dir" ] || return 0
  local dir=$_flyrun_mariadb_dir pid deadline rc=0
  pid=$(cat "$dir/mariadbd.pid" 2>/dev/null || cat "$dir/launcher.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    mariadb-admin --no-defaults --protocol=socket --socket="$dir/mariadbd.sock" -uroot \
      ${_flyrun_mariadb_root_pw:+-p"$_flyrun_mariadb_root_pw"} --connect-timeout=5 \
      shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null
      _flyrun_mariadb_fail "mariadbd (pid $pid) did not shut down; killed"
      rc=1
    fi
  fi
  rm -rf "$dir"
  if [ -n "$_flyrun_mariadb_base_created" ]; then
    rm -rf "$_flyrun_mariadb_base_created"
  fi
  _flyrun_mariadb_dir=
  _flyrun_mariadb_base_created=
  _flyrun_mariadb_root_pw=
  unset FLYRUN_TEST_MYSQL_URL FLYRUN_TEST_MYSQL_ADMIN_URL FLYRUN_TEST_MYSQL_SOCKET \
    FLYRUN_TEST_MYSQL_SSL_CA
  return $rc
}
