"""The built book in a real browser: Debian's headless Chromium, driven by
Playwright, against _build/html served on 127.0.0.1 (run after ci/build.sh).

Screenshots of every page land in _build/screenshots/ for review.
"""
import re

import numpy as np
import pytest

from tests.built_site import (SCREENSHOTS, cut_off, draw_stroke, draw_widgets,
                        fault_once, open_built_page, page_errors, require_built_book)
from lenet import contract
from lenet import explorer_logic as logic

pytestmark = [pytest.mark.build, pytest.mark.browser]

require_built_book()


def open_page(browser, url):
    """Load `url`; return the page, its console errors and every request."""
    page = browser.new_page()
    errors, requests = page_errors(page), []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(url, wait_until="networkidle")
    draw_widgets(page)
    return page, response, errors, requests


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


def test_explorer_answers_in_the_static_page(browser, site):
    """No kernel: the explorer's JavaScript answers every control of the
    network and of training (the code follows both), a preset sets both,
    and 训练 says that the browser trains."""
    from playwright.sync_api import expect

    page, _, errors, _ = open_page(browser, f"{site}/book/exercises.html")
    explorer = page.locator(".lenet-explorer")
    table = explorer.locator(".lenet-arch-table")
    expect(table).to_contain_text("(1, 6, 24, 24)", timeout=15000)
    expect(table).to_contain_text("44,426")
    kernel = explorer.get_by_label("卷积层1 窗口")
    kernel.focus()
    page.keyboard.press("ArrowRight")
    expect(table).to_contain_text("(1, 6, 23, 23)")
    expect(kernel).to_have_attribute("aria-valuetext", "6")
    code = explorer.locator("textarea.lenet-code")
    explorer.locator("button", has_text="Gluon 代码").click()
    expect(code).to_have_value(
        re.compile(r"nn.Conv2D\(channels=6, kernel_size=6,"))
    explorer.locator("button", has_text="各层形状与参数").click()
    for label in ("卷积层1 窗口", "卷积层2 窗口"):
        explorer.get_by_label(label).focus()
        page.keyboard.press("End")
    message = explorer.locator(".lenet-message")
    expect(message).to_contain_text("这个配置无法构造")
    expect(message).to_contain_text("第 2 个卷积层")
    preset = explorer.get_by_label("预设")
    expect(preset).to_have_value("自定义")
    preset.select_option("快速达到0.90")
    expect(table).to_contain_text("(1, 32, 24, 24)")
    expect(message).to_have_text("")
    # The preset's training settings are shown, and reach the code.
    expect(explorer.get_by_label("优化算法")).to_have_value("adam")
    expect(explorer.get_by_label("学习率", exact=True)).to_have_attribute(
        "aria-valuetext", "0.001")
    expect(explorer.get_by_label("批量大小")).to_have_value("128")
    expect(explorer.get_by_label("迭代周期")).to_have_attribute(
        "aria-valuetext", "3")
    explorer.locator("button", has_text="Gluon 代码").click()
    expect(code).to_have_value(re.compile(r"'adam',\s+\{'learning_rate': 0\.001\}"))
    # A training setting changed here changes the code and the preset's name.
    explorer.get_by_label("批量大小").select_option("64")
    expect(code).to_have_value(re.compile(r"batch_size = 64"))
    expect(preset).to_have_value("自定义")
    # The learning-rate schedule, too (one line, in 9.12's words).
    explorer.get_by_label("每周期后学习率乘以").select_option("0.3")
    expect(code).to_have_value(re.compile(
        r"每个迭代周期结束后：trainer\.set_learning_rate\(trainer\.learning_rate \* 0\.3\)"))
    # A preset that fails on purpose says why under the select, and only
    # such a preset does.
    note = explorer.locator(".lenet-preset-note")
    expect(note).to_be_hidden()
    preset.select_option("会失败：初始值太小")
    expect(note).to_have_text(logic.FAILING_PRESETS["会失败：初始值太小"]["note"])
    assert preset.get_attribute("aria-describedby") == note.get_attribute("id")
    expect(explorer.get_by_label("初始化")).to_have_value("Normal")
    # 训练 trains here, in the browser, and says so (tests/
    # test_static_training.py trains); the tabs say what will appear in them.
    train = explorer.locator("button.lenet-train")
    expect(train).to_be_enabled()
    reason = page.locator("#" + train.get_attribute("aria-describedby"))
    expect(reason).to_contain_text("浏览器里的 TensorFlow.js")
    expect(explorer.locator(".lenet-static-notice")).to_contain_text(
        "前 5000 张训练图像")
    explorer.get_by_role("tab", name="历次运行").click()
    expect(explorer.locator(".lenet-empty").first).to_contain_text(
        "每次训练结束后")
    explorer.get_by_role("tab", name="特征图与混淆矩阵").click()
    expect(explorer.get_by_role("tabpanel")).to_contain_text("训练结束后")
    page.screenshot(path=str(SCREENSHOTS / "exercises-explorer.png"))
    assert errors == []
    page.close()


