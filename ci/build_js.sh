#!/usr/bin/env bash
# The book's JavaScript that is made, not written, and committed, so that
# the book builds and Binder runs without npm:
#   web/js/lenet_contract.js   the constants and the run protocol, written
#                              from book/lenet/contract.py;
#   book/lenet/esm/NAME.js     each widget's module, bundled by esbuild
#                              (pinned in ci/js/package-lock.json) from
#                              web/js/ENTRY and everything it imports;
#   web/js/dist/lenet_train_worker.js   the training worker, bundled the
#                              same way: one request instead of a tree of
#                              modules on a slow line.
# Usage: ci/build_js.sh           write them (after editing web/js/ or the
#                                 contract)
#        ci/build_js.sh --check   write nothing; fail, naming the file, if a
#                                 committed one is not what its sources give
# Python: $PYTHON, else `python` (the .venv of ci/setup.sh, which also runs
# `npm ci` in ci/js/).  $LENET_ESM_DIR: the bundles' folder (for the test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# name of the bundle = its entry module in web/js/
WIDGETS=(explorer=lenet_explorer.js network_viewer=lenet_network_viewer.js
         run_chart=lenet_run_chart.js)
WORKER=lenet_train_worker.js
CONTRACT=web/js/lenet_contract.js
ESM_DIR="${LENET_ESM_DIR:-book/lenet/esm}"
DIST_DIR="${LENET_DIST_DIR:-web/js/dist}"
ESBUILD=ci/js/node_modules/.bin/esbuild
python="${PYTHON:-python}"

if [ ! -x "$ESBUILD" ]; then
  echo "[build_js] esbuild is not installed: run \`bash ci/setup.sh\` (npm ci in ci/js)" >&2
  exit 1
fi
out="$ESM_DIR"
dist="$DIST_DIR"
contract_out="$CONTRACT"
if [ "${1:-}" = --check ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  out="$work/esm" dist="$work/dist" contract_out="$work/lenet_contract.js"
fi
mkdir -p "$out" "$dist"

"$python" -c 'import sys; from lenet.contract import javascript_module
sys.stdout.write(javascript_module())' > "$contract_out"
for widget in "${WIDGETS[@]}"; do
  # Style sheets are imported as text; no syntax minifying, which would
  # turn that text into multi-line template literals again.
  "$ESBUILD" "web/js/${widget#*=}" --bundle --format=esm --target=es2020 \
    --minify-whitespace --minify-identifiers --loader:.css=text \
    --charset=utf8 --legal-comments=none --log-level=warning \
    --outfile="$out/${widget%%=*}.js"
done
# The worker imports TF.js itself once it has fetched it (not bundled).
"$ESBUILD" "web/js/$WORKER" --bundle --format=esm --target=es2020 \
  --minify --charset=utf8 --legal-comments=none --log-level=warning \
  --outfile="$dist/$WORKER"

if [ "${1:-}" != --check ]; then
  echo "[build_js] wrote $CONTRACT, ${#WIDGETS[@]} bundles in $ESM_DIR and $DIST_DIR/$WORKER"
  exit 0
fi
stale=()
cmp -s "$contract_out" "$CONTRACT" || stale+=("$CONTRACT")
for widget in "${WIDGETS[@]}"; do
  name="${widget%%=*}.js"
  cmp -s "$out/$name" "$ESM_DIR/$name" || stale+=("$ESM_DIR/$name")
done
cmp -s "$dist/$WORKER" "$DIST_DIR/$WORKER" || stale+=("$DIST_DIR/$WORKER")
if [ ${#stale[@]} -gt 0 ]; then
  echo "[build_js] not what the sources give: ${stale[*]}. Run \`bash ci/build_js.sh\` and commit them." >&2
  exit 1
fi
echo "[build_js] $CONTRACT and the bundles in $ESM_DIR and $DIST_DIR are current"
