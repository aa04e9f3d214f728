"""The 5.5.4 chart over the precomputed sweep, drawn in the reader's browser.

A Vega-Lite chart (built with Altair) whose controls - kernel size, output
channels, activation - are Vega-Lite parameters bound to form fields, so
the chart answers with no kernel and no network: every number it shows is
in the page, from `lenet.sweep.DATA_PATH`.

In Jupyter the chart is rendered by JupyterLab's own Vega-Lite renderer; in
the built book by vega-embed from the book's own copy (web/vendor/vega),
loaded when the chart comes near the screen.
"""
import hashlib
import json

import altair as alt

from .sweep import (BOOK_LENET, BOOK_LENET_KEY, DATA_PATH, GRID,
                    load_sweep, network_key)

ACCURACY_NAMES = {"train_acc": "训练准确率", "test_acc": "测试准确率"}
LOSS_NAME = "训练损失"
ACTIVATION_COLORS = {"sigmoid": "#1f77b4", "relu": "#d62728",
                     "tanh": "#2ca02c"}
# From the pages in book/, the site's copy of Vega (web/vendor/vega).
# web/js/lenet_sweep_chart.js, from the pages in book/ (the build copies web/
# to the site's root); it loads Vega from the site's vendor/vega/.
CHART_MODULE_URL = "../js/lenet_sweep_chart.js"
FONT = ("'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei',"
        " sans-serif")


def _channels_label(channels):
    return f"{channels[0]},{channels[1]}"


def _tables(data):
    """Flat rows for Vega-Lite: curves, one summary per run, layer rows."""
    curves, summary, layers = [], [], []
    for run in data["runs"]:
        key = {"kernel": run["kernel_size"],
               "channels": _channels_label(run["channels"]),
               "activation": run["activation"]}
        is_book = network_key(run) == BOOK_LENET_KEY
        summary.append({**key, "lr": run["lr"],
                        "final_test_acc": run["final_test_acc"],
                        "seconds": run["seconds"],
                        "num_params": run["num_params"],
                        "label": "原书 LeNet" if is_book else ""})
        for epoch in run["epochs"]:
            for field, name in ACCURACY_NAMES.items():
                curves.append({**key, "epoch": epoch["epoch"], "curve": name,
                               "value": epoch[field]})
            curves.append({**key, "epoch": epoch["epoch"], "curve": LOSS_NAME,
                           "value": epoch["train_loss"]})
        for row, layer in enumerate(run["layers"]):
            layers.append({**key, "row": row, "name": layer["name"],
                           "shape": "×".join(map(str, layer["output_shape"])),
                           "num_params": layer["num_params"]})
    return curves, summary, layers


