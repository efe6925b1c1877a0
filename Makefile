# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
APP_PY := .venv/bin/python
ENGINE_PY := .venv-engine/bin/python
MODEL := models/hotline.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find nlu_data dialogue hotline_nlu -name '*.yml' -o -name '*.py' 2>/dev/null)
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup run test train validate unit rasa-test browser bench bench-blind bench-full bench-baseline clean

setup: .venv-engine/.installed .venv/.installed

.venv-engine/.installed: requirements-engine.txt scripts/find-python310.sh
	@py310=$$(scripts/find-python310.sh) || exit 1; \
	[ -x $(ENGINE_PY) ] || $$py310 -m venv .venv-engine
	$(ENGINE_PY) -m pip install -q --upgrade pip wheel
	$(ENGINE_PY) -m pip install -q -r requirements-engine.txt
	touch $@

.venv/.installed: pyproject.toml
	@command -v python3 >/dev/null || { echo "python3 (3.11 or newer) is needed" >&2; exit 1; }
	@python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { echo "the app needs Python 3.11 or newer as python3" >&2; exit 1; }
	[ -x $(APP_PY) ] || python3 -m venv .venv
	$(APP_PY) -m pip install -q --upgrade pip
	$(APP_PY) -m pip install -q -e '.[test,bench]'
	touch $@

$(MODEL): $(TRAINING_INPUTS) | .venv-engine/.installed .venv/.installed
	.venv/bin/hotline train
	@touch $@

train: $(MODEL)

run: setup $(MODEL)
	.venv/bin/hotline run

validate: setup
	PYTHONPATH=. .venv-engine/bin/rasa data validate --domain domain.yml --data nlu_data dialogue --config config.yml

unit: setup
	.venv/bin/python -m pytest -m "not engine and not browser" -q

# Debian's chromium drives the browser test; installed here so that CI has it too.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || echo "chromium not installed: the browser test will be skipped" >&2

rasa-test: $(MODEL)
	PYTHONPATH=. .venv-engine/bin/rasa test core --model $(MODEL) --stories tests/stories --out results/rasa --fail-on-prediction-errors

test: setup validate $(MODEL) browser
	.venv/bin/python -m pytest -q
	$(MAKE) rasa-test

# The figures in README.md. bench-full adds Rasa's default configuration as a baseline, trained on the first
# fold only: about 75 minutes more on two cores on 11,248 examples (--rasa-default-folds 3 trains it on all three, about four hours).
bench: setup $(MODEL)
	.venv/bin/python -m bench.nlu --folds 3 --skip-rasa-default --spread-seeds 4
	.venv/bin/python -m bench.triage_speed

# The blind figures: the trained model and rules on messages nobody who built them wrote (bench/data/blind).
bench-blind: setup $(MODEL)
	.venv/bin/python -m bench.blind

# Only the Rasa default column: the hotline and Rasa default trained on the first fold (about 100 minutes on two
# cores), kept in bench/results/rasa_default.json and shown by every `make bench` on the same examples and folds.
bench-baseline: setup
	.venv/bin/python -m bench.nlu --folds 3 --rasa-default-folds 1 --baseline-only

bench-full: setup $(MODEL)
	.venv/bin/python -m bench.nlu --folds 3 --rasa-default-folds 1 --spread-seeds 4
	.venv/bin/python -m bench.triage_speed

clean:
	rm -rf models results var/log
