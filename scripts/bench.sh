#!/usr/bin/env bash
# Measures flyrun against the database's own client on this machine, in the
# same run (SPEC 9), and prints a Markdown table for the README.
#
#   scripts/bench.sh [sqlite|postgres|mariadb|all] [all|flyway-noop|fleet]   (default: all all)
#
# The second argument picks the workloads: `flyway-noop` measures only a no-op
# `migrate` on a 1,000-row history in Flyway's format (start-up next to the
# JVM's), without the data script; `fleet` only a fleet (README, Fleets): the
# same tenants migrated from empty with --parallel 1 and --parallel 4 (SQLite
# files, and PostgreSQL databases), wall time and peak RSS.
#
# Environment: BENCH_MIGRATIONS (default 1000), BENCH_DATA_MB (size of the data
# script, default 1024), BENCH_RUNS (hyperfine runs, default 10), BENCH_FLYRUN
# (a flyrun binary to measure instead of building the release preset),
# BENCH_TENANTS (SQLite fleet, default 200), BENCH_PG_TENANTS (PostgreSQL
# fleet, default 50), BENCH_FLEET_MIGRATIONS (per tenant, default 20).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/common.sh"
source "$root/scripts/lib/postgres.sh"
source "$root/scripts/lib/mariadb.sh"

which_dbs=${1:-all}
which_cases=${2:-all}
case $which_cases in
  all | flyway-noop | fleet) ;;
  *) echo "usage: $0 [sqlite|postgres|mariadb|all] [all|flyway-noop|fleet]" >&2; exit 2 ;;
esac
n=${BENCH_MIGRATIONS:-1000}
data_mb=${BENCH_DATA_MB:-1024}
runs=${BENCH_RUNS:-10}

"$root/scripts/install-deps.sh" bench
if [[ -n ${BENCH_FLYRUN:-} ]]; then
  flyrun=$BENCH_FLYRUN
else
  log "building flyrun (release)"
  build_preset release
  flyrun="$root/build/release/src/cli/flyrun"
fi

export FLYRUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/flyrun-bench.XXXXXX")
cleanup() { pg_stop || true; mariadb_stop || true; rm -rf "$FLYRUN_TMP"; }
trap cleanup EXIT INT TERM
work=$FLYRUN_TMP

# --- inputs ---------------------------------------------------------------
small="$work/small"
mkdir -p "$small"
for i in $(seq 1 "$n"); do
  printf 'CREATE TABLE t_%d (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\nINSERT INTO t_%d (id, name) VALUES (1, '"'"'row %d'"'"');\n' \
    "$i" "$i" "$i" > "$small/V${i}__table_${i}.sql"
done
# The same files as one client session, one transaction per file.
for i in $(seq 1 "$n"); do
  printf 'BEGIN;\n'; cat "$small/V${i}__table_${i}.sql"; printf 'COMMIT;\n'
done > "$work/small-all.sql"

data="$work/data"
mkdir -p "$data"
if [[ $which_cases == all ]]; then
log "generating a ${data_mb} MB data script"
python3 - "$data/V1__data.sql" "$data_mb" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
target = mb * 1024 * 1024
row = "({i}, 'customer {i}', 'customer{i}@example.com', {c})"
with open(path, "w") as f:
    f.write("CREATE TABLE big (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100), cents BIGINT);\n")
    i, size = 0, 0
    while size < target:
        rows = ",".join(row.format(i=i + k, c=(i + k) % 9973) for k in range(100))
        stmt = "INSERT INTO big (id, name, email, cents) VALUES " + rows + ";\n"
        f.write(stmt)
        size += len(stmt)
        i += 100
PY
fi

secs() { python3 -c 'import sys,time; print(f"{time.time():.6f}")'; }
# time_cmd VAR CMD...: wall seconds of one run into VAR
time_cmd() {
  local __var=$1; shift
  local t0 t1
  t0=$(secs); "$@" >/dev/null; t1=$(secs)
  printf -v "$__var" '%.3f' "$(python3 -c "print($t1-$t0)")"
}
# peak RSS (MB) of one run
rss_cmd() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
hf_stat() { # hf_stat mean|median CMD: hyperfine statistic in ms
  local stat=$1; shift
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/hf.json" "$@" >/dev/null 2>&1
  python3 -c "import json; print(f\"{json.load(open('$work/hf.json'))['results'][0]['$stat']*1000:.1f}\")"
}
hf_mean() { hf_stat mean "$@"; }

