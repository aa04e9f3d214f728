"""The 5.5.4 exercise as one widget: change LeNet, see the effect, train it.

An anywidget: its JavaScript (web/js/lenet_explorer.js) draws every control,
the layer table and the code, the progress, the curves, the history and the
feature maps, in JupyterLab and in the static book alike.  This side holds
the configuration and trains it with MXNet (`lenet.explorer_logic.train`)
when the page asks; on a page it is one line:

    from lenet.explorer import LeNetExplorer
    LeNetExplorer()
"""
import logging
import math
import threading
import time
import weakref

import anywidget
import numpy as np
import traitlets

from . import explorer_logic as logic
from .contract import LIVE_INTERVAL_SECONDS, MESSAGE_TYPES as TYPES, MESSAGES
from .data import DATA_SETS, read_data_set, to_unit_float32
from .explorer_link import config_from_link, link_of, shown_name
from .messages import outcome_message, say
from .network_file import (NetworkFileError, network_file_text,
                           read_network_file)
from .paths import widget_esm
from .runs import epoch_from_json, epoch_json, run_json
from .weights import network_tensors, network_with_weights

TRAINING_THREAD_NAME = "lenet-explorer-training"
# Progress is sent at most this often (seconds): one message per batch
# would be 235 per epoch of the book's LeNet.
PROGRESS_INTERVAL = 0.2


IDLE = {"state": "idle", "done": 0, "total": 0, "epochs": [],
        "num_epochs": 0, "message": ""}


def maps_of_test_image(net, config, index, root=None):
    """(label, the image, [(name, maps of shape (channels, h, w))]) of test
    image `index` of `config`'s data set, through `net`."""
    images, labels = read_data_set(DATA_SETS[config.data_set], "test", root)
    image = to_unit_float32(images[index])
    return int(labels[index]), image, logic.feature_maps(net, config, image)


def maps_message(label, image, maps):
    """The page's message of one image's feature maps (lenet.explorer_logic
    .feature_maps), without its type, and its buffers."""
    layers = [{"name": name, "channels": int(m.shape[0]),
               "size": int(m.shape[1])} for name, m in maps]
    return ({"label": label, "layers": layers},
            [np.ascontiguousarray(a, dtype="<f4").tobytes()
             for a in [image, *(m for _, m in maps)]])


class LiveReports:
    """What the page sees of a run while it trains: the mean loss of every
    batch, sent at most every LIVE_INTERVAL_SECONDS (and after the last
    batch), with the first convolution's kernels and test image `image()`'s
    maps while the page shows them (`image()` is None when it does not).
    web/js/lenet_train_worker.js sends the same message from the browser."""

    def __init__(self, send, config, image, root=None):
        self.send, self.config, self.image, self.root = send, config, image, root
        self.losses, self.first, self.sent = [], 0, -math.inf

    def batch(self, done, total, loss, net):
        self.losses.append(float(loss))
        now = time.perf_counter()
        if now - self.sent < LIVE_INTERVAL_SECONDS and done < total:
            return
        self.sent = now
        content = {"type": TYPES["live"], "done": done, "total": total,
                   "first": self.first, "losses": self.losses[self.first:]}
        self.first = len(self.losses)
        buffers, index = [], self.image()
        if index is not None:
            picture, buffers = self.picture(net, index)
            content["picture"] = picture
        self.send(content, buffers)

    def picture(self, net, index):
        """The network as it is now: its first kernels and test image
        `index`'s maps (the message's part and its buffers)."""
        index = min(max(0, index), logic.TEST_SET_SIZE - 1)
        content, buffers = maps_message(*maps_of_test_image(
            net, self.config, index, self.root))
        kernels = logic.first_kernels(net, self.config)
        return ({**content, "image": index, "kernels": {
            "channels": int(kernels.shape[0]), "size": int(kernels.shape[-1])}},
                [*buffers, np.ascontiguousarray(kernels, dtype="<f4").tobytes()])


