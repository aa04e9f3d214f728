"""A trained network as one file, which moves between the page and MXNet.

The file is JSON: the format and its version, the explorer's configuration
(explorer_config.config_json), the run that trained it (engine, how it ended, the
per-epoch history), the tensors' names and shapes in the order of the
network's plan (`lenet.plan.named_tensors`), and their numbers as float32,
little-endian, in base64 — exact, so a network gives the same
probabilities wherever it is loaded; and, if the run kept them, the same
numbers as it started and after each epoch (`snapshots`, which the page's
viewer replays).  The static page writes and reads the
same files (web/js/lenet_network_file.js, the same rule written once
there); tests/test_network_file.py holds the two to the same verdicts.

    lenet.save_network("我的网络.json", explorer.last_run)
    net, config = lenet.load_network("我的网络.json")
"""
import base64
import json
import math
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .contract import (ARCH_FIELDS, ENGINES, FIELD_NAMES, FIELDS, LIMITS,
                       NETWORK_FILE, NETWORK_FORMAT, NETWORK_VERSION, WORDS,
                       since)
from .explorer_config import ExplorerConfig, config_from_json, config_json
from .explorer_link import (layers_words, shown, text_of, unequal_layers,
                           value_of)
from .files import write_text_atomically
from .messages import say
from .plan import named_tensors, plan
from .runs import run_json
from .weights import network_tensors, network_with_weights, split

_FLOAT32 = np.dtype("<f4")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


class NetworkFileError(ValueError):
    """A file that is not a network this book can load; the message says
    why, in Chinese."""


class NetworkFile(NamedTuple):
    config: object  # an ExplorerConfig
    tensors: list   # [(name, float32 array)] in file order
    run: dict       # {"engine", "state", "epochs": [...]}
    snapshots: tuple = ()  # tensors as above, epoch 0 on (the replay's)

    @property
    def arrays(self):
        return [array for _, array in self.tensors]


def _shape_text(shape):
    return "×".join(map(text_of, shape))


def _shown_value(value):
    """A value of the file, as a message shows it."""
    if value is None:
        return "（缺少）"
    if isinstance(value, (str, int, float, list)):
        return shown(text_of(value))
    return "（不是可用的值）"


def _refuse_constant(name):
    # NaN and Infinity are not JSON (the browser's JSON.parse refuses them).
    raise ValueError(name)


def _checked_config(values, version):
    """The ExplorerConfig of a file's configuration.  Every field of the
    architecture must be one the explorer's controls can hold, a block's
    lists as long as each other; a training setting that is not (it only
    describes the run) is the book's, as is a field newer than the file's
    version (the contract's `since`)."""
    if not isinstance(values, dict):
        values = {}
    base = config_json(ExplorerConfig())
    checked = {}
    for field in FIELDS:
        if since(field) > version:
            checked[field] = base[field]
            continue
        given = values.get(field)
        value = (None if given is None
                 else value_of(text_of(given), field, base[field]))
        if value is None and field in ARCH_FIELDS:
            raise NetworkFileError(say(
                "network_bad_config", name=FIELD_NAMES[field],
                field=field, value=_shown_value(given)))
        checked[field] = base[field] if value is None else value
    fields = unequal_layers(checked)
    if fields:
        raise NetworkFileError(say("network_layers",
                                   **layers_words(checked, fields)))
    return config_from_json(checked)


def _checked_tensors(listed, config):
    """The plan's [(name, shape)] of `config`, when the file lists the
    same tensors."""
    wanted = named_tensors(plan(config))
    listed = listed if isinstance(listed, list) else []
    for index, (name, shape) in enumerate(wanted):
        found = listed[index] if index < len(listed) else None
        if not isinstance(found, dict) or found.get("name") != name:
            raise NetworkFileError(say(
                "network_mismatch", detail=f"配置要第 {index + 1} 个张量是 "
                f"{name}，文件里是 {_listed_name(found)}"))
        if not _same_shape(found.get("shape"), shape):
            raise NetworkFileError(say(
                "network_mismatch", detail=f"配置要 {name} 的形状是 "
                f"{_shape_text(shape)}，文件里是 "
                f"{_listed_shape(found.get('shape'))}"))
    if len(listed) > len(wanted):
        raise NetworkFileError(say(
            "network_mismatch", detail=f"文件里多了 {len(listed) - len(wanted)}"
            " 个配置里没有的张量"))
    return wanted


