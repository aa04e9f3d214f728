"""A trained network as one file (lenet.network_file and
web/js/lenet_network_file.js): read back exactly, refused with a message
in Chinese when it is not a network, written whole or not at all, read by
both languages to the same verdict, and moved both ways between MXNet and
the static page (tests/test_network_file_page.py) with the same
probabilities."""
import base64
import json

import mxnet as mx
import numpy as np
import pytest

from lenet import contract
from lenet import explorer_logic as logic
from lenet.network_file import (NetworkFileError, load_network,
                                network_file_text, read_network_file,
                                save_network)
from lenet.weights import network_tensors, probabilities
from tests.built_site import page_on_web_modules

CONFIGS = [
    logic.ExplorerConfig(),
    logic.ExplorerConfig(kernel_sizes=(3, 7), channels=(4, 8),
                         activation="tanh", pooling="avg",
                         dense_units=(32, 16), dropout=0.3, batch_norm=True,
                         optimizer="adam", lr=0.002),
]


def initialised(config, seed=0):
    """`config`'s network with random weights, and running statistics of
    its batch norms away from 0 and 1 (a few training steps)."""
    mx.random.seed(seed)
    net, trainer, loss = logic.prepare_training(config)
    X = mx.nd.random.uniform(shape=(32, 1, 28, 28))
    y = mx.nd.array(np.arange(32) % 10)
    logic.train_step(net, trainer, loss, X, y, 32)
    return net


def random_images(count=16, seed=1):
    return np.random.default_rng(seed).random((count, 1, 28, 28),
                                              dtype=np.float32)


def file_of(config, net=None, run=None):
    net = net or initialised(config)
    return network_file_text(config, network_tensors(net, config),
                             run or {"engine": "kernel", "state": "done",
                                     "epochs": []})


def changed(text, **changes):
    return json.dumps({**json.loads(text), **changes})


