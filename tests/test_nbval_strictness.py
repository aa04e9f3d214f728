"""nbval really compares outputs: a changed model must make it fail."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL_NOTEBOOK = ROOT / "book" / "expected" / "lenet_model.ipynb"


def run_nbval(notebook, workdir):
    """Run nbval on one notebook the way `pytest --nbval` does here."""
    (workdir / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "book"), OMP_NUM_THREADS="2")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
         f"--nbval-sanitize-with={ROOT / 'ci' / 'nbval_sanitize.cfg'}",
         "-c", str(workdir / "pytest.ini"), "-p", "no:cacheprovider",
         str(notebook)],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def model_notebook_copy(tmp_path):
    copy = tmp_path / "lenet_model.ipynb"
    shutil.copy(MODEL_NOTEBOOK, copy)
    return copy


def test_unchanged_copy_passes(model_notebook_copy, tmp_path):
    result = run_nbval(model_notebook_copy, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def test_changed_kernel_size_fails(model_notebook_copy, tmp_path):
    notebook = nbformat.read(model_notebook_copy, as_version=4)
    model_cell = next(cell for cell in notebook.cells
                      if "nn.Sequential()" in cell.source)
    assert model_cell.source.count("kernel_size=5") == 2
    model_cell.source = model_cell.source.replace(
        "kernel_size=5", "kernel_size=3", 1)
    nbformat.write(notebook, model_notebook_copy)

    result = run_nbval(model_notebook_copy, tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Cell outputs differ" in result.stdout
    # The first layer now gives 26×26 maps instead of 24×24.
    assert "(1, 6, 26, 26)" in result.stdout
