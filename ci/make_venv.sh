#!/usr/bin/env bash
# Usage: ci/make_venv.sh VENV REQUIREMENTS PYTHON
# Create the virtual environment VENV with PYTHON (3.11) if it is missing or
# is not Python 3.11, and install REQUIREMENTS into it, again only when the
# file changed since the last install (a stamp in VENV remembers it).
set -euo pipefail
venv="$1" requirements="$2" python="$3"
say() { printf '[setup] %s\n' "$*"; }

is_python311() {
  [ "$("$1" -c 'import sys; print(sys.version_info[:2] == (3, 11))' 2>/dev/null)" = True ]
}
if [ -e "$venv" ] && ! is_python311 "$venv/bin/python"; then
  say "$venv is not a Python 3.11 environment: recreating it"
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  say "creating $venv with $python"
  "$python" -m venv "$venv" || {
    echo "[setup] could not create $venv; on Debian/Ubuntu: apt-get install python3.11-venv" >&2
    exit 1; }
fi
# The stamp covers every requirements file the list includes with -r.
stamp="$venv/.requirements.sha256"
wanted="$(cd "$(dirname "$requirements")" &&
  cat "$(basename "$requirements")" $(sed -n 's/^-r[[:space:]]*//p' "$(basename "$requirements")") |
  sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "installing $requirements into $venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$requirements"
  echo "$wanted" > "$stamp"
else
  say "$requirements already installed in $venv"
fi