def test_trained_networks_run_in_the_static_page(browser, site):
    """The viewer shows MXNet's probabilities for a shipped image, fetches
    another network when picked, and follows the sweep chart both ways."""
    from playwright.sync_api import expect

    from lenet import weights
    from lenet.data import read_fashion_mnist, to_unit_float32
    from lenet.network_viewer import strip_indices
    from lenet.sweep import WEIGHTS_DIR, config_of, load_sweep

    page, _, errors, requests = open_page(browser,
                                          f"{site}/book/exercises.html")
    viewer = page.locator(".lenet-viewer")
    bars = viewer.locator(".lenet-viewer-bar")
    expect(bars).to_have_count(10, timeout=15000)
    runs = {run["weights"]["file"][:-4]: run for run in load_sweep()["runs"]}
    images, labels = read_fashion_mnist("test")
    picked = strip_indices(labels)

    def mxnet_probabilities(key, index):
        run = runs[key]
        data = (WEIGHTS_DIR / run["weights"]["file"]).read_bytes()
        net = weights.network_from_file(config_of(run), run["weights"], data)
        return weights.probabilities(
            net, to_unit_float32(images[picked[index]])[np.newaxis])[0]

    def shown():
        return np.array([float(p) for p in bars.evaluate_all(
            "bars => bars.map(b => b.dataset.probability)")])

    assert viewer.locator("select.lenet-viewer-network").input_value() == "k5-c6x16-sigmoid"
    assert np.abs(shown() - mxnet_probabilities("k5-c6x16-sigmoid", 0)
                  ).max() <= 1e-5
    # Click the strip: row 3 (dresses), column 7 -> image 37.
    strip = viewer.locator(".lenet-viewer-strip")
    box = strip.bounding_box()
    strip.click(position={"x": box["width"] * 7.5 / 10,
                          "y": box["height"] * 3.5 / 10})
    expect(viewer.locator(".lenet-viewer-bar", has_text="✓")).to_contain_text(
        "连衣裙")
    page.wait_for_function(
        "([el, p]) => Math.abs(Number(el.dataset.probability) - p) < 1e-5",
        arg=[bars.first.element_handle(),
             float(mxnet_probabilities("k5-c6x16-sigmoid", 37)[0])])
    maps = viewer.locator(".lenet-viewer-maps canvas")
    assert maps.count() == 6 + 6 + 16 + 16
    # The chart picks the network...
    chart = page.locator(".lenet-sweep-chart")
    chart.scroll_into_view_if_needed()
    chart.locator("select").first.select_option("3")
    chart.locator("input[type=radio][value=relu]").check()
    expect(viewer.locator("select.lenet-viewer-network")).to_have_value("k3-c6x16-relu")
    page.wait_for_function(
        "([el, p]) => Math.abs(Number(el.dataset.probability) - p) < 1e-5",
        arg=[bars.first.element_handle(),
             float(mxnet_probabilities("k3-c6x16-relu", 37)[0])])
    assert any(url.endswith("/data/lenet-weights/k3-c6x16-relu.bin")
               for url in requests)
    # ...and the viewer moves the chart.
    viewer.locator("select.lenet-viewer-network").select_option("k7-c32x64-tanh")
    headline = chart.locator("svg text", has_text="训练用时")
    expect(headline).to_contain_text(
        f"{runs['k7-c32x64-tanh']['final_test_acc']:.4f}")
    expect(maps).to_have_count(32 + 32 + 64 + 64)
    page.screenshot(path=str(SCREENSHOTS / "exercises-viewer.png"),
                    full_page=True)
    # Drawing replaces the test image: no true class any more.
    draw_stroke(page, viewer.locator(".lenet-viewer-draw"), (0.3, 0.2), (0.7, 0.8))
    expect(viewer.locator(".lenet-viewer-bar", has_text="✓")).to_have_count(0)
    assert errors == []
    page.close()