def _listed_name(found):
    return _shown_value(found.get("name") if isinstance(found, dict) else None)


def _same_shape(listed, shape):
    return (isinstance(listed, list) and len(listed) == len(shape)
            and all(_is_number(n) and n == s for n, s in zip(listed, shape)))


def _listed_shape(shape):
    if isinstance(shape, list) and all(
            _is_number(n) and float(n).is_integer() for n in shape):
        return shown(_shape_text(shape))
    return "（不是形状）"


def _numbers(text, expected):
    """float32 numbers from the file's base64 text."""
    if not (isinstance(text, str) and len(text) % 4 == 0
            and _BASE64.fullmatch(text)):
        raise NetworkFileError(say("network_weights_unreadable"))
    data = base64.b64decode(text)
    if len(data) % 4 or len(data) // 4 != expected:
        raise NetworkFileError(say(
            "network_weights_length", found=len(data) // 4,
            expected=expected))
    numbers = np.frombuffer(data, dtype=_FLOAT32)
    bad = int(np.count_nonzero(~np.isfinite(numbers)))
    if bad:
        raise NetworkFileError(say("network_not_finite", count=bad))
    return numbers


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _checked_epoch(index, epoch):
    """An epoch of the file's run, with only the fields the format names,
    each number in its range (LIMITS["epoch_ranges"]); its learning rate
    (optional) kept only if it is a number."""
    epoch = epoch if isinstance(epoch, dict) else {}
    checked = {}
    for field, bounds in LIMITS["epoch_ranges"].items():
        value = epoch.get(field)
        if not (_is_number(value) and bounds["min"] <= value
                <= bounds.get("max", math.inf)
                and (not bounds.get("integer") or float(value).is_integer())):
            raise NetworkFileError(say(
                "network_bad_epoch", index=index, field=field,
                value=_shown_value(value), range=bounds["words"]))
        checked[field] = value
    if _is_number(epoch.get("lr")):
        checked["lr"] = epoch["lr"]
    return checked


def _checked_run(run):
    """The run's description: its engine and state (the book's when the
    file names another), and its epochs, each checked."""
    run = run if isinstance(run, dict) else {}
    listed = run.get("epochs")
    listed = listed if isinstance(listed, list) else []
    if len(listed) > LIMITS["epochs"]:
        raise NetworkFileError(say("network_too_many_epochs",
                                   count=len(listed), limit=LIMITS["epochs"]))
    epochs = [_checked_epoch(index, e) for index, e in enumerate(listed, 1)]
    engine, state = run.get("engine"), run.get("state")
    known = WORDS["run_results"]
    return {"engine": engine if isinstance(engine, str)
            and engine in ENGINES else "kernel",
            "state": state if isinstance(state, str) and state in known
            else "done", "epochs": epochs}


def _checked_snapshots(listed, epochs, wanted, total):
    """The replay's weights of a file (none where it has none), each a
    [(name, array)] of the `wanted` tensors: snapshot i is epoch i's, at
    most one more than the run's epochs."""
    if listed is None:
        return ()
    found = listed if isinstance(listed, list) else [listed]
    if len(found) > epochs + 1:
        raise NetworkFileError(say("network_too_many_snapshots",
                                   count=len(found), epochs=epochs,
                                   limit=epochs + 1))
    snapshots = []
    for index, snapshot in enumerate(found):
        epoch = snapshot.get("epoch") if isinstance(snapshot, dict) else None
        if not (_is_number(epoch) and epoch == index):
            raise NetworkFileError(say(
                "network_bad_snapshot", index=index + 1,
                value=_shown_value(epoch), expected=index))
        snapshots.append(_tensors_of(_numbers(snapshot.get("weights"), total),
                                     wanted))
    return tuple(snapshots)


def _tensors_of(numbers, wanted):
    return list(zip((name for name, _ in wanted),
                    split(numbers, [shape for _, shape in wanted])))


def _parsed_int(digits):
    # As JavaScript reads a number: a double (so a 5,001-digit integer is
    # too large, not "not JSON").
    return int(digits) if len(digits) <= 15 else float(digits)


