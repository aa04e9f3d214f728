"""Strip what changes on every run from executed notebooks, so refreshing
book/expected/ shows only real differences in `git diff`: cell ids become
their position, per-cell execution timestamps are dropped, and so is the
saved widget state (random model ids; nbval never compares it).

    python ci/normalize_expected.py book/expected/*.ipynb
"""
import sys

import nbformat


def normalize(path):
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("widgets", None)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        normalize(path)
