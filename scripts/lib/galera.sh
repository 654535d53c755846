#!/usr/bin/env bash
# A private 3-node MariaDB Galera cluster on loopback for tests. Source this
# file, then:
#
#   galera_start   # bootstraps node 1 under ${FLYRUN_TMP:-$(mktemp -d)}/galera,
#                  # creates the users, starts nodes 2 and 3 (they join by rsync
#                  # SST from a donor), waits until every node is Synced in a
#                  # cluster of 3, and exports
#                  #   FLYRUN_TEST_GALERA_URLS      the 3 mysql:// URLs of user
#                  #                                `flyrun`, comma separated
#                  #   FLYRUN_TEST_GALERA_ADMIN_URLS the same as root
#                  #   FLYRUN_TEST_GALERA_PIDFILES  the 3 nodes' pid files
#                  #   FLYRUN_TEST_GALERA_DIR       the cluster's directory
#                  #   FLYRUN_TEST_GALERA_CTL       this file, to run as below
#   galera_stop    # shuts every node down and removes the directory
#
# Run as a program, with FLYRUN_TEST_GALERA_DIR set:
#
#   galera.sh restart-node N   # starts node N (1-3) again after it was killed
#                              # and waits until all 3 nodes are Synced
#   galera.sh wait-synced [K]  # waits until K (default 3) nodes are Synced
#
# Every node listens on 127.0.0.1 only: its SQL port, its group
# communication port (gcomm), its IST port and its SST (rsync) port are free
# ports chosen here. Failure detection is shortened (a dead node leaves the
# primary component within about 3 s) so that tests that kill a node are quick.
# `flyrun` gets ALL on `flyrun` and `flyrun%`, like scripts/lib/mariadb.sh.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_flyrun_galera_dir=
_flyrun_galera_base_created=

_flyrun_galera_provider() {
  local p
  for p in /usr/lib/galera/libgalera_smm.so /usr/lib/libgalera_smm.so \
    /usr/lib64/galera-4/libgalera_smm.so; do
    [ -e "$p" ] && { echo "$p"; return 0; }
  done
  return 1
}

# _flyrun_galera_sql DIR N SQL: runs SQL on node N as root over its socket.
_flyrun_galera_sql() {
  local dir=$1 n=$2
  shift 2
  local pw
  pw=$(cat "$dir/root.pw" 2>/dev/null || true)
  mariadb --no-defaults --protocol=socket --socket="$dir/node$n/mariadbd.sock" -uroot \
    ${pw:+-p"$pw"} --connect-timeout=2 --batch --skip-column-names -e "$*" 2>/dev/null
}

# _flyrun_galera_launch DIR N [--wsrep-new-cluster]: starts node N in the
# background; its pid lands in nodeN/mariadbd.pid once the server runs.
_flyrun_galera_launch() {
  local dir=$1 n=$2
  shift 2
  rm -f "$dir/node$n/mariadbd.pid"
  (
    exec mariadbd --defaults-file="$dir/node$n/my.cnf" "$@" </dev/null \
      >>"$dir/node$n/stdout.log" 2>&1 &
    echo $! >"$dir/node$n/launcher.pid"
  )
}

# _flyrun_galera_wait DIR SIZE NODES...: polls until every listed node reports
# Synced in a primary component of SIZE nodes (deadline 90 s).
_flyrun_galera_wait() {
  local dir=$1 size=$2
  shift 2
  local deadline=$((SECONDS + 90)) n out ok
  while [ $SECONDS -lt $deadline ]; do
    ok=1
    for n in "$@"; do
      out=$(_flyrun_galera_sql "$dir" "$n" "SELECT CONCAT(
          (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
            WHERE VARIABLE_NAME = 'wsrep_local_state_comment'), '/',
          (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
            WHERE VARIABLE_NAME = 'wsrep_cluster_size'), '/',
          (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
            WHERE VARIABLE_NAME = 'wsrep_cluster_status'))") || out=
      if [ "$out" != "Synced/$size/Primary" ]; then
        ok=
        if ! kill -0 "$(cat "$dir/node$n/launcher.pid" 2>/dev/null)" 2>/dev/null; then
          flyrun_fail_with_log galera "$dir/node$n/error.log" "node $n exited"
          return 1
        fi
        break
      fi
    done
    [ -n "$ok" ] && return 0
    sleep 0.2
  done
  flyrun_fail_with_log galera "$dir/node$n/error.log" \
    "node $n is not Synced in a cluster of $size (state: ${out:-no answer})"
}

