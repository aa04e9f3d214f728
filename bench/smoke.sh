#!/usr/bin/env bash
# Every benchmark at its smallest setting, set up from nothing, one after
# another (two trainings side by side thrash), so that none of them rots:
# the numbers are not the point, that each command runs to its end is.
# Run on demand and weekly by .github/workflows/bench.yml, outside the
# README's test command; by hand:
#
#     bash bench/smoke.sh            # the book's build and .venv-bench first
#     bash bench/smoke.sh --no-setup # with both already there
#
# bench.phone's CPU quota needs root: without it the phone is skipped and
# the desktop visit runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != "--no-setup" ]; then
  bash ci/build.sh
  bash bench/setup.sh
fi
book=.venv/bin/python
bench=.venv-bench/bin/python
export OMP_NUM_THREADS=2
failed=()
run() {
  local started=$SECONDS
  printf '\n[smoke] %s\n' "$*"
  if "$@"; then
    printf '[smoke] ok in %d s: %s\n' $((SECONDS - started)) "$*"
  else
    printf '[smoke] FAILED: %s\n' "$*"
    failed+=("$*")
  fi
}

run "$bench" -m bench.train_speed --repeats 1 --accuracy-epochs 0
run "$bench" -m bench.profile_epoch
run "$book" -m bench.loader_speed --repeats 1
run "$book" -m bench.contention --repeats 1 --pipelines explorer --conditions alone
run "$book" -m bench.preset_time 快速试跑 --rounds 1
run "$book" -m bench.lr_schedule --lrs 0.1 --seeds 0
run "$book" -m bench.tfjs_kernels --rotations 1 --batches 2
run "$book" -m bench.browser_speed --repeats 1
run "$book" -m bench.forward_pass_alternatives
run "$book" -m bench.update_bytes
run "$book" -m bench.slow_line
run "$book" -m bench.axe_report
run "$book" -m bench.phone --runs 1 --conditions desktop phone --live on off
run "$book" -m bench.lighthouse --runs 1 --pages index

if [ ${#failed[@]} -gt 0 ]; then
  printf '\n[smoke] %d benchmark(s) failed:\n' ${#failed[@]}
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
printf '\n[smoke] every benchmark ran\n'
