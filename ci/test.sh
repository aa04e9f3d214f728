#!/usr/bin/env bash
# Quick start 2: set up, build the book with warnings as errors, check the
# Binder environment, then run every test: unit, browser and integration tests
# and `pytest --nbval` on every page's expected outputs (pytest's summary is
# the last line).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ci/build.sh
. ci/setup.sh

# The Binder environment, rebuilt from binder/ alone (see the README).
bash ci/binder_check.sh

echo "[test] python -m pytest --nbval $*"
# pytest exits 5 when it collected no test; set -e makes that a failure too.
python -m pytest --nbval "$@"
