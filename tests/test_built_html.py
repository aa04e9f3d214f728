"""The built HTML loads nothing from other hosts (run after ci/build.sh)."""
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from prerequisites import require_or_skip

HTML_DIR = Path(__file__).resolve().parents[1] / "_build" / "html"
PAGES = sorted(HTML_DIR.glob("book/*.html"))
# Tags whose URL the browser fetches while loading the page.
FETCHED = re.compile(
    r'<(?:script|img|iframe)\b[^>]*\bsrc="([^"]+)"'
    r'|<link\b[^>]*\bhref="([^"]+)"[^>]*>')

pytestmark = pytest.mark.build

require_or_skip(PAGES, "no built book: run `bash ci/build.sh` first")


def fetched_urls(page):
    text = page.read_text(encoding="utf-8")
    for match in FETCHED.finditer(text):
        url = match.group(1) or match.group(2)
        tag = match.group(0)
        if url and "rel=\"canonical\"" not in tag:
            yield url


def test_every_page_was_built():
    assert {page.stem for page in PAGES} == {
        "index", "lenet_model", "training", "summary", "exercises",
        "references"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_fetches_only_files_of_the_book(page):
    for url in fetched_urls(page):
        parsed = urlparse(url)
        assert not parsed.scheme and not parsed.netloc, (
            f"{page.name} loads {url} from another host")
        local = urlparse(urljoin(page.as_uri(), url)).path
        assert Path(local).is_file(), f"{page.name}: {url} is missing"


def test_math_and_widgets_come_from_the_vendored_copies():
    exercises = (HTML_DIR / "book" / "exercises.html").read_text("utf-8")
    model = (HTML_DIR / "book" / "lenet_model.html").read_text("utf-8")
    assert "vendor/mathjax/tex-chtml.js" in model
    assert "vendor/require/require.js" in exercises
    assert "vendor/html-manager/embed-amd.js" in exercises
    assert "application/vnd.jupyter.widget-state+json" in exercises
    # The sweep chart loads vega-embed through RequireJS, from web/vendor.
    assert 'require(["vega-embed"]' in exercises
    config = (HTML_DIR / "js" / "require-config.js").read_text("utf-8")
    for module in ("vega.min", "vega-lite.min", "vega-embed.min"):
        assert f'"../vendor/vega/{module}"' in config
        assert (HTML_DIR / "vendor" / "vega" / f"{module}.js").is_file()
    # The explorer's panels that compute in the browser are anywidgets.
    assert '"anywidget": "../vendor/anywidget/index"' in config
    assert (HTML_DIR / "vendor" / "anywidget" / "index.js").is_file()
    assert '"model_module": "anywidget"' in exercises
    # Their weights files are on the site, for the viewer to fetch.
    assert (HTML_DIR / "data" / "lenet-weights" / "k5-c6x16-sigmoid.bin"
            ).is_file()


@pytest.mark.parametrize("name", ["lenet_model", "training", "exercises"])
def test_pages_offer_their_source_and_executed_notebook(name):
    import json

    page = (HTML_DIR / "book" / f"{name}.html").read_text("utf-8")
    for suffix in (".md", ".ipynb"):
        assert f'_sources/book/{name}{suffix}"' in page, suffix
    # The notebook a reader downloads to run: the page's code cells.
    notebook = json.loads((HTML_DIR / "_sources" / "book" / f"{name}.ipynb")
                          .read_text("utf-8"))
    page_source = (HTML_DIR / "_sources" / "book" / f"{name}.md").read_text(
        "utf-8")
    code = ["".join(cell["source"]) for cell in notebook["cells"]
            if cell["cell_type"] == "code"]
    assert code and all(source in page_source for source in code)


def test_binder_links_follow_the_repository_of_this_checkout():
    """This build's launch buttons are those of the repository that this
    checkout resolves to (none in CI's clone of a local path)."""
    import os

    import repository_links as links

    repository = links.find_repository(HTML_DIR.parents[1], os.environ)
    for page in PAGES:
        text = page.read_text("utf-8")
        if repository is None:
            assert "mybinder.org" not in text, page.name
        elif page.stem != "references":
            assert repository.binder_url(f"book/{page.stem}.md") in text


def test_the_pages_widgets_carry_the_current_javascript():
    """An anywidget's saved state holds its module as it was when the page
    ran; an edit to web/js must reach the page (refresh_extra_files.py)."""
    import json

    page = (HTML_DIR / "book" / "exercises.html").read_text("utf-8")
    state = json.loads(re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">'
        r'(.*?)</script>', page, re.S).group(1))
    modules = {model["state"]["_esm"] for model in state["state"].values()
               if model["model_module"] == "anywidget"}
    js = HTML_DIR.parents[1] / "web" / "js"
    assert modules == {(js / name).read_text("utf-8") for name in (
        "lenet_architecture.js", "lenet_network_viewer.js")}