# flyway_history DIALECT: SQL that creates flyway_schema_history with Flyway's
# definition (its column types, `<table>_pk`, `<table>_s_idx`) and one applied
# row per file of $small, with Flyway's checksum of the file (CRC-32 of its
# lines without their terminators, as a signed 32-bit integer).
flyway_history() {
  python3 - "$1" "$small" "$n" <<'PY'
import sys, zlib
dialect, small, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = {"sqlite": '"flyway_schema_history"', "postgres": '"flyway_schema_history"',
     "mariadb": "`flyway_schema_history`"}[dialect]
on = {"sqlite": "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))",
      "postgres": "TIMESTAMP NOT NULL DEFAULT now()",
      "mariadb": "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"}[dialect]
success = {"sqlite": "BOOLEAN", "postgres": "BOOLEAN", "mariadb": "BOOL"}[dialect]
pk_inline = {"sqlite": "PRIMARY KEY", "postgres": "", "mariadb": ""}[dialect]
print(f"CREATE TABLE {t} (installed_rank INT NOT NULL {pk_inline}, version VARCHAR(50), "
      "description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, "
      "script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, "
      f"installed_on {on}, execution_time INT NOT NULL, success {success} NOT NULL"
      + (", CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (installed_rank)"
         if dialect == "mariadb" else "") + ");")
if dialect == "postgres":
    print(f'ALTER TABLE {t} ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY (installed_rank);')
print(f"CREATE INDEX flyway_schema_history_s_idx ON {t} (success);")
print("BEGIN;")
for i in range(1, n + 1):
    script = f"V{i}__table_{i}.sql"
    text = open(f"{small}/{script}", encoding="utf-8").read().lstrip("\ufeff")
    crc = zlib.crc32(text.replace("\r\n", "").replace("\r", "").replace("\n", "").encode())
    crc -= (1 << 32) if crc >= (1 << 31) else 0
    print(f"INSERT INTO {t} (installed_rank, version, description, type, script, checksum, "
          f"installed_by, execution_time, success) VALUES ({i}, '{i}', 'table {i}', 'SQL', "
          f"'{script}', {crc}, 'bench', 1, {'1' if dialect == 'mariadb' else 'true'});")
print("COMMIT;")
PY
}

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); }

# bench_flyway_noop DB DIALECT URL CLIENT CLIENT_NOOP RESET: start-up of a
# migrate with nothing to do on a Flyway history of $n rows (Flyway's JVM
# start-up alone is about 1-3 s before any work), median of $runs runs.
bench_flyway_noop() {
  local db=$1 dialect=$2 url=$3 client=$4 client_noop=$5 reset=$6
  log "$db: no-op migrate, Flyway history of $n rows"
  eval "$reset"
  flyway_history "$dialect" > "$work/flyway-history.sql"
  bash -c "$client < '$work/flyway-history.sql'" >/dev/null
  local fly=("$flyrun" migrate --url "$url" --locations "$small" --table flyway_schema_history -q)
  if ! "${fly[@]}" >"$work/flyway-noop.out" 2>&1; then
    log "$db: flyrun failed on the Flyway history: $(head -c 300 "$work/flyway-noop.out")"
    row "$db" "no-op \`migrate\`, Flyway history of $n rows" "—" "fails" "—"
    return 0
  fi
  local c_noop f_noop
  c_noop=$(hf_stat median "$client_noop")
  f_noop=$(hf_stat median "${fly[*]}")
  row "$db" "no-op \`migrate\`, Flyway history of $n rows (median)" "${c_noop} ms (connect + 1 query)" "${f_noop} ms" "$(ratio "$f_noop" "$c_noop")× (Flyway: JVM start-up alone 1–3 s)"
}

# --- fleets ---------------------------------------------------------------
fleet_m=${BENCH_FLEET_MIGRATIONS:-20}
fleet_sql="$work/fleet-sql"
mkdir -p "$fleet_sql"
for i in $(seq 1 "$fleet_m"); do cp "$small/V${i}__table_${i}.sql" "$fleet_sql/"; done
fleet_rows=()

# bench_fleet DB TENANTS_FILE RESET: every tenant migrated from empty in one
# run, with --parallel 1 and with --parallel 4; RESET empties every tenant.
bench_fleet() {
  # (not t0/t1: time_cmd has locals of those names)
  local db=$1 tenants=$2 reset=$3 count w1 w4 r1 r4
  count=$(grep -c . "$tenants")
  log "$db: fleet of $count tenants x $fleet_m migrations, --parallel 1 and 4"
  local fleet=("$flyrun" migrate --tenants "$tenants" --locations "$fleet_sql" -q)
  eval "$reset"
  time_cmd w1 "${fleet[@]}" --parallel 1
  eval "$reset"
  r1=$(rss_cmd "${fleet[@]}" --parallel 1)
  eval "$reset"
  time_cmd w4 "${fleet[@]}" --parallel 4
  eval "$reset"
  r4=$(rss_cmd "${fleet[@]}" --parallel 4)
  fleet_rows+=("| $db | $count tenants × $fleet_m migrations, from empty | ${w1} s, peak RSS ${r1} MB | ${w4} s, peak RSS ${r4} MB | $(ratio "$w1" "$w4")× |")
}

