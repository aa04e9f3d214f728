#!/usr/bin/env bash
# Build the Binder environment the way repo2docker would, without Docker:
# a Python 3.11 virtual environment from binder/ only (runtime.txt,
# requirements.txt), the apt packages of binder/apt.txt, and binder/postBuild
# run with a fresh HOME; then check that JupyterLab opens the .md pages as
# notebooks. The environment lands in _build/binder/ (venv/ and home/) for
# tests/test_jupyterlab.py, which runs every page in it as a reader would.
# The venv is made anew whenever binder/ or the lists it includes change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[binder] %s\n' "$*"; }
python="python$(sed 's/^python-//' binder/runtime.txt)"
command -v "$python" >/dev/null || { echo "[binder] $python not found" >&2; exit 1; }

# shellcheck disable=SC2046  # one package name per line
bash ci/apt_install.sh $(cat binder/apt.txt)

out=_build/binder
stamp="$out/venv/.binder.sha256"
wanted="$(cat binder/* requirements.txt book/requirements.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "fresh venv with $python from binder/requirements.txt"
  rm -rf "$out/venv"
  mkdir -p "$out"
  "$python" -m venv "$out/venv"
  started=$SECONDS
  "$out/venv/bin/python" -m pip install --quiet -r binder/requirements.txt
  say "installed in $((SECONDS - started)) s: $(du -sh "$out/venv" | cut -f1)"
  echo "$wanted" > "$stamp"
else
  say "binder/ unchanged: reusing $out/venv"
fi

say "postBuild with a fresh HOME ($out/home)"
rm -rf "$out/home" && mkdir -p "$out/home"
(export HOME="$PWD/$out/home" PATH="$PWD/$out/venv/bin:$PATH"
 cd "$HOME" && bash "$OLDPWD/binder/postBuild")
grep -q '"markdown": "Jupytext Notebook"' \
  "$out/home/.jupyter/labconfig/default_setting_overrides.json" ||
  { echo "[binder] JupyterLab does not open .md pages as notebooks" >&2; exit 1; }
say "Binder environment OK; tests/test_jupyterlab.py runs every page in it"
