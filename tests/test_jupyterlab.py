"""Every page in a live JupyterLab, as a reader on Binder uses it.

JupyterLab runs on 127.0.0.1 from the environment that ci/binder_check.sh
builds from binder/ alone (_build/binder: the venv, and the HOME where
postBuild ran), serving a copy of book/.  Debian's Chromium, driven by
Playwright with every other host blocked, opens each page at the launch
button's own urlpath, runs all cells, uses the 5.5.4 explorer and saves a
page.  Screenshots go to _build/screenshots/lab-*.png; the kernels' peak
memory and the seconds from Run All to the explorer's controls go to
_build/screenshots/lab-measurements.json (measured, not asserted).
"""
import difflib
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.prerequisites import require_or_skip
from tests.built_site import PAGE_NAMES as PAGES
from tests.built_site import ROOT, SCREENSHOTS

BINDER = ROOT / "_build" / "binder"
MEASUREMENTS = SCREENSHOTS / "lab-measurements.json"
TOKEN = "lenet-book-test"
# window.jupyterapp (LabApp.expose_app_in_browser) lets the test read the
# notebook's model: execution counts and outputs, whatever is scrolled out.
NOTEBOOK_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = [...panel.content.model.cells].filter(c => c.type === 'code');
  return {
    kernel: panel.sessionContext.session?.kernel?.status,
    counts: cells.map(c => c.executionCount),
    outputs: cells.map(c => c.outputs.toJSON()),
  };
}"""
# Done when the kernel is idle and every code cell ran, or one failed (Run
# All stops there: the test then reports the error instead of waiting).
ALL_RAN = """() => {
  const panel = window.jupyterapp?.shell.currentWidget;
  const kernel = panel?.sessionContext?.session?.kernel;
  if (kernel?.status !== 'idle') return false;
  const cells = [...panel.content.model.cells].filter(c => c.type === 'code');
  const failed = cells.some(c => c.outputs.toJSON().some(
    o => o.output_type === 'error'));
  return failed || cells.every(c => c.executionCount !== null
                               && !c.getMetadata?.('_running'));
}"""

# JupyterLab first: the shared `browser` fixture then closes its pages
# while JupyterLab still runs, so they end cleanly.
pytestmark = [pytest.mark.lab, pytest.mark.browser,
              pytest.mark.usefixtures("lab")]

require_or_skip((BINDER / "venv" / "bin" / "jupyter").is_file(),
                "no Binder environment: run `bash ci/binder_check.sh` first")



def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab from the Binder environment, serving a copy of book/."""
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(ROOT / "book", root / "book",
                    ignore=shutil.ignore_patterns("__pycache__", "expected"))
    # The explorer's JavaScript, the trained networks' weights and what the
    # browser engine downloads (the contract gives its size), which the
    # kernel reads from the repository; the rest of web/vendor is only for
    # the book.
    for folder in ("js", "data", "vendor/tfjs"):
        shutil.copytree(ROOT / "web" / folder, root / "web" / folder)
    home = tmp_path_factory.mktemp("lab-home")
    shutil.copytree(BINDER / "home", home, dirs_exist_ok=True)
    port = free_port()
    # Only what Binder's session has: no PYTHONPATH or thread settings of
    # this test run, so the pages import `lenet` from beside themselves.
    env = {"PATH": f"{BINDER / 'venv' / 'bin'}:/usr/bin:/bin",
           "HOME": str(home), "LANG": "C.UTF-8"}
    log = (tmp_path_factory.mktemp("lab-log") / "jupyter.log").open("w")
    server = subprocess.Popen(
        [str(BINDER / "venv" / "bin" / "jupyter"), "lab", "--no-browser",
         "--ip=127.0.0.1", f"--port={port}", "--allow-root",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}",
                                   timeout=2)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start: "
                            + Path(log.name).read_text()[-2000:])
            time.sleep(0.5)
    yield {"url": url, "root": root, "pid": server.pid}
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(15)
    log.close()


