#!/usr/bin/env bash
# Re-create book/expected/*.ipynb, the outputs `pytest --nbval` compares
# against, from the MyST pages: convert each page that has code, run it with
# the book folder as working directory, and store the result.
# Usage: ci/refresh_expected.sh [book/page.md ...]   (default: every page)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. ci/setup.sh

pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=(book/*.md)
for page in "${pages[@]}"; do
  if ! grep -q '^```{code-cell}' "$page"; then
    echo "[refresh] $page has no code cells: no expected outputs"
    continue
  fi
  out="book/expected/$(basename "${page%.md}").ipynb"
  echo "[refresh] $page -> $out"
  jupytext --quiet --to ipynb --execute --run-path book --output "$out" "$page"
  python ci/normalize_expected.py "$out"
done
