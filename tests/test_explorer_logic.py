"""The explorer's logic, with no widget: validation, table, code, training."""
import itertools
import math

import mxnet as mx
import pytest
from mxnet import init, nd

import lenet
from lenet import messages
from lenet import contract
from lenet import explorer_logic as logic
from lenet.model import build_lenet, layer_table

from tests.idx_fixtures import SIZES
from tests.layer_grid import GRID_SIZE, KERNELS, PADDINGS, layer_grid



def real_rows(config):
    """lenet.model.layer_table of the real network: a forward pass."""
    net = logic.build_network(config)
    net.initialize(init.Zero())  # values do not matter, shapes do
    return layer_table(net, (1, 1, 28, 28))


def real_shapes_and_counts(config):
    """Shapes and parameter counts from a real forward pass."""
    return [(row.output_shape, row.num_params) for row in real_rows(config)]


def inferred_shapes_and_counts(config):
    """The same from MXNet's own shape inference on the network's graph:
    what a forward pass would allocate, without computing anything (a real
    forward pass over the whole grid takes minutes).  Raises MXNetError for
    a network MXNet cannot build."""
    net = logic.build_network(config)
    x, outputs = mx.sym.var("data"), []
    for layer in net:
        x = layer(x)
        outputs.append(x)
    graph = mx.sym.Group(outputs)
    arg_shapes, out_shapes, _ = graph.infer_shape(data=(1, 1, 28, 28))
    param_shapes = dict(zip(graph.list_arguments(), arg_shapes))
    return [(tuple(shape),
             sum(math.prod(param_shapes[p.name])
                 for p in layer.collect_params().values()))
            for layer, shape in zip(net, out_shapes)]


def check_grid_part(part, parts):
    """Check every `parts`-th configuration of the grid from `part` on:
    (configurations checked, rejected, those that did not agree)."""
    checked = rejected = 0
    wrong = []
    for config in itertools.islice(layer_grid(), part, None,
                                   parts):
        problems = logic.validate(config)
        if problems:
            if not all(isinstance(p, str) and "层" in p for p in problems):
                wrong.append((config, problems))
            try:
                shapes = [shape for shape, _ in
                          inferred_shapes_and_counts(config)]
            except mx.MXNetError:
                pass
            else:
                if not any(0 in shape for shape in shapes):
                    wrong.append((config, "MXNet built it"))
            rejected += 1
            continue
        table = [(row.output_shape, row.num_params)
                 for row in logic.layer_rows(config)]
        if table != inferred_shapes_and_counts(config):
            wrong.append((config, table))
        checked += 1
    return checked, rejected, wrong


