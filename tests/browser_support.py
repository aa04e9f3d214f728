"""What the browser tests share: Debian's headless Chromium driven by
Playwright (no browser download), with every host but 127.0.0.1 blocked."""
import contextlib
import os
import shutil

import pytest

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
THIS_HOST = ("http://127.0.0.1:", "blob:", "data:")


def require_or_skip(condition, reason):
    """Skip the module when `condition` is false, except in CI (CI=true),
    where a missing prerequisite is a failure, not a quiet skip."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@contextlib.contextmanager
def launch_chromium(profile_dir, **options):
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, ("Debian's chromium is missing: run `bash ci/setup.sh`"
                      " (or apt-get install chromium)")
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