def test_a_network_of_digits_shows_digits_and_reads_a_drawn_one(browser, site):
    """Picking a network trained on MNIST gives the digits' strip, classes
    0-9 and pairs, MXNet's probabilities for a digit; a drawn 7 is read as
    7; a Fashion network brings the clothes back."""
    from playwright.sync_api import expect

    from lenet import weights
    from lenet.data import MNIST, read_data_set, to_unit_float32
    from lenet.network_viewer import strip_indices
    from lenet.sweep import load_digit_networks, trained_network

    page, _, errors, _ = open_page(browser, f"{site}/book/exercises.html")
    viewer = page.locator(".lenet-viewer")
    bars = viewer.locator(".lenet-viewer-bar")
    expect(bars).to_have_count(10, timeout=15000)
    picker = viewer.locator("select.lenet-viewer-network")
    picker.select_option("mnist-k5-c6x16-relu")
    expect(bars.first).to_contain_text("0")
    expect(viewer.locator(".lenet-viewer-bar", has_text="✓")).to_contain_text("0")
    expect(viewer.locator(".lenet-compare select").first.locator("option").first
           ).to_have_text("4 与 9")
    run = next(r for r in load_digit_networks()["runs"] if r["activation"] == "relu")
    _, net = trained_network(run)
    images, labels = read_data_set(MNIST, "test")
    picked = strip_indices(labels)
    viewer.evaluate("el => el.lenetShow(37)")  # the eighth 3
    expect(viewer.locator(".lenet-viewer-bar", has_text="✓")).to_contain_text("3")
    expected = weights.probabilities(
        net, to_unit_float32(images[picked[37]])[np.newaxis])[0]
    page.wait_for_function(
        "([el, p]) => Math.abs(Number(el.dataset.probability) - p) < 1e-5",
        arg=[bars.nth(3).element_handle(), float(expected[3])])
    shown = np.array([float(p) for p in bars.evaluate_all(
        "bars => bars.map(b => b.dataset.probability)")])
    assert np.abs(shown - expected).max() <= 1e-5
    board = viewer.locator(".lenet-viewer-draw")
    viewer.locator("button", has_text="清空画板").click()
    draw_stroke(page, board, (0.3, 0.25), (0.7, 0.25))   # a 7: the bar,
    draw_stroke(page, board, (0.7, 0.25), (0.45, 0.8))   # then the stem
    expect(viewer.locator(".lenet-viewer-bar.top")).to_contain_text("7")
    # Cleared, then drawn on: the line under the strip says which is shown.
    expect(viewer.locator(".lenet-viewer-picked")).to_have_text("现在显示的是画板上的图")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone's width
    board.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "viewer-digit-board-390.png"))
    picker.select_option("k5-c6x16-sigmoid")
    expect(bars.first).to_contain_text("T恤")
    assert errors == []
    page.close()


def test_the_viewer_takes_a_photo_and_unseen_inputs(browser, site):
    """In the built page: the photo picker gives the network the photo's
    28 x 28 (drawn as it sees it), 反色 inverts it, noise and a shift of a
    test image answer, and the shift says how much each layer moved."""
    from playwright.sync_api import expect

    from PIL import Image

    from lenet import inputs
    from lenet.paths import EXAMPLE_PHOTO as PHOTO

    page = open_built_page(browser, f"{site}/book/exercises.html")
    viewer = page.locator(".lenet-viewer")
    panel = viewer.locator(".lenet-inputs")
    panel.locator("summary").click()
    source = panel.get_by_label("输入", exact=True)
    with page.expect_file_chooser() as chooser:
        source.select_option("photo")
    chooser.value.set_files(str(PHOTO))
    expect(panel.locator(".lenet-inputs-note")).to_contain_text("反色")
    expected = inputs.photo_input(np.asarray(Image.open(PHOTO).convert("RGB")))
    seen = np.array(panel.locator(".lenet-inputs-seen").evaluate(
        "c => Array.from(c.getContext('2d').getImageData(0, 0, 28, 28).data)"),
                    dtype=np.float64).reshape(28, 28, 4)[..., 0]
    assert np.abs(seen - expected * 255).max() <= 1.5
    panel.get_by_label("反色").check()
    expect(viewer.locator(".lenet-viewer-picked")).to_contain_text(
        "网络看到的是我的照片反色之后")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone's width
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "viewer-photo-390.png"))
    before = viewer.evaluate("el => el.lenetProbabilities")
    source.select_option("noise")
    expect(viewer.locator(".lenet-viewer-bar", has_text="✓")).to_have_count(0)
    page.wait_for_function(
        "([el, p]) => JSON.stringify(el.lenetProbabilities) !== JSON.stringify(p)",
        arg=[viewer.element_handle(), before])
    panel.get_by_role("button", name="复原").click()
    panel.get_by_label("左右平移").fill("3")
    expect(panel.locator(".lenet-inputs-effect")).to_contain_text("与原图相比")
    expect(panel.locator(".lenet-inputs-effect")).to_contain_text("%")
    expect(viewer.locator(".lenet-viewer-bar", has_text="✓")).to_have_count(1)
    page.close()


