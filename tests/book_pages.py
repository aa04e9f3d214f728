"""The book's pages, as the tests list them."""
from pathlib import Path

from repository_links import page_has_code

BOOK_DIR = Path(__file__).resolve().parents[1] / "book"
PAGES = sorted(BOOK_DIR.glob("*.md"))
PAGES_WITH_CODE = [page for page in PAGES if page_has_code(page)]
