"""What the book's own extensions do to each page and to the built site,
in one place and in order.

Each page, as it is written (html-page-context, after the theme's and
myst-nb's handlers have added their scripts):
  1. typeset its formulas (static_math.py), dropping MathJax's scripts;
  2. drop the scripts this build lists twice (dedupe_page_scripts.py);
  3. defer the scripts of its head (page_weight.py);
  4. move its large JSON blocks to files beside it: the widget state
     and the sweep chart's data (page_weight.py);
  5. the markup no theme hook reaches (theme_words.py).

The site, once every page is written (build-finished, after the theme's
own handler rewrites _static/pygments.css, which a later step compresses):
  1. a setup cell first in each downloadable notebook (notebook_setup.py);
  2. the icon fonts cut to the icons the site shows (page_weight.py);
  3. sw.js, listing every file as it now is (offline_book.py);
  4. .gz and .br beside every text file, last (page_weight.py).

The theme's own words and templates are theme_words.py's, through the
theme's catalogs, templates and options, before any page is written.
"""
from pathlib import Path

from sphinx.util import logging

import dedupe_page_scripts
import notebook_setup
import offline_book
import page_weight
import static_math
import theme_words

logger = logging.getLogger(__name__)
# Sphinx's extensions and the themes add what a page loads at the default
# priority (500; sphinx-book-theme's buttons at 501): the page's steps
# come after them.  The site's steps come after every other handler of
# build-finished (the theme's at the default).
AFTER_THE_OTHERS = 900


def each_page(app, pagename, templatename, context, doctree):
    if app.builder.format != "html":
        return
    static_math.typeset_page(app, context)
    dedupe_page_scripts.dedupe_scripts(context)
    page_weight.defer_head_scripts(context)
    page_weight.external_widget_state(app.outdir, pagename, context)
    if "body" in context:
        context["body"] = theme_words.page_markup(
            page_weight.external_json_blocks(app.outdir, pagename,
                                             context["body"]))


def the_site(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    notebook_setup.add_setup_cells(app)
    icons, font_bytes = page_weight.subset_icon_fonts(Path(app.outdir))
    logger.info(f"[post_build] icon fonts cut to {icons} icons"
                f" ({font_bytes:,} bytes)")
    offline_book.write_book_worker(app)
    files = page_weight.precompress_site(app.outdir)
    logger.info(f"[post_build] {files} files precompressed (.gz, .br)")


def setup(app):
    app.connect("config-inited", theme_words.configure)
    app.connect("builder-inited", theme_words.builder_inited)
    app.connect("html-page-context", each_page, priority=AFTER_THE_OTHERS)
    app.connect("build-finished", the_site, priority=AFTER_THE_OTHERS)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
