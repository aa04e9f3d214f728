"""The configuration as a link, in the built 5.5.4 page (Chromium): a link
opens the page at the explorer with its configuration and lists what it
could not use, as text; the address follows the controls, a reload keeps
them, and 复制链接 copies the address or, where the clipboard is refused,
shows it to copy by hand."""
import pytest

from lenet import contract
from lenet import explorer_logic as logic
from lenet.explorer_link import config_from_link, link_of
from tests.built_site import require_built_book

pytestmark = [pytest.mark.build, pytest.mark.browser]

require_built_book()

BOOK = logic.config_json(logic.ExplorerConfig())
EXPLORER = ".lenet-explorer"
# An image whose error handler marks the page: had any of the link become
# HTML, window.linkRan would be set.
TAMPERED_INITIALIZER = "%3Cimg%20src%3Dx%20onerror%3Dwindow.linkRan%3D1%3E"


def open_link(browser, site, fragment):
    """Open 5.5.4 at `fragment` without scrolling: the page must bring the
    explorer into view itself."""
    page = browser.new_page()
    # A phone's screen: the explorer is far below the top of the page.
    page.set_viewport_size({"width": 412, "height": 823})
    page.goto(f"{site}/book/exercises.html#{fragment}")
    page.wait_for_selector(f"{EXPLORER} button.lenet-train", timeout=30000)
    return page


def shown_config(page):
    explorer = page.locator(EXPLORER)
    return {
        "activation": explorer.get_by_label("激活函数").input_value(),
        "pooling": explorer.get_by_label("池化").input_value(),
        "kernel": explorer.get_by_label("卷积层1 窗口").get_attribute("aria-valuetext"),
        "lr": explorer.get_by_label("学习率", exact=True).get_attribute("aria-valuetext"),
        "seed": explorer.get_by_label("随机种子").input_value(),
        "lr_decay": explorer.get_by_label("每周期后学习率乘以").input_value(),
    }


def test_a_link_sets_the_explorer_and_names_what_it_could_not_use(browser, site):
    from playwright.sync_api import expect

    fragment = ("lenet?v=1&kernel_sizes=3,3&activation=relu&seed=42&lr=0.7"
                "&lr_decay=0.3"
                f"&initializer={TAMPERED_INITIALIZER}")
    page = open_link(browser, site, fragment)
    explorer = page.locator(EXPLORER)
    expect(explorer.locator(".lenet-arch-table")).to_contain_text("(1, 6, 26, 26)")
    assert shown_config(page) == {"activation": "relu", "pooling": "max",
                                  "kernel": "3", "lr": "0.9", "seed": "42",
                                  "lr_decay": "0.3"}
    expect(explorer.locator(".lenet-link-status")).to_have_text(
        contract.MESSAGES["link_applied"])
    notes = explorer.locator(".lenet-link-notes li")
    expected_notes = config_from_link(fragment, BOOK)[1]
    assert len(expected_notes) == 2 and "<img src=x" in expected_notes[1]
    expect(notes).to_have_text(expected_notes)
    assert explorer.locator("img").count() == 0
    assert page.evaluate("window.linkRan") is None

    # The address follows the controls: Python's link of what they show.
    explorer.get_by_label("池化").select_option("avg")
    wanted = {**BOOK, "kernel_sizes": [3, 3], "activation": "relu", "seed": 42,
              "lr_decay": 0.3, "pooling": "avg"}
    page.wait_for_function("h => location.hash === h", arg="#" + link_of(wanted))
    page.reload()
    page.wait_for_selector(f"{EXPLORER} button.lenet-train", timeout=30000)
    assert shown_config(page)["pooling"] == "avg"
    assert shown_config(page)["seed"] == "42"
    expect(page.locator(f"{EXPLORER} .lenet-link-notes li")).to_have_count(0)
    page.close()


def test_copy_link_copies_the_address_or_shows_it(browser, site):
    from playwright.sync_api import expect

    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = open_link(browser, site, "lenet?v=1&activation=tanh")
    explorer = page.locator(EXPLORER)
    explorer.get_by_role("button", name="复制链接").click()
    status = explorer.locator(".lenet-link-status")
    expect(status).to_have_text(contract.MESSAGES["link_copied"])
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url and copied.endswith(
        "#" + link_of({**BOOK, "activation": "tanh"}))

    page.evaluate("""() => { navigator.clipboard.writeText =
        () => Promise.reject(new DOMException('denied', 'NotAllowedError')); }""")
    explorer.get_by_role("button", name="复制链接").click()
    expect(status).to_have_text(contract.MESSAGES["link_copy_refused"])
    shown = explorer.get_by_label("这个配置的链接")
    expect(shown).to_be_visible()
    expect(shown).to_have_value(page.url)
    browser.clear_permissions()
    page.close()
