#!/usr/bin/env bash
# Schema-driven fuzzing of /api/v1 with schemathesis (PyPI): the demo
# organisation on SQLite and on PostgreSQL, an administrator's token, every
# operation of /api/v1/openapi.json. Fails on any 5xx, an undocumented
# status, a wrong content type or a body that does not match the document.
# CI runs it after the tests; by hand:
#   bash tests/bench/schemathesis.sh [MAX_EXAMPLES]
#
# Not checked: that every schema-valid body is accepted. Bodies are DESIGN §5
# rows of text checked against the records (existing supplier codes, unique
# references, the RBA clause list, dates in range), which no schema expresses;
# those answers are 4xx with the documented error body, and that is checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/supplier-esg-target}"
command -v schemathesis >/dev/null || pip install -q schemathesis
cargo build -q
bin="$CARGO_TARGET_DIR/debug/supplier-esg"
examples="${1:-25}"
work=$(mktemp -d)
pg_admin="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=18090
status=0

for backend in sqlite postgres; do
    if [ "$backend" = sqlite ]; then
        url="$work/fuzz.db"
    else
        psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS fuzz_api" -c "CREATE DATABASE fuzz_api"
        url="${pg_admin%/*}/fuzz_api"
    fi
    DATABASE_URL="$url" DATA_DIR="$work" "$bin" demo > /dev/null
    token=$(DATABASE_URL="$url" "$bin" token create --email admin@supplier-esg.demo)
    DATABASE_URL="$url" DATA_DIR="$work" RUST_LOG=warn "$bin" serve --bind "127.0.0.1:$port" \
        > "$work/server-$backend.log" 2>&1 &
    server=$!
    for _ in $(seq 1 50); do
        curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break
        sleep 0.2
    done
    echo "== $backend"
    if ! schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" \
        --header "Authorization: Bearer $token" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$examples" --seed 20211231 --workers 1 --no-color; then
        status=1
        echo "server log ($backend):"
        grep -E "ERROR|panicked" "$work/server-$backend.log" | head -20 || true
    fi
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
    [ "$backend" = postgres ] && psql -q "$pg_admin" -c "DROP DATABASE fuzz_api"
done
exit "$status"