# Close the open notebooks (their outputs are all that changed, and a reader
# leaving would not save them; the kernels stay), then open `path` with the
# default viewer of its file type.  Not awaited: reopening a path closed in
# the same turn returns a promise that never settles.
OPEN_ALONE = """path => {
  const app = window.jupyterapp;
  for (const widget of [...app.shell.widgets('main')]) {
    if (widget.context) widget.context.model.dirty = false;
    widget.close();
  }
  setTimeout(() => app.commands.execute('docmanager:open', {path}), 0);
}"""


def launch_url(lab, name):
    """The Binder button's urlpath for book/NAME.md, on this server."""
    return f"{lab['url']}/lab/tree/book/{name}.md"


def open_notebook(browser, lab, name):
    """Open book/NAME.md at the launch button's urlpath in a new browser tab;
    wait for the kernel.  `reset` starts from an empty workspace, not the
    last tab's."""
    page = browser.new_page()
    # Kept for the failure message of a page whose widgets never show.
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(
        message.text) if message.type == "error" else None)
    page.goto(f"{launch_url(lab, name)}?reset&token={TOKEN}")
    wait_for_the_kernel(page)
    # JupyterLab asks whether to fetch its news; a reader would say no, and
    # the toast would otherwise cover the explorer's lower right corner.
    no_news = page.locator(".jp-toast-button", has_text="No")
    if no_news.count():
        no_news.first.click()
    return page


def open_in_the_loaded_lab(page, lab, name):
    """Open book/NAME.md in a JupyterLab already loaded in `page`, as its
    launch URL does (the tree route opens the path with the default viewer
    of its file type), without loading JupyterLab again.  The route itself
    is checked on the server: it must name this page's path."""
    with urllib.request.urlopen(
            f"{launch_url(lab, name)}?token={TOKEN}", timeout=30) as answer:
        assert f'"treePath": "book/{name}.md"' in answer.read().decode()
    page.evaluate(OPEN_ALONE, f"book/{name}.md")
    page.wait_for_function(
        "path => window.jupyterapp.shell.currentWidget?.context?.path === path",
        arg=f"book/{name}.md", timeout=60000)
    wait_for_the_kernel(page)


def wait_for_the_kernel(page):
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60000)
    page.wait_for_function(
        "() => window.jupyterapp?.shell.currentWidget?.sessionContext"
        "?.session?.kernel?.status === 'idle'", timeout=60000)


def run_all(page):
    """Run > Run All Cells; return when it was clicked."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    return time.perf_counter()


def wait_until_all_ran(page, timeout_s=600):
    page.wait_for_function(ALL_RAN, timeout=timeout_s * 1000, polling=500)
    return page.evaluate(NOTEBOOK_STATE)


def texts(outputs):
    """Every stream text and text/plain of one cell's outputs."""
    for output in outputs:
        if output["output_type"] == "stream":
            yield "".join(output["text"])
        elif "text/plain" in output.get("data", {}):
            yield "".join(output["data"]["text/plain"])


