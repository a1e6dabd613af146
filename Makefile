# thidua — two commands on a fresh machine: `make run` and `make test`.
# Django 6.1 needs Python >= 3.12; the machine's default python3 may be older,
# so we look for a suitable interpreter explicitly (pyenv or system).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

PYTHON_FOR_VENV := $(shell for p in "$$PYTHON" python3.13 python3.12 \
	$$HOME/.pyenv/versions/3.13.0/bin/python $$HOME/.pyenv/versions/3.12.1/bin/python \
	/usr/local/bin/python3.13 /usr/local/bin/python3.12 python3; do \
	[ -n "$$p" ] && command -v "$$p" >/dev/null 2>&1 && \
	"$$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo "$$p"; break; }; done)

.PHONY: run test lint bench browser clean install demo
install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "Cần Python >= 3.12 (Django 6.1). Đặt biến PYTHON=/đường/dẫn/python3.12"; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

run: install
	$(VENV)/bin/thidua serve --demo-if-empty --port $(PORT)

demo: install
	$(VENV)/bin/thidua migrate --noinput
	$(VENV)/bin/thidua demo

# Real-browser tests need Chromium from Debian (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation2 poppler-utils libpango-1.0-0 libpangoft2-1.0-0 >/dev/null); \
	  else echo "Thiếu chromium: sudo apt-get install chromium"; fi; }

test: install browser
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/pytest -n 2 --dist loadfile

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