def _document(text):
    """The JSON of a file's text, once its size, nesting and numbers are
    within the format's LIMITS."""
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str)
               else text)
    if size > LIMITS["file_bytes"]:
        raise NetworkFileError(say("network_too_large", size=size,
                                   limit=LIMITS["file_bytes"]))
    try:
        document = json.loads(text, parse_constant=_refuse_constant,
                              parse_int=_parsed_int)
    except RecursionError:
        raise NetworkFileError(say("network_too_deep", depth=LIMITS["depth"]))
    except (ValueError, UnicodeDecodeError):
        raise NetworkFileError(say("network_not_json"))
    _check_values(document)
    return document


def _check_values(document):
    """Refuse a document nested deeper than LIMITS["depth"] or holding a
    number out of a double's range (walked without recursion)."""
    waiting = [(document, 0)]
    while waiting:
        value, depth = waiting.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise NetworkFileError(say("network_number_too_large"))
        if isinstance(value, (dict, list)):
            if depth >= LIMITS["depth"]:
                raise NetworkFileError(say("network_too_deep",
                                           depth=LIMITS["depth"]))
            items = value.values() if isinstance(value, dict) else value
            waiting.extend((item, depth + 1) for item in items)


def read_network_file(text):
    """The NetworkFile in `text` (str or bytes), or NetworkFileError."""
    document = _document(text)
    if not isinstance(document, dict):
        raise NetworkFileError(say("network_not_json"))
    if document.get("format") != NETWORK_FORMAT:
        raise NetworkFileError(say(
            "network_wrong_format", format=NETWORK_FORMAT))
    version = document.get("version")
    # Every version this book has written (1.0 is 1, as JavaScript reads it).
    if not (_is_number(version) and version in range(1, NETWORK_VERSION + 1)):
        raise NetworkFileError(say(
            "network_version", version=_shown_value(document.get("version"))))
    config = _checked_config(document.get("config"), int(version))
    wanted = _checked_tensors(document.get("tensors"), config)
    total = sum(math.prod(shape) for _, shape in wanted)
    tensors = _tensors_of(_numbers(document.get("weights"), total), wanted)
    run = _checked_run(document.get("run"))
    return NetworkFile(config, tensors, run, _checked_snapshots(
        document.get("snapshots"), len(run["epochs"]), wanted, total))


def _weights_text(tensors):
    return base64.b64encode(b"".join(np.asarray(a, dtype=_FLOAT32).tobytes()
                                     for _, a in tensors)).decode("ascii")


def network_file_text(config, tensors, run, snapshots=()):
    """The file of a network: `tensors` [(name, array)] in plan order,
    `run` {"engine", "state", "epochs"}, `snapshots` the replay's tensors
    (epoch 0 on), left out if the file would be too large with them."""
    file = {
        "format": NETWORK_FORMAT, "version": NETWORK_VERSION,
        "about": NETWORK_FILE["about"],
        "config": config_json(config), "run": run,
        "tensors": [{"name": name, "shape": list(np.shape(a))}
                    for name, a in tensors],
        "weights": _weights_text(tensors),
    }
    if snapshots:
        replay = [{"epoch": epoch, "weights": _weights_text(each)}
                  for epoch, each in enumerate(snapshots)]
        with_replay = json.dumps({**file, "snapshots": replay},
                                 ensure_ascii=False, indent=1)
        if len(with_replay.encode("utf-8")) <= LIMITS["file_bytes"]:
            return with_replay
    return json.dumps(file, ensure_ascii=False, indent=1)


def save_network(path, run_or_net, config=None):
    """Write a trained network to `path`: a run of the explorer
    (`explorer.last_run`, or what `explorer_logic.train` returns), or a
    Gluon network with its ExplorerConfig (a run's file carries the
    weights of each epoch too, for the page's replay).  The file is whole
    or not there; where it cannot be written, a SaveError says why in
    Chinese."""
    if config is None:
        result = run_or_net
        net, config, run = result.net, result.config, run_json(result)
        snapshots = result.snapshots
    else:
        net, run, snapshots = run_or_net, {"engine": "kernel", "state": "done",
                                           "epochs": []}, ()
    text = network_file_text(config, network_tensors(net, config), run,
                             snapshots)
    read_network_file(text)  # what cannot be read back is not written
    return write_text_atomically(path, text)


def load_network(path):
    """(net, config): the Gluon network of a network file, with its
    weights, and its ExplorerConfig.  A file that is not such a network
    raises NetworkFileError, which says why in Chinese."""
    loaded = read_network_file(Path(path).read_bytes())
    return network_with_weights(loaded.config, loaded.arrays), loaded.config