bench_db() {
  local db=$1 url=$2 client_small=$3 client_data=$4 client_noop=$5 reset=$6
  if [[ $which_cases == fleet ]]; then
    return 0
  fi
  if [[ $which_cases == flyway-noop ]]; then
    bench_flyway_noop "$db" "$7" "$url" "$client_small" "$client_noop" "$reset"
    return 0
  fi
  log "$db: $n small migrations"
  eval "$reset"
  time_cmd c_small bash -c "$client_small < '$work/small-all.sql'"
  eval "$reset"
  time_cmd f_small "$flyrun" migrate --url "$url" --locations "$small" -q
  row "$db" "$n small migrations, from empty" "${c_small}s" "${f_small}s" "$(ratio "$f_small" "$c_small")× (budget ≤ 1.15×)"

  log "$db: no-op migrate with $n applied"
  local c_noop f_noop
  c_noop=$(hf_mean "$client_noop")
  f_noop=$(hf_mean "$flyrun migrate --url $url --locations $small -q")
  row "$db" "no-op migrate, $n applied" "${c_noop} ms (connect + 1 query)" "${f_noop} ms" "$(ratio "$f_noop" "$c_noop")× (budget ≤ 1.5×, < 50 ms)"

  log "$db: ${data_mb} MB data script"
  eval "$reset"
  time_cmd c_data bash -c "$client_data < '$data/V1__data.sql'"
  eval "$reset"
  local rss
  time_cmd f_data "$flyrun" migrate --url "$url" --locations "$data" -q
  eval "$reset"
  rss=$(rss_cmd "$flyrun" migrate --url "$url" --locations "$data" -q)
  row "$db" "one ${data_mb} MB data script" "${c_data}s" "${f_data}s, peak RSS ${rss} MB" "$(ratio "$f_data" "$c_data")× (budget ≤ 1.05×, < 32 MB)"

  bench_flyway_noop "$db" "$7" "$url" "$client_small" "$client_noop" "$reset"
}

if [[ $which_dbs == all || $which_dbs == sqlite ]]; then
  db="$work/bench.db"
  bench_db SQLite "sqlite:$db" "sqlite3 '$db'" "sqlite3 '$db'" "sqlite3 $db 'SELECT 1'" \
    "rm -f '$db' '$db-journal'" sqlite
fi
if [[ $which_cases == all || $which_cases == fleet ]] &&
  [[ $which_dbs == all || $which_dbs == sqlite ]]; then
  mkdir -p "$work/fleet"
  for i in $(seq 1 "${BENCH_TENANTS:-200}"); do echo "sqlite:$work/fleet/t$i.db"; done \
    > "$work/tenants-sqlite.txt"
  bench_fleet SQLite "$work/tenants-sqlite.txt" "rm -f '$work'/fleet/*.db"
fi
if [[ $which_dbs == all || $which_dbs == postgres ]]; then
  pg_start
  pg_url=$FLYRUN_TEST_PG_URL
  psql_cmd="psql -X -q -v ON_ERROR_STOP=1 '$pg_url'"
  bench_db PostgreSQL "$pg_url" "$psql_cmd" "$psql_cmd" "psql -X -q -c 'SELECT 1' $pg_url" \
    "psql -X -q '$pg_url' -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null" \
    postgres
  if [[ $which_cases == all || $which_cases == fleet ]]; then
    : > "$work/tenants-pg.txt"
    for i in $(seq 1 "${BENCH_PG_TENANTS:-50}"); do
      psql -X -q "$FLYRUN_TEST_PG_ADMIN_URL" -c "CREATE DATABASE fleet_bench_$i OWNER flyrun"
      echo "${pg_url%/*}/fleet_bench_$i" >> "$work/tenants-pg.txt"
    done
    # Empties each tenant's schema, one client session for all of them.
    pg_reset_fleet() {
      python3 - "$work/tenants-pg.txt" <<'PY' | bash
import sys
for url in open(sys.argv[1]).read().split():
    print(f"psql -X -q '{url}' -c 'SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null")
PY
    }
    bench_fleet PostgreSQL "$work/tenants-pg.txt" pg_reset_fleet
  fi
fi
if [[ $which_dbs == all || $which_dbs == mariadb ]]; then
  mariadb_start
  my_url=$FLYRUN_TEST_MYSQL_URL
  my_cmd=$(python3 - "$my_url" <<'PY'
import sys, urllib.parse as u
p = u.urlparse(sys.argv[1])
print(f"mariadb -h {p.hostname} -P {p.port} -u {p.username} -p{u.unquote(p.password)} {p.path[1:]}")
PY
)
  bench_db MariaDB "$my_url" "$my_cmd" "$my_cmd" "$my_cmd -e 'SELECT 1'" \
    "$my_cmd -e 'DROP DATABASE flyrun; CREATE DATABASE flyrun;'" mariadb
fi

ver=
if [[ $which_cases == all ]]; then
  log "flyrun --version"
  ver=$(hf_mean "$flyrun --version")
fi

if [[ ${#rows[@]} -gt 0 ]]; then
  echo
  echo "| database | workload | client | flyrun | ratio |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  [[ -z $ver ]] || echo "| — | \`flyrun --version\` | — | ${ver} ms | budget < 5 ms |"
fi
if [[ ${#fleet_rows[@]} -gt 0 ]]; then
  echo
  echo "| database | fleet | \`--parallel 1\` | \`--parallel 4\` | wall time ratio (1 / 4) |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${fleet_rows[@]}"
fi
