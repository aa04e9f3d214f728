"""The numbers in the pages' text are the numbers their outputs show.

Pages put the figures they quote into their prose with myst-nb's glue, from
the run that printed them (lenet.prose) or from the file a script recorded
(lenet.measurements, the sweep file).  On the built book this checks that
each glued value is the one in the page's own output or file, that the HTML
shows it where the text asks for it, and that no page types a duration into
its text by hand.
"""
import ast
import json
import re

import jupytext
import pytest

from tests.prerequisites import require_or_skip
from tests.built_site import BOOK_DIR, PAGES, ROOT

# The build's execution cache keeps every cell's outputs; the copies in
# _build/jupyter_execute lose those of cells the page hides.
EXECUTION_CACHE = ROOT / "_build" / ".jupyter_cache"
HTML_DIR = ROOT / "_build" / "html" / "book"
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`(?:([\w.]+)::)?([\w]+)(?::([^`]*))?`")
GLUE_MIME = "application/papermill.record/text/plain"

pytestmark = pytest.mark.build

require_or_skip(EXECUTION_CACHE.is_dir() and HTML_DIR.is_dir(),
                "no built book: run `bash ci/build.sh` first")


def executed(name):
    """The page as this build executed it, from the execution cache."""
    from jupyter_cache import get_cache

    cache = get_cache(EXECUTION_CACHE)
    record = cache.match_cache_notebook(jupytext.read(BOOK_DIR / f"{name}.md"))
    return json.loads(json.dumps(cache.get_cache_bundle(record.pk).nb))


def glued(notebook):
    """{key: value} of every glue call in an executed notebook."""
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = ast.literal_eval(
                    "".join(output["data"][GLUE_MIME]))
    return values


def printed(notebook):
    """Everything the page's cells printed or showed as text (glue aside)."""
    texts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("scrapbook"):
                continue
            texts.append("".join(output.get("text", "")))
            texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def epochs_printed(text):
    from lenet.prose import epoch_lines

    return epoch_lines(text)


def expected_training(text):
    from lenet.prose import seconds_span

    batches = re.search(r"批量个数 \(训练, 测试\): (\d+) (\d+)", text)
    last = re.search(r"训练集最后一个批量的大小: (\d+)", text)
    epochs = epochs_printed(text)
    return {"train_batches": int(batches[1]), "test_batches": int(batches[2]),
            "last_batch": int(last[1]),
            "epoch_seconds": seconds_span(epochs),
            "first_test_acc": epochs[0]["test_acc"],
            "final_test_acc": epochs[-1]["test_acc"]}


def expected_lenet_model(text):
    rows = {match[1]: (int(match[2]), int(match[3])) for match in re.finditer(
        r"^(conv\d|dense\d)\s+\([\d, ]+\)\s+(\d+)\s+\S+\s+(\d+)$", text, re.M)}
    (p0, m0), (p1, m1) = rows["conv0"], rows["conv1"]
    from lenet import shift_invariance

    shifts = shift_invariance.facts(shift_invariance.load_record())
    return {**{f"shift_{key}": value for key, value in shifts.items()},
            "conv0_params": p0, "conv1_params": p1, "conv_params": p0 + p1,
            "dense0_params": rows["dense0"][0], "conv_param_ratio": p1 / p0,
            "conv0_madds": m0, "conv1_madds": m1, "conv_madd_ratio": m1 / m0}


def expected_exercises(text):
    from lenet.measurements import load_preset_runs, summary
    from lenet.prose import seconds_span
    from lenet.sweep import load_sweep

    sweep = load_sweep()
    made = sweep["provenance"]
    epochs = epochs_printed(text)
    fast = summary(load_preset_runs()["快速达到0.90"])
    decay = summary(load_preset_runs()["学习率衰减达到0.90"])
    return {
        "sweep_date": made["date"][:10], "sweep_cpu": made["cpu"],
        "sweep_isa": made["onednn_isa"],
        "sweep_total_minutes": made["total_seconds"] / 60,
        "sweep_runs": len(sweep["runs"]),
        "short_final_test_acc": epochs[-1]["test_acc"],
        "short_seconds": seconds_span(epochs),
        "fast_mean": fast["mean"], "fast_min": fast["min"],
        "fast_finals": "、".join(f"{a:.4f}" for a in fast["finals"]),
        "fast_seconds_low": fast["seconds_low"],
        "fast_seconds_high": fast["seconds_high"],
        "fast_ratio": fast["ratio_to_book"],
        "fast_book_seconds": fast["book_seconds"], "fast_date": fast["date"],
        "fast_cpu": fast["cpu"], "fast_isa": fast["isa"],
        **{f"decay_{key}": value for key, value in decay.items()
           if key not in ("seeds", "finals")},
        "decay_finals": "、".join(f"{a:.4f}" for a in decay["finals"]),
        "decay_rates": recorded_rates(
            load_preset_runs()["学习率衰减达到0.90"]["config"]),
        **expected_browser_training(), **expected_digits(sweep),
        **expected_new_exercises()}


def expected_new_exercises():
    from lenet import unseen
    from lenet.measurements import load_preset_runs, summary

    values = {}
    for short, name in (("book", "原书LeNet"), ("deep", "更深的LeNet"),
                        ("mnist_better", "改进的LeNet（手写数字）")):
        facts = summary(load_preset_runs()[name])
        facts["error"] = 1 - facts["mean"]
        values.update({f"{short}_{key}": value for key, value in facts.items()
                       if key not in ("seeds", "finals")})
    values["fast_error"] = 1 - summary(load_preset_runs()["快速达到0.90"])["mean"]
    deep = load_preset_runs()["更深的LeNet"]["runs"]
    values["deep_seed0_acc"] = next(r["final_test_acc"] for r in deep
                                    if r["seed"] == 0)
    from lenet.sweep import load_sweep, network_key
    values["relu_twin_acc"] = next(r["final_test_acc"] for r in load_sweep()["runs"]
                                   if network_key(r) == "k5-c6x16-relu")
    fooling = json.loads((BOOK_DIR / "data" / "fooling.json").read_text("utf-8"))
    for role, record in fooling["networks"].items():
        values[f"fool_{role}_median"] = record["median"]
        values[f"fool_{role}_acc"] = record["test_acc"]
        values[f"fool_{role}_key"] = record["key"]
        values[f"fool_{role}_share_8"] = sum(
            v is not None and v <= 8 for v in record["levels"]) / len(record["levels"])
    values["fool_images"] = fooling["images"]
    book, best = (fooling["networks"][r]["median"] for r in ("book", "best"))
    values["fool_comparison"] = ("更准的网络并不更难骗" if best <= book
                                 else "更准的网络难骗一些，但也只多几个灰度级")
    return {**values, **{f"unseen_{key}": value
                         for key, value in unseen.load_facts().items()}}


def expected_digits(sweep):
    from lenet.measurements import digits_facts
    from lenet.sweep import BOOK_LENET_KEY, network_key

    book = next(run for run in sweep["runs"]
                if network_key(run) == BOOK_LENET_KEY)
    return {f"digits_{key}": value
            for key, value in digits_facts(book).items()}


def recorded_rates(values):
    """Each epoch's learning rate of a recorded configuration, as 5.5.4
    lists them."""
    from lenet.explorer_logic import config_from_json
    from lenet.explorer_logic import epoch_learning_rate

    config = config_from_json(values)
    return "、".join(f"{epoch_learning_rate(config, epoch):g}"
                    for epoch in range(1, config.num_epochs + 1))


def expected_browser_training():
    from lenet import contract, paths
    from lenet.explorer_logic import PRESETS
    from lenet.measurements import (browser_subset_table,
                                    browser_training_summary, subset_facts)

    preset = PRESETS[contract.BROWSER_PRESET]
    return {
        "browser_train_size": contract.BROWSER_TRAIN_SIZE,
        "browser_test_size": contract.BROWSER_TEST_SIZE,
        "browser_megabytes": paths.download_sizes()["megabytes"],
        "browser_lr": preset.lr, "browser_batch_size": preset.batch_size,
        **{f"browser_{key}": value
           for key, value in subset_facts(*browser_subset_table()).items()},
        **{f"browser_{key}": value
           for key, value in browser_training_summary().items()}}


# Each page that glues: where its glued values must come from.
EXPECTED = {"training": expected_training,
            "lenet_model": expected_lenet_model,
            "exercises": expected_exercises}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_glued_value_is_the_one_the_page_printed(name):
    notebook = executed(name)
    assert glued(notebook) == EXPECTED[name](printed(notebook))


def roles(page):
    """(document, key, format) of each glue role in a page's Markdown."""
    text = "\n".join(cell.source for cell in jupytext.read(page).cells
                     if cell.cell_type == "markdown")
    return GLUE_ROLE.findall(text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_html_shows_each_glued_value_where_the_text_asks(page):
    html = (HTML_DIR / f"{page.stem}.html").read_text("utf-8")
    for document, key, spec in roles(page):
        source = document.removesuffix(".md") or page.stem
        value = glued(executed(source))[key]
        shown = format(value, spec) if spec else str(value)
        assert f'<span class="pasted-text">{shown}</span>' in html, (
            page.name, key, shown)


def test_every_page_that_glues_is_checked():
    gluing = {page.stem for page in PAGES
              if any(not document for document, _, _ in roles(page))}
    assert gluing == set(EXPECTED)


# A number followed by a unit of time, in the text a page shows.
TYPED_DURATION = re.compile(r"\d+(?:\.\d+)?\s*(?:秒|分钟|小时|sec\b|s\b|ms\b)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_duration_is_typed_into_the_text(page):
    for cell in jupytext.read(page).cells:
        if cell.cell_type != "markdown":
            continue
        text = GLUE_ROLE.sub("", cell.source)
        text = re.sub(r"`[^`]*`", "", text)  # code and command lines
        assert TYPED_DURATION.findall(text) == [], (page.name, text[:200])