_flyrun_galera_write_cnf() {
  local dir=$1 n=$2 provider=$3 user=$4 peers=$5
  local nd=$dir/node$n sql gcomm ist sst
  read -r sql gcomm ist sst <"$nd/ports"
  cat >"$nd/my.cnf" <<CNF
[mysqld]
user=$user
datadir=$nd/data
tmpdir=$nd/tmp
socket=$nd/mariadbd.sock
pid-file=$nd/mariadbd.pid
log-error=$nd/error.log
port=$sql
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
log-bin-trust-function-creators=1
max-connections=200
innodb-buffer-pool-size=64M
innodb-log-file-size=16M
innodb-flush-log-at-trx-commit=2
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=$provider
wsrep_cluster_name=flyrun_galera
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$gcomm
wsrep_cluster_address=gcomm://$peers
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$gcomm;ist.recv_addr=127.0.0.1:$ist;gcache.size=32M;evs.keepalive_period=PT0.3S;evs.inactive_check_period=PT0.5S;evs.suspect_timeout=PT1.5S;evs.inactive_timeout=PT3S;evs.install_timeout=PT3S;pc.announce_timeout=PT1S"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$sst
wsrep_slave_threads=2
CNF
}

galera_start() {
  if [ -n "$_flyrun_galera_dir" ] &&
    kill -0 "$(cat "$_flyrun_galera_dir/node1/launcher.pid" 2>/dev/null)" 2>/dev/null; then
    return 0
  fi
  local tool
  for tool in mariadbd mariadb-install-db mariadb rsync; do
    command -v "$tool" >/dev/null || {
      echo "galera: $tool not found (scripts/install-deps.sh test installs mariadb-server, galera-4, rsync)" >&2
      return 1
    }
  done
  local provider
  provider=$(_flyrun_galera_provider) || {
    echo "galera: libgalera_smm.so not found (scripts/install-deps.sh test installs galera-4)" >&2
    return 1
  }

  local base=${FLYRUN_TMP:-}
  _flyrun_galera_base_created=
  if [ -z "$base" ]; then
    base=$(mktemp -d) || return 1
    _flyrun_galera_base_created=$base
  fi
  _flyrun_galera_dir=$base/galera
  local dir=$_flyrun_galera_dir
  rm -rf "$dir"

  local user
  if [ "$(id -u)" -eq 0 ]; then
    id mysql >/dev/null 2>&1 || {
      echo "galera: running as root needs the 'mysql' system user (mariadb-server creates it)" >&2
      return 1
    }
    chmod a+x "$base"
    user=mysql
  else
    user=$(whoami)
  fi

  local n peers='' p _ ports=()
  for n in 1 2 3; do
    mkdir -p "$dir/node$n/data" "$dir/node$n/tmp" || return 1
    for _ in sql gcomm ist sst; do
      p=$(flyrun_free_port) || {
        echo "galera: no free port" >&2
        return 1
      }
      while [[ " ${ports[*]} " == *" $p "* ]]; do p=$(flyrun_free_port); done
      ports+=("$p")
    done
    echo "${ports[*]: -4}" >"$dir/node$n/ports"
    peers+=${peers:+,}127.0.0.1:${ports[-3]}
  done
  for n in 1 2 3; do
    _flyrun_galera_write_cnf "$dir" "$n" "$provider" "$user" "$peers"
  done
  [ "$user" = mysql ] && chown -R mysql: "$dir"

  # Small InnoDB files: less to copy when a node joins by SST.
  if ! mariadb-install-db --no-defaults --datadir="$dir/node1/data" --user="$user" \
    --auth-root-authentication-method=normal --skip-test-db --innodb-log-file-size=16M \
    >"$dir/install.log" 2>&1; then
    cat "$dir/install.log" >&2
    echo "galera: mariadb-install-db failed" >&2
    galera_stop
    return 1
  fi

  _flyrun_galera_launch "$dir" 1 --wsrep-new-cluster
  if ! _flyrun_galera_wait "$dir" 1 1; then
    galera_stop
    return 1
  fi

  local root_pw pw
  root_pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # Account statements replicate under TOI; the joiners get them by SST anyway.
  if ! mariadb --no-defaults --protocol=socket --socket="$dir/node1/mariadbd.sock" -uroot \
    --batch >"$dir/setup.log" 2>&1 <<SQL; then
DROP USER IF EXISTS ''@'localhost';
CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '$root_pw';
GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_pw';
CREATE DATABASE flyrun;
CREATE USER 'flyrun'@'%' IDENTIFIED BY '$pw';
CREATE USER 'flyrun'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL ON \`flyrun\`.* TO 'flyrun'@'%', 'flyrun'@'localhost';
GRANT ALL ON \`flyrun%\`.* TO 'flyrun'@'%', 'flyrun'@'localhost';
SQL
    cat "$dir/setup.log" >&2
    echo "galera: creating the users failed" >&2
    galera_stop
    return 1
  fi
  printf '%s' "$root_pw" >"$dir/root.pw"
  chmod 600 "$dir/root.pw"

  # The joiners start together; their state transfers (rsync SST, a few
  # seconds each) run one after the other, as a donor serves one at a time.
  _flyrun_galera_launch "$dir" 2
  _flyrun_galera_launch "$dir" 3
  if ! _flyrun_galera_wait "$dir" 3 1 2 3; then
    galera_stop
    return 1
  fi

  local urls='' admin='' pids='' sqlport
  for n in 1 2 3; do
    read -r sqlport _ <"$dir/node$n/ports"
    urls+=${urls:+,}mysql://flyrun:$pw@127.0.0.1:$sqlport/flyrun
    admin+=${admin:+,}mysql://root:$root_pw@127.0.0.1:$sqlport/flyrun
    pids+=${pids:+,}$dir/node$n/mariadbd.pid
  done
  export FLYRUN_TEST_GALERA_URLS=$urls
  export FLYRUN_TEST_GALERA_ADMIN_URLS=$admin
  export FLYRUN_TEST_GALERA_PIDFILES=$pids
  export FLYRUN_TEST_GALERA_DIR=$dir
  FLYRUN_TEST_GALERA_CTL=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/galera.sh
  export FLYRUN_TEST_GALERA_CTL
  return 0
}

# galera_restart_node N: starts a node that died (or was killed) and waits
# until the cluster has 3 Synced nodes again. It rejoins by IST when the
# donor's gcache still holds what it missed, otherwise by SST.
galera_restart_node() {
  local n=$1 dir=${FLYRUN_TEST_GALERA_DIR:-$_flyrun_galera_dir}
  [ -n "$dir" ] && [ -f "$dir/node$n/my.cnf" ] || {
    echo "galera: no node $n (FLYRUN_TEST_GALERA_DIR unset or wrong)" >&2
    return 1
  }
  if kill -0 "$(cat "$dir/node$n/launcher.pid" 2>/dev/null)" 2>/dev/null; then
    echo "galera: node $n is still running" >&2
    return 1
  fi
  _flyrun_galera_launch "$dir" "$n"
  _flyrun_galera_wait "$dir" 3 1 2 3
}

# galera_wait_synced K: waits until the nodes that run (K of them) are Synced
# in a primary component of K nodes, e.g. 2 after one was killed.
galera_wait_synced() {
  local size=$1 dir=${FLYRUN_TEST_GALERA_DIR:-$_flyrun_galera_dir} n live=()
  for n in 1 2 3; do
    kill -0 "$(cat "$dir/node$n/launcher.pid" 2>/dev/null)" 2>/dev/null && live+=("$n")
  done
  _flyrun_galera_wait "$dir" "$size" "${live[@]}"
}

galera_stop() {
  [ -n "$_flyrun_galera_dir" ] || return 0
  local dir=$_flyrun_galera_dir n pid pids=() deadline rc=0
  # Joiners first, so the last node standing shuts down cleanly as a primary.
  for n in 3 2 1; do
    pid=$(cat "$dir/node$n/launcher.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null
      pids+=("$pid")
    fi
  done
  deadline=$((SECONDS + 30))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null
      echo "galera: mariadbd (pid $pid) did not shut down; killed" >&2
      rc=1
    fi
  done
  rm -rf "$dir"
  if [ -n "$_flyrun_galera_base_created" ]; then
    rm -rf "$_flyrun_galera_base_created"
  fi
  _flyrun_galera_dir=
  _flyrun_galera_base_created=
  unset FLYRUN_TEST_GALERA_URLS FLYRUN_TEST_GALERA_ADMIN_URLS FLYRUN_TEST_GALERA_PIDFILES \
    FLYRUN_TEST_GALERA_DIR FLYRUN_TEST_GALERA_CTL
  return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -u
  case "${1:-}" in
    restart-node)
      [ -n "${2:-}" ] || { echo "usage: $0 restart-node N" >&2; exit 2; }
      galera_restart_node "$2"
      ;;
    wait-synced)
      galera_wait_synced "${2:-3}"
      ;;
    *)
      echo "usage: $0 restart-node N | wait-synced [SIZE]" >&2
      exit 2
      ;;
  esac
fi
