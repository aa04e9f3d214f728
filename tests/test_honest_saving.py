"""What the static page says it kept is kept (issue 37), tried on the built
book as a reader on a full disk, with two tabs, offline, or changing the
link mid-run would: a write that fails is said to have failed, with its
reason, and saving stays on; a site's data cleared under the page does
not switch saving off; two tabs never give two runs one number and each
sees what the other keeps and deletes; training offline before its files
came says so; a link opened during a run says it is for the next one."""
from urllib.parse import urlsplit

import pytest

from lenet import contract, messages
from lenet.explorer_link import link_of
from tests.explorer_page import (FINISHED, context, history,  # noqa: F401
                                 open_explorer, settled, train)
from tests.test_network_file import CONFIGS, file_of
from tests.test_network_file_page import import_file

pytestmark = [pytest.mark.build, pytest.mark.browser]

PROBLEMS = contract.WORDS["storage_problems"]
HISTORY_LENGTH = ("n => document.querySelector('.lenet-explorer')"
                  ".lenetHistory().length === n")


@pytest.fixture(scope="module")
def network_file():
    """A network file of the book's LeNet (about 330 KB)."""
    return file_of(CONFIGS[0]).encode("utf-8")


def origin(site):
    parts = urlsplit(site)
    return f"{parts.scheme}://{parts.netloc}"


def kept_line(explorer):
    explorer.get_by_role("tab", name="历次运行").click()
    return explorer.locator(".lenet-kept").inner_text()


def test_a_write_the_browser_refuses_is_said_and_saving_stays_on(
        context, site, network_file):
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    # A disk nearly full: the site may store less than the file's weights.
    devtools.send("Storage.overrideQuotaForOrigin",
                  {"origin": origin(site), "quotaSize": 100_000})
    explorer = open_explorer(page, site)
    note = import_file(explorer, "a.json", network_file)
    assert note == messages.say("network_imported_unsaved", file="a.json",
                                number=1, reason=PROBLEMS["full"])
    line = kept_line(explorer)
    assert "这 0 次运行" in line
    assert "#1 没能保存在这个浏览器里" in line and PROBLEMS["full"] in line
    # Room again: the next import is kept, and says so.
    devtools.send("Storage.overrideQuotaForOrigin", {"origin": origin(site)})
    note = import_file(explorer, "b.json", network_file)
    assert note == messages.say("network_imported", file="b.json", number=2)
    assert "这 1 次运行" in kept_line(explorer)
    settled(page)
    page.reload()
    open_explorer(page, site)
    page.wait_for_function(HISTORY_LENGTH, arg=1)
    assert history(page) == [[2, "done", 0]]
    page.close()


def test_clearing_the_sites_data_does_not_switch_saving_off(
        context, site, network_file):
    page = context.new_page()
    explorer = open_explorer(page, site)
    assert import_file(explorer, "a.json", network_file) == messages.say(
        "network_imported", file="a.json", number=1)
    settled(page)
    devtools = context.new_cdp_session(page)
    devtools.send("Storage.clearDataForOrigin",
                  {"origin": origin(site), "storageTypes": "indexeddb"})
    note = import_file(explorer, "b.json", network_file)
    assert note == messages.say("network_imported", file="b.json", number=2)
    settled(page)
    page.reload()
    open_explorer(page, site)
    page.wait_for_function(HISTORY_LENGTH, arg=1)
    assert history(page) == [[2, "done", 0]]  # #1 went with the site's data
    page.close()


def test_two_tabs_number_their_runs_apart_and_see_each_others(
        context, site, network_file):
    first, second = context.new_page(), context.new_page()
    tab_a, tab_b = open_explorer(first, site), open_explorer(second, site)
    assert import_file(tab_a, "a.json", network_file).endswith("#1。")
    assert import_file(tab_b, "b.json", network_file).endswith("#2。")
    for page in (first, second):
        page.wait_for_function(HISTORY_LENGTH, arg=2)
        assert history(page) == [[1, "done", 0], [2, "done", 0]]
    # A deletion in one tab is seen in the other; 全部删除 takes every run.
    tab_a.get_by_role("button", name="删除 #2").click()
    second.wait_for_function(HISTORY_LENGTH, arg=1)
    tab_b.get_by_role("button", name="全部删除").click()
    first.wait_for_function(HISTORY_LENGTH, arg=0)
    settled(first)
    settled(second)
    first.reload()
    open_explorer(first, site)
    first.wait_for_timeout(500)
    assert history(first) == []
    for page in (first, second):
        page.close()


@pytest.mark.training
def test_training_offline_before_its_files_came_says_so(context, site):
    page = context.new_page()
    explorer = open_explorer(page, site)
    context.set_offline(True)
    explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    explorer.locator("button.lenet-train").click()
    page.wait_for_function(FINISHED, timeout=60_000)
    run = page.evaluate("() => document.querySelector('.lenet-explorer').lenetRun()")
    assert run["message"] == contract.MESSAGES["download_offline"]
    context.set_offline(False)
    page.close()


@pytest.mark.training
def test_a_link_opened_during_a_run_is_for_the_next_one(context, site):
    page = context.new_page()
    explorer = open_explorer(page, site)
    train(page, explorer, epochs_before_reload=1, num_epochs=3)
    run = page.evaluate("() => document.querySelector('.lenet-explorer').lenetRun()")
    assert run["state"] in contract.RUNNING_STATES and len(run["epochs"]) >= 1
    other = link_of({**contract_config(page), "seed": 7})
    page.evaluate("(hash) => { location.hash = hash; }", other)
    notes = explorer.locator(".lenet-link-notes")
    notes.get_by_text(contract.MESSAGES["link_next_run"]).wait_for()
    page.wait_for_function(FINISHED, timeout=120_000)
    settled(page)
    runs = page.evaluate("() => document.querySelector('.lenet-explorer').lenetHistory()")
    assert runs[-1]["config"]["seed"] != 7  # the run kept its own
    assert contract_config(page)["seed"] == 7  # the controls hold the link's
    page.close()


def contract_config(page):
    return page.evaluate("() => document.querySelector('.lenet-explorer')"
                         ".lenetConfig()")
