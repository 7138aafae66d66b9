# Entry points only; the logic lives in Python (python -m tools ..., python -m bot ...).
PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

export RASA_TELEMETRY_ENABLED = false
export TF_CPP_MIN_LOG_LEVEL = 2

.PHONY: setup run test train bench eval facts scale-test clean

## set up .venv with Python 3.10 and the pinned dependencies (once)
setup: $(STAMP)

$(STAMP): requirements.lock tools/bootstrap.py web/package-lock.json
	$(PYTHON3) tools/bootstrap.py

## set up if needed, train (Rasa's cache skips what did not change), start everything
run: setup
	$(PY) -m tools run

## set up if needed and run every test (trains the model if needed; installs
## Debian's Chromium for the browser tests if it is missing)
test: setup
	$(PYTHON3) tools/bootstrap.py --browser
	$(PY) -m pytest

## train the model; with nothing changed, every component comes from Rasa's cache
train: setup
	$(PY) -m tools train

## held-out quality (ours vs Rasa's default pipeline) and end-to-end facts; rewrites docs/benchmarks.md
eval: setup
	$(PY) -m tools eval

## two Rasa replicas on PostgreSQL + Redis behind nginx (installs the Debian packages if missing),
## 50 conversations x 20 messages; prints one JSON line
scale-test: setup
	$(PY) -m tools scale-test

## facts health (statuses, official sources, rules about to end, stale facts); writes docs/facts.md
facts: setup
	$(PY) -m tools facts

## speed and memory of the whole stack; rewrites docs/benchmarks.md
bench: setup
	$(PY) -m tools bench

clean:
	rm -rf models var build .rasa .pytest_cache test-artifacts
