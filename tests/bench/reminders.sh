#!/usr/bin/env bash
# Benchmark (printed numbers, not a timed test): loads `demo --scale N`
# (default 10, ~12,000 suppliers) into a fresh SQLite database — or into
# BENCH_DATABASE_URL, an empty PostgreSQL database — then times one
# `reminders run` (rules, queueing and delivery as .eml files) and prints
# its time and the queries it made (counted by the engine through Diesel's
# instrumentation), then a second run (nothing new to queue).
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE="${SCALE:-10}"
TODAY="${TODAY:-$(date +%F)}"
WORK="$(mktemp -d /tmp/sesg-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export DATA_DIR="$WORK/data"
export DATABASE_URL="${BENCH_DATABASE_URL:-$WORK/bench.db}"
unset SMTP_URL
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/supplier-esg"
echo "== loading demo --scale $SCALE into $DATABASE_URL"
/usr/bin/time -f "demo loaded in %e s" "$BIN" demo --scale "$SCALE" >/dev/null
if [[ "$DATABASE_URL" != postgres* ]]; then
  python3 - "$DATABASE_URL" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
total, open_ = db.execute("SELECT COUNT(*), SUM(status <> 'closed') FROM corrective_actions").fetchone()
print(f"corrective actions: {total} ({open_} open)")
PY
fi
for run in first second; do
  echo "== $run reminders run --today $TODAY"
  start=$(date +%s.%N)
  "$BIN" reminders run --today "$TODAY"
  end=$(date +%s.%N)
  printf 'wall time: %.2f s\n' "$(echo "$end - $start" | bc)"
done
echo "== .eml files written: $(find "$DATA_DIR/mail" -name '*.eml' | wc -l)"
if [[ "$DATABASE_URL" != postgres* ]]; then
  # Stress: every action of the demo reopened (in progress, due dates spread
  # over 30 days either side of today) and an ESG lead for every unit, so
  # every rule fires over all of them.
  python3 - "$DATABASE_URL" "$TODAY" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("""UPDATE corrective_actions SET status = 'in_progress', closed_on = NULL,
              last_progress_on = date(?, printf('%+d days', -(id % 20))),
              due_on = date(?, printf('%+d days', id % 61 - 30))""", (sys.argv[2], sys.argv[2]))
leads = ",".join(f"{bu}:esg.{bu}@example.com" for (bu,) in db.execute("SELECT DISTINCT business_unit FROM suppliers"))
db.execute("INSERT OR REPLACE INTO settings (key, value, updated_at, version) VALUES ('esg_leads', ?, '2026-01-01 00:00:00', 1)", (leads,))
db.commit()
print("stress: %d open actions" % db.execute("SELECT COUNT(*) FROM corrective_actions WHERE status <> 'closed'").fetchone())
PY
  start=$(date +%s.%N)
  "$BIN" reminders run --today "$TODAY"
  end=$(date +%s.%N)
  printf 'wall time: %.2f s\n' "$(echo "$end - $start" | bc)"
fi
