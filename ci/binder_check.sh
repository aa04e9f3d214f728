#!/usr/bin/env bash
# Build the Binder environment the way repo2docker would, without Docker:
# a fresh Python 3.11 virtual environment from binder/ only, the apt packages
# of binder/apt.txt, binder/postBuild with a fresh HOME; then execute every
# page with the book folder as working directory (as JupyterLab on Binder
# does from the repository root) and check JupyterLab's jupytext setting.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[binder] %s\n' "$*"; }
python="python$(sed 's/^python-//' binder/runtime.txt)"
command -v "$python" >/dev/null || { echo "[binder] $python not found" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046  # one package name per line
bash ci/apt_install.sh $(cat binder/apt.txt)
say "fresh venv with $python from binder/requirements.txt"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet -r binder/requirements.txt
say "postBuild"
export HOME="$work/home" PATH="$work/venv/bin:$PATH"
mkdir -p "$HOME"
bash binder/postBuild
grep -q '"markdown": "Jupytext Notebook"' "$HOME/.jupyter/labconfig/default_setting_overrides.json" ||
  { echo "[binder] JupyterLab does not open .md pages as notebooks" >&2; exit 1; }
say "executing every page (book/ as working directory)"
for page in book/*.md; do
  jupytext --quiet --to ipynb --execute --run-path book --output "$work/$(basename "${page%.md}").ipynb" "$page"
  say "  $page ok"
done
say "Binder environment OK"
