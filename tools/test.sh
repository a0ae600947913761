#!/usr/bin/env bash
# The whole test suite: set-up, lint, types, then every test (unit, gui offscreen, e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export QT_QPA_PLATFORM=offscreen
echo "[test] ruff" >&2
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "[test] mypy" >&2
.venv/bin/mypy
echo "[test] pytest" >&2
exec .venv/bin/python -m pytest -n 2 -p no:cacheprovider "$@"
