"""训练 in the static book: the 5.5.4 explorer trains in the browser (its
worker, web/js/lenet_train_worker.js) with every other host blocked.

The browser preset reaches 0.80 on the shipped test images; what training
needs is fetched once the reader sets up a run (never on page load, never
with the browser's data saver on), each file once, with its progress shown;
a run can be stopped between two batches, or while it downloads; a cut-off
download says so and 训练 fetches the rest; a diverging run ends with the
advice; the page answers while it trains; the history, the feature maps,
the confusion matrix and the trained-network viewer get the trained
network; configurations at the controls' extremes train to their end.
Times are printed, not asserted (python -m bench.phone measures speed).
"""
import json
import os
import re
import time

import pytest

from lenet import contract
from tests.built_site import (SCREENSHOTS, cut_off, draw_widgets, fault_once,
                        page_errors, show_explorer)

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.training]

# The run has ended, however (done, stopped, diverged, failed).
FINISHED = ("() => !" + json.dumps(list(contract.RUNNING_STATES))
            + ".includes(document.querySelector('.lenet-explorer')"
            ".lenetRun().state)")


TRAINING_FILES = ("tfjs", "u8.gz", "lenet_train", ".wasm")
# Each message's words up to its first placeholder.
MESSAGES_START = {name: text.split("{")[0]
                  for name, text in contract.MESSAGES.items()}
DOWNLOADING = r"正在下载训练程序和数据：[\d.]+ / [\d.]+ MB（\d+%）"


def uncached(page):
    """The page's requests all go to the server: what the worker keeps is
    what is not fetched again.  Returns the page's DevTools session."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    return cdp


@pytest.fixture
def explorer_page(browser, site):
    page = browser.new_page()
    errors, fetched = page_errors(page), []
    page.on("requestfinished", lambda request: fetched.append(request))
    page.on("worker", lambda worker: errors.extend(
        [] if worker.url.startswith(site) else [f"worker from {worker.url}"]))
    page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
    show_explorer(page)
    yield page, page.locator(".lenet-explorer"), errors, fetched
    page.close()
    # Everything from the book's own host (the context blocks the rest).
    assert all(r.url.startswith(site) for r in fetched), [
        r.url for r in fetched if not r.url.startswith(site)]


def set_config(page, **changes):
    """Set the explorer's configuration as its controls would."""
    page.evaluate("""(changes) => {
      const root = document.querySelector('.lenet-explorer');
      root.lenetSetConfig(changes);
    }""", changes)


def finished_epochs(page, explorer, timeout=120_000):
    """Press 训练, wait for the run to end, and return its epochs (it must
    end 完成)."""
    explorer.locator("button.lenet-train").click()
    page.wait_for_function(FINISHED, timeout=timeout)
    status = explorer.locator(".lenet-status").inner_text()
    assert status.startswith("完成"), status
    return page.evaluate("() => document.querySelector('.lenet-explorer')"
                         ".lenetRun().epochs")


def train_to_the_end(page, explorer, timeout=180_000):
    started = time.perf_counter()
    explorer.locator("button.lenet-train").click()
    page.wait_for_function(FINISHED, timeout=timeout)
    return time.perf_counter() - started


