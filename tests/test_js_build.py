"""What is made, not written, is what its sources give, and says so: each
widget's bundle in book/lenet/esm/ and the worker, the static pages'
script and the download sizes in web/js/dist/ are what ci/build_js.sh
makes of web/js/ and book/lenet/contract/ (`bash ci/build_js.sh
--check`), with node and esbuild alone: no Python; the LeNet figures are
what ci/draw_lenet_figure.py draws (`bash ci/regenerate.sh` makes them
all)."""
import os
import shutil
import subprocess
import sys

import pytest

from lenet import paths
from tests.built_site import ROOT
from tests.prerequisites import require_command, require_or_skip

pytestmark = pytest.mark.processes
# What ci/build_js.sh runs besides bash's builtins and esbuild.
COMMANDS = ("node", "dirname", "mktemp", "rm", "mkdir", "cmp")


def check(tmp_path, esm_dir=None):
    """ci/build_js.sh --check with a PATH that holds COMMANDS only."""
    require_or_skip((ROOT / "ci" / "js" / "node_modules" / ".bin" /
                     "esbuild").exists(),
                    "esbuild is not installed: run `bash ci/setup.sh`"
                    " (npm ci in ci/js)")
    tools = tmp_path / "bin"
    tools.mkdir()
    for command in COMMANDS:
        (tools / command).symlink_to(require_command(command, "apt"))
    env = {"PATH": str(tools), "HOME": str(tmp_path)}
    if esm_dir is not None:
        env["LENET_ESM_DIR"] = str(esm_dir)
    return subprocess.run([shutil.which("bash"), "ci/build_js.sh", "--check"],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_committed_javascript_is_what_its_sources_give(tmp_path):
    done = check(tmp_path)
    assert done.returncode == 0, done.stderr


def test_a_stale_bundle_is_named(tmp_path):
    stale = tmp_path / "esm"
    shutil.copytree(paths.ESM_DIR, stale)
    (stale / "explorer.js").write_text(
        paths.widget_esm("explorer").replace("训练", "练训", 1), "utf-8")
    done = check(tmp_path, stale)
    assert done.returncode == 1
    assert f"{stale}/explorer.js" in done.stderr
    assert "network_viewer.js" not in done.stderr


def test_the_build_needs_no_python(tmp_path):
    """A script that called Python would fail on the PATH check() gives."""
    script = tmp_path / "calls_python.sh"
    script.write_text("python3 -c 'print(1)'\n")
    tools = tmp_path / "bin"
    tools.mkdir()
    done = subprocess.run([shutil.which("bash"), str(script)],
                          env={"PATH": str(tools)}, capture_output=True,
                          text=True)
    assert done.returncode == 127 and "python3" in done.stderr


FIGURES = (ROOT / "book" / "figures" / "lenet.svg",
           ROOT / "web" / "figures" / "lenet-narrow.svg")


def test_every_made_file_says_so_on_its_first_line():
    made = [*paths.ESM_DIR.glob("*.js"), *(paths.WEB / "js" / "dist").glob("*.js")]
    assert len(made) == 5
    for path in made:
        first = path.read_text("utf-8").partition("\n")[0]
        assert first.startswith("// Made by ci/build_js.sh from web/js/"), path
    assert paths.download_sizes()["generated"].startswith("by ci/build_js.sh")
    assert os.path.getsize(paths.DOWNLOAD_SIZES) < 2000
    for figure in FIGURES:
        assert figure.read_text("utf-8").startswith(
            "<!-- Made by ci/draw_lenet_figure.py"), figure


def test_the_figures_are_what_their_script_draws(tmp_path):
    subprocess.run([sys.executable, "ci/draw_lenet_figure.py", "--into",
                    str(tmp_path)], cwd=ROOT, check=True, capture_output=True,
                   timeout=60)
    for figure in FIGURES:
        assert (tmp_path / figure.name).read_bytes() == figure.read_bytes(), (
            f"{figure} is stale: run `bash ci/regenerate.sh`")
