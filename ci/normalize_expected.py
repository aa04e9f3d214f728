"""Strip what changes on every run from executed notebooks, so refreshing
book/expected/ shows only real differences in `git diff`: cell ids become
their position, per-cell execution timestamps are dropped, and so is the
saved widget state (random model ids; nbval never compares it).  Records
the instruction set oneDNN computed with (metadata.lenet.onednn_isa): the
training numbers depend on it, and a failing comparison should say so.

    python ci/normalize_expected.py book/expected/*.ipynb
"""
import sys

import nbformat

from lenet.runtime import onednn_isa


def normalize(path, isa):
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("widgets", None)
    notebook.metadata["lenet"] = {"onednn_isa": isa}
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


if __name__ == "__main__":
    isa = onednn_isa()
    for path in sys.argv[1:]:
        normalize(path, isa)