def test_the_browser_preset_trains_to_0_80_and_everything_gets_it(
        explorer_page):
    from playwright.sync_api import expect

    page, explorer, errors, fetched = explorer_page
    engine = page.locator(
        "#" + explorer.locator("button.lenet-train")
        .get_attribute("aria-describedby"))
    expect(engine).to_contain_text(contract.ENGINES["browser"])
    # Nothing of the training is fetched on page load; choosing a preset
    # (the reader sets up a run) starts it.
    assert not [r.url for r in fetched
                if any(name in r.url for name in TRAINING_FILES)]
    before = len(fetched)
    with page.expect_request(lambda r: "train-images" in r.url):
        explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    epochs = finished_epochs(page, explorer)
    final = epochs[-1]["test_acc"]
    assert final >= 0.80, epochs
    names = [r.url.split("/")[-1] for r in fetched[before:]]
    downloads = {r.url.split("/")[-1]: r.sizes()["responseBodySize"]
                 for r in fetched[before:]}
    print(json.dumps({"browser_preset_test_acc": final,
                      "seconds": sum(e["seconds"] for e in epochs),
                      "bytes_at_first_training": sum(downloads.values()),
                      "files": downloads}))
    # Each file once, though the prefetch and 训练 both asked for them;
    # one of the two .wasm files.
    wanted = {"tfjs.esm.min.js", "train-images.u8.gz", "train-labels.u8.gz",
              "test-images.u8.gz", "test-labels.u8.gz"}
    assert wanted <= set(names)
    assert all(names.count(name) == 1 for name in wanted), names
    assert len([name for name in names if name.endswith(".wasm")]) == 1
    # The history lists the run; the confusion matrix counts the shipped
    # test images; the feature maps come from the worker.
    explorer.get_by_role("tab", name="历次运行").click()
    expect(explorer.locator(".lenet-history")).to_contain_text("批量归一化")
    explorer.get_by_role("tab", name="特征图与混淆矩阵").click()
    counts = page.evaluate("() => document.querySelector('.lenet-explorer')"
                           ".lenetInspection().confusion")
    assert sum(map(sum, counts)) == contract.BROWSER_TEST_SIZE
    expect(explorer.locator(".lenet-maps canvas")).to_have_count(1 + 6 + 16)
    expect(explorer.locator(".lenet-maps")).to_contain_text(
        "卷积层1（激活后）")
    # The reader scrolls on: the viewer, drawn only now, offers the network
    # trained before it was there and runs it on the strip.
    draw_widgets(page)
    viewer = page.locator(".lenet-viewer")
    expect(viewer.locator("select.lenet-viewer-network")).to_have_value("trained-1")
    expect(viewer.locator(".lenet-viewer-status")).to_contain_text(
        f"{final:.4f}")
    probabilities = [float(p) for p in viewer.locator(
        ".lenet-viewer-bar").evaluate_all(
            "rows => rows.map((r) => r.dataset.probability)")]
    assert abs(sum(probabilities) - 1) < 1e-5
    page.screenshot(path=str(SCREENSHOTS / "exercises-trained-here.png"))
    assert errors == []


LIVE = "document.querySelector('.lenet-explorer').lenetLive"


