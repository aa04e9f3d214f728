"""Every reader, not only one at a desk: the built pages on a phone, with a
keyboard and under axe-core, in Debian's Chromium (served on 127.0.0.1,
every other host blocked).  Phone screenshots of every page go to
_build/screenshots/phone-*.png.
"""
from pathlib import Path

import pytest

from tests.built_site import (PAGE_NAMES, ROOT, SCREENSHOTS, axe_violations, draw_widgets,
                        open_built_page, require_built_book)

PAGES = [f"book/{name}" for name in PAGE_NAMES] + ["search", "genindex"]
PHONE = {"width": 360, "height": 780}
CUT_OFF = (ROOT / "tests" / "phone_layout.js").read_text("utf-8")

pytestmark = [pytest.mark.build, pytest.mark.browser]

require_built_book()


# -- a phone, and axe-core -------------------------------------------------------

@pytest.fixture(scope="module")
def checked(browser, site):
    """Each page loaded once, at a desktop's width: its status, console
    errors and requests, a screenshot (_build/screenshots/NAME.png) and
    axe-core; then the same page narrowed to a phone's, checked for content
    cut off and drawn again (phone-NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in PAGES:
        seen = {}
        page = open_built_page(browser, f"{site}/{name}.html",
                               {"width": 1280, "height": 900}, seen)
        page.screenshot(path=str(SCREENSHOTS / f"{Path(name).name}.png"),
                        full_page=True)
        violations = axe_violations(page)
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(300)  # the layout and scroll cues settle
        page.screenshot(path=str(SCREENSHOTS / f"phone-{Path(name).name}.png"),
                        full_page=True)
        results[name] = {"axe": violations, "phone": page.evaluate(CUT_OFF),
                         **seen}
        page.close()
    return results


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_cleanly_from_this_host_only(checked, site, name):
    found = checked[name]
    assert found["status"] == 200
    assert found["errors"] == []
    assert [url for url in found["requests"] if not url.startswith(
        (site, "blob:", "data:"))] == []


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_cut_off_on_a_phone(checked, name):
    found = checked[name]["phone"]
    assert not found["pageScrollsSideways"], found["cut"][:5]
    assert found["cut"] == []


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_nothing_critical_or_serious(checked, name):
    bad = [v for v in checked[name]["axe"]
           if v["impact"] in ("critical", "serious")]
    assert bad == []


@pytest.mark.parametrize("width", [320, 414])
@pytest.mark.parametrize("name", ["book/lenet_model", "book/exercises"])
def test_nothing_is_cut_off_at_the_narrowest_and_widest_phones(
        browser, site, name, width):
    page = open_built_page(browser, f"{site}/{name}.html",
                           {"width": width, "height": 800})
    found = page.evaluate(CUT_OFF)
    page.close()
    assert not found["pageScrollsSideways"] and found["cut"] == [], found


@pytest.mark.parametrize("width", [320, 360, 414, 1280])
def test_the_lenet_figure_labels_are_at_least_10_px(browser, site, width):
    """The smallest label of whichever drawing the page shows, at the size
    it is drawn: its font size times the drawing's scale."""
    page = open_built_page(browser, f"{site}/book/lenet_model.html",
                           {"width": width, "height": 800})
    shown = page.evaluate("""() => {
      const img = document.querySelector('#fig-lenet img');
      const content = getComputedStyle(img).content;
      const swapped = content.includes('lenet-narrow.svg');
      return {swapped, width: img.getBoundingClientRect().width,
              scrolls: img.parentElement.scrollWidth > img.parentElement.clientWidth};
    }""")
    page.close()
    svg = (ROOT / ("web/figures/lenet-narrow.svg" if shown["swapped"]
                   else "book/figures/lenet.svg")).read_text("utf-8")
    import re

    natural = float(re.search(r'<svg[^>]*width="(\d+)"', svg).group(1))
    smallest = min(float(size) for size in
                   re.findall(r"font-size: (\d+)px", svg))
    assert smallest * shown["width"] / natural >= 10, shown
    assert shown["swapped"] == (width <= 640)


# -- keyboard ----------------------------------------------------------------------