def faulty_files(good):
    """(what is wrong, the file's text, a phrase its message must have)."""
    document = json.loads(good)
    config = document["config"]
    weights = base64.b64decode(document["weights"])
    nan = np.frombuffer(weights, "<f4").copy()
    nan[[3, 7]] = np.nan
    return [
        ("random bytes", "\x89PNG\x00\x01garbage", "不是完整的 JSON"),
        ("cut in half", good[:len(good) // 2], "不是完整的 JSON"),
        ("a list", "[1, 2]", "不是完整的 JSON"),
        ("another JSON", json.dumps({"name": "网络"}), "lenet-network"),
        ("a newer version", changed(good, version=contract.NETWORK_VERSION + 1),
         f"version={contract.NETWORK_VERSION + 1}"),
        ("a version that is no version", changed(good, version=1.5),
         "version=1.5"),
        ("version 0", changed(good, version=0), "version=0"),
        ("channels no control gives",
         changed(good, config={**config, "channels": [6, 7]}), "channels=6,7"),
        ("no activation",
         changed(good, config={k: v for k, v in config.items()
                               if k != "activation"}), "activation=（缺少）"),
        ("a configuration that does not fit the weights",
         changed(good, config={**config, "channels": [6, 32]}), "conv1.weight"),
        ("a tensor renamed",
         changed(good, tensors=[{**document["tensors"][0], "name": "x"},
                                *document["tensors"][1:]]), "conv0.weight"),
        ("weights cut short",
         changed(good, weights=base64.b64encode(weights[:-40]).decode()),
         "个数，它的配置要"),
        ("weights not base64", changed(good, weights="%%%%"), "base64"),
        ("NaN weights",
         changed(good, weights=base64.b64encode(nan.tobytes()).decode()),
         "有 2 个权重不是有限的数"),
        *hostile_files(good),
        *faulty_snapshots(good),
    ]


def with_snapshots(good, *snapshots):
    return changed(good, snapshots=list(snapshots))


def faulty_snapshots(good):
    """Replay weights that do not fit the file's run or network."""
    document = json.loads(good)
    weights = document["weights"]
    epochs = len(document["run"]["epochs"])
    short = base64.b64encode(base64.b64decode(weights)[:-4]).decode()
    return [
        ("a snapshot of the wrong epoch",
         with_snapshots(good, {"epoch": 1, "weights": weights}),
         "第 1 份回放用的权重（snapshots）标的是迭代周期 1，应是 0"),
        ("a snapshot that is no object", with_snapshots(good, "x"),
         "标的是迭代周期 （缺少）"),
        ("more snapshots than the run's epochs",
         with_snapshots(good, *[{"epoch": e, "weights": weights}
                                for e in range(epochs + 2)]),
         f"有 {epochs + 2} 份回放用的权重（snapshots），它的运行只有 {epochs} 个迭代周期"),
        ("a snapshot cut short",
         with_snapshots(good, {"epoch": 0, "weights": short}), "个数，它的配置要"),
    ]


EPOCH = {"epoch": 1, "train_loss": 2.0, "train_acc": 0.3, "test_acc": 0.4,
         "seconds": 1.5}
LIMITS = contract.LIMITS


def with_key(good, raw):
    """`good` with one more key, "x", whose value is the JSON text `raw`."""
    return good.rstrip().removesuffix("}") + f', "x": {raw}}}'


def with_epochs(good, *epochs):
    return changed(good, run={"engine": "browser", "state": "done",
                              "epochs": list(epochs)})


def hostile_files(good):
    """Files made to hurt (issue 37): too deep for Python's parser, too
    large, numbers out of any range, more epochs than a run has."""
    document = json.loads(good)
    deep = "[" * 5000 + "]" * 5000
    shape = [1] * 100_000
    return [
        ("nested deeper than Python's parser goes",
         with_key(good, deep),
         f"嵌套超过了 {LIMITS['depth']} 层"),
        ("an epoch with a key of nested arrays",
         with_epochs(good, {**EPOCH, "extra": json.loads("[" * 12 + "]" * 12)}),
         f"嵌套超过了 {LIMITS['depth']} 层"),
        ("a 5,001-digit version",
         good.replace(f'"version": {contract.NETWORK_VERSION}',
                      '"version": ' + "1" * 5001),
         "超出浮点数范围"),
        ("a number past a double",
         with_key(good, "1e999"),
         "超出浮点数范围"),
        ("a test accuracy of -3", with_epochs(good, {**EPOCH, "test_acc": -3}),
         "第 1 个迭代周期的 test_acc 是 -3，应是0 到 1 之间的数"),
        ("an epoch of 1e308", with_epochs(good, {**EPOCH, "epoch": 1e308}),
         "epoch 是 1e+308"),
        ("an epoch of 1.5", with_epochs(good, {**EPOCH, "epoch": 1.5}),
         "应是1 到 1000 的整数"),
        ("an epoch without its loss",
         with_epochs(good, EPOCH, {k: v for k, v in EPOCH.items()
                                   if k != "train_loss"}),
         "第 2 个迭代周期的 train_loss 是 （缺少）"),
        ("more epochs than a run has",
         with_epochs(good, *[EPOCH] * (LIMITS["epochs"] + 1)),
         f"有 {LIMITS['epochs'] + 1} 个迭代周期，最多只能有 {LIMITS['epochs']} 个"),
        ("a shape of a hundred thousand entries",
         changed(good, tensors=[{**document["tensors"][0], "shape": shape},
                                *document["tensors"][1:]]),
         "文件里是 " + "1×" * 15 + "…"),
        ("larger than any network file",
         with_key(good, '"' + "x" * LIMITS["file_bytes"] + '"'),
         f"最多 {LIMITS['file_bytes']} 字节"),
    ]


@pytest.mark.quick
@pytest.mark.parametrize("config", CONFIGS, ids=["book", "batch_norm"])
def test_a_network_comes_back_from_its_file_exactly(tmp_path, config):
    net = initialised(config)
    path = save_network(tmp_path / "网络.json", net, config)
    loaded, loaded_config = load_network(path)
    assert loaded_config == config
    images = random_images()
    assert np.array_equal(probabilities(loaded, images),
                          probabilities(net, images))


@pytest.mark.quick
def test_a_run_keeps_its_weights_of_every_epoch_in_its_file(
        fake_data_dir, tmp_path, monkeypatch):
    """The replay: a run's file holds the weights it started from and had
    after each epoch, exactly; where they would make the file larger than
    any network file, it is written without them (and says nothing of a
    replay it does not hold)."""
    config = logic.ExplorerConfig(activation="relu", lr=0.1, num_epochs=2,
                                  batch_size=16)
    result = logic.train(config, *logic.data_iters(config))
    assert len(result.snapshots) == 3
    loaded = read_network_file(save_network(tmp_path / "run.json", result)
                               .read_text(encoding="utf-8"))
    for ours, theirs in zip(result.snapshots, loaded.snapshots, strict=True):
        for (name, a), (same, b) in zip(ours, theirs, strict=True):
            assert name == same and np.array_equal(a, b)
    # The last epoch's weights are the network's; the first are not.
    for (_, last), (_, final) in zip(loaded.snapshots[-1], loaded.tensors):
        assert np.array_equal(last, final)
    assert not np.array_equal(loaded.snapshots[0][0][1], loaded.tensors[0][1])
    alone = len(file_of(config, result.net).encode("utf-8"))
    monkeypatch.setitem(contract.LIMITS, "file_bytes", alone + 1000)
    text = save_network(tmp_path / "small.json", result).read_text(encoding="utf-8")
    assert "snapshots" not in json.loads(text)
    assert read_network_file(text).snapshots == ()


@pytest.mark.quick
def test_a_file_that_is_not_a_network_says_what_is_wrong():
    good = file_of(CONFIGS[0])
    for what, text, phrase in faulty_files(good):
        with pytest.raises(NetworkFileError) as refused:
            read_network_file(text)
        assert phrase in str(refused.value), what


@pytest.mark.quick
def test_a_network_that_cannot_be_read_back_is_not_written(tmp_path):
    config = CONFIGS[0]
    path = save_network(tmp_path / "mine.json", initialised(config), config)
    before = path.read_bytes()
    broken = initialised(config)
    broken[0].weight.data()[0, 0, 0, 0] = float("nan")
    with pytest.raises(NetworkFileError, match="不是有限的数"):
        save_network(path, broken, config)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mine.json"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with page_on_web_modules(tmp_path_factory.mktemp("chromium")) as page:
        yield page


READ_IN_JS = """async (texts) => {
  const m = await import('./lenet_network_file.js');
  return texts.map((text) => {
    try {
      const { config, tensors, run, snapshots } = m.readNetworkFile(text);
      const sums = (weights) => Object.values(weights).map((t) => t.reduce((a, b) => a + b, 0));
      return { config, run, sums: sums(tensors), snapshots: snapshots.map(sums) };
    } catch (error) {
      return { error: error.message, ours: error instanceof m.NetworkFileError };
    }
  });
}"""



@pytest.mark.browser
def test_both_languages_read_every_file_to_the_same_verdict(page):
    good = file_of(CONFIGS[1], run={"engine": "browser", "state": "stopped",
                                    "epochs": [EPOCH]})
    config = json.loads(good)["config"]
    replay = [json.loads(file_of(CONFIGS[1], initialised(CONFIGS[1], seed)))[
        "weights"] for seed in (3, 4)]
    texts = [good,
             # a training setting no control gives: the book's is used
             changed(good, config={**config, "lr": 0.37, "seed": -1}),
             # an epoch's learning rate is kept only when it is a number
             changed(good, run={"engine": "kernel", "state": "done",
                                "epochs": [{**EPOCH, "lr": 0.005},
                                           {**EPOCH, "epoch": 2,
                                            "lr": "fast"}]}),
             # what the format does not name is dropped, not kept
             changed(with_epochs(good, {**EPOCH, "note": "x" * 1000}),
                     extra={"a": 1}),
             # the replay's weights: the start and the one epoch
             with_snapshots(good, *[{"epoch": e, "weights": weights}
                                    for e, weights in enumerate(replay)]),
             *[text for _, text, _ in faulty_files(good)]]
    js = page.evaluate(READ_IN_JS, texts)
    for text, theirs in zip(texts, js):
        try:
            loaded = read_network_file(text)
        except NetworkFileError as refused:
            assert theirs == {"error": str(refused), "ours": True}
            continue
        assert theirs["config"] == logic.config_json(loaded.config)
        assert theirs["run"] == loaded.run
        for ours, sums in zip([loaded.tensors, *loaded.snapshots],
                              [theirs["sums"], *theirs["snapshots"]], strict=True):
            assert np.allclose(sums, [float(a.sum(dtype=np.float64))
                                      for _, a in ours], rtol=1e-6)
    assert sum("error" not in theirs for theirs in js) == 5
    assert len(js[4]["snapshots"]) == 2
    assert js[2]["run"]["epochs"] == [{**EPOCH, "lr": 0.005},
                                      {**EPOCH, "epoch": 2}]
    assert js[3]["run"]["epochs"] == [EPOCH]


@pytest.mark.browser
def test_a_file_the_browser_writes_is_the_network_mxnet_loads(page, tmp_path):
    config = CONFIGS[1]
    net = initialised(config)
    tensors = network_tensors(net, config)
    text = page.evaluate("""async ([config, tensors]) => {
      const m = await import('./lenet_network_file.js');
      const arrays = Object.fromEntries(Object.entries(tensors).map(
        ([name, values]) => [name, Float32Array.from(values)]));
      const doubled = Object.fromEntries(Object.entries(arrays).map(
        ([name, values]) => [name, values.map((v) => 2 * v)]));
      return m.networkFileText(config, arrays,
                               {engine: 'browser', state: 'done', epochs: [EPOCH]},
                               [doubled, arrays]);
    }""".replace("EPOCH", json.dumps(EPOCH)), [
        logic.config_json(config),
        {name: a.ravel().tolist() for name, a in tensors}])
    (tmp_path / "from_js.json").write_text(text, encoding="utf-8")
    loaded, loaded_config = load_network(tmp_path / "from_js.json")
    assert loaded_config == config
    # The replay's weights, as the page wrote them.
    start, end = read_network_file(text).snapshots
    for (name, a), (_, doubled), (_, last) in zip(tensors, start, end, strict=True):
        assert np.array_equal(doubled, 2 * a) and np.array_equal(last, a), name
    images = random_images()
    assert np.array_equal(probabilities(loaded, images),
                          probabilities(net, images))


@pytest.mark.quick
def test_a_saved_file_gets_the_mode_open_gives_and_follows_a_link(tmp_path):
    import os
    config = CONFIGS[0]
    net = initialised(config)
    old = os.umask(0o022)
    try:
        path = save_network(tmp_path / "mine.json", net, config)
        assert path.stat().st_mode & 0o777 == 0o644
        # Through a symbolic link, as open() writes: the link stays one.
        (tmp_path / "real").mkdir()
        target = tmp_path / "real" / "net.json"
        target.write_text("old")
        link = tmp_path / "link.json"
        link.symlink_to(target)
        save_network(link, net, config)
        assert link.is_symlink() and load_network(target)[1] == config
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "link.json", "mine.json", "net.json", "real"]


@pytest.mark.quick
@pytest.mark.parametrize("where, phrase", [
    ("folder", "是一个文件夹"), ("", "是一个文件夹"),
    ("missing/net.json", "不存在"), ("locked/net.json", "没有写入这里的权限"),
])
def test_a_file_that_cannot_be_written_says_where_and_leaves_nothing(
        tmp_path, monkeypatch, where, phrase):
    import os
    from lenet import SaveError
    if os.geteuid() == 0 and where.startswith("locked"):
        # root writes anywhere: a read-only place is a read-only mount's
        # error, which rename gives the same way.
        def refused(*_):
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(os, "replace", refused)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0o555)
    config = CONFIGS[0]
    with pytest.raises(SaveError) as refused:
        save_network(where, initialised(config), config)
    message = str(refused.value)
    assert phrase in message and message.startswith("没有保存")
    assert (where or ".") in message
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["folder", "locked"]
