#!/usr/bin/env bash
# Run the compliance benchmark on a throwaway database (or BENCH_DB) and append its result to results.jsonl.
#   BENCH_PEOPLE (default 20000) and BENCH_RECORDS (default 300000) set the size.
source "$(dirname "$0")/../scripts/lib.sh"

# shellcheck source=/dev/null
source "$LOCAL_DIR/db.env"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGPASSWORD="$DB_PASSWORD"
# BENCH_DB names a database to keep and reuse: a second run skips the generation.
if [ -n "${BENCH_DB:-}" ]; then
    db="$BENCH_DB"
    if psql -d "$db" -c "SELECT 1" >/dev/null 2>&1; then mode=-u; else mode=-i; fi
    bash "$REPO_DIR/scripts/odoo.sh" -d "$db" "$mode" "$ADDON" --stop-after-init --log-level=warn
else
    db="safety_bench_$$"
    trap 'dropdb --if-exists "$db" >/dev/null 2>&1' EXIT
    bash "$REPO_DIR/scripts/odoo.sh" -d "$db" -i "$ADDON" --stop-after-init --log-level=warn
fi
result=$(bash "$REPO_DIR/scripts/odoo.sh" shell -d "$db" --log-level=warn < "$REPO_DIR/bench/compliance_bench.py" \
         | grep '^{')
[ -n "$result" ] || die "the benchmark printed no result"
mkdir -p "$REPO_DIR/bench/results"
printf '%s\n' "$result" | tee -a "$REPO_DIR/bench/results/results.jsonl"
