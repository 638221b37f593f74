#!/usr/bin/env bash
# Benchmark: import 100 CMRT files of ~400 smelter rows each and compute the
# per-metal view; also the demo's load time (what `serve --demo` waits for).
# On SQLite and (with TEST_DATABASE_URL) PostgreSQL, in a release build.
# Prints the timings; nothing is asserted about them.
#
#   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres tests/bench/cmrt.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test --release --test app bench_ -- --ignored --nocapture --test-threads=1 2>&1 \
    | grep -E '^(bench|test result|-- backend)'
