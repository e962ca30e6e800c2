# mt-auditor: `make setup` once on a fresh machine, then `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEBS := trans-de-en hunspell-de-de libhunspell-dev chromium

.PHONY: setup debs test lint bench fuzz calibrate clean screenshots sarif-multitool

setup: debs $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[lexical,neural,dask,dev]'
	$(MAKE) --no-print-directory sarif-multitool
	$(BIN)/auditor doctor || true

# Debian packages the lexical engine reads (Ding dictionary, German Hunspell).
# Installed when running as root and missing; otherwise the command to run is printed.
debs:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages: $$missing -- run: sudo apt-get install $$missing"; exit 1; fi; \
	fi

# The official SARIF validator (npm package with a self-contained binary), for tests/test_sarif.py;
# skipped without npm (the test then skips and says why).
MULTITOOL := $(VENV)/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
sarif-multitool:
	@if command -v npm >/dev/null 2>&1 && [ "$$(uname -s)" = Linux ] && [ ! -x $(MULTITOOL) ]; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/npm @microsoft/sarif-multitool@5.7.0 \
	    && chmod u+x $(MULTITOOL) || echo "SARIF Multitool not installed (its test will skip)"; fi

$(BIN)/python:
	$(PY) -m venv $(VENV)

lint:
	$(BIN)/ruff check auditor tests bench
	$(BIN)/mypy auditor

test: lint
	$(BIN)/pytest -q

bench:
	$(BIN)/python bench/run.py

# The long fuzz run (issue 11): 100,000 generated texts, JSONL files, feeds and CLI runs
# through the readers, pipeline and writers; prints the count and inputs/second.
# Record the result in bench/fuzz-result.json (make bench shows it in BENCHMARKS.md).
FUZZ_COUNT ?= 100000
fuzz:
	$(BIN)/python tests/fuzzing.py --count $(FUZZ_COUNT) --record bench/fuzz-result.json

# The README screenshot of the seed report (taken by the browser test).
screenshots:
	$(BIN)/pytest -q tests/test_html.py -k seed_report
	cp tests/output/seed-report.png docs/seed-report.png

# Refit on ../shared/eval/dev.jsonl after any detector change, in this order: the lexical
# severities and confidences (they change the findings), the profile thresholds on them, the
# learned combiner of `thorough`, then the mqm_estimate coefficients fitted on the findings.
calibrate:
	$(BIN)/python bench/calibrate_lexical.py
	$(BIN)/python bench/fit_profiles.py
	$(BIN)/python bench/train_combiner.py
	$(BIN)/python bench/fit_mqm_estimate.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
