#!/usr/bin/env bash
# Run every test on a throwaway database and end with "N passed, N failed".
#   1. the addon's Odoo tests, with Odoo's own hr, hr_skills and portal tests
#      (the addon must not break them), on a fresh database that is dropped after;
#   2. the pytest tests in tests/ (plain Python, end to end against a server).
# TEST_TAGS overrides the Odoo test selection; PYTEST_ARGS is passed to pytest;
# TEST_LOG moves the Odoo log (two runs side by side).
source "$(dirname "$0")/lib.sh"
set +e

# shellcheck source=/dev/null
source "$LOCAL_DIR/db.env"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGPASSWORD="$DB_PASSWORD"
db="safety_test_$(date +%s)_$$"
log="${TEST_LOG:-$LOCAL_DIR/test-odoo.log}"
tags=${TEST_TAGS:-/safety_training_dossier,/hr,/hr_skills,/portal}
modules="$ADDON"
for addon_dir in "$REPO_DIR"/tests/addons/*/; do
  [ -f "$addon_dir/__manifest__.py" ] && modules="$modules,$(basename "$addon_dir")"
done

cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1; }
trap cleanup EXIT

# A free port, so that a demo server or another test run next to this one does not collide.
http_port=${ODOO_TEST_HTTP_PORT:-$("$VENV_DIR/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

info "Odoo tests ($tags) on throwaway database $db; log: $log"
extra_addons=""
[ -d "$REPO_DIR/tests/addons" ] && extra_addons="$REPO_DIR/tests/addons"
EXTRA_ADDONS_PATH="$extra_addons" bash "$REPO_DIR/scripts/odoo.sh" -d "$db" -i "$modules" \
  --test-tags "$tags" --stop-after-init --log-level=test --http-port="$http_port" --gevent-port="$((http_port + 1))" \
  > "$log" 2>&1
odoo_rc=$?
# Lines starting with "<string>" are docutils warnings about Odoo's own module descriptions.
grep -E "(ERROR|CRITICAL|FAIL:|odoo.tests.result)" "$log" | grep -v '^<string>' | tail -n 40 >&2
summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -n 1)
if [ -n "$summary" ]; then
  read -r odoo_failed odoo_errors odoo_total < <(sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests/\1 \2 \3/' <<<"$summary")
else
  odoo_failed=0 odoo_errors=1 odoo_total=1  # Odoo stopped before it could report: count one failure
fi
odoo_bad=$((odoo_failed + odoo_errors))
if [ "$odoo_rc" -ne 0 ] && [ "$odoo_bad" -eq 0 ]; then odoo_bad=1; odoo_total=$((odoo_total + 1)); fi
odoo_passed=$((odoo_total - odoo_bad))
info "Odoo: $odoo_passed passed, $odoo_bad failed (exit code $odoo_rc)"
cleanup

info "pytest tests in tests/"
pytest_log="$LOCAL_DIR/test-pytest.log"
# PYTEST_ARGS is split as the shell would, so a quoted expression stays one argument: -k 'a or b'.
eval "pytest_args=(${PYTEST_ARGS:-})"
(cd "$REPO_DIR" && "$VENV_DIR/bin/python" -m pytest tests -p no:cacheprovider -q "${pytest_args[@]}") 2>&1 \
  | tee "$pytest_log"
pytest_rc=${PIPESTATUS[0]}
last=$(tail -n 1 "$pytest_log")
py_passed=$(grep -oE '[0-9]+ passed' <<<"$last" | grep -oE '[0-9]+' || true)
py_failed=$(grep -oE '[0-9]+ (failed|error|errors)' <<<"$last" | awk '{ total += $1 } END { print total + 0 }')
py_passed=${py_passed:-0}
py_failed=${py_failed:-0}
if [ "$pytest_rc" -ne 0 ] && [ "$py_failed" -eq 0 ]; then py_failed=1; fi

passed=$((odoo_passed + py_passed))
failed=$((odoo_bad + py_failed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