class RanPages:
    """Each page opened and run once per module, whatever test asks first:
    `state(name)` is what its notebook holds after Run All (with
    `seconds_to_controls` for 5.5.4).  5.5.2 and 5.5.4 get a browser tab of
    their own, opened at their launch URL (the explorer tests go on in
    5.5.4's); the light pages share one: the first is opened at its launch
    URL, the others in that loaded JupyterLab (`open_in_the_loaded_lab`),
    which saves loading JupyterLab once per page."""

    OWN_TAB = ("training", "exercises")

    def __init__(self, browser, lab):
        self.browser, self.lab = browser, lab
        self.states, self.open = {}, {}
        self.shared = None  # the tab of the light pages

    def state(self, name):
        if name not in self.states:
            self.states[name] = self._run(name)
        return self.states[name]

    def light_page(self, name):
        """The shared tab, showing book/NAME.md with its kernel idle."""
        if self.shared is None:
            self.shared = open_notebook(self.browser, self.lab, name)
        else:
            self.shared.bring_to_front()
            open_in_the_loaded_lab(self.shared, self.lab, name)
        return self.shared

    def _run(self, name):
        page = (open_notebook(self.browser, self.lab, name)
                if name in self.OWN_TAB else self.light_page(name))
        # A notebook of cells, not the .md in a text editor.
        assert page.locator(".jp-NotebookPanel").count() == 1
        assert page.locator(".jp-FileEditor").count() == 0
        assert page.locator(".jp-NotebookPanel .jp-MarkdownCell").count() >= 1
        assert page.evaluate("() => window.jupyterapp.shell.currentWidget"
                             ".context.path") == f"book/{name}.md"
        started = run_all(page)
        seconds_to_controls = None
        if name == "exercises":
            from playwright.sync_api import TimeoutError

            try:
                page.wait_for_selector(".lenet-explorer input[type=range]",
                                       timeout=120000)
            except TimeoutError:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "lab-exercises-failed.png"),
                                full_page=True)
                state = page.evaluate(NOTEBOOK_STATE)
                errors = [o for outputs in state["outputs"] for o in outputs
                          if o["output_type"] == "error"]
                pytest.fail("the explorer's controls never showed; cells run:"
                            f" {state['counts']}, errors: {errors}, the "
                            f"page's console: {page.console_errors}")
            seconds_to_controls = round(time.perf_counter() - started, 2)
        state = wait_until_all_ran(page)
        state["seconds_to_controls"] = seconds_to_controls
        state["widget_errors"] = page.locator(
            "text=Error displaying widget").count()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"lab-{name}.png"))
        if name == "exercises":
            self.open[name] = page
        elif name in self.OWN_TAB:
            page.close()
        return state


@pytest.fixture(scope="module")
def ran_pages(browser, lab):
    return RanPages(browser, lab)


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_as_a_notebook_and_runs_without_errors(ran_pages, name):
    state = ran_pages.state(name)
    errors = [o for outputs in state["outputs"] for o in outputs
              if o["output_type"] == "error"]
    assert errors == [], errors
    assert None not in state["counts"]
    assert state["widget_errors"] == 0
    if name == "training":
        log = "\n".join(t for outputs in state["outputs"]
                        for t in texts(outputs))
        assert [int(n) for n in re.findall(r"^epoch (\d+),", log, re.M)] == [
            1, 2, 3, 4, 5]


def kernel_peak_memory_mib(server_pid):
    """VmHWM (peak resident memory) of every kernel the server started."""
    peaks = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in
                          status.read_text().splitlines() if ":" in line)
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if (int(fields["PPid"]) == server_pid and b"ipykernel" in cmdline
                and "VmHWM" in fields):
            peaks[int(status.parent.name)] = round(
                int(fields["VmHWM"].split()[0]) / 1024, 1)
    return peaks


