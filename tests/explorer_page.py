"""The 5.5.4 explorer of the built book, as the browser tests drive it: a
browser profile of the test's own (`context`), the page opened at the
explorer, a short run of the browser preset trained to its end (or to an
epoch), what 历次运行 and the viewer's list hold."""
import json

import pytest

from lenet import contract
from tests.built_site import draw_widgets, launch_chromium, only_this_host, show_explorer

FINISHED = ("() => !" + json.dumps(list(contract.RUNNING_STATES))
            + ".includes(document.querySelector('.lenet-explorer')"
            ".lenetRun().state)")
# A short run of the browser preset: two epochs on 1000 images.
SHORT = {"num_epochs": 2, "train_size": 1000}


@pytest.fixture
def context(tmp_path):
    with launch_chromium(tmp_path / "profile") as context:
        blocked = only_this_host(context)
        yield context
        assert blocked == []


def open_explorer(page, site):
    page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
    show_explorer(page)
    return page.locator(".lenet-explorer")


def settled(page):
    """Wait until what the page keeps is written."""
    page.evaluate("() => document.querySelector('.lenet-explorer').lenetKept?.settled()")


def train(page, explorer, epochs_before_reload=None, **changes):
    explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    page.evaluate("(c) => document.querySelector('.lenet-explorer').lenetSetConfig(c)",
                  {**SHORT, **changes})
    explorer.locator("button.lenet-train").click()
    if epochs_before_reload is None:
        page.wait_for_function(FINISHED, timeout=120_000)
        settled(page)
        return
    page.wait_for_function(
        "n => document.querySelector('.lenet-explorer').lenetRun().epochs.length >= n",
        arg=epochs_before_reload, timeout=120_000)
    settled(page)


def history(page):
    return page.evaluate("() => document.querySelector('.lenet-explorer').lenetHistory()"
                         ".map(r => [r.number, r.state, r.epochs.length])")


def viewer_choices(page):
    draw_widgets(page)
    return page.locator(".lenet-viewer select.lenet-viewer-network option").evaluate_all(
        "options => options.map(o => o.value).filter(v => v.startsWith('trained-'))")


