# Entry points only; the logic lives in Python (python -m bot ...).
PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

export RASA_TELEMETRY_ENABLED = false
export TF_CPP_MIN_LOG_LEVEL = 2

.PHONY: setup run test train bench eval clean

## set up .venv with Python 3.10 and the pinned dependencies (once)
setup: $(STAMP)

$(STAMP): requirements.lock bot/bootstrap.py web/package-lock.json
	$(PYTHON3) bot/bootstrap.py

## set up if needed, train if stale, start catalogue + actions + Rasa
run: setup
	$(PY) -m bot run

## set up if needed and run every test (trains the model if stale; installs
## Debian's Chromium for the browser tests if it is missing)
test: setup
	$(PYTHON3) bot/bootstrap.py --browser
	$(PY) -m pytest

## train the model if it is missing or older than data/, config.yml, domain.yml
train: setup
	$(PY) -m bot train

## held-out quality (ours vs Rasa's default pipeline) and end-to-end facts; rewrites docs/benchmarks.md
eval: setup
	$(PY) -m bot eval

## speed and memory of the whole stack; rewrites docs/benchmarks.md
bench: setup
	$(PY) -m bot bench

clean:
	rm -rf models var .pytest_cache test-artifacts
