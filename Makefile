# Two commands on a fresh machine: `make run` (demo site) and `make test` (whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# What running the site needs, without the test tools (browser driver, fuzzers, S3 server):
# make run installs only this, so a newcomer's first page comes sooner.
RUN_STAMP := $(VENV)/.installed-run-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel test workers: both cores by default; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

.PHONY: install install-run interop-install interop run serve demo test test-nightly fuzz lint format bench messages clean

$(RUN_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install-run: $(RUN_STAMP)

install: $(STAMP)

# What the tests run with Node or Java, each installed from its lockfile, the only time the npm
# registry is asked (the tests run offline): the independent credential verifier (Digital
# Bazaar's libraries, tests/interop), axe-core, which the browser journeys inject into every
# page they open (tests/browser/axe), and the Nu HTML Checker (tests/html).
NPM_DIRS := tests/interop tests/browser/axe tests/html
NPM_STAMPS := $(addsuffix /node_modules/.installed-stamp,$(NPM_DIRS))
%/node_modules/.installed-stamp: %/package-lock.json
	npm ci --prefix $* --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

interop-install: $(NPM_STAMPS)

# Only the credential interoperability tests (make test runs them too).
interop: install interop-install
	$(PY) -m pytest tests/interop

demo: install-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production server on this machine: gunicorn, persistent database connections, static
# files collected for WhiteNoise. Settings from the environment as for make run (README,
# "Production"); DJANGO_SETTINGS_MODULE=config.settings_production for the real thing.
serve: install-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	CONN_MAX_AGE=$${CONN_MAX_AGE:-60} HOST=$(HOST) PORT=$(PORT) \
		$(VENV)/bin/gunicorn config.wsgi --config config/gunicorn_conf.py

test: install interop-install
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The slow fuzzing: many examples of every user text in certificates and reports (a few run in
# make test); DOCUMENT_FUZZ_EXAMPLES sets how many.
DOCUMENT_FUZZ_EXAMPLES ?= 200
fuzz: install
	DOCUMENT_FUZZ_EXAMPLES=$(DOCUMENT_FUZZ_EXAMPLES) $(PY) -m pytest -n $(PYTEST_WORKERS) \
		tests/reports/test_document_forgery.py

# What make test leaves out for time: the documents' fuzzing at full count, schemathesis's
# coverage phase (boundary and negative cases of every parameter, minutes per role) and more of
# its generated cases per operation (25 instead of 6).
test-nightly: install fuzz
	SCHEMATHESIS_PHASES=examples,coverage,fuzzing SCHEMATHESIS_MAX_EXAMPLES=25 \
		$(PY) -m pytest -n $(PYTEST_WORKERS) \
		tests/api/test_schema_fuzzing.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m benchmarks

# Extracts the marked strings into the German catalogue, then compiles it with polib so that a
# fresh clone needs no msgfmt at run time. tests/test_translations.py runs the same extraction.
# The decision engine's N_ marker is added by the project's own makemessages (assessments).
messages: install
	$(PY) manage.py makemessages -l de --no-obsolete --add-location file --ignore=.venv \
		--ignore=var --ignore=staticfiles --ignore=test-artifacts --ignore=tests --ignore=benchmarks
	$(PY) -c "import polib; polib.pofile('locale/de/LC_MESSAGES/django.po').save_as_mofile('locale/de/LC_MESSAGES/django.mo')"

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
