"""The book's pages, as the tests list them."""
from pathlib import Path

import jupytext

BOOK_DIR = Path(__file__).resolve().parents[1] / "book"
PAGES = sorted(BOOK_DIR.glob("*.md"))


def has_code(page):
    return any(cell.cell_type == "code" for cell in jupytext.read(page).cells)


PAGES_WITH_CODE = [page for page in PAGES if has_code(page)]