def test_every_page_runs_in_a_kernel_of_its_own(ran_pages, lab):
    """One kernel per page, as a reader opening each page has; their peak
    memory and the seconds from Run All to the explorer's controls are kept
    in _build/screenshots/lab-measurements.json, measured, not asserted
    (mybinder.org guarantees about 1 GiB)."""
    for name in PAGES:
        ran_pages.state(name)
    peaks = kernel_peak_memory_mib(lab["pid"])
    assert len(peaks) == len(PAGES), peaks
    measurements = {"seconds_from_run_all_to_explorer_controls":
                    ran_pages.state("exercises")["seconds_to_controls"]}
    measurements["kernel_peak_rss_mib"] = sorted(peaks.values())
    measurements["all_kernels_peak_rss_sum_mib"] = round(
        sum(peaks.values()), 1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    MEASUREMENTS.write_text(json.dumps(measurements, indent=1))


# -- the 5.5.4 explorer, through JupyterLab's widget manager ------------------

@pytest.fixture
def explorer(ran_pages):
    """The 5.5.4 page, run once and shared by the explorer tests."""
    ran_pages.state("exercises")
    page = ran_pages.open["exercises"]
    # A tab behind another one gets no animation frames, and JupyterLab
    # draws with them: the reader looks at this one.
    page.bring_to_front()
    return page


def explorer_part(page, selector, has_text=None):
    part = page.locator(f".jp-OutputArea {selector}", has_text=has_text)
    return part.first


def choose_preset(page, name):
    explorer_part(page, ".lenet-explorer select").select_option(name)


def click_tab(page, title):
    explorer_part(page, ".lenet-tabs [role=tab]", title).click()


def progress(page):
    """How far the run has come, 0 to 1, as the progress bar shows it."""
    return explorer_part(page, "progress.lenet-progress").evaluate(
        "bar => bar.value / bar.max")


def wait_for_progress(page, timeout_ms=120000):
    page.wait_for_function(
        "() => { const bar = document.querySelector("
        "'.jp-OutputArea progress.lenet-progress');"
        " return bar && bar.value > 0; }", timeout=timeout_ms)


def train_button(page):
    return explorer_part(page, "button.lenet-train")


def history_rows(page):
    """Finished runs listed under 历次运行 (the table appears with the
    first one)."""
    table = explorer_part(page, "table.lenet-history")
    return max(table.locator("tr").count() - 1, 0) if page.locator(
        ".jp-OutputArea table.lenet-history").count() else 0


def test_keyboard_on_the_first_kernel_slider_changes_the_table(explorer):
    page = explorer
    choose_preset(page, "原书LeNet")
    table = explorer_part(page, ".lenet-arch-table")
    expect(table).to_contain_text("(1, 6, 24, 24)")
    kernel = explorer_part(page, ".lenet-explorer input[type=range]")
    kernel.focus()
    page.keyboard.press("ArrowRight")
    expect(table).to_contain_text("(1, 6, 23, 23)")
    assert kernel.get_attribute("aria-valuetext") == "6"
    # With a kernel behind the page, training is unlocked and no notice
    # about the static book is shown.
    expect(train_button(page)).to_be_enabled()
    assert page.locator(".lenet-static-notice").count() == 0


def test_an_impossible_network_is_explained_and_blocks_training(explorer):
    page = explorer
    for kernel in page.locator(
            ".jp-OutputArea .lenet-explorer input[type=range]").all()[:2]:
        kernel.focus()
        page.keyboard.press("End")
    message = explorer_part(page, ".lenet-message")
    expect(message).to_contain_text("这个配置无法构造")
    expect(message).to_contain_text("第 2 个卷积层")
    click_tab(page, "训练")
    expect(train_button(page)).to_be_disabled()
    page.screenshot(path=str(SCREENSHOTS / "lab-explorer-impossible.png"))
    choose_preset(page, "原书LeNet")
    expect(train_button(page)).to_be_enabled()


def test_the_quick_preset_trains_to_the_end(explorer):
    page = explorer
    click_tab(page, "历次运行")
    runs_before = history_rows(page)
    choose_preset(page, "快速试跑")
    click_tab(page, "训练")
    train_button(page).click()
    # 训练中的网络: MXNet's kernels and maps while it trains, and every
    # batch's loss.
    live = explorer_part(page, ".lenet-live")
    live.scroll_into_view_if_needed()
    expect(live.locator(".lenet-live-kernels canvas")).to_have_count(6, timeout=180000)
    page.screenshot(path=str(SCREENSHOTS / "lab-explorer-live.png"))
    done = explorer_part(page, ".lenet-status", "完成：最终测试准确率")
    expect(done).to_be_visible(timeout=180000)
    assert progress(page) == 1
    losses, total = page.evaluate("""() => {
      const root = document.querySelector('.jp-OutputArea .lenet-explorer');
      return [root.lenetLive.losses().length, root.lenetRun().total]; }""")
    assert losses == total > 0
    expect(live.locator(".lenet-live-caption").last).to_contain_text("测试图像 #0")
    curves = explorer_part(page, ".lenet-curves svg")
    assert curves.locator("path").count() == 3  # loss, train and test acc
    curves.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "lab-explorer-trained.png"))
    click_tab(page, "历次运行")
    assert history_rows(page) == runs_before + 1
    # The preset's settings reached Python: relu, 3 epochs, 6000 images.
    run = explorer_part(page, "table.lenet-history").locator(
        "tr").last.inner_text()
    assert "relu" in run and "样本 6000" in run and "\t3\t" in run, run
    # The trained network's feature maps (the image, 6 and 16 channels) and
    # its confusion matrix, from the kernel.
    click_tab(page, "特征图与混淆矩阵")
    expect(explorer_part(page, ".lenet-maps").locator("canvas")).to_have_count(
        1 + 6 + 16, timeout=60000)
    expect(explorer_part(page, "table.lenet-confusion")).to_be_visible()


