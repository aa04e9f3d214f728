#!/usr/bin/env bash
# Quick start 1: set up, then build the HTML book into _build/html.
# Extra arguments go to `jupyter-book build` (e.g. --all to rebuild every page).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. ci/setup.sh

echo "[build] jupyter-book build . -n -W --keep-going $* (log: _build/logs/build.log)"
mkdir -p _build/logs
# The log keeps the traceback of a page that failed to execute (CI uploads it).
jupyter-book build . -n -W --keep-going "$@" 2>&1 | tee _build/logs/build.log
echo "[build] done: open _build/html/index.html, or serve it with"
echo "        python -m http.server -d _build/html 8000  (then http://127.0.0.1:8000)"
