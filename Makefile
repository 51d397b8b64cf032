# Safety Training Dossier: bootstrap, demo and tests.
#   make demo   create or upgrade the demo database and serve it on 127.0.0.1:8069
#   make test   run every test on a throwaway database
#   make stop   stop the private PostgreSQL cluster the scripts started
#   make screenshots  take the user guide's screenshots again from a fresh demo database
#   make dist   build the pip distribution (a wheel) of the addon in dist/
#   make clean  remove the virtualenv, the local state and the private cluster's data
SHELL := /bin/bash

.PHONY: bootstrap demo test stop pot lint dist screenshots clean

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	@bash scripts/demo.sh

test: bootstrap
	@bash scripts/test.sh

stop:
	@bash scripts/postgres.sh stop

pot: bootstrap
	@bash scripts/update_translations.sh

lint: bootstrap
	@.venv/bin/python -m pip install --quiet -r requirements-dev.txt
	@.venv/bin/ruff check safety_training_dossier tests scripts
	@.venv/bin/pylint --load-plugins=pylint_odoo --disable=all --enable=odoolint --valid-odoo-versions=19.0 \
		safety_training_dossier

screenshots: bootstrap
	@.venv/bin/python scripts/screenshots.py docs/images

dist: bootstrap
	@.venv/bin/python -m pip wheel . --no-deps --quiet -w dist
	@rm -rf build *.egg-info
	@ls dist/*.whl

clean:
	@bash scripts/postgres.sh remove
	rm -rf .venv .local