def sweep_chart(data=None):
    """The Altair chart of the sweep (`data`: a loaded sweep file)."""
    data = data or load_sweep()
    settings = data["settings"]
    # Each table once, at the top of the spec; the views refer to it by name.
    tables = dict(zip(("curves", "summary", "layers"), _tables(data)))
    curves, summary, layers = (alt.NamedData(name=name) for name in tables)

    kernel = alt.param(
        name="kernel", value=BOOK_LENET["kernel_size"],
        bind=alt.binding_select(options=GRID["kernel_size"],
                                name="卷积窗口大小 "))
    channels = alt.param(
        name="channels", value=_channels_label(BOOK_LENET["channels"]),
        bind=alt.binding_select(
            options=[_channels_label(c) for c in GRID["channels"]],
            name="两层的输出通道数 "))
    activation = alt.param(
        name="activation", value=BOOK_LENET["activation"],
        bind=alt.binding_radio(options=GRID["activation"], name="激活函数 "))
    picked = ((alt.datum.kernel == kernel) & (alt.datum.channels == channels)
              & (alt.datum.activation == activation))
    # Screen readers hear each mark in Chinese (its `description`);
    # web/js/lenet_sweep_chart.js puts what Vega words itself (axes,
    # legends, titles, roles) into Chinese.
    epochs = alt.X("epoch:O", title="迭代周期", axis=alt.Axis(labelAngle=0))
    point_text = ("datum.curve + '，第 ' + datum.epoch + ' 个迭代周期：'"
                  " + format(datum.value, '.4f')")

    accuracy = alt.Chart(curves).transform_filter(picked).transform_filter(
        alt.datum.curve != LOSS_NAME).transform_calculate(
        spoken=point_text).mark_line(point=True).encode(
        x=epochs,
        y=alt.Y("value:Q", title="准确率", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("curve:N", title="曲线",
                        legend=alt.Legend(orient="bottom", title=None)),
        description="spoken:N",
        tooltip=[alt.Tooltip("curve:N", title="曲线"),
                 alt.Tooltip("epoch:O", title="迭代周期"),
                 alt.Tooltip("value:Q", format=".4f", title="数值")],
    ).properties(width=260, height=150, title="准确率")
    loss = alt.Chart(curves).transform_filter(picked).transform_filter(
        alt.datum.curve == LOSS_NAME).transform_calculate(
        spoken=point_text).mark_line(point=True, color="#555").encode(
        x=epochs,
        y=alt.Y("value:Q", title=LOSS_NAME, scale=alt.Scale(zero=True)),
        description="spoken:N",
        tooltip=[alt.Tooltip("epoch:O", title="迭代周期"),
                 alt.Tooltip("value:Q", format=".4f", title=LOSS_NAME)],
    ).properties(width=200, height=150, title=LOSS_NAME)

    headline = alt.Chart(summary).transform_filter(
        picked).transform_calculate(
        text=("'最终测试准确率 ' + format(datum.final_test_acc, '.4f')"
              " + '　训练用时 ' + format(datum.seconds, '.0f') + ' 秒'"
              " + '　参数 ' + format(datum.num_params, ',')"
              " + '　学习率 ' + datum.lr")
    ).mark_text(align="left", fontSize=15, fontWeight="bold").encode(
        x=alt.value(0), text="text:N", description="text:N").properties(
        width=480, height=24)

    table = alt.Chart(layers).transform_filter(picked)
    row = alt.Y("row:O", axis=None)
    layer_table = alt.hconcat(*[
        table.transform_calculate(spoken=(
            f"'{title}：' + " + (f"format(datum.{field}, '{fmt}')" if fmt
                                 else f"datum.{field}"))
        ).mark_text(align="left", font="monospace").encode(
            y=row, text=alt.Text(f"{field}:Q", format=fmt) if fmt
            else f"{field}:N", description="spoken:N",
        ).properties(width=width, height=130, title=title)
        for field, title, width, fmt in (
            ("name", "层", 110, None), ("shape", "输出形状", 130, None),
            ("num_params", "参数个数", 90, ","))], spacing=4)

    everything = alt.Chart(summary)
    # A click on a point picks its configuration (the page's script sets the
    # three controls from this selection).
    pick = alt.selection_point(name="pick", on="click", clear=False,
                               fields=["kernel", "channels", "activation"])
    scatter = everything.transform_calculate(spoken=(
        "'卷积窗口 ' + datum.kernel + '，通道 ' + datum.channels + '，'"
        " + datum.activation + '：最终测试准确率 '"
        " + format(datum.final_test_acc, '.4f') + '，参数 '"
        " + format(datum.num_params, ',') + ' 个'")).mark_point(
        filled=True, size=70, opacity=0.8, cursor="pointer").encode(
        x=alt.X("num_params:Q", title="参数个数（对数坐标）",
                scale=alt.Scale(type="log")),
        y=alt.Y("final_test_acc:Q", title="最终测试准确率",
                scale=alt.Scale(zero=False)),
        color=alt.Color("activation:N", title="激活函数", scale=alt.Scale(
            domain=list(ACTIVATION_COLORS),
            range=list(ACTIVATION_COLORS.values()))),
        shape=alt.Shape("kernel:N", title="卷积窗口"),
        description="spoken:N",
        tooltip=[alt.Tooltip("kernel:N", title="卷积窗口"),
                 alt.Tooltip("channels:N", title="两层的输出通道数"),
                 alt.Tooltip("activation:N", title="激活函数"),
                 alt.Tooltip("lr:Q", title="学习率"),
                 alt.Tooltip("final_test_acc:Q", format=".4f",
                             title="最终测试准确率"),
                 alt.Tooltip("seconds:Q", format=".0f",
                             title="训练用时（秒）"),
                 alt.Tooltip("num_params:Q", format=",", title="参数个数")],
    ).add_params(pick).properties(
        # A fixed view name: Altair would number it per chart made in the
        # process, and the page's output must be the same on every run.
        name="sweep_scatter")
    ring = everything.transform_filter(picked).mark_point(
        size=400, color="black", strokeWidth=2, aria=False).encode(
        x="num_params:Q", y="final_test_acc:Q")
    book_label = everything.transform_filter(
        alt.datum.label != "").mark_text(
        align="left", dx=8, dy=-8, fontSize=12).encode(
        x="num_params:Q", y="final_test_acc:Q", text="label:N",
        description="label:N")
    overview = (scatter + ring + book_label).properties(
        width=480, height=220,
        title=f"网格中全部 {len(tables['summary'])} 个配置"
              f"（{settings['num_epochs']} 个迭代周期后，黑圈为当前选择）")

    return alt.vconcat(
        headline, alt.hconcat(accuracy, loss), layer_table, overview,
        spacing=14, datasets=tables,
    ).add_params(kernel, channels, activation).resolve_scale(
        # The curves' colours and the scatter's activation colours differ.
        color="independent", shape="independent").configure(
        font=FONT).configure_view(stroke=None)


# The drawn chart's height in the book, the same at every width (its parts
# have fixed sizes; a phone scrolls it sideways); tests/test_readers.py
# measures it.
DRAWN_HEIGHT_PX = 827


class SweepChart:
    """Displays as Vega-Lite in Jupyter and as vega-embed HTML in the book."""

    def __init__(self, data=None):
        self.spec = sweep_chart(data).to_dict()

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = json.dumps(self.spec, ensure_ascii=False, sort_keys=True)
        element_id = "lenet-sweep-" + hashlib.sha256(
            text.encode()).hexdigest()[:12]
        inline = text.replace("</", "<\\/")  # no "</script>" inside
        html = (
            # vega-embed puts the controls after the chart; show them first.
            f"<style>#{element_id} {{display: flex; flex-direction: column}}"
            f" #{element_id} .vega-bindings {{order: -1; margin-bottom: 1em}}"
            # Its place has the chart's height before Vega draws it, so the
            # text below does not move when it does.
            f" #{element_id}:empty {{min-height: {DRAWN_HEIGHT_PX}px}}"
            "</style>\n"
            f'<div class="lenet-sweep-scroll"><div id="{element_id}"'
            ' class="lenet-sweep-chart"></div></div>\n'
            # The data as JSON of its own: the site may serve it as a file
            # beside the page, fetched only when the chart is drawn
            # (book/_ext/page_weight.py moves large JSON blocks out).
            f'<script type="application/json" id="{element_id}-spec">'
            f"{inline}</script>\n"
            # Draws every chart of the page when it comes near the screen.
            f'<script type="module" src="{CHART_MODULE_URL}"></script>')
        major = alt.SCHEMA_VERSION.split(".")[0]
        return {f"application/vnd.vegalite.{major}+json": self.spec,
                "text/html": html,
                "text/plain": f"<LeNet 网格扫描图：{DATA_PATH.name}>"}
