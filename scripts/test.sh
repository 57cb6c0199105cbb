#!/usr/bin/env bash
# The whole test suite from a fresh checkout: real proxies, .venv with the test extra, the
# static checks (ruff lint and format, mypy) on the shipped code, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-proxies.sh
bash scripts/setup.sh test
.venv/bin/ruff check linter parsers checks
.venv/bin/ruff format --check linter parsers checks
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