def test_while_it_trains_the_page_shows_the_network_learning(explorer_page):
    """训练中的网络 in the page: every batch's mean loss once, making each
    epoch's training loss; the kernels and one test image's maps, the last
    drawn after the last batch from the trained network (the same arrays
    as 特征图与混淆矩阵 gets from it)."""
    from playwright.sync_api import expect

    page, explorer, errors, _ = explorer_page
    page.set_viewport_size({"width": 390, "height": 844})  # a phone's width
    explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    set_config(page, num_epochs=2, train_size=2000)
    live = explorer.locator(".lenet-live")
    live.get_by_label("测试图像编号").fill("7")
    live.get_by_label("测试图像编号").dispatch_event("change")
    explorer.locator("button.lenet-train").click()
    live.scroll_into_view_if_needed()
    # Mid-training (the run has 2 × 32 batches): the loss line and a picture.
    page.wait_for_function(f"() => {LIVE}.picture() !== null && {LIVE}.losses().length >= 40",
                           timeout=120_000)
    live.locator(".lenet-batch-chart").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "explorer-live-390.png"))
    page.wait_for_function(FINISHED, timeout=120_000)
    config, epochs, losses, picture = page.evaluate(f"""() => [
      document.querySelector('.lenet-explorer').lenetConfig(),
      document.querySelector('.lenet-explorer').lenetRun().epochs,
      {LIVE}.losses(), {LIVE}.picture()]""")
    batch, n = config["batch_size"], config["train_size"]
    per_epoch = -(-n // batch)
    assert len(losses) == 2 * per_epoch
    sizes = [batch] * (n // batch) + ([n % batch] if n % batch else [])
    for i, record in enumerate(epochs):
        mean = sum(l * s for l, s in zip(losses[i * per_epoch:], sizes)) / n
        assert mean == pytest.approx(record["train_loss"], rel=1e-5)
    assert picture["picture"]["image"] == 7
    assert picture["picture"]["kernels"]["channels"] == config["channels"][0]
    expect(live.locator(".lenet-live-kernels canvas")).to_have_count(
        config["channels"][0])
    expect(live.locator(".lenet-live-caption").last).to_contain_text("测试图像 #7")
    explorer.get_by_role("tab", name="特征图与混淆矩阵").click()
    explorer.get_by_label("测试图像编号").last.fill("7")
    explorer.get_by_label("测试图像编号").last.dispatch_event("change")
    page.wait_for_function(
        "() => document.querySelector('.lenet-explorer').lenetMaps()?.content.image === 7")
    same = page.evaluate(f"""() => {{
      const live = {LIVE}.picture().arrays;
      const shown = document.querySelector('.lenet-explorer').lenetMaps().arrays;
      return live.length === shown.length + 1 && shown.every(
        (a, i) => a.length === live[i].length && a.every((v, j) => v === live[i][j]));
    }}""")
    assert same
    assert errors == []


def test_the_page_computes_no_pictures_it_does_not_show(explorer_page):
    """With 训练 out of sight (another tab) or the switch off, the worker
    sends only the losses; back in sight, pictures again."""
    page, explorer, errors, _ = explorer_page
    set_config(page, num_epochs=20, train_size=5000, batch_size=32)
    live = explorer.locator(".lenet-live")
    explorer.locator("button.lenet-train").click()
    live.scroll_into_view_if_needed()
    count = f"{LIVE}.pictures()"
    page.wait_for_function(f"() => {count} > 0", timeout=120_000)
    explorer.get_by_role("tab", name="历次运行").click()
    page.wait_for_timeout(300)  # a message on its way when the tab changed
    hidden = page.evaluate(f"() => [{count}, {LIVE}.losses().length]")
    page.wait_for_timeout(1500)
    later = page.evaluate(f"() => [{count}, {LIVE}.losses().length]")
    assert later[0] == hidden[0] and later[1] > hidden[1], (hidden, later)
    explorer.get_by_role("tab", name="训练").click()
    page.wait_for_function(f"() => {count} > {later[0]}", timeout=10_000)
    live.get_by_label("边训练边画出网络").uncheck()
    page.wait_for_timeout(300)
    off = page.evaluate(f"() => {count}")
    page.wait_for_timeout(1500)
    assert page.evaluate(f"() => {count}") == off
    assert live.locator(".lenet-live-pictures").is_hidden()
    explorer.locator("button.lenet-stop").click()
    page.wait_for_function(FINISHED, timeout=60_000)
    assert errors == []


def test_the_browser_preset_learns_digits_from_their_own_files(explorer_page):
    """手写数字: the worker fetches MNIST's shipped images (not
    Fashion-MNIST's), trains on them, and the confusion matrix and the
    feature maps name digits."""
    from playwright.sync_api import expect

    page, explorer, errors, fetched = explorer_page
    explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    explorer.get_by_label("数据集").select_option("mnist")
    before = len(fetched)
    epochs = finished_epochs(page, explorer)
    final = epochs[-1]["test_acc"]
    print(json.dumps({"browser_preset_digits_test_acc": final}))
    assert final >= 0.90, epochs
    # Only 5,000 digits reach 0.90 with this preset, not clothes (0.80);
    # the preset's choice prefetched Fashion-MNIST's before.
    data = [r.url.split("/data/")[1] for r in fetched[before:]
            if "/data/mnist-subset/" in r.url]
    assert sorted(data) == sorted(
        f"mnist-subset/{name}.u8.gz" for name in (
            "train-images", "train-labels", "test-images", "test-labels")), data
    explorer.get_by_role("tab", name="特征图与混淆矩阵").click()
    expect(explorer.locator(".lenet-confusion")).to_contain_text("9")
    expect(explorer.locator(".lenet-maps h4").first).to_have_text(
        re.compile(r"测试图像 #0（\d）"))
    assert errors == []


def test_stop_ends_a_run_between_two_batches(explorer_page):
    from playwright.sync_api import expect

    page, explorer, errors, _ = explorer_page
    set_config(page, num_epochs=20, train_size=5000, batch_size=32)
    explorer.locator("button.lenet-train").click()
    page.wait_for_function("() => document.querySelector('.lenet-explorer')"
                           ".lenetRun().state === 'training'", timeout=120_000)
    # While it trains, the page answers: a tab changes.
    explorer.get_by_role("tab", name="历次运行").click()
    expect(explorer.get_by_role("tab", name="历次运行")).to_have_attribute(
        "aria-selected", "true")
    explorer.get_by_role("tab", name="训练").click()
    explorer.locator("button.lenet-stop").click()
    page.wait_for_function(FINISHED, timeout=60_000)
    status = explorer.locator(".lenet-status").inner_text()
    assert status.startswith("已在第 1 个迭代周期中途停止"), status
    assert explorer.locator("button.lenet-train").is_enabled()
    assert errors == []


def test_the_download_shows_its_progress_and_a_stop_ends_it(browser, site):
    """On a slow line the status and the bar show the bytes that arrived;
    停止 during the download ends the run before any training, and 训练
    then trains to the end without a reload."""
    from playwright.sync_api import expect

    page = browser.new_page()
    cdp = uncached(page)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
        "uploadThroughput": 0.75e6 / 8})
    page.goto(f"{site}/book/exercises.html")
    show_explorer(page)
    explorer = page.locator(".lenet-explorer")
    set_config(page, num_epochs=1, train_size=1000)
    explorer.locator("button.lenet-train").click()
    status = explorer.locator(".lenet-status")
    expect(status).to_have_text(re.compile(DOWNLOADING), timeout=30_000)
    page.wait_for_function("() => document.querySelector("
                           "'.lenet-explorer progress').value > 0")
    explorer.locator("button.lenet-stop").click()
    expect(status).to_have_text(contract.MESSAGES["stopped_loading"])
    run = page.evaluate("() => document.querySelector('.lenet-explorer')"
                        ".lenetRun()")
    assert (run["state"], run["epochs"]) == ("stopped", [])
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": -1})
    train_to_the_end(page, explorer)
    assert status.inner_text().startswith("完成")
    page.close()


