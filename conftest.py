"""Make `pytest --nbval` run the pages' expected notebooks like the book does.

nbval starts each kernel in the notebook's own folder (book/expected), so the
`lenet` package beside the pages is put on the kernels' PYTHONPATH.
"""
import os
from pathlib import Path

BOOK_DIR = Path(__file__).resolve().parent / "book"

# Kernels inherit this environment. A fixed thread count keeps training
# bit-identical from run to run.
os.environ["OMP_NUM_THREADS"] = "2"
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(BOOK_DIR), os.environ.get("PYTHONPATH")]))

# Executed copies of the pages in the build folder are not expected outputs.
collect_ignore_glob = ["_build/*", ".venv/*"]