def test_单步_steps_in_the_kernel(explorer):
    """单步 with a kernel: MXNet takes the step and the page shows its
    line and a row per layer with parameters; the next press, the next
    batch."""
    page = explorer
    choose_preset(page, "原书LeNet")
    step = explorer_part(page, "button.lenet-step-button")
    step.click()
    line = explorer_part(page, ".lenet-step-line")
    expect(line).to_contain_text("第 1 步（第 1 个迭代周期，256 张图像，学习率 0.9）",
                                 timeout=120000)
    expect(explorer_part(page, ".lenet-step-table").locator(
        "tbody th")).to_have_text(["conv0", "conv1", "dense0", "dense1",
                                   "dense2"])
    step.click()
    expect(line).to_contain_text("第 2 步", timeout=60000)


def test_a_second_run_can_be_stopped(explorer):
    page = explorer
    choose_preset(page, "原书LeNet")  # long enough to stop midway
    click_tab(page, "训练")
    train_button(page).click()
    wait_for_progress(page)
    explorer_part(page, "button.lenet-stop").click()
    expect(explorer_part(page, ".lenet-status", "中途停止")).to_be_visible(
        timeout=60000)
    expect(train_button(page)).to_be_enabled()


def test_a_kernels_run_downloads_as_a_network_file_and_comes_back(
        explorer, tmp_path):
    """下载网络 of a run the kernel trained gives a file that
    lenet.load_network builds with that run's configuration; 导入网络文件…
    brings it back as one more run, marked （导入）."""
    from lenet import contract, messages
    from lenet.network_file import load_network, read_network_file

    page = explorer
    click_tab(page, "历次运行")
    runs = history_rows(page)
    row = explorer_part(page, "table.lenet-history").locator(
        "tr", has_text="样本 6000").first  # the quick preset's run
    number = int(row.locator("td").first.inner_text())
    with page.expect_download() as download:
        row.get_by_role("button", name=f"下载网络 #{number}").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"lenet-network-{number}.json"
    _, config = load_network(path)
    assert (config.activation, config.train_size, config.num_epochs) == (
        "relu", 6000, 3)
    accuracy = read_network_file(path.read_bytes()).run["epochs"][-1][
        "test_acc"]
    assert f"{accuracy:.3f}" in row.inner_text()
    note = explorer_part(page, ".lenet-import-note")
    explorer_part(page, "input.lenet-import-file").set_input_files(path)
    page.wait_for_function(
        "el => el.dataset.imports === '1'", arg=note.element_handle())
    assert note.inner_text() == messages.say(
        "network_imported", file=path.name, number=runs + 1)
    assert history_rows(page) == runs + 1
    last = explorer_part(page, "table.lenet-history").locator("tr").last
    assert contract.WORDS["imported"] in last.inner_text()


def test_the_trained_network_viewer_gets_weights_from_the_kernel(explorer):
    """In JupyterLab the viewer asks the kernel for a network's weights (in
    the static book it fetches them from the site)."""
    page = explorer
    viewer = explorer_part(page, ".lenet-viewer")
    top = viewer.locator(".lenet-viewer-bar.top")
    expect(top).to_have_count(1, timeout=60000)
    first = viewer.locator(".lenet-viewer-bar").first
    book = float(first.get_attribute("data-probability"))
    viewer.locator("select.lenet-viewer-network").select_option("k3-c32x64-relu")
    expect(viewer.locator(".lenet-viewer-maps canvas")).to_have_count(
        32 + 32 + 64 + 64)
    assert float(first.get_attribute("data-probability")) != book


