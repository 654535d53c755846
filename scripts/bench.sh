#!/usr/bin/env bash
# Measures flyrun against the database's own client on this machine, in the
# same run (SPEC 9), and prints a Markdown table for the README.
#
#   scripts/bench.sh [sqlite|postgres|mariadb|all]   (default: all)
#
# Environment: BENCH_MIGRATIONS (default 1000), BENCH_DATA_MB (size of the data
# script, default 1024), BENCH_RUNS (hyperfine runs, default 10).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/common.sh"
source "$root/scripts/lib/postgres.sh"
source "$root/scripts/lib/mariadb.sh"

which_dbs=${1:-all}
n=${BENCH_MIGRATIONS:-1000}
data_mb=${BENCH_DATA_MB:-1024}
runs=${BENCH_RUNS:-10}

"$root/scripts/install-deps.sh" bench
log "building flyrun (release)"
build_preset release
flyrun="$root/build/release/src/cli/flyrun"

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
hf_mean() { # hyperfine mean in ms
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/hf.json" "$@" >/dev/null 2>&1
  python3 -c "import json; print(f\"{json.load(open('$work/hf.json'))['results'][0]['mean']*1000:.1f}\")"
}

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); }

bench_db() {
  local db=$1 url=$2 client_small=$3 client_data=$4 client_noop=$5 reset=$6
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
}

if [[ $which_dbs == all || $which_dbs == sqlite ]]; then
  db="$work/bench.db"
  bench_db SQLite "sqlite:$db" "sqlite3 '$db'" "sqlite3 '$db'" "sqlite3 $db 'SELECT 1'" \
    "rm -f '$db' '$db-journal'"
fi
if [[ $which_dbs == all || $which_dbs == postgres ]]; then
  pg_start
  pg_url=$FLYRUN_TEST_PG_URL
  psql_cmd="psql -X -q -v ON_ERROR_STOP=1 '$pg_url'"
  bench_db PostgreSQL "$pg_url" "$psql_cmd" "$psql_cmd" "psql -X -q -c 'SELECT 1' $pg_url" \
    "psql -X -q '$pg_url' -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null"
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
    "$my_cmd -e 'DROP DATABASE flyrun; CREATE DATABASE flyrun;'"
fi

log "flyrun --version"
ver=$(hf_mean "$flyrun --version")

echo
echo "| database | workload | client | flyrun | ratio |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "| — | \`flyrun --version\` | — | ${ver} ms | budget < 5 ms |"
