"""The book's pages, as the tests list them."""
import re
from pathlib import Path

from repository_links import BINDERHUB, page_has_code

BOOK_DIR = Path(__file__).resolve().parents[1] / "book"
PAGES = sorted(BOOK_DIR.glob("*.md"))
PAGES_WITH_CODE = [page for page in PAGES if page_has_code(page)]


def binder_launch_links(html_text):
    """The page's buttons that launch it on Binder (a mention of
    mybinder.org in the prose is not one)."""
    return set(re.findall(re.escape(BINDERHUB) + r'/v2/[^"\s<]*', html_text))
