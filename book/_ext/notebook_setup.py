"""The download button's notebooks run anywhere Jupyter runs.

Each page with code is offered as ``_sources/book/PAGE.ipynb``.  Outside
this repository its first ``from lenet import ...`` would fail, so this
extension puts one cell before all others in each of those notebooks (after
the build: the HTML never shows it).  The cell (notebook_setup_cell.py)
does nothing where ``lenet`` can be imported; elsewhere it installs the
``lenet`` package at the book's own commit, from the repository the Binder
buttons point at (repository_links.py), and the pinned requirements of
book/requirements.txt, or says in Chinese why it cannot (Python 3.12, no
MXNet for Windows or Apple silicon, no git, a build without a repository).
"""
import json
import subprocess
from pathlib import Path

from sphinx.util import logging

from repository_links import repository_of

TEMPLATE = Path(__file__).with_name("notebook_setup_cell.py")
MARK = "lenet_setup"  # the cell's metadata key
logger = logging.getLogger(__name__)


def setup_cell(source, origin):
    """The setup cell (nbformat 4) for the pip VCS URL `source`
    (``https://...git@COMMIT``, ``file:///...@COMMIT``; "" for none)."""
    text = (TEMPLATE.read_text(encoding="utf-8")
            .replace("@BOOK_SOURCE@", source).replace("@BOOK_ORIGIN@", origin))
    return {"cell_type": "code", "execution_count": None, "outputs": [],
            "metadata": {MARK: True, "tags": ["remove-cell"]},
            "source": text.splitlines(keepends=True)}


def with_setup_cell(notebook, source, origin):
    """`notebook` (a dict) with the setup cell first, replacing an older
    one."""
    cells = [cell for cell in notebook["cells"]
             if not cell.get("metadata", {}).get(MARK)]
    return {**notebook, "cells": [setup_cell(source, origin), *cells]}


def book_source(repository, folder):
    """(source, origin) of this build: the repository at HEAD's commit (at
    its branch in a repository without commits)."""
    if repository is None:
        return "", "构建时没有找到本书的仓库"
    commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "--verify",
                             "-q", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    where = f"提交 {commit[:12]}" if commit else f"分支 {repository.branch}"
    return (f"{repository.url}.git@{commit or repository.branch}",
            f"{repository.url}，{where}")


def add_setup_cells(app):
    """The setup cell first in each downloadable notebook with code."""
    source, origin = book_source(repository_of(app.config), app.srcdir)
    written = []
    for path in sorted(Path(app.outdir, "_sources").rglob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if any(cell["cell_type"] == "code" for cell in notebook["cells"]):
            path.write_text(json.dumps(
                with_setup_cell(notebook, source, origin), ensure_ascii=False,
                indent=1), encoding="utf-8")
            written.append(path.stem)
    logger.info(f"[notebook_setup] a setup cell first in {', '.join(written)}"
                f" ({origin})")
