"""How `pytest --nbval` runs here: every test says its tier, and the pages'
expected notebooks run like the book does.

A test module says its tier with `pytestmark` (pytest.ini lists the tiers);
a notebook cannot, so the tiers of book/expected/ are named here.  A test
with no tier, with `quick` beside another tier, or that uses the real data
set without saying so, fails collection: nothing becomes quick by default.
nbval starts each page's kernel in this environment, where ci/setup.sh
installed the `lenet` package.
"""
import os

import pytest

# The built site, its server and the `browser` fixture, for every test.
pytest_plugins = ["tests.built_site"]

# Kernels inherit this environment. A fixed thread count keeps training
# bit-identical from run to run.
os.environ["OMP_NUM_THREADS"] = "2"

# Executed copies of the pages in the build folder are not expected outputs.
collect_ignore_glob = ["_build/*", ".venv/*"]

TIERS = ("quick", "real_data", "processes", "training", "build", "browser",
         "lab")
NOTEBOOK_TIERS = {
    # Train LeNet on the real data for epochs, in a kernel.
    "training.ipynb": ("training", "real_data", "processes", "cpu_dependent"),
    "exercises.ipynb": ("training", "real_data", "processes", "cpu_dependent"),
    # A kernel of their own, and no data.
    "index.ipynb": ("processes",),
    "lenet_model.ipynb": ("processes",),
}


def tier_problem(item):
    """Why `item`'s tier markers do not fit, or None."""
    tiers = [tier for tier in TIERS if item.get_closest_marker(tier)]
    if not tiers:
        return f"has no tier: mark it with one of {', '.join(TIERS)}"
    if "quick" in tiers and len(tiers) > 1:
        return f"is marked quick and {', '.join(tiers[1:])}"
    if "real_data_dir" in getattr(item, "fixturenames", ()) and (
            not item.get_closest_marker("real_data")):
        return "reads the real data set (real_data_dir) but is not real_data"
    return None


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            for tier in NOTEBOOK_TIERS.get(item.path.name, ()):
                item.add_marker(getattr(pytest.mark, tier))
    problems = [f"{item.nodeid} {problem}" for item in items
                if (problem := tier_problem(item))]
    if problems:
        raise pytest.UsageError("tests without a fitting tier (pytest.ini):\n"
                                + "\n".join(problems))
