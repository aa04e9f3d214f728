#!/usr/bin/env bash
# The book's JavaScript that is made, not written, and committed, so that
# the book builds and Binder runs without npm; node and esbuild (pinned in
# ci/js/package-lock.json) make all of it, no Python:
#   web/js/dist/lenet_train_worker.js   the training worker, bundled from
#                              web/js/lenet_train_worker.js: one request
#                              instead of a tree of modules on a slow line;
#   web/js/dist/download_sizes.json     the bytes the worker fetches
#                              (ci/js/download_sizes.mjs);
#   book/lenet/esm/NAME.js     each widget's module (the contract
#                              site.widgets: NAME = its entry in web/js/);
#   web/js/dist/static_widgets.js       what draws the widgets in the
#                              static pages.
# Each module that reads book/lenet/contract/ is bundled, so that the
# file is data to every reader of it.  Each file made says so on its first
# line.
# Usage: ci/build_js.sh           write them (after editing web/js/ or
#                                 book/lenet/contract/)
#        ci/build_js.sh --check   write nothing; fail, naming the file, if a
#                                 committed one is not what its sources give
# $LENET_ESM_DIR, $LENET_DIST_DIR: the folders compared with (for the test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ESM_DIR="${LENET_ESM_DIR:-book/lenet/esm}"
DIST_DIR="${LENET_DIST_DIR:-web/js/dist}"
ESBUILD=ci/js/node_modules/.bin/esbuild
WORKER=lenet_train_worker.js
STATIC=static_widgets.js
SIZES=download_sizes.json

if [ ! -x "$ESBUILD" ]; then
  echo "[build_js] esbuild is not installed: run \`bash ci/setup.sh\` (npm ci in ci/js)" >&2
  exit 1
fi
mapfile -t WIDGETS < <(node -e '
  const site = JSON.parse(require("fs").readFileSync("book/lenet/contract/site.json", "utf8"));
  for (const [name, entry] of Object.entries(site.widgets)) console.log(`${name}=${entry}`);')
out="$ESM_DIR" dist="$DIST_DIR"
if [ "${1:-}" = --check ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  out="$work/esm" dist="$work/dist"
fi
mkdir -p "$out" "$dist"

# bundle ENTRY OUTFILE [esbuild options]: web/js/ENTRY and what it imports.
bundle() {
  local entry="$1" outfile="$2"
  shift 2
  "$ESBUILD" "web/js/$entry" --bundle --format=esm --target=es2020 \
    --charset=utf8 --legal-comments=none --log-level=warning \
    --banner:js="// Made by ci/build_js.sh from web/js/$entry and what it imports: do not edit." \
    --outfile="$outfile" "$@"
}
# The worker imports TF.js itself once it has fetched it (not bundled).
bundle "$WORKER" "$dist/$WORKER" --minify
# Before the explorer's bundle, which imports the sizes.
node ci/js/download_sizes.mjs web "$dist/$WORKER" > "$dist/$SIZES"
for widget in "${WIDGETS[@]}"; do
  # Style sheets are imported as text; no syntax minifying, which would
  # turn that text into multi-line template literals again.
  bundle "${widget#*=}" "$out/${widget%%=*}.js" --minify-whitespace \
    --minify-identifiers --loader:.css=text
done
bundle "$STATIC" "$dist/$STATIC" --minify

if [ "${1:-}" != --check ]; then
  echo "[build_js] wrote ${#WIDGETS[@]} bundles in $ESM_DIR, and $WORKER, $SIZES, $STATIC in $DIST_DIR"
  exit 0
fi
stale=()
for widget in "${WIDGETS[@]}"; do
  name="${widget%%=*}.js"
  cmp -s "$out/$name" "$ESM_DIR/$name" || stale+=("$ESM_DIR/$name")
done
for name in "$WORKER" "$SIZES" "$STATIC"; do
  cmp -s "$dist/$name" "$DIST_DIR/$name" || stale+=("$DIST_DIR/$name")
done
if [ ${#stale[@]} -gt 0 ]; then
  echo "[build_js] not what the sources give: ${stale[*]}. Run \`bash ci/build_js.sh\` and commit them." >&2
  exit 1
fi
echo "[build_js] the bundles in $ESM_DIR and $DIST_DIR are current"
