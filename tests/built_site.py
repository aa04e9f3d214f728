"""The built book as the tests and the benchmarks reach it, in one place.

* Its pages: the MyST sources in book/ and the HTML ci/build.sh makes.
* The site served on 127.0.0.1 as a static server serves it, with or
  without the precompressed copies (nginx's `gzip_static`/`brotli_static`).
* Debian's headless Chromium, driven by Playwright (no browser download),
  with every host but 127.0.0.1 blocked.
* The fixtures `site` (the built book, served) and `browser` (a Chromium
  context that fails the module if anything tried another host), which the
  root conftest.py registers for every test.

bench/ imports the same helpers (its scripts run as `python -m bench.NAME`
from the repository's root).
"""
import contextlib
import functools
import http.server
import io
import json
import mimetypes
import os
import re
import threading
from pathlib import Path

import pytest

from tests.prerequisites import require_command, require_or_skip

ROOT = Path(__file__).resolve().parents[1]
BOOK_DIR = ROOT / "book"
HTML_DIR = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
WEB = ROOT / "web"
AXE = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = sorted(BOOK_DIR.glob("*.md"))
PAGE_NAMES = [page.stem for page in PAGES]

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
THIS_HOST = ("http://127.0.0.1:", "blob:", "data:")


def pages_with_code():
    """The pages with code cells (they have launch buttons and expected
    outputs)."""
    from repository_links import page_has_code

    return [page for page in PAGES if page_has_code(page)]


def binder_launch_links(html_text):
    """The page's buttons that launch it on Binder (a mention of
    mybinder.org in the prose is not one)."""
    from repository_links import BINDERHUB

    return set(re.findall(re.escape(BINDERHUB) + r'/v2/[^"\s<]*', html_text))


def require_built_book():
    require_or_skip((HTML_DIR / "book" / "index.html").is_file(),
                    "no built book: run `bash ci/build.sh` first")


# -- Chromium ------------------------------------------------------------------

@contextlib.contextmanager
def launch_chromium(profile_dir, executable=None, **options):
    """A persistent Chromium context (desktop-sized unless `options` say
    otherwise); `executable` in place of Debian's chromium (bench.phone
    starts it in a CPU quota)."""
    from playwright.sync_api import sync_playwright

    chromium = executable or require_command(
        "chromium", "run `bash ci/setup.sh` or `sudo apt-get install"
        " chromium` (Debian's; Playwright's own browser download is not"
        " used)")
    options.setdefault("viewport", {"width": 1280, "height": 900})
    # The book's service worker (web/js/lenet_sw.js) would answer requests
    # that page.route must see; tests of reading offline allow it.
    options.setdefault("service_workers", "block")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile_dir), executable_path=chromium, args=CHROMIUM_FLAGS,
            **options)
        try:
            yield context
        finally:
            context.close()


def only_this_host(context):
    """Abort every request to another host; return the list of them."""
    blocked = []

    def route(route):
        if route.request.url.startswith(THIS_HOST):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return blocked


# -- a static server --------------------------------------------------------------

class StaticServer(http.server.SimpleHTTPRequestHandler):
    """A quiet static file server; with `precompressed`, as nginx with
    `gzip_static on; brotli_static on;`: NAME.br or NAME.gz when it exists
    and the browser accepts it."""

    precompressed = False
    json_modules = False
    served = None  # a list: (path, bytes of the body) of each response

    def copyfile(self, source, outputfile):
        if self.served is None:
            return super().copyfile(source, outputfile)
        data = source.read()
        self.served.append((self.path, len(data)))
        outputfile.write(data)

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if (self.json_modules and path.suffix == ".json" and path.is_file()
                and self.headers.get("Sec-Fetch-Dest") == "script"):
            return self._send_module(json_module(path))
        accepted = self.headers.get("Accept-Encoding", "")
        if self.precompressed and path.is_file():
            for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
                packed = path.with_name(path.name + suffix)
                if encoding in accepted and packed.is_file():
                    return self._send_packed(path, packed, encoding)
        return super().send_head()

    def _send_module(self, text):
        data = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def _send_packed(self, path, packed, encoding):
        handle = packed.open("rb")
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(path.name)[0]
                         or "application/octet-stream")
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return handle


