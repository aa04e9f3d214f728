"""The book reads, and trains, offline after a first visit, and a new build
arrives whole (book/_ext/offline_book.py writes sw.js from
web/js/lenet_sw.js; web/js/lenet_offline.js registers it):

* the manifest lists every page and every file the pages load, and
  nothing that is not in the site;
* a reader who asked the browser to save data gets no copy;
* after one visit to the front page, with the browser offline, every page
  opens with its widgets and charts drawn and no request failing;
* once a run has fetched TF.js and the training data, 训练 works offline;
* a rebuilt site is not mixed into an open one: the page and its style
  sheet stay the old build's until the reader chooses 更新, then both are
  the new build's;
* a rebuild costs a returning reader only the files it changed;
* a page opened from a file (no server, no service worker) says where its
  widgets went.
"""
import json
import shutil

import pytest

from lenet import contract
from tests.explorer_page import FINISHED, SHORT
from tests.offline_update import CHANGED_PAGE, update_download
from tests.built_site import (HTML_DIR, PAGE_NAMES, WEB, WIDGET_VIEW, draw_widgets,
                        launch_chromium, require_built_book, serve,
                        show_explorer)

pytestmark = [pytest.mark.build]


def built_manifest(root=HTML_DIR):
    first = (root / "sw.js").read_text(encoding="utf-8").split("\n", 1)[0]
    return json.loads(first.removeprefix("self.LENET_BUILD = ").rstrip(";"))


def test_the_manifest_holds_every_page_and_what_it_loads():
    import offline_book

    require_built_book()
    found = built_manifest()
    assert found == offline_book.manifest(HTML_DIR, WEB)
    precache = set(found["precache"])
    for name in PAGE_NAMES:
        assert f"book/{name}.html" in precache
    for path in precache | set(found["onDemand"]):
        assert (HTML_DIR / path).is_file(), path
    # What training in the page fetches arrives on demand, not on a visit.
    for path in contract.SITE["browser_files"]:
        assert path in found["onDemand"], path
    assert "js/dist/lenet_train_worker.js" in precache
    # The viewer draws the book's LeNet as soon as it is in sight.
    assert offline_book.shown_first() in precache
    assert not [p for p in precache if p.startswith(("_sources/", "vendor/tfjs"))]


