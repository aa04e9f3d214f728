"""What the browser tests share: Debian's headless Chromium driven by
Playwright (no browser download), with every host but 127.0.0.1 blocked."""
import contextlib

from prerequisites import require_command, require_or_skip  # noqa: F401

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
THIS_HOST = ("http://127.0.0.1:", "blob:", "data:")


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
