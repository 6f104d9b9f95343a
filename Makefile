# Phatsadu: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# TODAY=YYYY-MM-DD[THH:MM] runs the suite, or the demo, as if it were that day (tools/clock/shifted_clock.py).
TODAY ?=
CLOCK := $(if $(TODAY),PHATSADU_TODAY=$(TODAY) PYTHONPATH=tools/clock)

.PHONY: run test install migrate lint messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --no-package-lock --silent || echo "npm could not install jsqr: the scanner uses the browser's BarcodeDetector or the text box"; fi
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=$${DEBUG:-1} $(CLOCK) $(BIN)/python manage.py migrate --noinput

run: migrate
	DEBUG=$${DEBUG:-1} $(CLOCK) $(BIN)/python manage.py seed_demo --if-empty
	@echo "Phatsadu: http://$(HOST):$(PORT)/"
	DEBUG=$${DEBUG:-1} $(CLOCK) $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	DEBUG=1 $(BIN)/lint-imports

test: install lint
	DEBUG=1 $(BIN)/python -m pytest $(if $(TODAY),--today=$(TODAY))

messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'benchmarks/*' --ignore 'node_modules/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) var/staticfiles