def test_the_kernels_runs_are_in_the_viewer_with_their_replay(explorer):
    """A run MXNet trained in the kernel is one more network of the page's
    viewer, with its start and each epoch on the replay's slider."""
    page = explorer
    if not history_rows(page):
        choose_preset(page, "快速试跑")
        train_button(page).click()
        expect(explorer_part(page, ".lenet-status", "完成：最终测试准确率")).to_be_visible(
            timeout=180000)
    number, epochs = page.evaluate("""() => {
      const last = document.querySelector('.jp-OutputArea .lenet-explorer')
        .lenetHistory().at(-1);
      return [last.number, last.epochs.length]; }""")
    viewer = explorer_part(page, ".lenet-viewer")
    picker = viewer.locator("select.lenet-viewer-network")
    expect(picker.locator(f"option[value='trained-{number}']")).to_have_count(1, timeout=60000)
    picker.select_option(f"trained-{number}")
    replay = viewer.locator(".lenet-replay")
    expect(replay).to_be_visible()
    slider = replay.locator("input[type=range]")
    assert slider.get_attribute("max") == str(epochs)
    slider.evaluate("el => { el.value = '0'; el.dispatchEvent(new Event('input')); }")
    expect(replay.locator(".lenet-replay-line")).to_contain_text("训练前")
    expect(replay.locator(".lenet-replay-line")).to_contain_text("张。", timeout=30000)
    replay.screenshot(path=str(SCREENSHOTS / "lab-viewer-replay.png"))


def run_code_in_a_new_cell(page, code):
    """Add a cell at the end of the notebook, type `code`, run it; return
    the text it printed."""
    page.locator(".jp-NotebookPanel .jp-Cell").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    # As pasted: typing would meet the editor's automatic closing brackets.
    page.keyboard.insert_text(code)
    page.keyboard.press("Control+Enter")
    state = wait_until_all_ran(page, 120)
    return "\n".join(texts(state["outputs"][-1]))


def test_running_the_explorer_cell_again_leaves_no_training_behind(explorer):
    page = explorer
    choose_preset(page, "原书LeNet")
    click_tab(page, "训练")
    train_button(page).click()
    wait_for_progress(page)
    explorer_cell = page.locator(".jp-CodeCell", has_text="LeNetExplorer()")
    explorer_cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".lenet-explorer input[type=range]", timeout=60000)
    printed = run_code_in_a_new_cell(
        page, "import threading\nprint('threads:', sorted(t.name for t in "
              "threading.enumerate()))")
    assert "threads:" in printed
    assert "lenet-explorer-training" not in printed


def test_saving_in_jupyterlab_writes_the_same_md_back(ran_pages, lab):
    """Edit one cell, save: the .md keeps its front matter, gets no outputs,
    and differs only by the edit."""
    path = lab["root"] / "book" / "lenet_model.md"
    before = path.read_text("utf-8")
    page = ran_pages.light_page("lenet_model")
    run_all(page)  # with outputs on screen, which must not reach the file
    # A second Run All in the same kernel (as a reader would) runs cleanly.
    state = wait_until_all_ran(page)
    assert None not in state["counts"] and not any(
        o["output_type"] == "error" for outputs in state["outputs"]
        for o in outputs)
    cell = page.locator(".jp-CodeCell", has_text="nn.Sequential()").first
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+Home")
    page.keyboard.type("# 读者加的一行注释\n")
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty",
        timeout=30000)
    after = path.read_text("utf-8")

    def front_matter(text):
        return text.split("---\n", 2)[1]

    assert front_matter(after) == front_matter(before)
    diff = [line for line in difflib.unified_diff(
        before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["+# 读者加的一行注释"]
    # Outputs stay in the kernel, not in the file.
    assert "44426" not in after and "execution_count" not in after
