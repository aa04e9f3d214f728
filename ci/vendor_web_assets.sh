#!/usr/bin/env bash
# Refresh web/vendor/: the JavaScript the built book needs, served from the
# book itself instead of public CDNs (readers behind slow or blocked networks).
# Pinned versions come from the npm registry; each package's licence is kept.
# The files are committed, so no reader's page and no build fetches them.
#   vega         - vega, vega-lite and vega-embed for the 5.5.4 sweep chart;
#                  vega-lite's major version matches Altair's (requirements.txt)
#   tfjs         - TensorFlow.js core with its gradients and its WebAssembly
#                  backend (single threaded, with and without SIMD) as one ES
#                  module made by esbuild (tf-core.min.js alone registers no
#                  gradient), for 训练 in the static 5.5.4 page
#                  (web/js/lenet_train.js); fetched by the training worker
#                  once the reader sets up a run
# The book's widgets need no widget manager: they are anywidgets, which
# web/js/static_widgets.js draws in the static pages.
# Web/vendor/ is copied by Sphinx's html_extra_path, not html_static_path, so
# Jupyter Book does not add these files to every page.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VEGA=vega@5.33.1
VEGA_LITE=vega-lite@5.20.1
VEGA_EMBED=vega-embed@6.29.0
# As ci/js/package.json pins them.
TFJS_CORE=@tensorflow/tfjs-core@4.22.0
TFJS_WASM=@tensorflow/tfjs-backend-wasm@4.22.0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ESBUILD=esbuild@0.25.12
packages=("$VEGA" "$VEGA_LITE" "$VEGA_EMBED")
echo "[vendor] npm pack ${packages[*]}"
(cd "$work" && npm pack --silent "${packages[@]}" >/dev/null)
for tarball in "$work"/*.tgz; do
  mkdir -p "${tarball%.tgz}" && tar xzf "$tarball" -C "${tarball%.tgz}"
done
# Where npm pack unpacked a package: @scope/name@1.0 -> scope-name-1.0.
unpacked() { local p="${1#@}"; p="${p//\//-}"; echo "$work/${p/@/-}/package"; }

out=web/vendor
rm -rf "$out.new" && mkdir -p "$out.new"/{vega,tfjs}
for package in "$VEGA" "$VEGA_LITE" "$VEGA_EMBED"; do
  name="${package%@*}" dir="$(unpacked "$package")"
  cp "$dir/build/$name.min.js" "$out.new/vega/"
  # BSD-3-Clause (package.json); vega's own package ships no LICENSE file.
  cp "$dir/package.json" "$out.new/vega/$name.package.json"
  if [ -f "$dir/LICENSE" ]; then cp "$dir/LICENSE" "$out.new/vega/$name.LICENSE"; fi
done
# One module: the core, every gradient, the WebAssembly backend.  The
# threaded build is left out: threads need cross-origin isolation, which
# GitHub Pages cannot give (lenet_train.js turns the flag off).
# ci/js pins the packages (package-lock.json) and the entry point.
echo "[vendor] npm ci in ci/js ($TFJS_CORE $TFJS_WASM $ESBUILD)"
bundle="$work/tfjs-bundle"
mkdir -p "$bundle" && cp ci/js/package.json ci/js/package-lock.json ci/js/tfjs_entry.js "$bundle/"
(cd "$bundle" && npm ci --silent --no-audit --no-fund &&
 npx esbuild tfjs_entry.js --bundle --format=esm --minify \
   --platform=browser --target=es2020 --legal-comments=eof \
   --outfile="$OLDPWD/$out.new/tfjs/tfjs.esm.min.js" --log-level=warning)
tfjs_dist="$bundle/node_modules/@tensorflow/tfjs-backend-wasm/dist"
cp "$tfjs_dist/tfjs-backend-wasm-simd.wasm" "$tfjs_dist/tfjs-backend-wasm.wasm" \
   "$out.new/tfjs/"
# Apache-2.0 (the licence comments at the module's end, and package.json).
for name in tfjs-core tfjs-backend-wasm; do
  cp "$bundle/node_modules/@tensorflow/$name/package.json" "$out.new/tfjs/$name.package.json"
done
packages+=("$TFJS_CORE" "$TFJS_WASM" "$ESBUILD")
printf '%s\n' "${packages[@]}" > "$out.new/VERSIONS"
# Replace the old copy only once the new one is complete.
rm -rf "$out" && mv "$out.new" "$out"
echo "[vendor] wrote $out ($(du -sh "$out" | cut -f1))"
