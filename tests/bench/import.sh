#!/usr/bin/env bash
# Import speed (issue: suppliers at 12,210 and 122,100 rows) on SQLite and
# PostgreSQL, beside `sqlite3 .import` of the same CSV into a plain table as
# the floor. Prints seconds and the ratio to the floor. Run by hand:
#   bash tests/bench/import.sh [ROWS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/supplier-esg-target}"
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/supplier-esg"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pg_admin="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
now() { date +%s.%N; }
for rows in "${@:-12210 122100}"; do
    csv="$work/suppliers-$rows.csv"
    python3 tests/bench/gen_suppliers.py "$rows" > "$csv"
    start=$(now)
    sqlite3 "$work/floor-$rows.db" ".import --csv $csv plain"
    floor=$(echo "$(now) - $start" | bc)
    start=$(now)
    DATABASE_URL="$work/app-$rows.db" "$bin" import suppliers "$csv" > /dev/null
    sqlite=$(echo "$(now) - $start" | bc)
    db="bench_import_$rows"
    psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    start=$(now)
    DATABASE_URL="${pg_admin%/*}/$db" "$bin" import suppliers "$csv" > /dev/null
    postgres=$(echo "$(now) - $start" | bc)
    psql -q "$pg_admin" -c "DROP DATABASE $db"
    printf 'rows %7d  floor %6.2fs  sqlite %6.2fs (%5.1fx)  postgres %6.2fs (%5.1fx)\n' \
        "$rows" "$floor" "$sqlite" "$(echo "$sqlite / $floor" | bc -l)" "$postgres" "$(echo "$postgres / $floor" | bc -l)"
done
