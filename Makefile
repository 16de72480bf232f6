# Ravao: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RAVAO := $(BIN)/ravao
VENDOR := ravao/core/static/vendor
PG_URL ?= postgres://postgres@127.0.0.1:5432/ravao

.PHONY: install demo test test-postgres test-cluster cluster-tests makemessages messages serve clean

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
	touch $@

messages: $(VENV)/.installed
	$(RAVAO) compilemo

install: $(VENV)/.installed $(VENDOR)/.installed messages

demo: install
	$(RAVAO) migrate --noinput
	$(RAVAO) loadunits --generation all
	$(RAVAO) demo
	@echo "Serving http://127.0.0.1:8000 (Ctrl-C to stop); dashboards refresh every minute."
	$(RAVAO) rollup --loop 60 --reports > data/rollup.log 2>&1 & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  RAVAO_DEBUG=1 $(RAVAO) runserver 127.0.0.1:8000

serve: install
	$(RAVAO) migrate --noinput
	$(RAVAO) serve

test: install
	$(BIN)/ruff check .
	$(RAVAO) makemigrations --check --dry-run
	$(BIN)/pytest -n auto -q $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n auto -q $(PYTEST_ARGS)

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
