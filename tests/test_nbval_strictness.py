"""nbval really compares outputs: a changed model must make it fail."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[1]
MODEL_NOTEBOOK = ROOT / "book" / "expected" / "lenet_model.ipynb"


def start_nbval(notebook):
    """Start nbval on one notebook, in its folder, the way `pytest --nbval`
    runs here."""
    workdir = notebook.parent
    (workdir / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, OMP_NUM_THREADS="2")
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
         f"--nbval-sanitize-with={ROOT / 'ci' / 'nbval_sanitize.cfg'}",
         "-c", str(workdir / "pytest.ini"), "-p", "no:cacheprovider",
         str(notebook)],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


def model_notebook_copy(folder):
    folder.mkdir()
    copy = folder / "lenet_model.ipynb"
    shutil.copy(MODEL_NOTEBOOK, copy)
    return copy


def change_first_kernel_size(copy):
    notebook = nbformat.read(copy, as_version=4)
    model_cell = next(cell for cell in notebook.cells
                      if "nn.Sequential()" in cell.source)
    assert model_cell.source.count("kernel_size=5") == 2
    model_cell.source = model_cell.source.replace(
        "kernel_size=5", "kernel_size=3", 1)
    nbformat.write(notebook, copy)


@pytest.fixture(scope="module")
def nbval_results(tmp_path_factory):
    """nbval on an unchanged and on a changed copy, side by side (each
    is a fresh MXNet process; together they take the time of one)."""
    base = tmp_path_factory.mktemp("nbval-strictness")
    unchanged = model_notebook_copy(base / "unchanged")
    changed = model_notebook_copy(base / "changed")
    change_first_kernel_size(changed)
    processes = {"unchanged": start_nbval(unchanged),
                 "changed": start_nbval(changed)}
    results = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=600)
        results[name] = (process.returncode, stdout, stderr)
    return results


def test_unchanged_copy_passes(nbval_results):
    returncode, stdout, stderr = nbval_results["unchanged"]
    assert returncode == 0, stdout + stderr
    assert " passed" in stdout


def test_changed_kernel_size_fails(nbval_results):
    returncode, stdout, stderr = nbval_results["changed"]
    assert returncode == 1, stdout + stderr
    assert "Cell outputs differ" in stdout
    # The first layer now gives 26×26 maps instead of 24×24.
    assert "(1, 6, 26, 26)" in stdout
