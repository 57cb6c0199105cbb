#!/usr/bin/env bash
# The whole test suite from a fresh checkout: real proxies, .venv with the test extra, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-proxies.sh
bash scripts/setup.sh test
exec .venv/bin/python -m pytest "$@"
