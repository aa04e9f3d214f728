#!/usr/bin/env bash
# Quick start 2: set up, build the book with warnings as errors, check the
# Binder environment, then run every test: unit, browser and integration tests
# and `pytest --nbval` on every page's expected outputs; then the tests whose
# numbers depend on the CPU once more as an older CPU would compute them
# (DNNL_MAX_CPU_ISA=AVX), so a bound that only holds on this CPU fails here.
#
# Usage: ci/test.sh [--job JOB] [pytest arguments, e.g. -x, -k name]
#   no --job   everything (the README's quick start and .ci/run)
#   quick      the quick tier alone: no build, no browser, no real data
#   build      every tier but quick, browser and lab: builds the book first
#   browser    the browser tier but the lab: builds the book first
#   lab        the live JupyterLab tests: builds the Binder environment first
# The jobs together are everything; the workflow runs quick, then the other
# three at once (.github/workflows/book.yml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

job=all
if [ "${1:-}" = --job ]; then job="${2:-}"; shift 2 || shift; fi
case "$job" in
  all)     marks="" build=yes binder=yes ;;
  quick)   marks="quick" build=no binder=no ;;
  build)   marks="not quick and not browser and not lab" build=yes binder=no ;;
  browser) marks="browser and not lab" build=yes binder=no ;;
  lab)     marks="lab" build=no binder=yes ;;
  *) echo "[test] no job '$job': quick, build, browser or lab (or none: all)" >&2
     exit 2 ;;
esac

if [ "$build" = yes ]; then bash ci/build.sh; fi
. ci/setup.sh
# The Binder environment, rebuilt from binder/ alone (ci/binder_check.sh).
if [ "$binder" = yes ]; then bash ci/binder_check.sh; fi

selected=()
[ -n "$marks" ] && selected=(-m "$marks")
echo "[test] python -m pytest --nbval ${selected[*]} $* (oneDNN: ${DNNL_MAX_CPU_ISA:-what this CPU offers})"
# pytest exits 5 when it collected no test; set -e makes that a failure too.
python -m pytest --nbval "${selected[@]}" --junitxml="_build/logs/pytest-$job.xml" "$@"

if [ "$job" = quick ] || [ "$job" = lab ]; then exit 0; fi
if [ "${DNNL_MAX_CPU_ISA:-}" = AVX ]; then
  echo "[test] DNNL_MAX_CPU_ISA=AVX already: the CPU-dependent tests ran under it"
  exit 0
fi
again="cpu_dependent${marks:+ and ($marks)}"
echo "[test] DNNL_MAX_CPU_ISA=AVX python -m pytest --nbval -m \"$again\""
DNNL_MAX_CPU_ISA=AVX python -m pytest --nbval -m "$again" \
  --junitxml="_build/logs/pytest-$job-avx.xml"