def json_module(path):
    """A JSON file as esbuild's JSON loader makes it a module: the whole
    as its default export, each top-level key as a named one."""
    data = json.loads(path.read_text(encoding="utf-8"))
    lines = [f"const data = {json.dumps(data, ensure_ascii=False)};",
             "export default data;"]
    lines += [f"export const {key} = data[{json.dumps(key)}];"
              for key in data if key.isidentifier()]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def serve(directory, precompressed=False, json_modules=False, served=None):
    """`directory` served on 127.0.0.1 as a static site; yields its URL.
    `json_modules`: a .json file imported by a module is that module;
    `served`, a list, gets (path, bytes) of every response's body."""
    handler = functools.partial(
        type("Handler", (StaticServer,), {"precompressed": precompressed,
                                          "json_modules": json_modules,
                                          "served": served}),
        directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve_sources():
    """This checkout served on 127.0.0.1, so that the modules of web/js/
    run as they are, unbundled: they import book/lenet/contract/'s JSON
    files as esbuild bundles them (`json_module`).  Yields the URL of
    web/, which stands for the site's root (web/data/, web/vendor/)."""
    with serve(ROOT, json_modules=True) as url:
        yield f"{url}/web"


@contextlib.contextmanager
def page_on_web_modules(profile_dir):
    """A Chromium page at web/js/ of this checkout, from which the browser
    modules import (serve_sources); nothing else may be fetched."""
    with serve_sources() as web_url, launch_chromium(profile_dir) as context:
        blocked = only_this_host(context)
        page = context.new_page()
        page.goto(f"{web_url}/js/")
        yield page
        assert blocked == []


def fault_once(page, pattern, fault):
    """The first request of `page` for `pattern` gets `fault(route)`; the
    rest reach the site.  Returns the list of URLs faulted."""
    faulted = []

    def once(route):
        if faulted:
            route.fallback()
        else:
            faulted.append(route.request.url)
            fault(route)
    page.route(pattern, once)
    return faulted


def cut_off(route):
    """A fault for fault_once: the connection drops."""
    route.abort("connectionreset")


# -- a built page, loaded -----------------------------------------------------------

WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
# The widgets and the sweep chart; each is drawn when it comes near the
# screen (web/js/lenet_dom.js whenNear) and then has data-drawn.
DRAWN_LATER = ".lenet-static-widget, .lenet-sweep-chart"


def draw_widgets(page, timeout=15000):
    """Scroll to each widget and chart of `page`, as a reader would, until
    it is drawn; then back to the top."""
    views = page.locator(WIDGET_VIEW).count()
    if views:  # the places appear once the widgets' state has arrived
        page.wait_for_function(
            "n => document.querySelectorAll('.lenet-static-widget').length"
            " === n", arg=views, timeout=timeout)
    for place in page.locator(DRAWN_LATER).all():
        place.scroll_into_view_if_needed()
        page.wait_for_function("el => el.dataset.drawn",
                               arg=place.element_handle(), timeout=timeout)
    page.evaluate("() => window.scrollTo(0, 0)")


def draw_stroke(page, board, start, end):
    """Draw one stroke with the mouse on the viewer's drawing `board` (a
    locator), from `start` to `end`, each (x, y) as fractions of it."""
    board.scroll_into_view_if_needed()
    box = board.bounding_box()
    at = lambda x, y: (box["x"] + box["width"] * x,  # noqa: E731
                       box["y"] + box["height"] * y)
    page.mouse.move(*at(*start))
    page.mouse.down()
    page.mouse.move(*at(*end), steps=8)
    page.mouse.up()


def show_explorer(page, timeout=30000):
    """Scroll to 5.5.4's explorer (the page's first widget) until it is
    drawn, as a reader who goes straight to it."""
    place = page.locator(".lenet-static-widget").first
    place.wait_for(state="attached", timeout=timeout)
    place.scroll_into_view_if_needed()
    page.wait_for_selector(".lenet-explorer button.lenet-train",
                           timeout=timeout)


def page_errors(page):
    """A list that collects `page`'s console errors and uncaught
    exceptions from now on."""
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def open_built_page(browser, url, viewport=None, seen=None):
    """Load `url` (at `viewport`) until its widgets and chart are drawn;
    `seen`, a dict, collects the console's errors and every request."""
    page = browser.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    if seen is not None:
        seen.update(errors=page_errors(page), requests=[])
        page.on("request", lambda request: seen["requests"].append(
            request.url))
    response = page.goto(url, wait_until="networkidle")
    if seen is not None:
        seen["status"] = response.status
    draw_widgets(page)
    if page.locator(".lenet-viewer").count():  # its network's answer
        page.locator(".lenet-viewer-bar").first.wait_for(timeout=15000)
    return page


def axe_violations(page):
    """What axe-core (tests/package.json) finds on the page as it is now:
    [{id, impact, nodes}]."""
    require_or_skip(AXE.is_file(), "axe-core is not installed: run"
                    " `bash ci/setup.sh` (npm ci in tests/)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document)).violations
      .map(v => ({id: v.id, impact: v.impact,
                  nodes: v.nodes.map(n => n.target.join(' '))}))""")


# -- fixtures ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site():
    """The built book served on 127.0.0.1 (skipped, or failed in CI,
    without a build)."""
    require_built_book()
    with serve(HTML_DIR) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A Chromium context of the module's own; a request to another host
    is aborted and fails the module."""
    with launch_chromium(tmp_path_factory.mktemp("chromium")) as context:
        blocked = only_this_host(context)
        yield context
        for page in context.pages:
            page.close(run_before_unload=False)
        assert blocked == [], f"requests to other hosts: {blocked}"
