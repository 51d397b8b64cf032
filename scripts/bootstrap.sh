#!/usr/bin/env bash
# Everything the demo and the tests need: system packages, Odoo source,
# virtualenv and a PostgreSQL server. Safe to rerun; each step skips what is done.
source "$(dirname "$0")/lib.sh"

bash "$REPO_DIR/scripts/system_packages.sh"
src=$(bash "$REPO_DIR/scripts/odoo_source.sh")
info "Odoo source: $src"
bash "$REPO_DIR/scripts/venv.sh"
bash "$REPO_DIR/scripts/postgres.sh" start
