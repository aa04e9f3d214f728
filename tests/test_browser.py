"""The built book in a real browser: Debian's headless Chromium, driven by
Playwright, against _build/html served on 127.0.0.1 (run after ci/build.sh).

Screenshots of every page land in _build/screenshots/ for review.
"""
import functools
import http.server
import threading
from pathlib import Path

import pytest

from browser_support import launch_chromium, only_this_host, require_or_skip

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
PAGES = ["index", "lenet_model", "training", "summary", "exercises",
         "references"]

require_or_skip((HTML_DIR / "book" / "index.html").exists(),
                "no built book: run `bash ci/build.sh` first")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    handler = functools.partial(QuietHandler, directory=str(HTML_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with launch_chromium(tmp_path_factory.mktemp("chromium-profile")) as ctx:
        only_this_host(ctx)  # each page test asserts none was even tried
        yield ctx


def open_page(browser, url):
    """Load `url`; return the page, its console errors and every request."""
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(url, wait_until="networkidle")
    return page, response, errors, requests


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_cleanly_from_this_host_only(browser, site, name):
    page, response, errors, requests = open_page(
        browser, f"{site}/book/{name}.html")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert response.status == 200
    assert errors == []
    elsewhere = [url for url in requests
                 if not url.startswith((site, "blob:", "data:"))]
    assert elsewhere == []
    page.close()


def test_formulas_are_typeset_and_the_figure_loads(browser, site):
    page, *_ = open_page(browser, f"{site}/book/lenet_model.html")
    page.wait_for_selector("mjx-container", timeout=15000)
    assert page.locator("mjx-container").count() >= 10
    # Typeset, not left as TeX source.
    assert "\\times" not in page.locator("article").inner_text()
    figure = page.locator("img[src*='lenet']")
    assert figure.get_attribute("alt").startswith("LeNet 的结构示意图")
    assert figure.evaluate("img => img.complete && img.naturalWidth") > 0
    page.close()


def test_explorer_widgets_are_drawn_and_draggable(browser, site):
    page, *_ = open_page(browser, f"{site}/book/exercises.html")
    sliders = page.locator(".widget-slider")
    sliders.first.wait_for(timeout=15000)
    assert sliders.count() >= 7
    first_kernel = page.locator(".widget-hslider").first
    readout = first_kernel.locator(".widget-readout")
    assert readout.inner_text() == "5"
    handle = first_kernel.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    assert readout.inner_text() != "5"
    page.close()


def test_chinese_search_finds_the_lenet_pages(browser, site):
    page, *_ = open_page(browser, f"{site}/search.html?q=卷积")
    page.wait_for_selector("#search-results li", timeout=15000)
    found = page.locator("#search-results li a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    assert any("lenet_model" in href for href in found), found
    assert any("book/index" in href for href in found), found
    page.close()


def test_sweep_chart_answers_its_controls(browser, site):
    """The precomputed sweep chart on 5.5.4, with no kernel: picking another
    configuration shows that configuration's recorded accuracy."""
    from lenet.sweep import load_sweep, run_key

    runs = {run_key(r): r for r in load_sweep()["runs"]}
    page, *_ = open_page(browser, f"{site}/book/exercises.html")
    chart = page.locator(".lenet-sweep-chart")
    headline = chart.locator("svg text", has_text="训练用时")
    headline.wait_for(timeout=15000)
    book_lenet = runs[(5, (6, 16), "sigmoid")]
    assert f"{book_lenet['final_test_acc']:.4f}" in headline.text_content()

    chart.locator("select").first.select_option("3")
    chart.locator("input[type=radio][value=relu]").check()
    picked = runs[(3, (6, 16), "relu")]
    page.wait_for_function(
        "([el, text]) => el.textContent.includes(text)",
        arg=[headline.element_handle(), f"{picked['final_test_acc']:.4f}"],
        timeout=5000)
    assert f"参数 {picked['num_params']:,}" in headline.text_content()
    assert chart.locator("svg text", has_text="1×6×26×26").count() == 1
    page.close()
