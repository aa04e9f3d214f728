"""What the browser tests share: Debian's headless Chromium driven by
Playwright (no browser download), with every host but 127.0.0.1 blocked."""
import contextlib
import functools
import http.server
import threading
from pathlib import Path

from prerequisites import require_command, require_or_skip  # noqa: F401

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
THIS_HOST = ("http://127.0.0.1:", "blob:", "data:")
WEB = Path(__file__).resolve().parents[1] / "web"


@contextlib.contextmanager
def launch_chromium(profile_dir, **options):
    from playwright.sync_api import sync_playwright

    chromium = require_command(
        "chromium", "run `bash ci/setup.sh` or `sudo apt-get install"
        " chromium` (Debian's; Playwright's own browser download is not"
        " used)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile_dir), executable_path=chromium, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900}, **options)
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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """`directory` served on 127.0.0.1 as a static site; yields its URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def page_on_web_modules(profile_dir):
    """A Chromium page at web/js/ of this checkout, served from web/, from
    which the browser modules import; nothing else may be fetched."""
    with serve(WEB) as site, launch_chromium(profile_dir) as context:
        blocked = only_this_host(context)
        page = context.new_page()
        page.goto(f"{site}/js/")
        yield page
        assert blocked == []
