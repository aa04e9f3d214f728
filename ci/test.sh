#!/usr/bin/env bash
# Quick start 2: set up, build the book with warnings as errors, check the
# Binder environment, then run every test: unit, browser and integration tests
# and `pytest --nbval` on every page's expected outputs; then the tests whose
# numbers depend on the CPU once more as an older CPU would compute them
# (DNNL_MAX_CPU_ISA=AVX), so a bound that only holds on this CPU fails here.
# Extra arguments go to the first pytest run (e.g. -x, -k name).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ci/build.sh
. ci/setup.sh

# The Binder environment, rebuilt from binder/ alone (ci/binder_check.sh).
bash ci/binder_check.sh

echo "[test] python -m pytest --nbval $* (oneDNN: ${DNNL_MAX_CPU_ISA:-what this CPU offers})"
# pytest exits 5 when it collected no test; set -e makes that a failure too.
python -m pytest --nbval --junitxml=_build/logs/pytest.xml "$@"

if [ "${DNNL_MAX_CPU_ISA:-}" = AVX ]; then
  echo "[test] DNNL_MAX_CPU_ISA=AVX already: the CPU-dependent tests ran under it"
  exit 0
fi
echo "[test] DNNL_MAX_CPU_ISA=AVX python -m pytest --nbval -m cpu_dependent"
DNNL_MAX_CPU_ISA=AVX python -m pytest --nbval -m cpu_dependent \
  --junitxml=_build/logs/pytest-avx.xml
