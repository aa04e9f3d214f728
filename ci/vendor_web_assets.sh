#!/usr/bin/env bash
# Refresh web/vendor/: the JavaScript the built book needs, served from the
# book itself instead of public CDNs (readers behind slow or blocked networks).
# Pinned versions come from the npm registry; each package's licence is kept.
# The files are committed, so building the book needs no npm.
#   mathjax      - MathJax 3 (tex-chtml), its CHTML fonts and TeX extensions
#   vega         - vega, vega-lite and vega-embed for the 5.5.4 sweep chart;
#                  vega-lite's major version matches Altair's (requirements.txt)
# The book's widgets need no widget manager: they are anywidgets, which
# web/js/static_widgets.js draws in the static pages.
# Web/vendor/ is copied by Sphinx's html_extra_path, not html_static_path, so
# Jupyter Book does not add these files to every page.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MATHJAX=mathjax@3.2.2
VEGA=vega@5.33.1
VEGA_LITE=vega-lite@5.20.1
VEGA_EMBED=vega-embed@6.29.0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
packages=("$MATHJAX" "$VEGA" "$VEGA_LITE" "$VEGA_EMBED")
echo "[vendor] npm pack ${packages[*]}"
(cd "$work" && npm pack --silent "${packages[@]}" >/dev/null)
for tarball in "$work"/*.tgz; do
  mkdir -p "${tarball%.tgz}" && tar xzf "$tarball" -C "${tarball%.tgz}"
done
# Where npm pack unpacked a package: @scope/name@1.0 -> scope-name-1.0.
unpacked() { local p="${1#@}"; p="${p//\//-}"; echo "$work/${p/@/-}/package"; }
mathjax="$(unpacked "$MATHJAX")"

out=web/vendor
rm -rf "$out.new" && mkdir -p "$out.new"/{mathjax,vega}
cp "$mathjax/LICENSE" "$mathjax/es5/tex-chtml.js" "$out.new/mathjax/"
mkdir -p "$out.new/mathjax/output/chtml/fonts" "$out.new/mathjax/input/tex"
cp -r "$mathjax/es5/output/chtml/fonts/woff-v2" "$out.new/mathjax/output/chtml/fonts/"
cp -r "$mathjax/es5/input/tex/extensions" "$out.new/mathjax/input/tex/"
for package in "$VEGA" "$VEGA_LITE" "$VEGA_EMBED"; do
  name="${package%@*}" dir="$(unpacked "$package")"
  cp "$dir/build/$name.min.js" "$out.new/vega/"
  # BSD-3-Clause (package.json); vega's own package ships no LICENSE file.
  cp "$dir/package.json" "$out.new/vega/$name.package.json"
  if [ -f "$dir/LICENSE" ]; then cp "$dir/LICENSE" "$out.new/vega/$name.LICENSE"; fi
done
printf '%s\n' "${packages[@]}" > "$out.new/VERSIONS"
# Replace the old copy only once the new one is complete.
rm -rf "$out" && mv "$out.new" "$out"
echo "[vendor] wrote $out ($(du -sh "$out" | cut -f1))"
