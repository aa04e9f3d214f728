#!/usr/bin/env bash
# Quick start 2: set up, build the book with warnings as errors, then run every
# test: unit tests and `pytest --nbval` on every page's expected outputs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ci/build.sh
. ci/setup.sh

echo "[test] python -m pytest --nbval $*"
# pytest exits 5 when it collected no test; set -e makes that a failure too.
python -m pytest --nbval "$@"

# The Binder environment, rebuilt from binder/ alone (see the README).
bash ci/binder_check.sh
