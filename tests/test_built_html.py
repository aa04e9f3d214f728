"""The built HTML loads nothing from other hosts (run after ci/build.sh)."""
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from tests.built_site import HTML_DIR, PAGE_NAMES, require_built_book

PAGES = sorted(HTML_DIR.glob("book/*.html"))
# Tags whose URL the browser fetches while loading the page.
FETCHED = re.compile(
    r'<(?:script|img|iframe)\b[^>]*\bsrc="([^"]+)"'
    r'|<link\b[^>]*\bhref="([^"]+)"[^>]*>')

pytestmark = pytest.mark.build

require_built_book()


def fetched_urls(page):
    text = page.read_text(encoding="utf-8")
    for match in FETCHED.finditer(text):
        url = match.group(1) or match.group(2)
        tag = match.group(0)
        if url and "rel=\"canonical\"" not in tag:
            yield url


def test_every_page_was_built():
    assert {page.stem for page in PAGES} == set(PAGE_NAMES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_fetches_only_files_of_the_book(page):
    for url in fetched_urls(page):
        parsed = urlparse(url)
        assert not parsed.scheme and not parsed.netloc, (
            f"{page.name} loads {url} from another host")
        local = urlparse(urljoin(page.as_uri(), url)).path
        assert Path(local).is_file(), f"{page.name}: {url} is missing"


def test_math_is_typeset_and_widgets_come_from_the_books_own_files():
    exercises = (HTML_DIR / "book" / "exercises.html").read_text("utf-8")
    model = (HTML_DIR / "book" / "lenet_model.html").read_text("utf-8")
    # The formulas are typeset when the book is built (static_math.py):
    # SVG with MathML for screen readers, and no MathJax script at all.
    assert model.count('<mjx-container class="MathJax" jax="SVG"') >= 10
    assert "<math" in model and "\\times" not in model
    assert "mathjax" not in " ".join(re.findall(r"<script[^>]*>", model)).lower()
    # Every widget is an anywidget, drawn by the book's own small module:
    # no RequireJS, no widget manager.
    assert re.search(r'<script[^>]*type="module"[^>]*js/dist/static_widgets\.js',
                     exercises)
    assert "require.js" not in exercises and "embed-amd" not in exercises
    assert "application/vnd.jupyter.widget-state+json" in exercises
    state = widget_state(exercises)
    shown = re.findall(r'<script type="application/vnd\.jupyter\.widget-view'
                       r'\+json">\s*\{[^}]*"model_id": "(\w+)"', exercises)
    assert len(shown) == 3  # explorer, viewer, the short run's chart
    assert {state[model_id]["model_module"] for model_id in shown} == {
        "anywidget"}
    # The sweep chart's module loads Vega from web/vendor when it comes near.
    for module in ("vega", "vega-lite", "vega-embed"):
        assert (HTML_DIR / "vendor" / "vega" / f"{module}.min.js").is_file()
    assert '<script type="module" src="../js/lenet_sweep_chart.js">' in exercises
    assert (HTML_DIR / "js" / "lenet_sweep_chart.js").is_file()
    # The weights files are on the site, for the viewer to fetch.
    assert (HTML_DIR / "data" / "lenet-weights" / "k5-c6x16-sigmoid.bin"
            ).is_file()


def widget_state(page_text):
    """The saved state of a page's widgets: in the page, or in the file its
    block names (book/_ext/page_weight.py moves large blocks out)."""
    import json

    block = re.search(
        r'<script ([^>]*type="application/vnd.jupyter.widget-state\+json"'
        r'[^>]*)>(.*?)</script>', page_text, re.S)
    source = re.search(r'data-src="([^"]+)"', block.group(1))
    text = ((HTML_DIR / "book" / source.group(1)).read_text("utf-8")
            if source else block.group(2))
    return json.loads(text)["state"]


@pytest.mark.parametrize("name", ["lenet_model", "training", "exercises"])
def test_pages_offer_their_source_and_executed_notebook(name):
    import json

    page = (HTML_DIR / "book" / f"{name}.html").read_text("utf-8")
    for suffix in (".md", ".ipynb"):
        assert f'_sources/book/{name}{suffix}"' in page, suffix
    # The notebook a reader downloads to run: the setup cell
    # (book/_ext/notebook_setup.py), then the page's code cells.
    notebook = json.loads((HTML_DIR / "_sources" / "book" / f"{name}.ipynb")
                          .read_text("utf-8"))
    page_source = (HTML_DIR / "_sources" / "book" / f"{name}.md").read_text(
        "utf-8")
    setup, *cells = [cell for cell in notebook["cells"]
                     if cell["cell_type"] == "code"]
    assert setup["metadata"].get("lenet_setup")
    code = ["".join(cell["source"]) for cell in cells]
    assert code and all(source in page_source for source in code)


def test_binder_links_follow_the_repository_of_this_checkout():
    """This build's launch buttons are those of the repository that this
    checkout resolves to (none in CI's clone of a local path)."""
    import os

    import repository_links as links

    from tests.built_site import binder_launch_links, pages_with_code

    repository = links.find_repository(HTML_DIR.parents[1], os.environ)
    with_code = {page.stem for page in pages_with_code()}
    for page in PAGES:
        text = page.read_text("utf-8")
        if repository is None or page.stem not in with_code:
            assert binder_launch_links(text) == set(), page.name
        else:
            assert repository.binder_url(f"book/{page.stem}.md") in text


def test_the_pages_widgets_carry_the_current_javascript():
    """An anywidget's saved state holds its module as it was when the page
    ran; a rebuilt bundle must reach the page (refresh_extra_files.py)."""
    from lenet.paths import widget_esm

    page = (HTML_DIR / "book" / "exercises.html").read_text("utf-8")
    modules = {model["state"]["_esm"] for model in widget_state(page).values()
               if model["model_module"] == "anywidget"}
    assert modules == {widget_esm("explorer"), widget_esm("network_viewer"),
                       widget_esm("run_chart")}


def test_the_precompressed_copies_are_of_the_files_as_served():
    """NAME.gz and NAME.br beside a file are that file, compressed: a copy
    made before the file was last written would serve an old one."""
    import gzip

    import brotli

    stale = []
    for packed in [*HTML_DIR.rglob("*.gz"), *HTML_DIR.rglob("*.br")]:
        source = packed.with_suffix("")
        if not source.is_file():
            continue
        data = packed.read_bytes()
        unpacked = (gzip.decompress(data) if packed.suffix == ".gz"
                    else brotli.decompress(data))
        if unpacked != source.read_bytes():
            stale.append(str(packed.relative_to(HTML_DIR)))
    assert stale == []


def test_the_lenet_figures_boxes_have_the_drawings_shapes():
    """The figure's box is sized before the SVG arrives (book.css), with
    each drawing's own width and height, so nothing moves."""
    css = (HTML_DIR / "css" / "book.css").read_text("utf-8")
    ratios = re.findall(r"aspect-ratio: (\d+) / (\d+)", css)
    sizes = [re.search(r'<svg[^>]*width="(\d+)" height="(\d+)"',
                       path.read_text("utf-8")).groups()
             for path in (HTML_DIR / "_images" / "lenet.svg",
                          HTML_DIR / "figures" / "lenet-narrow.svg")]
    assert ratios == sizes
