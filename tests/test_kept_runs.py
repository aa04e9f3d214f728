"""Runs the static page trained are kept in the browser (IndexedDB,
web/js/lenet_store.js and explorer/kept_runs.js): after a reload 历次运行
and the viewer's list show them again, a run cut off by a reload is kept up
to its last finished epoch and marked interrupted, the reader deletes one or
all, and where storage is refused the page trains anyway and says that
nothing will be kept.  Each test has a browser profile of its own."""
import pytest

from lenet import contract
from tests.explorer_page import (context, history, open_explorer,  # noqa: F401
                                 settled, train, viewer_choices)

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.training]

RESULTS = contract.WORDS["run_results"]
# Storage refused as Firefox's private windows and blocked storage do.
REFUSE_STORAGE = """Object.defineProperty(window, "indexedDB", {
  get() { throw new DOMException("The operation is insecure.", "SecurityError"); }
});"""


def test_runs_come_back_after_a_reload_and_a_cut_off_run_is_marked(context, site):
    from playwright.sync_api import expect

    page = context.new_page()
    explorer = open_explorer(page, site)
    train(page, explorer)
    assert history(page) == [[1, "done", 2]]
    explorer.get_by_role("tab", name="历次运行").click()
    expect(explorer.locator(".lenet-kept")).to_contain_text("这 1 次运行")
    # A second run, cut off by a reload after its first epoch.
    train(page, explorer, epochs_before_reload=1, num_epochs=20)
    page.reload()
    explorer = open_explorer(page, site)
    page.wait_for_function("() => document.querySelector('.lenet-explorer')"
                           ".lenetHistory().length === 2")
    assert history(page) == [[1, "done", 2], [2, "interrupted", 1]]
    explorer.get_by_role("tab", name="历次运行").click()
    table = explorer.locator(".lenet-history")
    expect(table).to_contain_text(RESULTS["done"])
    expect(table).to_contain_text(RESULTS["interrupted"])
    expect(explorer.locator(".lenet-kept")).to_contain_text("这 2 次运行")
    # The viewer offers both networks, without picking one of them.
    assert viewer_choices(page) == ["trained-1", "trained-2"]
    assert not page.locator(".lenet-viewer select.lenet-viewer-network").input_value().startswith("trained-")
    # A new run gets the next number.
    train(page, explorer)
    assert [row[0] for row in history(page)] == [1, 2, 3]
    page.close()


def test_the_reader_deletes_one_run_or_all_and_they_stay_deleted(context, site):
    from playwright.sync_api import expect

    page = context.new_page()
    explorer = open_explorer(page, site)
    train(page, explorer)
    train(page, explorer, seed=1)
    explorer.get_by_role("tab", name="历次运行").click()
    explorer.get_by_role("button", name="删除 #1").click()
    assert history(page) == [[2, "done", 2]]
    assert viewer_choices(page) == ["trained-2"]
    settled(page)
    page.reload()
    explorer = open_explorer(page, site)
    page.wait_for_function("() => document.querySelector('.lenet-explorer')"
                           ".lenetHistory().length === 1")
    assert history(page) == [[2, "done", 2]]
    explorer.get_by_role("tab", name="历次运行").click()
    explorer.get_by_role("button", name="全部删除").click()
    assert history(page) == []
    expect(explorer.get_by_text(contract.WORDS["history_empty"])).to_be_visible()
    settled(page)
    page.reload()
    explorer = open_explorer(page, site)
    explorer.get_by_role("tab", name="历次运行").click()
    expect(explorer.locator(".lenet-kept")).to_contain_text("这 0 次运行")
    assert history(page) == []
    page.close()


def test_where_storage_is_refused_training_works_and_the_page_says_so(context, site):
    from playwright.sync_api import expect

    context.add_init_script(REFUSE_STORAGE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    explorer = open_explorer(page, site)
    train(page, explorer)
    assert history(page) == [[1, "done", 2]]
    explorer.get_by_role("tab", name="历次运行").click()
    line = explorer.locator(".lenet-kept")
    expect(line).to_contain_text("不让网页保存数据")
    expect(line).to_contain_text("The operation is insecure.")
    assert viewer_choices(page) == ["trained-1"]
    assert errors == []
    page.close()
