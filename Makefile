# Ravao: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RAVAO := $(BIN)/ravao
VENDOR := ravao/core/static/vendor
PG_URL ?= postgres://postgres@127.0.0.1:5432/ravao

.PHONY: install demo test test-fast test-postgres test-cluster cluster-tests makemessages messages serve clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.installed: node_modules/.installed
	mkdir -p $(VENDOR)/fonts
	cp node_modules/jsqr/dist/jsQR.js $(VENDOR)/jsQR.js
	cp node_modules/chart.js/dist/chart.umd.js $(VENDOR)/chart.umd.js
	cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf $(VENDOR)/fonts/
	cp node_modules/dejavu-fonts-ttf/LICENSE $(VENDOR)/fonts/LICENSE-DejaVu
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	# axe-core: the accessibility rules the browser tests inject (never served to pages).
	mkdir -p $(VENDOR)/axe-core
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE $(VENDOR)/axe-core/
	touch $@

messages: $(VENV)/.installed
	$(RAVAO) compilemo

install: $(VENV)/.installed $(VENDOR)/.installed messages

PORT ?= 8000

# make demo PORT=8080: links and posters follow the address the pages are served at.
# A demonstration on public keys: allowed (ravao/core/failclosed.py) and shown on every page.
demo: export RAVAO_DEMO=1
demo: install
	$(RAVAO) migrate --noinput
	$(RAVAO) loadunits --generation all
	$(RAVAO) demo --url http://127.0.0.1:$(PORT)
	@echo "Serving http://127.0.0.1:$(PORT) (Ctrl-C to stop); dashboards refresh every minute; SMS codes appear below."
	$(RAVAO) rollup --loop 60 --reports > data/rollup.log 2>&1 & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  RAVAO_DEBUG=1 $(RAVAO) runserver 127.0.0.1:$(PORT)

serve: install
	$(RAVAO) migrate --noinput
	$(RAVAO) serve

# Debian's chromium for the browser tests, installed when missing and this user can (root + apt);
# otherwise those tests are skipped and pytest says how to run them, in one line.
browser:
	@if [ -z "$$RAVAO_CHROMIUM" ] && ! command -v chromium >/dev/null 2>&1 \
	  && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests (apt-get install chromium)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	    || echo "Could not install chromium: the browser tests will be skipped"; \
	fi

# Tests run on the demo keys (never DEBUG off on them otherwise: ravao/core/failclosed.py).
test test-fast test-postgres fuzz test-cluster cluster-tests: export RAVAO_DEMO=1

test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --quiet .
	$(RAVAO) makemigrations --check --dry-run
	$(BIN)/pytest -n auto -q $(PYTEST_ARGS)

# Everything but the browser tests: lint, migrations, the suite (about a minute on 2 cores).
test-fast: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --quiet .
	$(RAVAO) makemigrations --check --dry-run
	$(BIN)/pytest -n auto -q -m "not browser" $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n auto -q $(PYTEST_ARGS)

# Schemathesis over the whole API on a scratch database: ≥ 10,000 cases, fails on any 5xx
# (4–8 minutes on 2 cores; .ci/run does a bounded run of ~800 cases). Figures in docs/security.md.
.PHONY: fuzz
FUZZ_EXAMPLES ?= 270
fuzz: install
	$(BIN)/python bench/fuzz_api.py --examples $(FUZZ_EXAMPLES)

# A primary, a streaming replica and pgbouncer of our own (.ci/cluster.sh, ports 55432/55433/56432),
# the cluster tests against them, then everything stopped and removed.
test-cluster: install
	bash .ci/cluster.sh stop && bash .ci/cluster.sh start
	$(MAKE) cluster-tests; rc=$$?; bash .ci/cluster.sh stop; exit $$rc

# The cluster tests against a running .ci/cluster.sh (a fresh test database each time).
cluster-tests:
	. $${RAVAO_CLUSTER_DIR:-/tmp/ravao-cluster}/env && \
	  psql "$$RAVAO_CLUSTER_PRIMARY" -q -c "DROP DATABASE IF EXISTS test_ravao_cluster WITH (FORCE)" && \
	  $(BIN)/pytest -p no:xdist -q -m cluster --create-db ravao/core/tests $(PYTEST_ARGS)

# Extract new strings into the catalogues (needs GNU gettext; only when changing strings).
makemessages: install
	cd ravao && ../$(RAVAO) makemessages -l vi -l en --no-obsolete --ignore 'static/vendor/*'

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
