#!/usr/bin/env bash
# The benchmarks' environment: what the book needs (ci/setup.sh: data,
# Python 3.11) plus PyTorch, in .venv-bench, apart from the book's .venv,
# and Lighthouse from npm (bench/package-lock.json) for bench.lighthouse.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. ci/setup.sh
make_venv .venv-bench bench/requirements.txt
# The pages' package, as in .venv (the benchmarks import it).
.venv-bench/bin/python -m pip install --quiet --no-deps -e .
# Lighthouse, pinned in bench/package-lock.json.
npm_install bench
