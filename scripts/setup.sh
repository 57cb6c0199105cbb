#!/usr/bin/env bash
# Create .venv and install wsproxylint into it (with the test extra when given "test").
# On Debian, a system Python may lack venv: as root, install python3-venv first.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! "$PY" -m venv --help >/dev/null 2>&1 || ! "$PY" -c 'import ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    echo "setup: '$PY -m venv' is not available; install python3-venv" >&2; exit 2
  fi
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "${1:-}" = "test" ]; then
  # "compat": the checkout as a plain path entry. The default editable mode imports an import
  # finder (and pathlib with it) in every interpreter the tests and benchmarks start, a cost
  # that an installed wsproxylint never pays and that would blur its start-up figures.
  .venv/bin/python -m pip install -q -e '.[test]' --config-settings editable_mode=compat
else
  .venv/bin/python -m pip install -q .
fi
