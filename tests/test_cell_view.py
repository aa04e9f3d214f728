"""The convolution view (web/js/viewer/cells.js) on the built book: on a
phone (360 px) on 5.5.1 a reader picks a conv1 cell by tapping and moves it
with the arrow keys, sees its three 5×5 grids, the channels' sums, the
bias and the activation, and a value that is MXNet's; a pooling cell shows
its window with the kept value; 播放 slides the window; nothing scrolls
sideways.  On 5.5.4 the view follows the network the viewer picks.
Screenshots go to _build/screenshots/."""
import pytest

from lenet.data import read_fashion_mnist, to_unit_float32
from lenet.network_viewer import strip_indices
from tests.test_cell import NETWORKS, mxnet_layers

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.real_data,
              pytest.mark.usefixtures("real_data_dir")]


@pytest.fixture(scope="module")
def images():
    pictures, labels = read_fashion_mnist("test")
    return to_unit_float32(pictures[strip_indices(labels)])


PHONE = {"width": 360, "height": 780}
CELL = "() => document.querySelector('.lenet-viewer').lenetCell()"


def cell_view(browser, site, page_name, viewport):
    from tests.built_site import draw_widgets

    page = browser.new_page()
    page.set_viewport_size(viewport)
    page.goto(f"{site}/book/{page_name}.html", wait_until="networkidle")
    draw_widgets(page)
    view = page.locator(".lenet-cells")
    view.scroll_into_view_if_needed()
    view.locator(".lenet-cell-grid").first.wait_for()
    return page, view


def test_on_a_phone_a_reader_picks_any_cell_by_tap_and_by_keyboard(
        browser, site, images):
    from tests.built_site import SCREENSHOTS

    page, view = cell_view(browser, site, "lenet_model", PHONE)
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 361
    # The book's LeNet on the first test image: conv1, output channel 3.
    view.get_by_label("层", exact=True).select_option("conv1")
    view.get_by_label("输出通道", exact=True).select_option("3")
    output = view.locator(".lenet-cell-picture").last
    box = output.bounding_box()
    output.click(position={"x": box["width"] * 0.1, "y": box["height"] * 0.6})
    assert page.evaluate(CELL) == {"name": "conv1", "channel": 3, "row": 4,
                                   "col": 0, "input": 0}
    status = view.locator(".lenet-cell-status")
    assert "（14×14）" in status.inner_text()
    net, config = NETWORKS["book"]()
    layers = mxnet_layers(net, config, images[0])
    assert f"值 {layers['conv1'][2][3, 4, 0]:.3f}" in status.inner_text()
    # Three 5×5 grids (input, kernel, products) and the six channels' sums.
    assert view.locator(".lenet-cell-grid td").count() == 3 * 25
    assert "每个输入通道的乘积之和" in view.inner_text()
    assert "加上偏差" in view.inner_text() and "sigmoid(" in view.inner_text()
    # The keyboard: the map takes the arrow keys and says where it is.
    output.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(CELL)["row"] == 5 and page.evaluate(CELL)["col"] == 1
    assert "第 6 行第 2 列" in status.inner_text()
    assert status.get_attribute("aria-live") == "polite"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    view.screenshot(path=str(SCREENSHOTS / "phone-cell-conv1.png"))
    # A pooling cell: its 2×2 window, the kept value marked.
    view.get_by_label("层", exact=True).select_option("pool0")
    assert view.locator(".lenet-cell-grid td").count() == 4
    assert view.locator(".lenet-cell-grid td.kept").count() == 1
    assert "最大池化" in view.inner_text()
    # 播放 slides the window along the row.
    start = page.evaluate(CELL)["col"]
    view.get_by_role("button", name="播放").click()
    page.wait_for_function(f"() => {CELL}().col >= {start + 2}", timeout=5000)
    view.get_by_role("button", name="暂停").click()
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 361
    page.close()


def test_the_view_follows_the_network_the_viewer_picks(browser, site):
    from tests.built_site import SCREENSHOTS

    page, view = cell_view(browser, site, "exercises",
                           {"width": 1280, "height": 900})
    page.locator(".lenet-viewer select.lenet-viewer-network").select_option(
        "k3-c16x32-relu")
    page.wait_for_function(
        "() => document.querySelectorAll('.lenet-cell-grid td').length === 27")
    assert "ReLU(" in view.inner_text()
    view.screenshot(path=str(SCREENSHOTS / "desktop-cell-k3.png"))
    page.close()


def test_two_inputs_side_by_side_with_their_difference(browser, site):
    """5.5.4's viewer compares two images layer by layer: 套衫 and 外套
    first, one row each and their difference, every channel of every map;
    the reader's drawing against the chosen test image."""
    from tests.built_site import SCREENSHOTS, draw_stroke

    page, _ = cell_view(browser, site, "exercises", PHONE)
    compare = page.locator(".lenet-compare")
    compare.scroll_into_view_if_needed()
    assert compare.get_by_label("比较哪两张图").input_value() == "0"
    assert "套衫" in compare.get_by_label("比较哪两张图").inner_text().split("\n")[0]
    layers = compare.locator(".lenet-compare-layer")
    assert layers.evaluate_all("ls => ls.map(l => l.dataset.map)") == [
        "conv0", "pool0", "conv1", "pool1"]
    rows = layers.first.locator(".lenet-compare-row span").all_inner_texts()
    assert rows == ["套衫（pullover）", "外套（coat）", "两者之差 |A − B|"]
    assert compare.locator("canvas").count() == 3 * (6 + 6 + 16 + 16)
    compare.screenshot(path=str(SCREENSHOTS / "phone-compare-pullover-coat.png"))
    # The drawing against the chosen test image: first it says what to do.
    compare.get_by_label("比较哪两张图").select_option("drawing")
    assert "先在画板上画一张" in compare.inner_text()
    draw_stroke(page, page.locator(".lenet-viewer-draw"), (0.5, 0.2), (0.5, 0.8))
    page.locator(".lenet-viewer").evaluate("v => v.lenetShow(40)")
    page.wait_for_function(
        "() => document.querySelector('.lenet-compare-row span')"
        "?.textContent === '画板上的图'")
    assert compare.locator(".lenet-compare-row span").nth(1).inner_text() == "测试图像 41"
    page.close()
