#!/usr/bin/env bash
# Crash safety (run by hand, not in CI): a release build, then on SQLite and
# on a fresh PostgreSQL database, starting from the demo organisation, ROUNDS
# rounds per backend (default 100), each killing with SIGKILL at a random
# moment one of:
#   import    `import suppliers` of IMPORT_ROWS new suppliers: afterwards all
#             or none of them exist, each with exactly one audit-log entry (a
#             rolled-back file is then imported again, whole);
#   reminders `reminders run --today D`, then run again to completion: the
#             outbox holds exactly the rows an uninterrupted run on a copy of
#             the database queued, each sent once, one .eml file and
#             Message-ID per sent row;
#   serve     the server under a stream of POST /api/v1/suppliers: after a
#             restart it answers, every 201's supplier exists, and the audit
#             log matches the suppliers.
# After every round the database must open (`migrate`) and, on SQLite, pass
# PRAGMA integrity_check; every supplier must have exactly one creation entry
# in the audit log. Prints the counts per backend; exits 1 on any violation.
#
#   bash tests/bench/crash.sh [ROUNDS] [sqlite|postgres ...]
#   SEED=7 IMPORT_ROWS=1000 TEST_DATABASE_URL=postgres://… bash tests/bench/crash.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/supplier-esg-target}"
cargo build --release -q
rounds="${1:-100}"
shift || true
if [ $# -gt 0 ]; then backends=("$@"); else backends=(sqlite postgres); fi
import_rows="${IMPORT_ROWS:-1000}"
seed="${SEED:-$$}"
RANDOM=$seed
pg_admin="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
port="${CRASH_PORT:-18471}"
admin_email=admin@supplier-esg.demo
work=$(mktemp -d /tmp/sesg-crash.XXXXXX)
children=() # background processes of the round under way
cleanup() {
    local pid
    for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
# A copy: the release folder may be shared, and rebuilt meanwhile.
bin="$work/supplier-esg"
cp "$CARGO_TARGET_DIR/release/supplier-esg" "$bin"
export RUST_LOG=warn MAIL_FROM="Supplier ESG <no-reply@crash.test>"
unset SMTP_URL PUBLIC_URL
violations=0

# --- helpers -----------------------------------------------------------------

# Runs one statement on the database under test (or on `target`, a copy)
# and prints the rows, columns '|'-separated.
sql() {
    local on="${target:-$DATABASE_URL}"
    if [ "$backend" = sqlite ]; then
        sqlite3 -batch -noheader "$on" "$1"
    else
        psql -qtAX "$on" -c "$1"
    fi
}

# Statements on the PostgreSQL server itself (creating databases).
pg() {
    local statement
    for statement; do
        PGOPTIONS="-c client_min_messages=warning" psql -q "$pg_admin" -c "$statement" > /dev/null
    done
}

violation() {
    echo "VIOLATION [$backend round $round $kind]: $*" >&2
    violations=$((violations + 1))
    backend_violations=$((backend_violations + 1))
}

# Sets `picked` to a random number of seconds in [$1, $2] (not printed:
# $RANDOM in a subshell would not follow SEED).
pick() {
    picked=$(awk -v lo="$1" -v hi="$2" -v r="$RANDOM" 'BEGIN { printf "%.3f", lo + (hi - lo) * r / 32767 }')
}

now() { date +%s.%N; }
elapsed_since() { echo "$(now) - $1" | bc; }

# Runs the command in the background, SIGKILLs it after $1 seconds and sets
# `landed` to 1 when it was still running then (0 when it had finished).
run_and_kill() {
    local after="$1"
    shift
    "$@" > "$work/killed.out" 2>&1 &
    local pid=$!
    children=("$pid")
    sleep "$after"
    kill -KILL "$pid" 2>/dev/null || true
    local rc=0
    # (Braces keep bash's "Killed" job notice off the terminal.)
    { wait "$pid"; } 2> /dev/null || rc=$?
    children=()
    if [ "$rc" -eq 137 ]; then landed=1; else landed=0; fi
    if [ "$rc" -ne 137 ] && [ "$rc" -ne 0 ]; then
        violation "'$*' failed on its own (exit $rc): $(tail -3 "$work/killed.out")"
    fi
}

# The database opens (migrations run) and, on SQLite, is not corrupt; every
# supplier has exactly one creation entry in the audit log and every such
# entry a supplier.
check_database() {
    if ! "$bin" migrate > "$work/migrate.out" 2>&1; then
        violation "the database does not open: $(tail -3 "$work/migrate.out")"
        return
    fi
    if [ "$backend" = sqlite ]; then
        local integrity
        integrity=$(sql "PRAGMA integrity_check")
        [ "$integrity" = ok ] || violation "integrity_check: $integrity"
    fi
    local mismatches
    mismatches=$(sql "SELECT
        (SELECT COUNT(*) FROM suppliers s WHERE (SELECT COUNT(*) FROM audit_log a
            WHERE a.entity = 'supplier' AND a.entity_id = s.code
            AND a.action IN ('import', 'create')) <> 1)
      + (SELECT COUNT(*) FROM audit_log a WHERE a.entity = 'supplier'
            AND a.action IN ('import', 'create')
            AND NOT EXISTS (SELECT 1 FROM suppliers s WHERE s.code = a.entity_id))")
    if [ "$mismatches" -ne 0 ]; then
        violation "$mismatches supplier(s) without exactly one creation entry in the audit log, or entries without a supplier"
        audit_mismatches=$((audit_mismatches + mismatches))
    fi
}

suppliers_count() { sql "SELECT COUNT(*) FROM suppliers"; }

# --- import ------------------------------------------------------------------

# Imports a fresh file of $import_rows suppliers numbered from $1; the whole
# import must take effect or none of it.
import_round() {
    local first=$1 last=$(($1 + import_rows - 1))
    local file="$work/suppliers-$first.csv"
    python3 tests/bench/gen_suppliers.py "$import_rows" "$first" > "$file"
    local before range
    before=$(suppliers_count)
    range="BETWEEN '$(printf 'B%07d' "$first")' AND '$(printf 'B%07d' "$last")'"
    pick 0.05 "$(echo "$import_seconds * 1.15" | bc)"
    run_and_kill "$picked" "$bin" import suppliers "$file"
    landed_in[import]=$((landed_in[import] + landed))
    check_database
    local created logged after
    created=$(sql "SELECT COUNT(*) FROM suppliers WHERE code $range")
    logged=$(sql "SELECT COUNT(*) FROM audit_log WHERE entity = 'supplier'
                  AND action = 'import' AND entity_id $range")
    after=$(suppliers_count)
    if [ "$created" -ne 0 ] && [ "$created" -ne "$import_rows" ]; then
        violation "partial import: $created of $import_rows suppliers"
    fi
    [ "$((after - before))" -eq "$created" ] ||
        violation "suppliers grew by $((after - before)), the file's $created"
    [ "$logged" -eq "$created" ] ||
        violation "$created suppliers imported but $logged audit-log entries"
    if [ "$created" -eq 0 ]; then
        [ "$landed" -eq 1 ] || violation "the import finished but wrote nothing"
        imports_rolled_back=$((imports_rolled_back + 1))
        # Nothing of the killed run may stand in the way of the same file.
        # Its time is the next kill window's (the machine's load changes).
        local start
        start=$(now)
        if ! "$bin" import suppliers "$file" > "$work/retry.out" 2>&1; then
            violation "re-import after the crash failed: $(tail -3 "$work/retry.out")"
        fi
        import_seconds=$(elapsed_since "$start")
        created=$(sql "SELECT COUNT(*) FROM suppliers WHERE code $range")
        [ "$created" -eq "$import_rows" ] || violation "re-import wrote $created of $import_rows"
        check_database
    else
        imports_committed=$((imports_committed + 1))
    fi
}

# --- reminders ---------------------------------------------------------------

# The outbox as "rule|object|recipient|period|message_id|status", sorted.
outbox_rows() {
    sql "SELECT rule || '|' || object_key || '|' || recipient || '|' || period
                || '|' || message_id || '|' || status FROM outbox" | LC_ALL=C sort
}

# A copy of the database under test, to run the reference on.
snapshot() {
    if [ "$backend" = sqlite ]; then
        rm -f "$work/ref.db"
        sqlite3 "$DATABASE_URL" ".backup '$work/ref.db'"
        echo "$work/ref.db"
    else
        pg "DROP DATABASE IF EXISTS crash_ref"
        # A killed client's backend may still be closing.
        local tries=0
        until pg "CREATE DATABASE crash_ref TEMPLATE crash_work" 2> /dev/null; do
            tries=$((tries + 1))
            [ "$tries" -lt 50 ] || { echo "cannot copy crash_work" >&2; exit 2; }
            sleep 0.2
        done
        echo "${pg_admin%/*}/crash_ref"
    fi
}

# Runs the rules for day $1 killed at a random moment, then to completion,
# and compares the outbox with an uninterrupted run on a copy.
reminders_round() {
    local day=$1
    local ref_url ref_data="$work/ref-data" start ref_seconds sent_before rows_before
    sent_before=$(sql "SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
    rows_before=$(sql "SELECT COUNT(*) FROM outbox")
    ref_url=$(snapshot)
    rm -rf "$ref_data"
    start=$(now)
    DATABASE_URL="$ref_url" DATA_DIR="$ref_data" "$bin" reminders run --today "$day" > "$work/ref.out"
    ref_seconds=$(elapsed_since "$start")
    local reference
    reference=$(target="$ref_url" outbox_rows)
    local ref_sent ref_files
    ref_sent=$(($(grep -c '|sent$' <<< "$reference" || true) - sent_before))
    ref_files=$(find "$ref_data/mail" -name 'outbox-*.eml' | wc -l)
    [ "$ref_sent" -eq "$ref_files" ] ||
        violation "reference run: $ref_sent rows sent but $ref_files .eml files"

    pick 0.02 "$(echo "$ref_seconds * 1.1" | bc)"
    run_and_kill "$picked" "$bin" reminders run --today "$day"
    landed_in[reminders]=$((landed_in[reminders] + landed))
    check_database
    # Rows the killed run delivered but could not mark: the next try writes
    # the same file again (the documented at-least-once window).
    local id
    for id in $(sql "SELECT id FROM outbox WHERE status = 'queued'"); do
        if [ -e "$(printf '%s/mail/outbox-%08d.eml' "$DATA_DIR" "$id")" ]; then
            redelivered=$((redelivered + 1))
        fi
    done
    if ! "$bin" reminders run --today "$day" > "$work/rerun.out" 2>&1; then
        violation "the run after the crash failed: $(tail -3 "$work/rerun.out")"
    fi
    # Rows the killed run had claimed stay leased to it for 10 minutes (so
    # that no other sender doubles them); let the lease run out and run again.
    local held
    held=$(sql "SELECT COUNT(*) FROM outbox WHERE status = 'queued' AND lease_owner IS NOT NULL")
    if [ "$held" -gt 0 ]; then
        leases_waited=$((leases_waited + held))
        sql "UPDATE outbox SET lease_until = '2000-01-01 00:00:00'
             WHERE status = 'queued' AND lease_owner IS NOT NULL" > /dev/null
        "$bin" reminders run --today "$day" > "$work/rerun.out" 2>&1 ||
            violation "the run after the lease failed: $(tail -3 "$work/rerun.out")"
    fi
    check_database

    local actual
    actual=$(outbox_rows)
    local rows keys
    rows=$(sql "SELECT COUNT(*) FROM outbox")
    keys=$(sql "SELECT COUNT(*) FROM (SELECT DISTINCT rule, object_key, recipient, period FROM outbox) k")
    outbox_checked=$((outbox_checked + rows - rows_before))
    local doubled=$((rows - keys)) lost extra
    lost=$(LC_ALL=C comm -23 <(echo "$reference") <(echo "$actual") | grep -c . || true)
    extra=$(LC_ALL=C comm -13 <(echo "$reference") <(echo "$actual") | grep -c . || true)
    # A row in both lists but with another status counts in both: as lost
    # (not sent) and as extra; count it once, as lost.
    local unsent
    unsent=$(sql "SELECT COUNT(*) FROM outbox WHERE status = 'queued'")
    extra=$((extra - unsent))
    [ "$unsent" -eq 0 ] || violation "$unsent outbox row(s) never sent"
    [ "$lost" -eq 0 ] || violation "$lost outbox row(s) of the reference run missing or unsent: $(LC_ALL=C comm -23 <(echo "$reference") <(echo "$actual") | head -3)"
    [ "$doubled" -eq 0 ] || violation "$doubled outbox row(s) share a key"
    [ "$extra" -le 0 ] || violation "$extra outbox row(s) not in the reference run"
    outbox_lost=$((outbox_lost + lost))
    outbox_duplicates=$((outbox_duplicates + doubled + (extra > 0 ? extra : 0)))

    # One file per sent row, one Message-ID per file, the row's own.
    local sent files ids_doubled ids_mismatched
    sent=$(sql "SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
    files=$(find "$DATA_DIR/mail" -name 'outbox-*.eml' | wc -l)
    [ "$sent" -eq "$files" ] || violation "$sent rows sent but $files .eml files"
    grep -h -i '^Message-ID:' "$DATA_DIR"/mail/outbox-*.eml | sed 's/^[^:]*: *//; s/\r$//' |
        LC_ALL=C sort > "$work/file-ids" || true
    ids_doubled=$(uniq -d "$work/file-ids" | wc -l)
    ids_mismatched=$(LC_ALL=C comm -3 "$work/file-ids" \
        <(sql "SELECT message_id FROM outbox WHERE status = 'sent'" | LC_ALL=C sort) | wc -l)
    [ "$ids_doubled" -eq 0 ] || violation "$ids_doubled Message-ID(s) in more than one .eml file"
    [ "$ids_mismatched" -eq 0 ] || violation "$ids_mismatched Message-ID(s) differ between files and sent rows"
    outbox_duplicates=$((outbox_duplicates + ids_doubled))
    reminders_days=$((reminders_days + 1))
}

# --- serve -------------------------------------------------------------------

wait_for_server() {
    local tries=0
    until curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; do
        tries=$((tries + 1))
        [ "$tries" -lt 200 ] || return 1
        sleep 0.05
    done
}

# One client: POSTs new suppliers one after another, logging "code status
# curl-exit" per request, until told to stop (it then logs the request under
# way before it goes, however busy the machine).
post_loop() {
    local prefix=$1 n=0 status rc
    while [ ! -e "$work/stop" ]; do
        n=$((n + 1))
        local code="$prefix$n"
        rc=0
        status=$(curl -s -o /dev/null -w '%{http_code}' -m 10 \
            -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d "{\"code\":\"$code\",\"name\":\"Crash Test $code\",\"country\":\"VN\",\"business_unit\":\"phones\",\"tier\":\"1\",\"status\":\"prospective\",\"contact_email\":\"$code@example.cn\"}" \
            "http://127.0.0.1:$port/api/v1/suppliers") || rc=$?
        echo "$code $status $rc"
    done
}

serve_round() {
    local log="$work/serve.log"
    "$bin" serve --bind "127.0.0.1:$port" > "$log" 2>&1 &
    local server=$!
    children=("$server")
    if ! wait_for_server; then
        violation "the server did not start: $(tail -3 "$log")"
        kill -KILL "$server" 2>/dev/null || true
        { wait "$server"; } 2> /dev/null || true
        return
    fi
    local clients=() c
    rm -f "$work/stop"
    for c in 1 2 3 4; do
        post_loop "K$round-$c-" > "$work/client-$c.log" &
        clients+=($!)
    done
    children+=("${clients[@]}")
    pick 0.3 2.5
    sleep "$picked"
    kill -KILL "$server"
    { wait "$server"; } 2> /dev/null || true
    touch "$work/stop"
    wait "${clients[@]}"
    children=()
    cat "$work"/client-*.log > "$work/requests"

    check_database
    # Every 201 is a supplier; requests cut off by the kill (empty reply or
    # reset, curl exit 52/56) may or may not be; no other reply wrote one.
    local answered cut committed
    answered=$(awk '$2 == 201 {print $1}' "$work/requests" | LC_ALL=C sort)
    cut=$(awk '$3 == 52 || $3 == 56 {print $1}' "$work/requests" | LC_ALL=C sort)
    local stored
    stored=$(sql "SELECT code FROM suppliers WHERE code LIKE 'K$round-%'" | LC_ALL=C sort)
    local missing unexplained
    missing=$(LC_ALL=C comm -23 <(echo "$answered") <(echo "$stored") | grep -c . || true)
    unexplained=$(LC_ALL=C comm -13 <(printf '%s\n%s\n' "$answered" "$cut" | LC_ALL=C sort) \
        <(echo "$stored") | grep -c . || true)
    committed=$(LC_ALL=C comm -12 <(echo "$cut") <(echo "$stored") | grep -c . || true)
    local failed
    failed=$(awk '$2 >= 500' "$work/requests" | wc -l)
    [ "$failed" -eq 0 ] || violation "$failed request(s) answered with a server error: $(awk '$2 >= 500' "$work/requests" | head -3 | tr '\n' ' ')"
    api_failed=$((api_failed + failed))
    [ "$missing" -eq 0 ] || violation "$missing supplier(s) answered 201 but not stored"
    [ "$unexplained" -eq 0 ] || violation "$unexplained supplier(s) stored without a 201 or a cut-off request"
    api_created=$((api_created + $(grep -c . <<< "$answered" || true)))
    api_cut=$((api_cut + $(grep -c . <<< "$cut" || true)))
    api_cut_committed=$((api_cut_committed + committed))
    api_lost=$((api_lost + missing))
    if [ -n "$cut" ]; then landed_in[serve]=$((landed_in[serve] + 1)); fi

    # The restarted server answers, from the database too.
    "$bin" serve --bind "127.0.0.1:$port" > "$log" 2>&1 &
    server=$!
    children=("$server")
    if ! wait_for_server; then
        violation "the server did not restart: $(tail -3 "$log")"
    elif ! curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; then
        violation "/readyz failed after the restart"
    fi
    kill -TERM "$server" 2>/dev/null || true
    { wait "$server"; } 2> /dev/null || true
    children=()
}

# --- per backend -------------------------------------------------------------

run_backend() {
    backend=$1
    local dir="$work/$backend"
    mkdir -p "$dir"
    export DATA_DIR="$dir/data"
    if [ "$backend" = sqlite ]; then
        export DATABASE_URL="$dir/esg.db"
    else
        pg "DROP DATABASE IF EXISTS crash_ref" "DROP DATABASE IF EXISTS crash_work" \
            "CREATE DATABASE crash_work"
        export DATABASE_URL="${pg_admin%/*}/crash_work"
    fi
    "$bin" demo > /dev/null
    prepare_reminders
    token=$("$bin" token create --email "$admin_email")

    # How long an import of this size takes, for the kill window.
    local start next_first=1
    python3 tests/bench/gen_suppliers.py "$import_rows" "$next_first" > "$work/first.csv"
    start=$(now)
    "$bin" import suppliers "$work/first.csv" > /dev/null
    import_seconds=$(elapsed_since "$start")
    first_import_seconds=$import_seconds
    next_first=$((next_first + import_rows))

    declare -gA landed_in=([import]=0 [reminders]=0 [serve]=0)
    imports_rolled_back=0 imports_committed=0 audit_mismatches=0
    outbox_checked=0 outbox_lost=0 outbox_duplicates=0 redelivered=0 leases_waited=0
    reminders_days=0 api_created=0 api_cut=0 api_cut_committed=0 api_lost=0 api_failed=0
    backend_violations=0
    local kinds=(import reminders serve)
    for ((round = 1; round <= rounds; round++)); do
        kind=${kinds[$(((round - 1) % 3))]}
        case $kind in
            import)
                import_round "$next_first"
                next_first=$((next_first + 2 * import_rows))
                ;;
            reminders) reminders_round "$(date -d "$day0 + $((reminders_days + 1)) days" +%F)" ;;
            serve) serve_round ;;
        esac
        printf '\r%s: round %d/%d (%s)   ' "$backend" "$round" "$rounds" "$kind" >&2
    done
    echo >&2
    echo "$backend: rounds $rounds (import $(((rounds + 2) / 3)), reminders $(((rounds + 1) / 3)), serve $((rounds / 3)));" \
        "kills landed mid-work $((landed_in[import] + landed_in[reminders] + landed_in[serve]))" \
        "(import ${landed_in[import]}, reminders ${landed_in[reminders]}, serve ${landed_in[serve]}: a request cut off)"
    echo "  imports of $import_rows rows (${first_import_seconds%???????}s uninterrupted): rolled back $imports_rolled_back, committed $imports_committed"
    echo "  outbox rows checked $outbox_checked (queued over $reminders_days days): lost $outbox_lost, duplicates $outbox_duplicates;" \
        "delivered again after a crash (same file and Message-ID) $redelivered; held by a dead run's lease until it ran out $leases_waited"
    echo "  API: 201 replies $api_created (missing $api_lost), cut off by the kill $api_cut (of which committed $api_cut_committed), server errors $api_failed"
    echo "  audit-log mismatches $audit_mismatches; violations $backend_violations"
    if [ "$backend" = postgres ]; then
        pg "DROP DATABASE IF EXISTS crash_ref" "DROP DATABASE IF EXISTS crash_work"
    fi
}

# The first argument on SQLite, the second on PostgreSQL.
dialect() { if [ "$backend" = sqlite ]; then echo "$1"; else echo "$2"; fi; }

# Gives the reminders rounds work: a third of the demo's corrective actions
# reopened, due over 121 days around today (`day0`) and idle for up to 20
# days, and an ESG lead per business unit so escalations fire too. The first
# run (every idle action's no-progress reminder at once) is done here,
# uninterrupted; each round then runs the next day (a few hundred messages).
prepare_reminders() {
    day0=$(date +%F)
    sql "UPDATE corrective_actions SET status = 'in_progress', closed_on = NULL,
            $(dialect "last_progress_on = date('$day0', printf('%+d days', -(id % 20))),
                       due_on = date('$day0', printf('%+d days', id % 121 - 30))" \
                      "last_progress_on = DATE '$day0' - (id % 20),
                       due_on = DATE '$day0' + (id % 121 - 30)")
         WHERE id % 3 = 0" > /dev/null
    sql "DELETE FROM settings WHERE key IN ('esg_leads', 'reminder_interval_minutes')" > /dev/null
    sql "INSERT INTO settings (key, value, updated_at, version)
         SELECT 'esg_leads', $(dialect group_concat string_agg)(bu || ':esg.' || bu || '@example.com', ','),
                '2026-01-01 00:00:00', 1
         FROM (SELECT DISTINCT business_unit AS bu FROM suppliers) units" > /dev/null
    # The server's own reminder timer would send (as of the real today) in
    # the middle of the serve rounds; the reminders rounds run them instead.
    sql "INSERT INTO settings (key, value, updated_at, version)
         VALUES ('reminder_interval_minutes', '0', '2026-01-01 00:00:00', 1)" > /dev/null
    "$bin" reminders run --today "$day0" > /dev/null
}

echo "seed $seed, $rounds rounds per backend, imports of $import_rows rows"
for backend in "${backends[@]}"; do
    run_backend "$backend"
done
if [ "$violations" -ne 0 ]; then
    echo "FAILED: $violations violation(s)"
    exit 1
fi
echo "no violation"
