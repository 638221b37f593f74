#!/usr/bin/env bash
# Load benchmark (run by hand, not part of CI): release build, the demo at
# --scale 10, then wrk over loopback against the main pages on SQLite and
# PostgreSQL. Prints requests/s, p50, p99, each page's ratio to /healthz and
# the server's peak RSS. Needs wrk (apt-get install wrk).
#   bash tests/bench/load.sh [SCALE]
# PostgreSQL on this machine is reached by its Unix socket, as a single-host
# deployment would be (TCP over loopback adds TLS, libpq's default on
# Debian: PG_VIA=tcp measures that way).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/supplier-esg-target}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/supplier-esg"
scale="${1:-10}"
work=$(mktemp -d)
pg_admin="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=18080

sign_in() {
    local jar="$work/jar"
    rm -f "$jar"
    curl -s -c "$jar" "http://127.0.0.1:$port/login" > /dev/null
    local csrf
    csrf=$(awk '/sesg_csrf/ {print $7}' "$jar")
    curl -s -b "$jar" -c "$jar" -H "Origin: http://127.0.0.1:$port" \
        --data-urlencode "csrf=$csrf" --data-urlencode "email=admin@supplier-esg.demo" \
        --data-urlencode "password=esg-demo-2021!" "http://127.0.0.1:$port/login" > /dev/null
    awk '/sesg_session/ {print "sesg_session=" $7}' "$jar"
}

run() {
    local name="$1" url="$2" script="${3:-}"
    # The first request alone: a cold one (e.g. the year's figures before
    # they are kept) is printed apart from the steady-state run.
    local cold
    cold=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cookie" "http://127.0.0.1:$port$url")
    wrk -t2 -c8 -d10s --latency ${script:+-s "$script"} -H "Cookie: $cookie" \
        "http://127.0.0.1:$port$url" > "$work/out" 2>&1
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/out")
    p50=$(awk '$1 == "50%" {print $2}' "$work/out")
    p99=$(awk '$1 == "99%" {print $2}' "$work/out")
    errors=$(awk '/Non-2xx/ {print $5}' "$work/out")
    [ -z "$healthz" ] && healthz="$rps"
    printf '  %-28s %10s req/s  p50 %8s  p99 %8s  %5.1f%% of /healthz  non-2xx %s  first %.1fms\n' \
        "$name" "$rps" "$p50" "$p99" "$(echo "$rps * 100 / $healthz" | bc -l)" "${errors:-0}" \
        "$(echo "$cold * 1000" | bc -l)"
}

# Pages are kept between requests while the records stay unchanged (see
# src/web/cache.rs), so one URL over and over measures the kept page. This
# script makes each request a different filter (40 words x 4 business units
# x 2 regions, more than the list cache keeps): what a search costs when it
# must be computed.
cat > "$work/varied.lua" <<'LUA'
local words = {"tech", "precision", "electronic", "shenzhen", "co", "ltd", "optical",
  "metal", "plastic", "packaging", "display", "battery", "power", "glass", "mold",
  "print", "circuit", "cable", "wire", "industrial", "material", "component",
  "dongguan", "suzhou", "ningbo", "xiamen", "vision", "digital", "smart", "new",
  "energy", "chemical", "rubber", "acoustic", "semi", "machinery", "trading",
  "group", "international", "hangzhou"}
local units = {"phones", "laptops", "tv", "ecosystem"}
local regions = {"international", "mainland_china"}
local threads, n = 0, 0
function setup(thread) thread:set("first", threads * 160); threads = threads + 1 end
function init() n = first end
function request()
  n = n + 1
  local w = words[n % #words + 1]
  local u = units[math.floor(n / #words) % #units + 1]
  local r = regions[math.floor(n / (#words * #units)) % #regions + 1]
  return wrk.format(nil, "/suppliers?business_unit=" .. u .. "&region=" .. r .. "&q=" .. w)
end
LUA

for backend in sqlite postgres; do
    via=file
    if [ "$backend" = sqlite ]; then
        url="$work/load.db"
    else
        psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS bench_load" -c "CREATE DATABASE bench_load"
        url="${pg_admin%/*}/bench_load" via=tcp
        socket_dir=/var/run/postgresql
        if [ "${PG_VIA:-socket}" = socket ] && [ -S "$socket_dir/.s.PGSQL.5432" ]; then
            url="postgres:///bench_load?host=$socket_dir&user=postgres" via=socket
        fi
    fi
    start=$(date +%s)
    DATABASE_URL="$url" "$bin" demo --scale "$scale" > /dev/null
    echo "$backend (via $via): demo --scale $scale loaded in $(( $(date +%s) - start ))s"
    # What autovacuum and the checkpointer do shortly after a bulk load
    # (statistics, visibility map for index-only counts, the load's dirty
    # pages written out), done now so the run measures steady state.
    [ "$backend" = postgres ] && psql -q "$url" -c "VACUUM ANALYZE" -c "CHECKPOINT"
    # Computing the year's figures once, from the command line (both years
    # the dashboard shows cost twice this).
    start_ns=$(date +%s%N)
    DATABASE_URL="$url" "$bin" kpis --year 2021 --json > /dev/null
    echo "  figures for 2021 computed in $(( ($(date +%s%N) - start_ns) / 1000000 )) ms (command, start-up included)"
    DATABASE_URL="$url" RUST_LOG=warn "$bin" serve --bind "127.0.0.1:$port" > "$work/server.log" 2>&1 &
    server=$!
    sleep 2
    cookie=$(sign_in)
    healthz=""
    run /healthz /healthz
    # A signed-in page that reads nothing but the session: the ceiling of
    # any page behind sign-in on this machine.
    run "session only (form)" "/suppliers/new"
    run "supplier list+filter" "/suppliers?business_unit=phones&region=international&q=tech"
    run "supplier list, 320 filters" "/suppliers" "$work/varied.lua"
    run "supplier page" "/suppliers/S000415"
    run "overdue list" "/corrective-actions?overdue=true"
    run "dashboard" "/?year=2021"
    run "kpis api" "/api/v1/kpis?year=2021"
    run "supplier csv export" "/suppliers/export.csv?business_unit=tv"
    echo "  peak RSS $(awk '/VmHWM/ {print $2, $3}' "/proc/$server/status")"
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
    [ "$backend" = postgres ] && psql -q "$pg_admin" -c "DROP DATABASE bench_load"
done
