"""The theme in the book's language, and the markup axe-core asks for,
through the theme's own hooks.

* Words: the themes (pydata-sphinx-theme under sphinx-book-theme) and
  Sphinx 7.4 translate through gettext catalogs, some of whose Chinese
  words are missing or not the book's (列印 for 打印).  book/locale/ holds
  the book's: `sphinx.po` (Sphinx's and pydata-sphinx-theme's catalog,
  read before theirs, as locale_dirs are) and `booktheme.po`
  (sphinx-book-theme's, put before the theme's own here).  The search
  field's placeholder is a theme option.
* Templates: where a theme writes English into a template without
  gettext, or markup axe-core refuses, the template is changed, as a
  copy of the theme's own made at each build (TEMPLATE_CHANGES; a change
  whose text the theme no longer has stops the build).
* What no hook reaches (the bibliography's roles, which docutils'
  HTML writer writes) is changed in the page's body (`page_markup`).
"""
import gettext
import shutil
from pathlib import Path

import pydata_sphinx_theme
import sphinx_book_theme
from sphinx import locale
from sphinx.errors import ExtensionError
from sphinx.util.i18n import CatalogInfo

LOCALE = Path(__file__).resolve().parents[1] / "locale"
SEARCH_PLACEHOLDER = "在本书中搜索……"
THEMES = {
    "book": Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme",
    "pydata": Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme",
}
# (theme, template, the name it is found by, its changes: each the
# theme's text and the book's).  A component is found by its bare name,
# the pydata theme's layout by the name the book theme extends.
TEMPLATE_CHANGES = [
    # Written into the templates without gettext.
    ("book", "components/toggle-primary-sidebar.html", "toggle-primary-sidebar.html",
     [('title="Toggle primary sidebar"', 'title="显示或隐藏左侧目录"')]),
    ("book", "components/toggle-secondary-sidebar.html", "toggle-secondary-sidebar.html",
     [('title="Toggle secondary sidebar"', 'title="显示或隐藏本页目录"')]),
    ("book", "components/sbt-sidebar-nav.html", "sbt-sidebar-nav.html",
     [('aria-label="Main"', 'aria-label="主导航"')]),
    ("book", "layout.html", "layout.html", [('aria-label="Page"', 'aria-label="本页"')]),
    # The search button shows "搜索 Ctrl+K" and its aria-label said "搜索":
    # a name unlike the visible text confuses speech input (axe-core's
    # label-content-name-mismatch), so the text names it.
    ("pydata", "components/search-button-field.html", "search-button-field.html",
     [(' aria-label="{{ _(\'Search\') }}"', "")]),
    # The search's three scripts in the head, deferred in their order (as
    # page_weight.py defers the others), on the pages and on the search
    # page: each held the first paint back.
    ("pydata", "layout.html", "pydata_sphinx_theme/layout.html", [
        ("<script src=\"{{ pathto('_static/searchtools.js', 1) | e }}\">",
         "<script defer src=\"{{ pathto('_static/searchtools.js', 1) | e }}\">"),
        ("<script src=\"{{ pathto('_static/language_data.js', 1) | e }}\">",
         "<script defer src=\"{{ pathto('_static/language_data.js', 1) | e }}\">"),
        ("<script src=\"{{ pathto('searchindex.js', 1) | e }}\">",
         "<script defer src=\"{{ pathto('searchindex.js', 1) | e }}\">")]),
    ("pydata", "search.html", "search.html", [
        ("<script src=\"{{ pathto('_static/searchtools.js', 1) }}\">",
         "<script defer src=\"{{ pathto('_static/searchtools.js', 1) }}\">"),
        ("<script src=\"{{ pathto('_static/language_data.js', 1) }}\">",
         "<script defer src=\"{{ pathto('_static/language_data.js', 1) }}\">"),
        ("<script src=\"{{ pathto('searchindex.js', 1) }}\">",
         "<script defer src=\"{{ pathto('searchindex.js', 1) }}\">")]),
]
# (theme, template, the name it is found by, macros whose body is dropped).  The theme's 1.5 MB icon
# script (the stylesheet draws the same icons from the fonts page_weight.py
# cuts) and its preloads of the two scripts the page loads, deferred, at
# the end anyway: each held the first paint back on a slow line.
EMPTIED_MACROS = [("pydata", "static/webpack-macros.html", "static/webpack-macros.html",
                   ["head_js_preload"])]
# docutils writes each entry of the bibliography (a role="list") with the
# deprecated role doc-biblioentry, which axe-core refuses in a list
# (aria-required-children, critical); no template or option reaches it.
BIBLIOGRAPHY_ENTRY = ('role="doc-biblioentry"', 'role="listitem"')


def changed_template(theme, name, changes):
    """The text of a theme's template with `changes` made."""
    text = (THEMES[theme] / name).read_text(encoding="utf-8")
    for old, new in changes:
        if old not in text:
            raise ExtensionError(
                f"theme_words: {theme}'s {name} no longer has {old!r}:"
                " the theme changed; update TEMPLATE_CHANGES")
        text = text.replace(old, new, 1)
    return text


def emptied_macros(theme, name, macros):
    """The text of a theme's template with the bodies of `macros` gone."""
    text = (THEMES[theme] / name).read_text(encoding="utf-8")
    for macro in macros:
        start = text.find(f"{{% macro {macro}() %}}")
        end = text.find("{% endmacro %}", start)
        if start < 0 or end < 0:
            raise ExtensionError(
                f"theme_words: {theme}'s {name} has no macro {macro}: the"
                " theme changed; update EMPTIED_MACROS")
        text = text[:start] + f"{{% macro {macro}() %}}" + text[end:]
    return text


def write_templates(folder):
    """The changed templates in `folder`, by the names they are found by."""
    made = {found: changed_template(theme, name, changes)
            for theme, name, found, changes in TEMPLATE_CHANGES}
    made.update({found: emptied_macros(theme, name, macros)
                 for theme, name, found, macros in EMPTIED_MACROS})
    for found, text in made.items():
        target = Path(folder, found)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")


def _book_catalog_first(app):
    """sphinx-book-theme's catalog with the book's words read first (the
    theme registers its own when it is set up, before this; Sphinx reads
    locale_dirs' sphinx.po first itself)."""
    CatalogInfo(str(LOCALE / app.config.language / "LC_MESSAGES"),
                "booktheme", "utf-8").write_mo(app.config.language)
    key = ("general", "booktheme")
    theirs = locale.translators.get(key)
    ours = gettext.translation("booktheme", str(LOCALE),
                               languages=[app.config.language])
    if theirs is not None:
        ours.add_fallback(theirs)
    locale.translators[key] = ours


def configure(app, config):
    config.html_theme_options["search_bar_text"] = SEARCH_PLACEHOLDER
    folder = Path(app.outdir).parent / "theme_templates"
    shutil.rmtree(folder, ignore_errors=True)  # what an older build made
    write_templates(folder)
    config.templates_path.insert(0, str(folder))


def builder_inited(app):
    _book_catalog_first(app)


def page_markup(body):
    """The markup no hook reaches, changed in a page's body."""
    return body.replace(*BIBLIOGRAPHY_ENTRY)
