"""The theme speaks the book's language through its own hooks
(book/_ext/theme_words.py): each template it changes still has the text it
changes, a theme that dropped it stops the build, and the built pages keep
none of the English it replaced."""
import re

import pytest
from sphinx.errors import ExtensionError

import theme_words
from tests.built_site import HTML_DIR, require_built_book

# What the theme wrote in English before the book's words (or 列印, the
# theme's own Chinese for Print to PDF).
ENGLISH = ("Link to this heading", "Toggle primary sidebar",
           "Toggle secondary sidebar", "Color mode", "System Settings",
           "Search this book...", 'aria-label="Main"', 'aria-label="Page"',
           "列印成 PDF", "doc-biblioentry")


@pytest.mark.quick
def test_each_change_finds_the_themes_text(tmp_path):
    theme_words.write_templates(tmp_path)
    for _, _, found, changes in theme_words.TEMPLATE_CHANGES:
        text = (tmp_path / found).read_text("utf-8")
        for old, new in changes:
            assert old not in text and new in text, (found, old)
    macros = (tmp_path / "static" / "webpack-macros.html").read_text("utf-8")
    assert "fontawesome.js" not in macros and 'rel="preload"' not in macros


@pytest.mark.quick
def test_a_theme_without_the_text_stops_the_build():
    with pytest.raises(ExtensionError, match="no longer has"):
        theme_words.changed_template("book", "layout.html",
                                     [('aria-label="Nowhere"', "")])


@pytest.mark.build
def test_the_built_pages_keep_none_of_the_themes_english():
    require_built_book()
    left = {(page.name, word) for page in HTML_DIR.rglob("*.html")
            if "_static" not in page.parts
            for word in ENGLISH if word in page.read_text("utf-8")}
    assert left == set()
    index = (HTML_DIR / "book" / "index.html").read_text("utf-8")
    assert re.search(r'placeholder="在本书中搜索……"', index)
    assert "链接到本标题" in index and "打印成 PDF" in index
