#!/usr/bin/env bash
# Run the ledger import benchmark on a throwaway database and append its result to results.jsonl.
#   LEDGER_PEOPLE (default 1000) and LEDGER_ROWS (default 50000) set the size.
source "$(dirname "$0")/../scripts/lib.sh"

# shellcheck source=/dev/null
source "$LOCAL_DIR/db.env"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGPASSWORD="$DB_PASSWORD"
db="safety_ledger_bench_$$"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1' EXIT
bash "$REPO_DIR/scripts/odoo.sh" -d "$db" -i "$ADDON,base_import" --stop-after-init --log-level=warn
result=$(bash "$REPO_DIR/scripts/odoo.sh" shell -d "$db" --log-level=warn < "$REPO_DIR/bench/ledger_bench.py" \
         | grep '^{')
[ -n "$result" ] || die "the benchmark printed no result"
mkdir -p "$REPO_DIR/bench/results"
printf '%s\n' "$result" | tee -a "$REPO_DIR/bench/results/ledger.jsonl"
