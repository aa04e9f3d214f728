"""What the book's Python and its JavaScript agree on: the JSON files of
this folder, loaded, one per job (each says what it holds in its "about").
The browser's modules import the same files (through
web/js/lenet_contract.js, bundled by esbuild's JSON loader); nothing of
them is generated.  This package imports nothing of lenet, so that every
other module may import it (the layers of pyproject.toml).

The names below are the files' parts and the values read most often.
"""
import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
PARTS = ("network", "configuration", "presets", "protocol", "words",
         "formats", "site", "data_sets")
CONTRACT = {part: json.loads((FOLDER / f"{part}.json")
                             .read_text(encoding="utf-8"))
            for part in PARTS}

NETWORK = CONTRACT["network"]
# The configuration's fields, in order: {name: {group, type, name,
# default, choices, ...}}.
FIELDS = CONTRACT["configuration"]["fields"]
ARCH_FIELDS = tuple(name for name, field in FIELDS.items()
                    if field["group"] == "architecture")
TRAINING_FIELDS = tuple(name for name, field in FIELDS.items()
                        if field["group"] == "training")
FIELD_NAMES = {name: field["name"] for name, field in FIELDS.items()}
# The lists whose length is a block's depth: {"conv": ("kernel_sizes",
# "channels"), "dense": ("dense_units",)}.
BLOCKS = {}
for _name, _field in FIELDS.items():
    if "layers" in _field:
        BLOCKS.setdefault(_field["layers"]["block"], []).append(_name)
BLOCKS = {block: tuple(names) for block, names in BLOCKS.items()}


def since(field):
    """The first version of the link and the network file that holds
    `field` (1: every version)."""
    return FIELDS[field].get("since", 1)
CONTROLS = CONTRACT["configuration"]["controls"]
CUSTOM = CONTRACT["presets"]["custom"]
PRESETS = CONTRACT["presets"]["presets"]

PROTOCOL = CONTRACT["protocol"]
RUN_STATES = tuple(PROTOCOL["run_states"])
RUNNING_STATES = tuple(PROTOCOL["running_states"])
PROBLEM_STATES = tuple(PROTOCOL["problem_states"])
MESSAGE_TYPES = PROTOCOL["message_types"]
# While a run trains, its batches' losses (and, asked for, its pictures)
# are sent at most this often.
LIVE_INTERVAL_SECONDS = PROTOCOL["live_interval_ms"] / 1000
MESSAGES = PROTOCOL["messages"]
DECIMALS = PROTOCOL["decimals"]

WORDS = CONTRACT["words"]
DATA_SETS = CONTRACT["data_sets"]["data_sets"]
ENGINES = WORDS["engines"]

LINK_PREFIX = CONTRACT["formats"]["link"]["prefix"]
LINK_VERSION = CONTRACT["formats"]["link"]["version"]
NETWORK_FILE = CONTRACT["formats"]["network_file"]
NETWORK_FORMAT = NETWORK_FILE["format"]
NETWORK_VERSION = NETWORK_FILE["version"]
# What a link and a network file may hold (both languages check the same).
LIMITS = CONTRACT["formats"]["limits"]

SITE = CONTRACT["site"]
BROWSER = SITE["browser"]
BROWSER_TRAIN_SIZE = BROWSER["train_size"]
BROWSER_TEST_SIZE = BROWSER["test_size"]
BROWSER_GRAY_LEVELS = BROWSER["gray_levels"]
BROWSER_PRESET = BROWSER["preset"]
