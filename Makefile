# Two commands for a newcomer: `make run` and `make test`. Everything else is
# set up on the way (virtualenv, dependencies, database).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 5000
SEEDS  ?= ../shared/seeds

.PHONY: install messages db run worker serve test test-quick lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[test]'
	touch $(STAMP)

# UI catalogs (translations/<lang>/LC_MESSAGES/messages.po) are compiled here, never committed.
install: $(STAMP)
	$(BIN)/readiness translations compile > /dev/null

# For maintainers: collect new UI strings into the catalogs for translators.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

db: install
	$(BIN)/flask --app webapp upgrade-db

# The app and one report render worker (the embedded queue: an SQLite file in instance/).
# Ctrl-C stops both. REMAP_SIGTERM=SIGQUIT: SIGTERM lets a render finish for
# WORKER_SHUTDOWN_SECONDS, then puts it back on the queue and exits (Celery's default waits
# for the render however long it takes).
CELERY_WORKER = REMAP_SIGTERM=SIGQUIT $(BIN)/celery -A webapp.worker worker --without-gossip --without-mingle --without-heartbeat --loglevel INFO
run: db
	@$(CELERY_WORKER) --concurrency 1 & worker=$$!; \
	$(BIN)/flask --app webapp run --host 127.0.0.1 --port $(PORT) & web=$$!; \
	trap 'kill -TERM $$web $$worker 2>/dev/null' INT TERM; \
	wait $$web; kill -TERM $$worker 2>/dev/null; wait $$worker

# Production: report render workers (READINESS_RENDER_WORKERS processes each), on any host that
# reaches the same DATABASE_URL and REDIS_URL as the web servers (README, Reports).
worker: install
	READINESS_ENV=production $(CELERY_WORKER)

# Production: gunicorn behind an HTTPS reverse proxy. Needs SECRET_KEY, BASE_URL,
# SESSION_COOKIE_SECURE=1 (see README, Configuration); refuses to start without them.
serve: install
	READINESS_ENV=production $(BIN)/flask --app webapp upgrade-db
	$(BIN)/gunicorn -c gunicorn.conf.py 'webapp:create_app()'

# Code and content: ruff (configured in pyproject.toml; no formatter), mypy on the core,
# the import contracts (the core never imports the web app; no import cycle), the content lint.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy readiness
	$(BIN)/lint-imports
	$(BIN)/readiness lint --sources $(SEEDS) > /dev/null

# The whole suite, slow tests included (PDFs, servers, browsers, the pip install).
test: install lint
	$(BIN)/python -m pytest -q

# The fast part, for the edit-test loop: everything not marked slow.
test-quick: install
	$(BIN)/python -m pytest -q -m "not slow"

# Figures, not tests (README, Reliability): the report's render time, a wizard step against a
# bare Flask page and a bare INSERT (needs wrk), the service around the report (wizard steps while
# 2 reports render in the queue's worker, recycling, SIGTERM, bilingual alternation; gunicorn,
# Celery and Redis on 127.0.0.1) and 100 kill -9 during saves.
bench: install
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_step.py
	$(BIN)/python bench/bench_queue.py
	$(BIN)/python bench/bench_crash.py

clean:
	rm -rf $(VENV) instance .pytest_cache
