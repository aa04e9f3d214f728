"""book/expected/*.ipynb must be the pages themselves, executed.

nbval only compares cells that have a stored execution count and outputs, so
the expected notebooks are what makes `pytest --nbval` strict. These tests
fail when a page and its expected notebook drift apart.
"""
import subprocess
import sys

import jupytext
import nbformat
import pytest

from tests.built_site import BOOK_DIR, pages_with_code

PAGES_WITH_CODE = pages_with_code()

EXPECTED_DIR = BOOK_DIR / "expected"
REFRESH = "ci/refresh_expected.sh"


def comparable(cell):
    return (cell.cell_type, cell.source.strip(),
            sorted(cell.metadata.get("tags", [])))


@pytest.mark.quick
def test_every_page_with_code_has_expected_outputs_and_no_strays():
    expected = {path.stem for path in EXPECTED_DIR.glob("*.ipynb")}
    pages = {page.stem for page in PAGES_WITH_CODE}
    assert pages, "no MyST page with code cells was found in book/"
    assert expected == pages, (
        f"pages without expected outputs: {sorted(pages - expected)}; "
        f"expected outputs without a page: {sorted(expected - pages)}. "
        f"Run {REFRESH}.")


@pytest.mark.quick
@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: p.name)
def test_expected_notebook_has_the_pages_cells(page):
    expected_path = EXPECTED_DIR / (page.stem + ".ipynb")
    page_cells = [comparable(cell) for cell in jupytext.read(page).cells]
    expected_cells = [comparable(cell) for cell in
                      nbformat.read(expected_path, as_version=4).cells]
    for index, (ours, stored) in enumerate(zip(page_cells, expected_cells)):
        assert ours == stored, (
            f"cell {index} of {page.name} differs from {expected_path.name}."
            f" Run {REFRESH} {page.relative_to(BOOK_DIR.parent)}")
    assert len(page_cells) == len(expected_cells), (
        f"{page.name} has {len(page_cells)} cells, {expected_path.name}"
        f" {len(expected_cells)}. Run {REFRESH}.")


@pytest.mark.quick
@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: p.name)
def test_every_expected_code_cell_was_run_without_error(page):
    notebook = nbformat.read(EXPECTED_DIR / (page.stem + ".ipynb"),
                             as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, (
            f"cell {index} of {page.stem}.ipynb was never run, so nbval"
            f" would not compare it. Run {REFRESH}.")
        assert all(output.output_type != "error" for output in cell.outputs)


@pytest.mark.processes
def test_pytest_nbval_collects_the_expected_notebooks_and_nothing_built():
    """`pytest --nbval` from the root: pages yes, copies under _build/ no."""
    root = BOOK_DIR.parent
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--collect-only", "-q",
         "-p", "no:cacheprovider"],
        cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    files = {line.split("::")[0] for line in result.stdout.splitlines()
             if "::" in line}
    notebooks = {name for name in files if name.endswith(".ipynb")}
    assert notebooks == {f"book/expected/{page.stem}.ipynb"
                         for page in PAGES_WITH_CODE}
    assert all(name.startswith(("tests/", "book/expected/"))
               for name in files), files
