# The two commands: `make run` (serve the demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export FLASK_APP := wsgi.py
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install build-pages bench fuzz load faults clean

# The sealed PDFs embed a TrueType CJK font (reportlab cannot read Noto CJK's CFF outlines).
CJK_FONT ?= /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
export CJK_FONT

$(CJK_FONT):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -q fonts-wqy-zenhei >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q fonts-wqy-zenhei >/dev/null; }; \
	else echo "the sealed PDFs need a TrueType CJK font at $(CJK_FONT): sudo apt-get install fonts-wqy-zenhei, or set CJK_FONT"; exit 1; fi

# SoftHSM stands in for a hardware seal key (PKCS#11) in the tests.
SOFTHSM := /usr/lib/softhsm/libsofthsm2.so

$(SOFTHSM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -q softhsm2 >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q softhsm2 >/dev/null; }; \
	else echo "the PKCS#11 seal tests need SoftHSM: sudo apt-get install softhsm2"; exit 1; fi

$(STAMP): requirements.txt requirements-dev.txt | $(CJK_FONT)
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

install: $(STAMP)

# The phone pages and the console: Vue 3 + Vant / Element Plus, built by Vite into static/pages (not committed).
NODE_MODULES := frontend/node_modules/.installed
PAGES := static/pages/.built

$(NODE_MODULES): frontend/package.json frontend/package-lock.json
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' 2>/dev/null || \
		{ echo "the pages need Node.js 20+ and npm (https://nodejs.org, or: sudo apt-get install nodejs npm)"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(PAGES): $(NODE_MODULES) frontend/vite.config.js $(wildcard frontend/*.html) $(shell find frontend/src -type f 2>/dev/null)
	cd frontend && npm run --silent build -- --logLevel warn
	@touch $@

build-pages: $(PAGES)

# Demo mode: SQLite under instance/, the fake WeChat, SMS and TSA servers on :5101, a huey worker,
# gunicorn on :5000; the walk-through starts at http://127.0.0.1:5000/demo.
run: export DEMO_MODE ?= 1
run: export WECHAT_API_BASE ?= http://127.0.0.1:5101
run: export WECHAT_OAUTH_AUTHORIZE_URL ?= http://127.0.0.1:5101/connect/oauth2/authorize
# SMS goes to the fake provider, whose phone inbox is http://127.0.0.1:5101/fake-sms/
run: export SMS_BACKEND ?= http
run: export SMS_HTTP_URL ?= http://127.0.0.1:5101/fake-sms/sms/send
run: export SMS_HTTP_TOKEN ?= demo-sms-token
run: $(STAMP) $(PAGES)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo "serving http://127.0.0.1:5000  (start at http://127.0.0.1:5000/demo; API docs: http://127.0.0.1:5000/api/docs; Ctrl-C stops everything)"
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(BIN)/python -m app.devservers --port 5101 & \
	$(BIN)/huey_consumer app.jobs.huey --workers 2 --worker-type thread --quiet & \
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:5000 wsgi:app

# SQLite always; PostgreSQL (and Redis) as well when TEST_DATABASE_URL (and REDIS_URL) are set.
test: $(STAMP) $(PAGES) | $(SOFTHSM)
	$(BIN)/lint-imports --config .importlinter
	env -u TEST_DATABASE_URL $(BIN)/pytest -q -rs -p no:cacheprovider tests
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on $$(echo $$TEST_DATABASE_URL | sed 's#//[^@]*@#//#')"; \
		$(BIN)/pytest -q -p no:cacheprovider tests/integration tests/api tests/migrations tests/privacy; \
	fi

# Every benchmark on the local PostgreSQL, one table of figures beside their floors → BENCHMARKS.md (~5 min).
bench: $(STAMP)
	$(BIN)/python -m bench.run_all

# The long fuzzing profile: schemathesis over every operation, every role and no token, 100 examples each;
# then, per role, 40 chains of up to 15 calls along the document's links.
# The counts of the calls made go to BENCHMARKS.md, passed or failed.
fuzz: $(STAMP)
	@mkdir -p bench-output
	FUZZ_SUMMARY=bench-output/fuzz.json SCHEMATHESIS_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-100} \
	SCHEMATHESIS_SCENARIOS=$${SCHEMATHESIS_SCENARIOS:-40} SCHEMATHESIS_STEPS=$${SCHEMATHESIS_STEPS:-15} \
	$(BIN)/pytest -q -p no:cacheprovider tests/api/test_fuzz.py; status=$$?; \
	$(BIN)/python -m bench.fuzz_report bench-output/fuzz.json $$status; exit $$status

# Load and faults: locust in a virtual environment of its own, against gunicorn on the local PostgreSQL and Redis.
LOAD_VENV := .venv-load

$(LOAD_VENV)/.installed: bench/load/requirements.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install -q -r bench/load/requirements.txt
	@touch $@

# 200 users for 10 minutes (~13 min with the set-up); the table goes to BENCHMARKS.md.
load: $(STAMP) $(LOAD_VENV)/.installed
	$(BIN)/python -m bench.load.run --users $${LOAD_USERS:-200} --minutes $${LOAD_MINUTES:-10}

# The same load while PostgreSQL, then Redis stop and WeChat and SMS hang (needs root: pg_ctlcluster, redis-server).
faults: $(STAMP) $(LOAD_VENV)/.installed
	$(BIN)/python -m bench.load.run --faults --users $${LOAD_USERS:-200} --minutes $${LOAD_MINUTES:-8}

clean:
	rm -rf $(VENV) $(LOAD_VENV) .pytest_cache