def short_run_page(page, site):
    """5.5.4 in `page`, its explorer set for a short run (1 epoch, 1000
    images)."""
    page.goto(f"{site}/book/exercises.html")
    show_explorer(page)
    set_config(page, num_epochs=1, train_size=1000)
    return page.locator(".lenet-explorer")


def test_a_cut_off_download_is_said_and_训练_fetches_the_rest(browser, site):
    page = browser.new_page()
    uncached(page)
    requests = []
    page.on("request", lambda r: requests.append(r.url.split("/")[-1]))
    cut = fault_once(page, "**/train-images.u8.gz", cut_off)
    explorer = short_run_page(page, site)
    train_to_the_end(page, explorer)
    status = explorer.locator(".lenet-status").inner_text()
    assert cut and status.startswith("下载中断了"), status
    train_to_the_end(page, explorer)
    assert explorer.locator(".lenet-status").inner_text().startswith("完成")
    # What had arrived whole was kept: only the cut file came again.
    assert requests.count("train-images.u8.gz") == 2, requests
    assert requests.count("tfjs.esm.min.js") == 1, requests
    page.close()


def corrupt(route):
    """The file as the server has it, with its second half random bytes."""
    body = route.fetch().body()
    half = len(body) // 2
    route.fulfill(status=200, body=body[:half] + os.urandom(len(body) - half))


