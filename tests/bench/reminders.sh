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
for run in first second; do
  echo "== $run reminders run --today $TODAY"
  start=$(date +%s.%N)
  "$BIN" reminders run --today "$TODAY"
  end=$(date +%s.%N)
  printf 'wall time: %.2f s\n' "$(echo "$end - $start" | bc)"
done
echo "== .eml files written: $(find "$DATA_DIR/mail" -name '*.eml' | wc -l)"
