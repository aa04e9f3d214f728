#!/usr/bin/env bash
# Every committed file that is made from this repository's own sources,
# made again; each says on its first line that it is made, and by what:
#   book/lenet/esm/*.js, web/js/dist/*   ci/build_js.sh (node and esbuild)
#   book/figures/lenet.svg, web/figures/lenet-narrow.svg
#                                        ci/draw_lenet_figure.py
# Not here, each with its own command (CONTRIBUTING.md): the expected
# notebooks (ci/refresh_expected.sh runs the pages), web/vendor/ (from npm,
# ci/vendor_web_assets.sh) and the recorded measurements (ci/record/).
# Usage: ci/regenerate.sh           write them
#        ci/regenerate.sh --check   write nothing; fail, naming each file
#                                   that is not what its sources give
# (tests/test_js_build.py runs the checks in CI.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python="${PYTHON:-python}"
FIGURES=(book/figures/lenet.svg web/figures/lenet-narrow.svg)

if [ "${1:-}" != --check ]; then
  bash ci/build_js.sh
  "$python" ci/draw_lenet_figure.py
  exit 0
fi
failed=0
bash ci/build_js.sh --check || failed=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" ci/draw_lenet_figure.py --into "$work" > /dev/null
for figure in "${FIGURES[@]}"; do
  if ! cmp -s "$work/$(basename "$figure")" "$figure"; then
    echo "[regenerate] not what ci/draw_lenet_figure.py gives: $figure. Run \`bash ci/regenerate.sh\` and commit it." >&2
    failed=1
  fi
done
[ "$failed" = 0 ] && echo "[regenerate] every made file is current"
exit "$failed"