@pytest.mark.parametrize("pattern, fault, message", [
    ("**/tfjs-backend-wasm*.wasm", corrupt, "engine_failed"),
    ("**/test-images.u8.gz", corrupt, "data_corrupt"),
    ("**/train-labels.u8.gz", lambda route: route.fulfill(status=404, body="no"),
     "file_missing"),
], ids=["wasm-corrupt", "data-corrupt", "data-missing"])
def test_a_bad_file_is_named_in_chinese_and_训练_tries_again(browser, site, pattern,
                                                         fault, message):
    """A file that is missing or arrives corrupt ends the run with the
    contract's message naming it (never TF.js's or the network's English
    alone); the next 训练 fetches it again and trains, without a reload."""
    page = browser.new_page()
    uncached(page)
    faulted = fault_once(page, pattern, fault)
    explorer = short_run_page(page, site)
    train_to_the_end(page, explorer)
    status = explorer.locator(".lenet-status").inner_text()
    name = faulted[0].split("/")[-1]
    assert faulted and status.startswith(MESSAGES_START[message]), status
    assert name in status
    train_to_the_end(page, explorer)
    status = explorer.locator(".lenet-status").inner_text()
    assert status.startswith("完成"), status
    page.close()


def test_单步_after_a_corrupt_engine_says_so_and_the_next_press_steps(browser,
                                                                   site):
    """单步 words a failure as 训练 does, and after an engine that did not
    start, the next press gets a new one (as 训练 does)."""
    page = browser.new_page()
    uncached(page)
    faulted = fault_once(page, "**/tfjs-backend-wasm*.wasm", corrupt)
    page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
    show_explorer(page)
    explorer = page.locator(".lenet-explorer")
    line = explorer.locator(".lenet-step-line")
    explorer.locator("button.lenet-step-button").click()
    expect_line = ("(start) => document.querySelector('.lenet-step-line')"
                   ".textContent.startsWith(start)")
    page.wait_for_function(expect_line, arg=MESSAGES_START["engine_failed"],
                           timeout=120_000)
    assert faulted and faulted[0].split("/")[-1] in line.inner_text()
    explorer.locator("button.lenet-step-button").click()
    page.wait_for_function(expect_line, arg="第 1 步", timeout=120_000)
    page.close()


def test_a_server_that_unpacks_the_data_itself_is_understood(browser, site):
    """Some servers send .gz files with Content-Encoding: gzip, so the
    browser hands over the unpacked bytes: the page trains all the same."""
    page = browser.new_page()
    uncached(page)
    encoded = []

    def as_encoded(route):
        response = route.fetch()
        encoded.append(route.request.url)
        route.fulfill(response=response, headers={
            **response.headers, "content-encoding": "gzip"})
    page.route("**/*.u8.gz", as_encoded)
    explorer = short_run_page(page, site)
    train_to_the_end(page, explorer)
    status = explorer.locator(".lenet-status").inner_text()
    assert len(encoded) == 4 and status.startswith("完成"), status
    page.close()


def test_the_data_saver_fetches_nothing_before_训练(browser, site):
    page = browser.new_page()
    page.add_init_script("Object.defineProperty(Navigator.prototype,"
                         " 'connection', {get: () => ({saveData: true})});")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
    show_explorer(page)
    explorer = page.locator(".lenet-explorer")
    explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    explorer.locator("button.lenet-train").focus()
    # A prefetch would start the worker now: nothing may be asked for.
    page.wait_for_load_state("networkidle")
    assert not [url for url in requests
                if any(name in url for name in TRAINING_FILES)]
    with page.expect_request(lambda r: "train-images" in r.url):
        explorer.locator("button.lenet-train").click()
    explorer.locator("button.lenet-stop").click()
    page.close()


def test_a_diverging_run_ends_with_the_advice(explorer_page):
    page, explorer, errors, _ = explorer_page
    set_config(page, activation="softrelu", optimizer="sgd", lr=10.0,
               num_epochs=1, train_size=1000)
    train_to_the_end(page, explorer)
    status = explorer.locator(".lenet-status").inner_text()
    assert "训练发散" in status and "现在是 10.0" in status, status
    assert errors == []