def controlled(page):
    """Wait until the book's service worker controls `page`."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                           timeout=60_000)


@pytest.fixture
def context(tmp_path):
    with launch_chromium(tmp_path / "profile", service_workers="allow") as context:
        yield context


SAVE_DATA = """Object.defineProperty(Navigator.prototype, "connection", {
  get: () => ({ saveData: true }) });"""


@pytest.mark.browser
def test_a_reader_saving_data_gets_no_copy_in_the_background(context, site):
    context.add_init_script(SAVE_DATA)
    page = context.new_page()
    page.goto(f"{site}/book/index.html", wait_until="load")
    page.wait_for_timeout(1000)  # registration would start after `load`
    assert page.evaluate(
        "() => navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    page.close()


@pytest.mark.browser
def test_after_one_visit_every_page_opens_offline(context, site):
    page = context.new_page()
    page.goto(f"{site}/book/index.html")
    controlled(page)
    context.set_offline(True)
    failed = []
    page.on("requestfailed", lambda request: failed.append(
        (request.url, request.failure)))
    for name in PAGE_NAMES:
        page.goto(f"{site}/book/{name}.html", wait_until="load")
        assert page.locator("h1").count() >= 1, name
        draw_widgets(page)
        # What the widgets fetch (the viewer's weights) arrives before the
        # next page: leaving earlier would abort it (net::ERR_ABORTED), which
        # a busy machine showed as a failure that offline reading is not.
        page.wait_for_load_state("networkidle")
    assert failed == []
    page.close()


TRAINING_FILES_CACHED = """async (paths) => {
  for (const path of paths) {
    if (!(await caches.match(new URL('../' + path, location.href).href))) return false;
  }
  return true;
}"""


def opened_controlled(context, site):
    """The explorer's page, once the book's service worker controls it."""
    page = context.new_page()
    page.goto(f"{site}/book/exercises.html")
    controlled(page)
    show_explorer(page)
    return page


def train_to_the_end(page, **changes):
    """A short run of the browser preset; the run as it ended."""
    explorer = page.locator(".lenet-explorer")
    explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    page.evaluate("(c) => document.querySelector('.lenet-explorer').lenetSetConfig(c)",
                  {**SHORT, **changes})
    explorer.locator("button.lenet-train").click()
    page.wait_for_function(FINISHED, timeout=120_000)
    return page.evaluate("() => document.querySelector('.lenet-explorer').lenetRun()")


@pytest.mark.browser
@pytest.mark.training
def test_training_works_offline_once_its_files_came(context, site):
    page = opened_controlled(context, site)
    assert train_to_the_end(page)["state"] == "done"
    page.wait_for_function(TRAINING_FILES_CACHED, arg=list(contract.SITE["browser_files"]),
                           timeout=30_000)
    context.set_offline(True)
    page.reload()
    show_explorer(page)
    assert train_to_the_end(page)["state"] == "done"
    page.close()


@pytest.mark.browser
@pytest.mark.training
def test_training_offline_before_its_files_ever_came_says_so(context, site):
    """Not "the download was interrupted": nothing was ever fetched."""
    page = opened_controlled(context, site)
    context.set_offline(True)
    assert train_to_the_end(page)["message"] == contract.MESSAGES["download_offline"]
    context.set_offline(False)
    page.close()


UPDATED = "第二次构建"


@pytest.mark.browser
def test_a_new_build_arrives_whole_when_the_reader_chooses(context, tmp_path):
    import offline_book

    require_built_book()
    site_copy = tmp_path / "site"
    shutil.copytree(HTML_DIR, site_copy, ignore=shutil.ignore_patterns("*.gz", "*.br"))
    with serve(site_copy) as site:
        page = context.new_page()
        page.goto(f"{site}/book/index.html")
        controlled(page)
        # The site is rebuilt: a page and a style sheet change.
        index = site_copy / "book" / "index.html"
        index.write_text(index.read_text("utf-8").replace(
            "</h1>", f"{UPDATED}</h1>", 1), "utf-8")
        with (site_copy / "css" / "book.css").open("a", encoding="utf-8") as sheet:
            sheet.write("\nbody { --lenet-build: 2; }\n")
        offline_book.write_service_worker(site_copy, WEB)

        def build_shown():
            page.wait_for_load_state("load")
            return (UPDATED in page.locator("h1").first.inner_text(),
                    page.evaluate("() => getComputedStyle(document.body)"
                                  ".getPropertyValue('--lenet-build').trim()") == "2")

        page.reload()
        assert build_shown() == (False, False)
        offer = page.locator(".lenet-update")
        offer.wait_for(timeout=60_000)
        assert build_shown() == (False, False)
        with page.expect_navigation():
            offer.get_by_role("button", name="更新").click()
        assert build_shown() == (True, True)
        # The old build's copy goes once no page of it is open.
        page.wait_for_function(
            "(only) => caches.keys().then((names) => JSON.stringify(names.filter("
            "(n) => n.startsWith('lenet-book-'))) === JSON.stringify([only]))",
            arg="lenet-book-" + built_manifest(site_copy)["build"], timeout=30_000)
        page.close()


# What a returning reader may download after a rebuild that changed one
# page's text (`python -m bench.update_bytes`: 753,863 bytes in 98 requests
# for the build of ef310e2, which fetched every precached file again;
# 20,784 in 3 once unchanged files are carried over).
UPDATE_BYTES = 120_000


@pytest.mark.browser
def test_a_rebuild_costs_a_returning_reader_only_what_changed(context, tmp_path):
    require_built_book()
    total, served = update_download(context, HTML_DIR, tmp_path)
    fetched = {path for path, _ in served}
    assert {f"/{CHANGED_PAGE}", "/sw.js"} <= fetched
    assert total <= UPDATE_BYTES, sorted(served, key=lambda s: -s[1])[:10]


def test_a_page_opened_from_a_file_says_where_its_widgets_went(context):
    """From file:// the browser refuses the book's modules: each widget's
    and the chart's place gets a line that says why and what to do
    (web/js/lenet_file_notice.js), instead of nothing at all."""
    require_built_book()
    page = context.new_page()
    page.goto((HTML_DIR / "book" / "exercises.html").as_uri(), wait_until="load")
    places = page.locator(f"{WIDGET_VIEW}, .lenet-sweep-chart").count()
    notices = page.locator(".lenet-file-notice")
    assert places >= 3 and notices.count() == places
    assert "file://" in notices.first.inner_text()
    assert "python3 -m http.server" in notices.first.inner_text()
    assert page.locator(".lenet-explorer, .lenet-viewer").count() == 0
    page.close()


UPDATE_WAITS = "这一页正在训练：训练结束后才能更新，训练不会被打断。"
BUILD_MARK = "\nbody { --lenet-build: 2; }\n"
FILE_TEXT = """async (path) => (await fetch(new URL('../' + path, location.href))).text()"""


@pytest.mark.browser
@pytest.mark.training
def test_a_new_build_never_cuts_or_switches_a_training(context, tmp_path):
    """更新 waits in the tab that trains; 更新 in another tab leaves the
    training tab on its own build's files until it is reloaded."""
    import offline_book

    require_built_book()
    site_copy = tmp_path / "site"
    shutil.copytree(HTML_DIR, site_copy)  # the training data are .gz files
    worker_script = "js/dist/lenet_train_worker.js"
    with serve(site_copy) as site:
        training, reading = context.new_page(), context.new_page()
        training.goto(f"{site}/book/exercises.html")
        controlled(training)
        reading.goto(f"{site}/book/index.html")
        controlled(reading)
        old_sheet = training.evaluate(FILE_TEXT, "css/book.css")
        old_worker = training.evaluate(FILE_TEXT, worker_script)
        show_explorer(training)
        explorer = training.locator(".lenet-explorer")
        explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
        training.evaluate("(c) => document.querySelector('.lenet-explorer')"
                          ".lenetSetConfig(c)", {**SHORT, "num_epochs": 4})
        explorer.locator("button.lenet-train").click()
        training.wait_for_function("() => document.querySelector('.lenet-explorer')"
                                   ".lenetRun().state !== 'loading'", timeout=120_000)
        assert training.evaluate("() => document.querySelector('.lenet-explorer')"
                                 ".lenetRun()")["state"] == "training"
        # The site is rebuilt while it trains.
        with (site_copy / "css" / "book.css").open("a", encoding="utf-8") as sheet:
            sheet.write(BUILD_MARK)
        with (site_copy / worker_script).open("a", encoding="utf-8") as worker:
            worker.write("\n// the second build\n")
        offline_book.write_service_worker(site_copy, WEB)
        reading.evaluate("() => navigator.serviceWorker.getRegistration()"
                         ".then((r) => r.update())")
        # The training tab is offered the update, but waits.
        offer = training.locator(".lenet-update")
        offer.wait_for(timeout=60_000)
        assert UPDATE_WAITS in offer.inner_text()
        assert offer.get_by_role("button", name="更新").is_disabled()
        # The other tab updates.
        reading.locator(".lenet-update").wait_for(timeout=60_000)
        with reading.expect_navigation():
            reading.locator(".lenet-update").get_by_role("button", name="更新").click()
        reading.wait_for_load_state("load")
        assert BUILD_MARK in reading.evaluate(FILE_TEXT, "css/book.css")
        # The training tab goes on with its own build, to the end.
        assert training.evaluate(FILE_TEXT, "css/book.css") == old_sheet
        assert training.evaluate(FILE_TEXT, worker_script) == old_worker
        training.wait_for_function(FINISHED, timeout=180_000)
        assert training.evaluate("() => document.querySelector('.lenet-explorer')"
                                 ".lenetRun().state") == "done"
        assert training.evaluate(FILE_TEXT, "css/book.css") == old_sheet
        # Once it has finished, 更新 is the reader's to press.
        assert offer.get_by_role("button", name="更新").is_enabled()
        with training.expect_navigation():
            offer.get_by_role("button", name="更新").click()
        training.wait_for_load_state("load")
        assert BUILD_MARK in training.evaluate(FILE_TEXT, "css/book.css")
        training.close()
        reading.close()