def test_every_control_of_the_explorer_and_viewer_is_reached_by_tab(
        browser, site):
    """Tab from the top of 5.5.4 to the end: every enabled control of the
    explorer and the viewer gets the focus in turn (the strip of test
    images among them); 停止, locked until a run starts, does not.  The tabs
    of the results are one stop, with arrow keys between them (the ARIA
    tabs pattern)."""
    page = open_built_page(browser, f"{site}/book/exercises.html")
    wanted = page.evaluate("""() => [...document.querySelectorAll(
        '.lenet-explorer :is(input, select, button, textarea, [tabindex]),'
        + '.lenet-viewer :is(input, select, button, [tabindex])')]
        .filter(e => !e.disabled && e.tabIndex >= 0 && e.checkVisibility())
        .map((e, i) => (e.dataset.tabOrder = i, i))""")
    reached = set()
    for _ in range(600):
        page.keyboard.press("Tab")
        order = page.evaluate("() => document.activeElement.dataset.tabOrder")
        if order is not None:
            reached.add(int(order))
        if len(reached) == len(wanted):
            break
    missing = page.evaluate("""(reached) => [...document.querySelectorAll(
        '[data-tab-order]')].filter(e => !reached.includes(+e.dataset.tabOrder))
        .map(e => e.outerHTML.slice(0, 80))""", sorted(reached))
    assert missing == []
    tab = page.locator(".lenet-explorer [role=tab][aria-selected=true]")
    tab.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.textContent") == "历次运行"
    # 训练 (reached above) says who trains; 停止, disabled until a run
    # starts, takes no focus.
    train = page.locator(".lenet-explorer button.lenet-train")
    reason = page.locator("#" + train.get_attribute("aria-describedby"))
    assert "浏览器里的 TensorFlow.js" in reason.inner_text()
    assert page.locator(".lenet-explorer button.lenet-stop").is_disabled()
    page.close()


def test_the_strip_is_used_by_keyboard_and_marks_the_chosen_image(
        browser, site):
    page = open_built_page(browser, f"{site}/book/exercises.html")
    viewer = page.locator(".lenet-viewer")
    strip = viewer.locator(".lenet-viewer-strip")
    picked = viewer.locator(".lenet-viewer-picked")
    strip.focus()
    page.keyboard.press("ArrowDown")   # image 11: the second row, trousers
    page.keyboard.press("ArrowRight")  # image 12
    from playwright.sync_api import expect

    expect(picked).to_contain_text("已选第 12 张测试图像：裤子")
    expect(viewer.locator(".lenet-viewer-bar", has_text="✓")).to_contain_text(
        "裤子")
    # The chosen image is framed on the strip: its pixels turn red there.
    framed = strip.evaluate("""(canvas) => {
      const d = canvas.getContext('2d').getImageData(28 + 1, 28 + 10, 1, 1).data;
      return [d[0], d[1], d[2]];
    }""")
    assert framed[0] > 200 and framed[1] < 100, framed
    # 清空画板 by keyboard: an empty canvas gets no prediction at all.
    viewer.locator("button", has_text="清空画板").focus()
    page.keyboard.press("Enter")
    expect(viewer.locator(".lenet-viewer-status")).to_contain_text("画板是空的")
    assert viewer.locator(".lenet-viewer-bar.top").count() == 0
    assert viewer.locator(".lenet-viewer-bar[data-probability]").count() == 0
    page.close()


# Each layout shift of the page, as Core Web Vitals counts them (not those
# right after the reader's own input).
LAYOUT_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.hadRecentInput) window.__shifts.push(e.value);
  }
}).observe({type: 'layout-shift', buffered: true});
"""


@pytest.mark.parametrize("name", PAGES)
def test_nothing_moves_while_a_page_loads(browser, site, name):
    """The formulas come typeset and the widgets draw before they come into
    view: while the page loads and while a reader scrolls down it, a third
    of a screen at a time, the page's cumulative layout shift stays within
    Core Web Vitals' 0.02 goal (at a phone's size, where a shift moves the
    most)."""
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.add_init_script(LAYOUT_SHIFTS)
    page.goto(f"{site}/{name}.html", wait_until="networkidle")
    while page.evaluate("""() => {
        const before = window.scrollY;
        window.scrollBy(0, innerHeight / 3);
        return window.scrollY > before; }"""):
        page.wait_for_timeout(100)
        page.wait_for_load_state("networkidle")
    shifts = page.evaluate("() => window.__shifts")
    page.close()
    assert sum(shifts) <= 0.02, shifts


@pytest.mark.parametrize("width", [360, 1280])
def test_the_sweep_charts_place_is_as_tall_as_the_chart(browser, site, width):
    """Its place is held at the drawn chart's height before Vega arrives
    (lenet.sweep_chart.DRAWN_HEIGHT_PX): drawing it moves nothing."""
    from lenet.sweep_chart import DRAWN_HEIGHT_PX

    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
    chart = page.locator(".lenet-sweep-chart")
    assert chart.evaluate("el => el.getBoundingClientRect().height") == (
        DRAWN_HEIGHT_PX)  # not drawn yet: far below the screen
    draw_widgets(page)
    drawn = chart.evaluate("el => el.getBoundingClientRect().height")
    page.close()
    assert abs(drawn - DRAWN_HEIGHT_PX) < 1, drawn