def test_the_saliency_and_occlusion_maps_of_the_viewer_are_mxnets(browser, site):
    """为什么这样判断 on the viewer's first image, for the predicted class:
    the gradient MXNet's autograd gives, and the drops MXNet gives for a
    6-pixel patch every 2 pixels."""
    from playwright.sync_api import expect

    from lenet import attribution, weights
    from lenet.data import read_fashion_mnist, to_unit_float32
    from lenet.network_viewer import strip_indices
    from lenet.sweep import load_sweep, network_key, trained_network

    page = open_built_page(browser, f"{site}/book/exercises.html",
                           viewport={"width": 390, "height": 844})  # a phone's width
    viewer = page.locator(".lenet-viewer")
    panel = viewer.locator(".lenet-occlusion")
    panel.locator("summary").click()
    expect(panel.locator(".lenet-occlusion-line").last).to_contain_text("掉得最多")
    run = next(r for r in load_sweep()["runs"] if network_key(r) == "k5-c6x16-sigmoid")
    _, net = trained_network(run)
    images, labels = read_fashion_mnist("test")
    image = to_unit_float32(images[strip_indices(labels)[0]]).reshape(28, 28)
    predicted = int(weights.probabilities(net, image[np.newaxis, np.newaxis])[0].argmax())
    expected = attribution.occlusion_map(net, image, predicted, 6, 2)
    shown = np.array(panel.evaluate("el => el.lenetDrops"))
    assert np.abs(shown - expected.ravel()).max() <= 1e-5
    gradient = np.array(panel.evaluate("el => el.lenetSaliency"))
    assert np.abs(gradient - attribution.saliency(net, image, predicted).ravel()).max() <= 1e-5
    expect(panel.locator(".lenet-occlusion-line").first).to_contain_text("梯度")
    panel.get_by_label("遮挡块的边长").select_option("10")
    page.wait_for_function("el => el.lenetDrops.length === 100", arg=panel.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "viewer-why-390.png"))
    # 对抗样本: the smallest ε the page finds is MXNet's.
    fool = viewer.locator(".lenet-fool")
    fool.locator("summary").click()
    fool.get_by_role("button", name="找能改变答案的最小 ε").click()
    levels = attribution.smallest_fooling(net, image, predicted)
    expect(fool.locator(".lenet-fool-line")).to_contain_text(f"最小的 ε 是 {levels} 个灰度级")
    assert fool.evaluate("el => el.lenetFooled.levels") == levels
    assert fool.evaluate("el => el.lenetFooled.predicted") != predicted
    fool.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "viewer-fool-390.png"))
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
    from lenet.sweep import load_sweep, network_key

    runs = {network_key(r): r for r in load_sweep()["runs"]}
    page, *_ = open_page(browser, f"{site}/book/exercises.html")
    chart = page.locator(".lenet-sweep-chart")
    chart.scroll_into_view_if_needed()
    headline = chart.locator("svg text", has_text="训练用时")
    headline.wait_for(timeout=15000)
    book_lenet = runs["k5-c6x16-sigmoid"]
    assert f"{book_lenet['final_test_acc']:.4f}" in headline.text_content()

    chart.locator("select").first.select_option("3")
    chart.locator("input[type=radio][value=relu]").check()
    picked = runs["k3-c6x16-relu"]
    page.wait_for_function(
        "([el, text]) => el.textContent.includes(text)",
        arg=[headline.element_handle(), f"{picked['final_test_acc']:.4f}"],
        timeout=5000)
    assert f"参数 {picked['num_params']:,}" in headline.text_content()
    assert chart.locator("svg text", has_text="1×6×26×26").count() == 1
    # A click on a point of the scatter picks that configuration; the
    # points speak the book's words, not the data's field names.
    point = chart.locator("path[aria-label*='卷积窗口 7，'][aria-label*='tanh']"
                          "[aria-label*='32,64']").first
    label = point.get_attribute("aria-label")
    assert "最终测试准确率" in label and "final_test_acc" not in label
    point.click(force=True)
    picked = runs["k7-c32x64-tanh"]
    page.wait_for_function(
        "([el, text]) => el.textContent.includes(text)",
        arg=[headline.element_handle(), f"{picked['final_test_acc']:.4f}"],
        timeout=5000)
    assert chart.locator("select").first.input_value() == "7"
    page.close()