class LeNetExplorer(anywidget.AnyWidget):
    """The explorer.  A new one stops the training runs of earlier ones:
    the cell that shows it was run again, and the old one is out of
    sight."""

    _esm = traitlets.Unicode().tag(sync=True)
    config = traitlets.Dict().tag(sync=True)
    # The run in progress, or the last one (IDLE before any).
    run = traitlets.Dict().tag(sync=True)
    history = traitlets.List().tag(sync=True)
    # {"ready": bool, "confusion": 10x10 counts} of the last run's network.
    inspection = traitlets.Dict().tag(sync=True)
    # What a link given to the explorer could not set (lenet.explorer_link).
    link_notes = traitlets.List().tag(sync=True)
    # Set once the JavaScript is drawn in a front end with a kernel.
    has_kernel_front_end = traitlets.Bool(False)

    _instances = weakref.WeakSet()

    def __init__(self, preset="原书LeNet", run_in_thread=True, root=None,
                 link=None):
        """`link`: a link of the static page's explorer (the address, or
        the part after #), whose configuration this one starts with."""
        for earlier in list(LeNetExplorer._instances):
            earlier.stop()
        LeNetExplorer._instances.add(self)
        config, notes = logic.config_json(logic.PRESETS[preset]), []
        if link is not None:
            config, notes = config_from_link(link.partition("#")[2] or link,
                                             config)
        super().__init__(
            _esm=widget_esm("explorer"), config=config, link_notes=notes,
            run=dict(IDLE), history=[], inspection={"ready": False})
        self.run_in_thread, self.root = run_in_thread, root
        self.last_run = None
        self._runs = {}  # number in history -> its RunResult, with the net
        self._stop_requested = threading.Event()
        self._thread = None
        self._stepper = None  # 单步's run (logic.Stepper)
        # The test image whose maps the page shows while a run trains;
        # None while it shows none (lenet.explorer.LiveReports).
        self.live_image = None
        self.on_msg(self._on_front_end_message)

    def __repr__(self):
        # Without it: the object's address, which nbval would compare.
        return f"LeNetExplorer(preset={self.preset!r})"

    @property
    def explorer_config(self):
        return logic.config_from_json(self.config)

    @property
    def link(self):
        """The part after # of the static page's link to this
        configuration."""
        return link_of(self.config)

    @property
    def preset(self):
        return logic.preset_of(self.explorer_config)

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    # -- what the page asks ----------------------------------------------------
    def _on_front_end_message(self, _widget, content, _buffers):
        kind = content.get("type")
        if kind == TYPES["front_end"]:
            self.has_kernel_front_end = True
        elif kind == TYPES["train"]:
            if "config" in content:
                self.config = content["config"]
            self.train()
        elif kind == TYPES["stop"]:
            self._stop_requested.set()
        elif kind == TYPES["live"]:
            image = content.get("image")
            self.live_image = None if image is None else int(image)
        elif kind == TYPES["feature_maps"]:
            self.send_feature_maps(int(content.get("image", 0)))
        elif kind == TYPES["network_file"]:
            self.send_network_file(content.get("number"),
                                   content.get("for") == "viewer")
        elif kind == TYPES["step"]:
            self.send(self.step(content.get("config", self.config)))
        elif kind == TYPES["import_network"]:
            self.send({"type": TYPES["import_network"],
                       "id": content.get("id"),
                       "message": self.answer_import(content)})

    # -- a run -------------------------------------------------------------------
    def train(self):
        """Train the configuration shown (in a thread of its own unless
        `run_in_thread` is false).  Nothing happens while a run is in
        progress; a configuration that cannot be read or trained ends the
        run at once as refused, saying why."""
        if self.running:
            return
        try:
            config = self.explorer_config
        except (TypeError, ValueError) as err:
            self.run = {**IDLE, "state": "refused",
                        "message": say("unreadable", error=err)}
            return
        self._stop_requested.clear()
        self.run = {**IDLE, "state": "loading",
                    "num_epochs": config.num_epochs}
        if self.run_in_thread:
            self._thread = threading.Thread(
                target=self._train, args=(config,), daemon=True,
                name=TRAINING_THREAD_NAME)
            self._thread.start()
        else:
            self._train(config)

    def step(self, values):
        """单步 with the configuration `values` (JSON, as the page holds
        it): one batch of the run 训练 would make, continuing while the
        configuration stays.  The message for the page: the step's report
        and its words, or why there was no step."""
        answer = {"type": TYPES["step"]}
        if self.running:
            return {**answer, "message": MESSAGES["step_busy"]}
        try:
            config = logic.config_from_json(values)
            problems = logic.validate(config)
        except (TypeError, ValueError) as err:
            return {**answer, "message": say("unreadable", error=err)}
        if problems:
            return {**answer, "message": say("refused",
                                                      problems=problems)}
        try:
            if self._stepper is None or self._stepper.config != config:
                train_iter, _ = logic.data_iters(config, self.root)
                self._stepper = logic.Stepper(config, train_iter)
            report = self._stepper.next()
        except Exception as err:  # the data cannot be read, say: in words
            self._stepper = None
            return {**answer, "message": say("failed", error=err)}
        return {**answer, "report": report,
                "message": say("step", **report)}

    def stop(self, timeout=60):
        """Ask a run in progress to stop, and wait until it has (it checks
        between two batches)."""
        self._stop_requested.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _train(self, config):
        """One run, with progress: logic.train validates the configuration,
        reads the data and trains; this words what it reports."""
        epochs, sent = [], [0.0]
        live = LiveReports(self.send, config, lambda: self.live_image,
                           self.root)

        def on_start(total):
            self.run = {**self.run, "state": "training", "total": total}

        def on_batch(done, total, loss, net):
            live.batch(done, total, loss, net)
            now = time.perf_counter()
            if now - sent[0] >= PROGRESS_INTERVAL or done == total:
                sent[0] = now
                self.run = {**self.run, "done": done}

        def on_epoch(epoch):
            epochs.append(epoch_json(epoch))
            self.run = {**self.run, "epochs": list(epochs),
                        "message": say("epoch", num_epochs=config.num_epochs,
                                       **epochs[-1])}

        try:
            result = logic.train(config, root=self.root, on_start=on_start,
                                 on_batch=on_batch, on_epoch=on_epoch,
                                 should_stop=self._stop_requested.is_set)
        except logic.ConfigError as refused:
            self.run = {**self.run, "state": "refused",
                        "message": say(
                            "refused", problems=refused.problems)}
            return
        except Exception as err:  # noqa: BLE001 - shown to the reader
            self.run = {**self.run, "state": "failed",
                        "message": say("failed", error=err)}
            return
        self.run = {**self.run, "state": result.state,
                    "message": outcome_message(result)}
        if result.epochs:
            self._finished(result)

    def _finished(self, result, imported=None):
        """A run to list in 历次运行 (`imported`: the file it came from)
        and to inspect."""
        number = len(self.history) + 1
        self._runs[number] = self.last_run = result
        self.history = [*self.history, {
            "number": number,
            "description": logic.describe(result.config),
            "config": logic.config_json(result.config),
            "epochs": [epoch_json(e) for e in result.epochs],
            "num_epochs": result.config.num_epochs,
            "final_test_acc": (result.final_test_acc if result.epochs
                               else None),
            "seconds": result.seconds, "stopped": result.stopped,
            "state": result.state, "imported": imported}]
        counts = logic.confusion_matrix(result.net, logic.load_test_iter(
            self.root, data_set=result.config.data_set))
        self.inspection = {"ready": True, "confusion": counts.tolist(),
                           "data_set": result.config.data_set}

    # -- a run's network as a file, and back ------------------------------------
    def network_file(self, number):
        """(file name, text) of run `number`'s network (lenet.network_file)."""
        result = self._runs[number]
        return (f"lenet-network-{number}.json", network_file_text(
            result.config, network_tensors(result.net, result.config),
            run_json(result), result.snapshots))

    def send_network_file(self, number, for_viewer=False):
        """Run `number`'s file to the page: to save (下载网络), or for the
        viewer of the same page, which runs and replays the kernel's runs."""
        if number in self._runs:
            name, text = self.network_file(number)
            self.send({"type": TYPES["network_file"], "number": number,
                       "name": name, "for": "viewer" if for_viewer else "file"},
                      [text.encode("utf-8")])

    def answer_import(self, content):
        """What to tell the page of its import message: every import is
        answered, a failure nobody foresaw too (logged for a maintainer)."""
        name = str(content.get("name", ""))
        try:
            return self.import_network(str(content.get("text", "")), name)
        except Exception as error:  # the page must not wait for ever
            logging.getLogger(__name__).exception("import of %s", name)
            return say("network_not_imported", file=shown_name(name), problem=say(
                "network_unexpected", error=f"{type(error).__name__}: {error}"))

    def import_network(self, text, name="网络文件"):
        """Add the network of a file's `text` to 历次运行 as a run; what to
        tell the reader.  A file that is not a network changes nothing."""
        name = shown_name(name)
        try:
            loaded = read_network_file(text)
        except NetworkFileError as problem:
            return say("network_not_imported", file=name, problem=problem)
        net = network_with_weights(loaded.config, loaded.arrays)
        epochs = [epoch_from_json(e) for e in loaded.run["epochs"]]
        self._finished(logic.RunResult(loaded.config, epochs,
                                       loaded.run["state"], net=net,
                                       snapshots=list(loaded.snapshots)),
                       imported=name)
        return say("network_imported", file=name, number=len(self.history))

    # -- inspection --------------------------------------------------------------
    def feature_maps(self, index):
        """The last run's feature maps of test image `index`: (label, the
        image, [(name, maps of shape (channels, h, w))])."""
        return maps_of_test_image(self.last_run.net, self.last_run.config,
                                  index, self.root)

    def send_feature_maps(self, index):
        if self.last_run is None or not 0 <= index < logic.TEST_SET_SIZE:
            return
        content, buffers = maps_message(*self.feature_maps(index))
        self.send({"type": TYPES["feature_maps"], "image": index, **content},
                  buffers)


class RunChart(anywidget.AnyWidget):
    """The per-epoch curves of one finished run, drawn by the same
    JavaScript as the explorer's, with the book's words."""

    _esm = traitlets.Unicode().tag(sync=True)
    epochs = traitlets.List().tag(sync=True)
    num_epochs = traitlets.Int().tag(sync=True)

    def __init__(self, result):
        super().__init__(_esm=widget_esm("run_chart"),
                         epochs=[epoch_json(e) for e in result.epochs],
                         num_epochs=result.config.num_epochs)

    def __repr__(self):
        return f"RunChart({len(self.epochs)} epochs)"


def plot_run(result):
    """The curves of a finished run, for a notebook cell to display."""
    return RunChart(result)
