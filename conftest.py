"""Make `pytest --nbval` run the pages' expected notebooks like the book does,
and give every test its kind (pytest.ini lists the markers).

nbval starts each kernel in the notebook's own folder (book/expected), so the
`lenet` package beside the pages is put on the kernels' PYTHONPATH.
"""
import os
from pathlib import Path

import pytest

BOOK_DIR = Path(__file__).resolve().parent / "book"

# Kernels inherit this environment. A fixed thread count keeps training
# bit-identical from run to run.
os.environ["OMP_NUM_THREADS"] = "2"
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(BOOK_DIR), os.environ.get("PYTHONPATH")]))

# Executed copies of the pages in the build folder are not expected outputs.
collect_ignore_glob = ["_build/*", ".venv/*"]

# A test module says its kinds with `pytestmark`; a notebook cannot, so the
# pages that train on the real data are named here.
SLOW_KINDS = ("build", "browser", "lab", "training")
TRAINING_PAGES = {"training.ipynb", "exercises.ipynb"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb" and item.path.name in TRAINING_PAGES:
            item.add_marker(pytest.mark.training)
            item.add_marker(pytest.mark.cpu_dependent)
        if not any(item.get_closest_marker(kind) for kind in SLOW_KINDS):
            item.add_marker(pytest.mark.quick)