# The controls' extremes: the largest and smallest windows and layers, each
# activation, pooling, initializer and optimizer, dropout, batch sizes.
EXTREMES = [
    dict(kernel_sizes=[11, 3], channels=[1, 1], dense_units=[1, 1],
         activation="softrelu", pooling="avg", initializer="Normal"),
    dict(kernel_sizes=[1, 1], channels=[2, 4], dense_units=[512, 512],
         activation="tanh", dropout=0.9, initializer="Uniform",
         optimizer="momentum", lr=0.01, batch_size=512),
    dict(kernel_sizes=[3, 7], channels=[8, 32], activation="relu",
         batch_norm=True, dropout=0.5, initializer="MSRAPrelu",
         optimizer="adam", lr=0.001, batch_size=32),
]


@pytest.mark.parametrize("changes", EXTREMES, ids=["smallest", "widest",
                                                   "deep-bn-dropout"])
def test_configurations_at_the_extremes_train_to_their_end(explorer_page,
                                                           changes):
    page, explorer, errors, _ = explorer_page
    set_config(page, num_epochs=1, train_size=1000, **changes)
    seconds = train_to_the_end(page, explorer)
    status = explorer.locator(".lenet-status").inner_text()
    assert status.startswith("完成") or "训练发散" in status, status
    print(json.dumps({"changes": changes, "seconds": round(seconds, 1),
                      "status": status}))
    assert errors == []


def test_a_run_in_the_page_fits_a_phone(explorer_page):
    """At 360 px, after a run, nothing in any results tab (curves, history,
    feature maps, confusion matrix) is cut off without a way to reach it."""
    from pathlib import Path

    page, explorer, errors, _ = explorer_page
    page.set_viewport_size({"width": 360, "height": 780})
    set_config(page, num_epochs=1, train_size=1000)
    train_to_the_end(page, explorer)
    cut_off = (Path(__file__).parent / "phone_layout.js").read_text("utf-8")
    for tab in ("训练", "历次运行", "特征图与混淆矩阵"):
        explorer.get_by_role("tab", name=tab).click()
        if tab == "特征图与混淆矩阵":
            explorer.locator(".lenet-maps canvas").first.wait_for()
        found = page.evaluate(cut_off)
        assert found == {"pageScrollsSideways": False, "cut": []}, (tab, found)
    page.screenshot(path=str(SCREENSHOTS / "phone-exercises-trained-here.png"))
    assert errors == []


def test_单步_takes_one_batch_at_a_time_in_the_page(explorer_page):
    """On a phone: 单步 downloads what training needs, takes the first batch
    of the run 训练 would make and says what it did (the loss before and
    after, a row per layer with parameters), the next press the next batch;
    a changed setting starts again.  Screenshot phone-step.png."""
    from pathlib import Path

    page, explorer, errors, _ = explorer_page
    page.set_viewport_size({"width": 360, "height": 780})
    step = explorer.locator("button.lenet-step-button")
    line = explorer.locator(".lenet-step-line")
    step.click()
    page.wait_for_function("() => /^第 1 步/.test(document.querySelector("
                           "'.lenet-step-line').textContent)", timeout=120_000)
    assert re.match(r"第 1 步（第 1 个迭代周期，256 张图像，学习率 0\.9）：这一批图像的"
                    r"平均损失从 \d\.\d{4} 变成 \d\.\d{4}。", line.inner_text())
    rows = explorer.locator(".lenet-step-table tbody th")
    assert rows.all_inner_texts() == ["conv0", "conv1", "dense0", "dense1",
                                      "dense2"]
    step.click()
    page.wait_for_function("() => /^第 2 步/.test(document.querySelector("
                           "'.lenet-step-line').textContent)")
    set_config(page, activation="relu", lr=0.1)
    step.click()
    page.wait_for_function("() => /^第 1 步.*学习率 0\\.1）/.test(document."
                           "querySelector('.lenet-step-line').textContent)")
    found = page.evaluate((Path(__file__).parent / "phone_layout.js")
                          .read_text("utf-8"))
    assert found == {"pageScrollsSideways": False, "cut": []}, found
    explorer.locator(".lenet-step").screenshot(
        path=str(SCREENSHOTS / "phone-step.png"))
    assert errors == []
