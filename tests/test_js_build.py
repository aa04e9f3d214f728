"""The JavaScript that is made, not written, is what its sources give:
web/js/lenet_contract.js is book/lenet/contract.py's constants and
protocol, and each widget's bundle in book/lenet/esm/ is esbuild's bundle
of its module in web/js/ with everything that module imports
(`bash ci/build_js.sh --check`; `bash ci/build_js.sh` writes them)."""
import os
import shutil
import subprocess
import sys

import pytest

from lenet import contract
from tests.prerequisites import require_or_skip
from tests.site import ROOT

pytestmark = pytest.mark.processes


def check(esm_dir=None):
    require_or_skip((ROOT / "ci" / "js" / "node_modules" / ".bin" /
                     "esbuild").exists(),
                    "esbuild is not installed: run `bash ci/setup.sh`"
                    " (npm ci in ci/js)")
    env = dict(os.environ, PYTHON=sys.executable)
    if esm_dir is not None:
        env["LENET_ESM_DIR"] = str(esm_dir)
    return subprocess.run(["bash", "ci/build_js.sh", "--check"], cwd=ROOT,
                          env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_committed_javascript_is_what_its_sources_give():
    done = check()
    assert done.returncode == 0, done.stderr


def test_a_stale_bundle_is_named(tmp_path):
    stale = tmp_path / "esm"
    shutil.copytree(contract.ESM_DIR, stale)
    (stale / "explorer.js").write_text(
        contract.widget_esm("explorer").replace("训练", "练训", 1), "utf-8")
    done = check(stale)
    assert done.returncode == 1
    assert f"{stale}/explorer.js" in done.stderr
    assert "network_viewer.js" not in done.stderr


def test_the_contract_module_holds_the_contract():
    """What the browser imports is the contract's own values."""
    text = contract.CONTRACT_JS.read_text("utf-8")
    for name, value in contract.javascript_constants().items():
        assert f"export const {name} = " in text, name
    assert contract.MESSAGES["stopped"] in text