@pytest.mark.processes
def test_whole_layer_grid():
    """Either a validation message, and MXNet could not build that network
    either, or MXNet's shapes and counts equal the table's.  Two processes
    share the grid (shape inference only: no operator runs in them)."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(2) as pool:
        parts = pool.starmap(check_grid_part, [(0, 2), (1, 2)])
    checked = sum(part[0] for part in parts)
    rejected = sum(part[1] for part in parts)
    assert [w for part in parts for w in part[2]] == []
    assert checked and rejected
    assert checked + rejected == GRID_SIZE


@pytest.mark.quick
@pytest.mark.parametrize("k1", KERNELS)
def test_shape_inference_agrees_with_a_real_forward_pass(k1):
    """Ties the grid test's shape inference to real computation, for every
    first kernel and all second kernels, poolings and paddings the table
    accepts, with two blocks and with a third of 3×3 windows."""
    for k2, pooling, padding, depth in itertools.product(
            KERNELS, logic.POOLINGS, PADDINGS, (2, 3)):
        config = logic.ExplorerConfig(
            kernel_sizes=(k1, k2, 3)[:depth], channels=(4, 8, 6)[:depth],
            pooling=pooling, padding=padding)
        if not logic.validate(config):
            assert (inferred_shapes_and_counts(config)
                    == real_shapes_and_counts(config)), config
            # The table's multiply-adds, worked out from the configuration,
            # are those of the real network's weights and outputs.
            assert [r.multiply_adds for r in logic.layer_rows(config)] == [
                r.multiply_adds for r in real_rows(config)], config


@pytest.mark.quick
def test_default_config_is_the_books_lenet():
    config = logic.PRESETS["原书LeNet"]
    assert config == logic.ExplorerConfig()
    net = build_lenet()
    net.initialize()
    book = [(r.output_shape, r.num_params, r.formula)
            for r in layer_table(net, (1, 1, 28, 28))]
    ours = [(r.output_shape, r.num_params, r.formula)
            for r in logic.layer_rows(config)]
    assert ours == book
    assert (config.lr, config.num_epochs, config.batch_size,
            config.initializer) == (0.9, 5, 256, "Xavier")


@pytest.mark.quick
def test_multiply_adds_by_hand():
    rows = logic.layer_rows(logic.ExplorerConfig())
    assert [r.multiply_adds for r in rows] == [
        6 * 24 * 24 * 5 * 5 * 1, 0, 16 * 8 * 8 * 5 * 5 * 6, 0,
        256 * 120, 120 * 84, 84 * 10]


@pytest.mark.quick
def test_kernel_11_twice_names_the_layer_and_the_reason():
    problems = logic.validate(logic.ExplorerConfig(kernel_sizes=(11, 11)))
    assert problems == [
        "第 2 个卷积层：输入的高和宽只有 9，小于 11×11 的卷积窗口，"
        "输出会缩成 0。请把第 2 个卷积层的窗口减小到 8×8 以内，或者减少卷积块数、"
        "选“填充保持大小”。"]


@pytest.mark.quick
@pytest.mark.parametrize("change, problem", [
    # The book's two blocks leave 4×4: a third 5×5 window does not fit,
    # a 3×3 one does (and leaves 2×2, pooled to 1×1).
    ({"kernel_sizes": (5, 5, 5), "channels": (6, 16, 32)},
     "第 3 个卷积层：输入的高和宽只有 4，小于 5×5 的卷积窗口，输出会缩成 0。"
     "请把第 3 个卷积层的窗口减小到 3×3 以内，或者减少卷积块数、选“填充保持大小”。"),
    ({"kernel_sizes": (5, 5, 3), "channels": (6, 16, 32)}, None),
    ({"kernel_sizes": (5, 5, 4), "channels": (6, 16, 32)},
     "第 3 个池化层：输入的高和宽只有 1，放不下 2×2 的池化窗口。"
     "请把第 3 个卷积层的窗口减小到 3×3 以内，或者减少卷积块数、选“填充保持大小”。"),
    # Padded, the same three 5×5 blocks fit (28 → 14 → 7 → 3).
    ({"kernel_sizes": (5, 5, 5), "channels": (6, 16, 32), "padding": "same"},
     None),
    # Padded 11×11 windows keep 28, 14 and 7; no window of a fourth block
    # could help, so the message points before it.
    ({"kernel_sizes": (11, 11, 2), "channels": (1, 1, 1), "padding": "same"},
     None),
    ({"kernel_sizes": (1, 1, 11), "channels": (1, 1, 1)},
     "第 3 个卷积层：输入的高和宽只有 7，小于 11×11 的卷积窗口，输出会缩成 0。"
     "请把第 3 个卷积层的窗口减小到 6×6 以内，或者减少卷积块数、选“填充保持大小”。"),
])
def test_a_deeper_stack_fits_or_says_what_would(change, problem):
    problems = logic.validate(logic.ExplorerConfig().replace(**change))
    assert problems == ([problem] if problem else [])


@pytest.mark.quick
def test_one_block_and_no_hidden_dense_layer_is_a_network():
    config = logic.ExplorerConfig(kernel_sizes=(5,), channels=(6,),
                                  dense_units=())
    assert logic.validate(config) == []
    assert [(r.name, r.output_shape) for r in logic.layer_rows(config)] == [
        ("conv0", (1, 6, 24, 24)), ("pool0", (1, 6, 12, 12)),
        ("dense0", (1, 10))]
    assert real_shapes_and_counts(config) == [
        (r.output_shape, r.num_params) for r in logic.layer_rows(config)]


@pytest.mark.quick
@pytest.mark.parametrize("change, words", [
    ({"lr": 0.0}, "学习率"), ({"lr": float("nan")}, "学习率"),
    ({"num_epochs": 0}, "迭代周期数"), ({"batch_size": -1}, "批量大小"),
    ({"train_size": 70000}, "训练样本数最多为 60000"),
    ({"activation": "gelu"}, "激活函数"), ({"pooling": "min"}, "池化"),
    ({"initializer": "Zeros"}, "初始化"), ({"channels": (0, 16)}, "通道数"),
    ({"kernel_sizes": (3,)}, "要一样多（每个卷积块各一个），现在是 1 个和 2 个"),
    ({"kernel_sizes": (), "channels": ()}, "卷积窗口大小要给 1 到 3 个值"),
    ({"kernel_sizes": (3,) * 4, "channels": (4,) * 4},
     "卷积窗口大小要给 1 到 3 个值"),
    ({"dense_units": (120, 84, 10, 10)}, "全连接层输出个数要给 0 到 3 个值"),
    ({"padding": "full"}, "填充只能是 valid、same 之一"),
    ({"dropout": 1.0}, "丢弃概率"), ({"dropout": -0.1}, "丢弃概率"),
    ({"dropout": float("nan")}, "丢弃概率"),
    ({"optimizer": "rmsprop"}, "优化算法"), ({"batch_norm": 1}, "批量归一化"),
    ({"lr_decay": 0.0}, "学习率衰减"), ({"lr_decay": 1.5}, "学习率衰减"),
    ({"lr_decay": "0.5"}, "学习率衰减"),
])
def test_bad_values_get_a_message(change, words):
    problems = logic.validate(logic.ExplorerConfig().replace(**change))
    assert any(words in problem for problem in problems), problems


@pytest.mark.quick
@pytest.mark.parametrize("dropout", [0.0, 0.5])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_table_with_dropout_and_batch_norm_matches_a_forward_pass(
        dropout, batch_norm):
    config = logic.PRESETS["改进的LeNet"].replace(dropout=dropout,
                                                batch_norm=batch_norm)
    rows = logic.layer_rows(config)
    assert ([(r.output_shape, r.num_params, r.multiply_adds) for r in rows]
            == [(r.output_shape, r.num_params, r.multiply_adds)
                for r in real_rows(config)])
    # Batch norm and the activation between each hidden layer and what
    # follows it; one dropout layer after each hidden dense layer.
    normalised = ["batchnorm", "activation"] if batch_norm else []
    hidden = normalised + (["dropout"] if dropout else [])
    kinds = [r.name.rstrip("0123456789") for r in rows]
    assert kinds == ["conv", *normalised, "pool", "conv", *normalised,
                     "pool", "dense", *hidden, "dense", *hidden, "dense"]


@pytest.mark.quick
def test_batch_norm_rows_count_all_four_vectors_per_feature():
    rows = logic.layer_rows(logic.ExplorerConfig(batch_norm=True))
    norms = [r for r in rows if r.name.startswith("batchnorm")]
    assert [(r.num_params, r.formula) for r in norms] == [
        (24, "4×6"), (64, "4×16"), (480, "4×120"), (336, "4×84")]
    assert norms[0].multiply_adds == 6 * 24 * 24


@pytest.mark.quick
@pytest.mark.parametrize("config", [
    *logic.PRESETS.values(),
    logic.ExplorerConfig(dropout=0.25, pooling="avg"),
    logic.ExplorerConfig(batch_norm=True, optimizer="momentum", lr=0.1),
    logic.ExplorerConfig(batch_norm=True, dropout=0.5, optimizer="adam",
                         lr=0.001, lr_decay=0.3),
    logic.ExplorerConfig(data_set="mnist")])
def test_generated_code_builds_the_same_network(config):
    namespace = {}
    exec(logic.gluon_code(config), namespace)  # noqa: S102 - our own code
    net = namespace["net"]
    X = nd.zeros((1, 1, 28, 28))
    shapes = []
    for layer in net:
        X = layer(X)
        shapes.append(X.shape)
    assert shapes == [r.output_shape for r in logic.layer_rows(config)]
    assert ([type(layer) for layer in net]
            == [type(layer) for layer in logic.build_network(config)])
    trainer = namespace["trainer"]
    assert trainer.learning_rate == config.lr
    gluon_name, settings = logic.OPTIMIZERS[config.optimizer]
    assert type(trainer._optimizer).__name__.lower() == gluon_name
    for name, value in settings.items():
        assert getattr(trainer._optimizer, name) == value
    # The schedule's line, run after epochs 1 and 2, gives epoch 3's rate.
    schedule = [line.split("：", 1)[1] for line in
                logic.gluon_code(config).splitlines() if "每个迭代周期" in line]
    assert len(schedule) == (config.lr_decay != 1)
    # The data's line names the loader of lenet that gives the data set.
    data = [line.split("=", 1)[1].strip() for line in
            logic.gluon_code(config).splitlines() if line.startswith("# 数据")]
    assert data == ([] if config.data_set == "fashion_mnist"
                    else [f"lenet.load_data_{config.data_set}(batch_size)"])
    if data:
        assert callable(getattr(lenet, data[0].split("(")[0].split(".")[1]))
    for _ in range(2):
        for line in schedule:
            exec(line, namespace)  # noqa: S102 - our own code
    assert trainer.learning_rate == logic.epoch_learning_rate(config, 3)


def small_run(fake_config=None, **changes):
    config = (fake_config or logic.ExplorerConfig(
        activation="relu", lr=0.1, num_epochs=2, batch_size=4,
        train_size=SIZES["train"])).replace(**changes)
    train_iter, test_iter = logic.data_iters(config)
    return config, train_iter, test_iter


@pytest.mark.quick
def test_training_reports_every_batch_and_epoch(fake_data_dir):
    config, train_iter, test_iter = small_run()
    batches, epochs = [], []
    result = logic.train(config, train_iter, test_iter,
                         on_batch=lambda done, total, *_: batches.append(
                             (done, total)),
                         on_epoch=epochs.append)
    total = 2 * len(train_iter)
    assert batches == [(i, total) for i in range(1, total + 1)]
    assert [e.epoch for e in epochs] == [1, 2] == [
        e.epoch for e in result.epochs]
    assert not result.stopped and not result.diverged
    assert 0 <= result.final_test_acc <= 1


@pytest.mark.quick
def test_a_schedule_multiplies_the_rate_after_each_epoch(fake_data_dir):
    """Epoch e trains at lr·γ^(e-1): the first epoch is the constant rate's
    to the last digit, the later ones are not."""
    constant = logic.train(*small_run(num_epochs=3))
    scheduled = logic.train(*small_run(num_epochs=3, lr_decay=0.5))
    assert [e.lr for e in constant.epochs] == [0.1, 0.1, 0.1]
    assert [e.lr for e in scheduled.epochs] == [0.1, 0.05, 0.025]
    assert scheduled.epochs[0][:4] == constant.epochs[0][:4]
    assert scheduled.epochs[1].train_loss != constant.epochs[1].train_loss


@pytest.mark.quick
def test_stop_takes_effect_before_the_next_batch(fake_data_dir):
    config, train_iter, test_iter = small_run()
    batches = []
    result = logic.train(config, train_iter, test_iter,
                         on_batch=lambda done, total, *_: batches.append(done),
                         should_stop=lambda: len(batches) >= 1)
    assert batches == [1]
    assert (result.state, result.details) == ("stopped", {"epoch": 1})
    assert "停止" in messages.outcome_message(result)


@pytest.mark.quick
def test_a_diverging_loss_stops_with_advice(fake_data_dir):
    config, train_iter, test_iter = small_run(lr=1e6)
    result = logic.train(config, train_iter, test_iter)
    assert result.diverged and result.details["lr"] == 1e6
    message = messages.outcome_message(result)
    assert "学习率" in message and "1000000.0" in message


@pytest.mark.quick
def test_a_configuration_that_cannot_train_is_refused_before_any_data():
    """Validated once, first: no data is looked for (none is here)."""
    with pytest.raises(logic.ConfigError) as refused:
        logic.train(logic.ExplorerConfig(kernel_sizes=(11, 11)), root="/no")
    assert refused.value.problems == logic.validate(
        logic.ExplorerConfig(kernel_sizes=(11, 11)))


@pytest.mark.quick
def test_same_seed_same_numbers(fake_data_dir):
    runs = [logic.train(*small_run()) for _ in range(2)]
    assert runs[0].epochs[-1][:4] == runs[1].epochs[-1][:4]
    assert math.isfinite(runs[0].epochs[-1].train_loss)


@pytest.mark.quick
def test_dropout_acts_in_training_only_and_follows_the_seed(fake_data_dir):
    without, with_dropout, again = (
        logic.train(*small_run(dropout=p)) for p in (0.0, 0.5, 0.5))
    # Training draws masks (so the loss moves), seeded like everything else.
    assert without.epochs[0].train_loss != with_dropout.epochs[0].train_loss
    assert with_dropout.epochs[-1][:4] == again.epochs[-1][:4]
    # Outside autograd.record the layers pass values through unchanged.
    X = nd.ones((2, 1, 28, 28))
    net = with_dropout.net
    assert (net(X) == net(X)).asnumpy().all()


@pytest.mark.quick
def test_feature_maps_and_confusion_matrix(fake_data_dir):
    config, train_iter, test_iter = small_run(num_epochs=1)
    result = logic.train(config, train_iter, test_iter)
    maps = logic.feature_maps(result.net, config,
                              train_iter.images[0] / 255.0)
    assert [m.shape for _, m in maps] == [(6, 24, 24), (16, 8, 8)]
    counts = logic.confusion_matrix(result.net, test_iter)
    assert counts.shape == (10, 10) and counts.sum() == SIZES["test"]


@pytest.mark.quick
@pytest.mark.parametrize("optimizer, lr", [("momentum", 0.05),
                                           ("adam", 0.001)])
def test_batch_norm_and_each_optimizer_train(fake_data_dir, optimizer, lr):
    config, train_iter, test_iter = small_run(
        batch_norm=True, optimizer=optimizer, lr=lr, num_epochs=1)
    result = logic.train(config, train_iter, test_iter)
    assert math.isfinite(result.epochs[0].train_loss)
    assert type(result.net[1]).__name__ == "BatchNorm"
    # The maps are taken after the activation, just before each pooling.
    maps = logic.feature_maps(result.net, config,
                              train_iter.images[0] / 255.0)
    assert [(name, m.shape) for name, m in maps] == [
        ("conv0", (6, 24, 24)), ("conv1", (16, 8, 8))]
    assert (maps[0][1] >= 0).all()  # relu


@pytest.mark.quick
def test_the_constants_given_to_gluon_are_its_defaults():
    """Batch norm's and Adam's settings are passed explicitly (so that the
    browser's engine reads the same numbers from the contract) and are
    Gluon's defaults, which the Gluon code shown to the reader leaves out."""
    from mxnet import optimizer
    from mxnet.gluon import nn

    from lenet.plan import BATCH_NORM

    defaults = nn.BatchNorm()._kwargs
    assert defaults["momentum"] == BATCH_NORM["momentum"]
    assert defaults["eps"] == BATCH_NORM["epsilon"]
    adam = optimizer.Adam()
    assert {name: getattr(adam, name) for name in logic.ADAM} == logic.ADAM
    assert "beta1" not in logic.gluon_code(logic.PRESETS["快速达到0.90"])


@pytest.mark.quick
def test_each_recorded_preset_is_the_preset_the_page_offers():
    """book/data/preset_runs.json, which 5.5.4 quotes, was measured on the
    configuration the explorer's preset still has (a field added since
    takes its default, which is what the run used)."""
    from lenet.measurements import load_preset_runs

    for name, entry in load_preset_runs().items():
        assert logic.config_from_json(entry["config"]) == (
            logic.PRESETS[name]), name


@pytest.mark.quick
def test_each_preset_recorded_in_the_page_is_the_preset_capped_as_the_page_trains_it():
    """book/data/page_preset_runs.json: each preset as the static page
    trains it, 训练样本数 capped at the images it ships; every seed done."""
    from lenet import contract
    from lenet.measurements import load_page_preset_runs

    recorded = load_page_preset_runs()
    assert set(recorded) >= {"原书LeNet（手写数字）", "网页里快速训练（手写数字）"}
    for name, entry in recorded.items():
        preset = logic.PRESETS[name]
        assert logic.config_from_json(entry["config"]) == preset.replace(
            train_size=min(preset.train_size, contract.BROWSER_TRAIN_SIZE))
        assert [run["seed"] for run in entry["runs"]] == [0, 1, 2, 3, 4]


@pytest.mark.quick
def test_a_page_record_with_a_run_that_did_not_finish_is_refused(tmp_path):
    import json

    from lenet.measurements import (PAGE_PRESET_RUNS, MeasurementFileError,
                                    load_page_preset_runs)

    data = json.loads(PAGE_PRESET_RUNS.read_text(encoding="utf-8"))
    next(iter(data.values()))["runs"][2]["state"] = "stopped"
    broken = tmp_path / "page_preset_runs.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(MeasurementFileError, match=r"没训练完的种子 \[2\]"):
        load_page_preset_runs(broken)


@pytest.mark.quick
@pytest.mark.parametrize("accuracies, at_chance", [
    ([0.1135, 0.1009, 0.1135, 0.8765], 3), ([0.8, 0.1], 0),
    ([0.1, 0.2499], 2), ([0.25], 0), ([], 0)])
def test_epochs_at_chance_count_from_the_first_until_one_is_not(
        accuracies, at_chance):
    from lenet.measurements import epochs_at_chance

    assert epochs_at_chance(accuracies) == at_chance