# Words of the data itself that a Chinese reader meets in the text too.
DATA_WORDS = re.compile(r"sigmoid|relu|tanh|LeNet|(conv|pool|dense)\d")


def test_the_sweep_chart_speaks_chinese_to_screen_readers(browser, site):
    """Every label and role word a screen reader reads from the sweep chart
    is Chinese (the spec's descriptions, lenet_sweep_chart.js for Vega's
    own words), before and after the reader picks another configuration."""
    page, *_ = open_page(browser, f"{site}/book/exercises.html")
    chart = page.locator(".lenet-sweep-chart")
    chart.scroll_into_view_if_needed()
    chart.locator("svg text", has_text="训练用时").wait_for(timeout=15000)

    def english():
        said = chart.evaluate("""chart => [...chart.querySelectorAll(
          '[aria-label], [aria-roledescription]')].flatMap((node) =>
          [node.getAttribute('aria-label'), node.getAttribute('aria-roledescription')])
          .filter(Boolean)""")
        assert len(said) > 100
        return sorted({text for text in said
                       if re.search(r"[A-Za-z]{2,}", DATA_WORDS.sub("", text))})

    assert english() == []
    chart.locator("input[type=radio][value=relu]").check()
    page.wait_for_timeout(300)  # Vega redraws; the observer translates
    assert english() == []
    page.close()


def test_widgets_load_when_the_reader_comes_near_them(browser, site):
    """At a phone's size, 5.5.4 fetches no widget state and runs no widget
    until the reader scrolls towards one; a state that does not arrive is
    said in Chinese in the widget's place, and the next widget asks again."""
    page = browser.new_page()
    page.set_viewport_size({"width": 412, "height": 823})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    refused = fault_once(page, "**/exercises.widgets.json", cut_off)
    page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
    places = page.locator(".lenet-static-widget")
    assert places.count() == 3
    assert not [url for url in requests if "widgets.json" in url]
    assert page.locator(".lenet-explorer, .lenet-viewer").count() == 0

    places.first.scroll_into_view_if_needed()
    page.wait_for_function("el => el.dataset.drawn",
                           arg=places.first.element_handle())
    assert places.first.get_attribute("data-drawn") == "failed"
    assert "没能显示" in places.first.inner_text()
    draw_widgets(page)  # the viewer, further down, fetches the state again
    assert page.locator(".lenet-viewer").count() == 1
    assert len([url for url in requests if "widgets.json" in url]) == 2
    page.close()


def test_a_network_whose_weights_failed_to_arrive_says_so_and_retries(
        browser, site):
    """The first download of a network's weights is cut off: the viewer
    shows no bars (not the previous network's), says what happened in
    Chinese, and 重试 fetches it again without a reload."""
    from playwright.sync_api import expect

    page = browser.new_page()
    cut = fault_once(page, "**/lenet-weights/k3-c6x16-relu.bin", cut_off)
    page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
    draw_widgets(page)
    viewer = page.locator(".lenet-viewer")
    bars = viewer.locator(".lenet-viewer-bar")
    expect(bars.first).to_have_attribute("data-probability", re.compile("."))
    viewer.locator("select.lenet-viewer-network").select_option("k3-c6x16-relu")
    status = viewer.locator(".lenet-viewer-status")
    expect(status).to_contain_text("没能下载这个网络的权重")
    assert cut and bars.evaluate_all(
        "bars => bars.filter(b => 'probability' in b.dataset).length") == 0
    viewer.get_by_role("button", name="重试").click()
    expect(status).to_contain_text("测试集准确率")
    probabilities = bars.evaluate_all(
        "bars => bars.map(b => Number(b.dataset.probability))")
    assert abs(sum(probabilities) - 1) < 1e-5
    page.close()


def test_the_page_says_how_many_training_images_it_has(browser, site):
    """The book's LeNet asks for 60000 training images; the page has
    fewer, and its control says so rather than dropping to them silently."""
    from playwright.sync_api import expect

    from lenet import contract

    page, *_ = open_page(browser, f"{site}/book/exercises.html")
    control = page.locator(".lenet-explorer").get_by_label("训练样本数")
    said = contract.WORDS["train_size_capped"].format(
        train=contract.BROWSER_TRAIN_SIZE, wanted=60000)
    expect(control).to_have_attribute("aria-valuetext", said)
    page.close()
