"""The explorer's configuration as a link (lenet.explorer_link and
web/js/lenet_link.js): every preset survives the trip, a value the controls
could not have set is replaced and named, and the two languages read every
link alike."""
import json

import pytest

from lenet import messages
from lenet import contract
from lenet import explorer_logic as logic
from lenet.explorer_link import FIELDS, config_from_link, link_of
from tests.built_site import page_on_web_modules

BOOK = logic.config_json(logic.ExplorerConfig())
PRESETS = [logic.config_json(c) for c in logic.PRESETS.values()]

# Links a reader could be sent: cut, tampered with, from another version.
TAMPERED = [
    "", "#", "lenet?", "lenet?&&&", "lenet?kernel_sizes", "lenet?kernel_sizes=",
    "lenet?kernel_sizes=5", "lenet?kernel_sizes=5,5,5", "lenet?kernel_sizes=1e0,11",
    "lenet?kernel_sizes=0,5", "lenet?kernel_sizes=12,5", "lenet?kernel_sizes=3.5,3",
    "lenet?channels=6.5,16", "lenet?channels=64,64&kernel_sizes=11,11",
    "lenet?dense_units=512,1", "lenet?dense_units=513,1",
    "lenet?lr=1e-3", "lenet?lr=10", "lenet?lr=0.7", "lenet?lr=Infinity",
    "lenet?lr=1e999", "lenet?lr=NaN", "lenet?lr=-0.9", "lenet?lr=.9",
    "lenet?seed=2147483647", "lenet?seed=2147483648", "lenet?seed=-1",
    "lenet?seed=0x10", "lenet?seed=1_000", "lenet?seed=%ff%fe", "lenet?seed=%zz",
    "lenet?dropout=0.30000000000000004", "lenet?dropout=0.95", "lenet?dropout=0.9",
    "lenet?train_size=1500", "lenet?train_size=5000", "lenet?train_size=61000",
    "lenet?num_epochs=21", "lenet?num_epochs=1.5", "lenet?num_epochs=+3",
    "lenet?batch_size=100", "lenet?batch_size=512",
    "lenet?activation=RELU", "lenet?activation=%72elu", "lenet?pooling=avg",
    "lenet?optimizer=adam&lr=0.002", "lenet?initializer=Normal",
    "lenet?batch_norm=1", "lenet?batch_norm=true", "lenet?batch_norm=constructor",
    "lenet?__proto__=1&constructor=x&toString=y", "lenet?fieldé=1&%E5%AD%97=2",
    "lenet?initializer=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "lenet?v=1&v=2", "lenet?v=2&activation=tanh", "lenet?v=", "lenet?activation=" + "x" * 100,
    "lenet?kernel_sizes=3,3&kernel_sizes=7,7", "kernel_sizes=3,3",
    "#v=1&seed=5", "lenet?%E2%80%AEabc=1&name=%E2%81%A6x",
    "lenet?" + "&".join(f"x{i}=1" for i in range(40)),
    # More or fewer layers, padding, and the versions before and after.
    "lenet?v=2&kernel_sizes=5,5,3&channels=6,16,32&padding=same",
    "lenet?kernel_sizes=5&channels=6&dense_units=", "lenet?dense_units=",
    "lenet?kernel_sizes=5,5,3&channels=6,16", "lenet?channels=6,16,32",
    "lenet?kernel_sizes=&channels=", "lenet?kernel_sizes=3,3,3,3&channels=1,1,1,1",
    "lenet?dense_units=1,2,3", "lenet?dense_units=1,2,3,4", "lenet?dense_units=,",
    "lenet?padding=same", "lenet?padding=full", "lenet?v=1&padding=same",
    "lenet?v=1&kernel_sizes=5,5,3&channels=6,16,32", "lenet?v=3&padding=same",
    "lenet?v=2.0&seed=3", "lenet?v=02&seed=3",
]


@pytest.mark.quick
def test_every_preset_comes_back_from_its_link_unchanged():
    for preset in PRESETS:
        link = link_of(preset)
        assert link.startswith(
            f"{contract.LINK_PREFIX}v={contract.LINK_VERSION}&")
        assert config_from_link("#" + link, BOOK) == (preset, [])
        # Every field is written, so the base does not matter.
        assert config_from_link(link, PRESETS[-1])[0] == preset
        config = logic.config_from_json(preset)
        assert logic.validate(config) == []


@pytest.mark.quick
def test_a_value_the_controls_cannot_hold_is_replaced_and_named():
    values, notes = config_from_link(
        "lenet?v=1&kernel_sizes=99,5&activation=relu&lr=0.7&batch_size=100", BOOK)
    assert values == {**BOOK, "activation": "relu"}
    assert notes == [
        messages.say("link_invalid", name="卷积窗口大小", field="kernel_sizes",
                     value="99,5", used="5,5"),
        messages.say("link_invalid", name="学习率", field="lr", value="0.7",
                     used="0.9"),
        messages.say("link_invalid", name="批量大小", field="batch_size",
                     value="100", used="256"),
    ]
    assert "卷积窗口大小（kernel_sizes=99,5）" in notes[0] and "5,5" in notes[0]


@pytest.mark.quick
def test_unknown_fields_and_other_versions_are_said_and_the_rest_applies():
    values, notes = config_from_link("lenet?v=7&colour=red&seed=42", BOOK)
    assert values == {**BOOK, "seed": 42}
    assert notes == [messages.say("link_version", version="7"),
                     messages.say("link_unknown", field="colour")]


@pytest.mark.quick
def test_a_link_holds_one_to_three_blocks_and_no_hidden_layer():
    values, notes = config_from_link(
        "lenet?v=2&kernel_sizes=5,5,3&channels=6,16,32&dense_units=&"
        "padding=same", BOOK)
    assert notes == [] and (values["kernel_sizes"], values["channels"],
                            values["dense_units"], values["padding"]) == (
        [5, 5, 3], [6, 16, 32], [], "same")
    assert config_from_link(link_of(values), BOOK) == (values, [])


@pytest.mark.quick
def test_a_blocks_lists_of_different_lengths_keep_the_base():
    deeper = {**BOOK, "kernel_sizes": [5, 5, 3], "channels": [6, 16, 32]}
    values, notes = config_from_link(
        "lenet?kernel_sizes=3&channels=6,16&seed=4", deeper)
    assert values == {**deeper, "seed": 4}
    assert notes == [messages.say(
        "link_layers", names="卷积窗口大小（kernel_sizes）和卷积层输出通道数（channels）",
        counts="1 个和 2 个", used="5,5,3 和 6,16,32")]


@pytest.mark.quick
def test_a_link_of_version_1_means_the_books_padding():
    """Version 1 had no padding: its networks were all unpadded, whatever
    the explorer shows now."""
    padded = {**BOOK, "padding": "same"}
    values, notes = config_from_link("lenet?v=1&seed=4", padded)
    assert values == {**padded, "padding": "valid", "seed": 4} and notes == []
    # A link of this version without the field keeps what the base has.
    assert config_from_link("lenet?v=2&seed=4", padded) == (
        {**padded, "seed": 4}, [])


@pytest.mark.quick
def test_a_long_value_is_cut_in_the_note():
    _, notes = config_from_link("lenet?activation=" + "x" * 100, BOOK)
    assert "x" * 30 + "…" in notes[0] and "x" * 31 not in notes[0]


@pytest.mark.quick
def test_stops_between_the_controls_are_their_own_values():
    values, notes = config_from_link(
        "lenet?dropout=0.30000000000000004&lr=1e-3&train_size=5000", BOOK)
    assert (values["dropout"], values["lr"], values["train_size"]) == (
        0.3, 0.001, 5000) and notes == []


@pytest.mark.browser
def test_the_page_reads_every_link_as_python_does(tmp_path):
    links = [link_of(p) for p in PRESETS] + TAMPERED
    bases = [BOOK, PRESETS[-1]]
    with page_on_web_modules(tmp_path) as page:
        js = page.evaluate("""async ([links, bases]) => {
          const m = await import('./lenet_link.js');
          return JSON.stringify({
            read: bases.map((base) => links.map((link) => {
              const {values, notes} = m.configFromLink(link, base);
              return [values, notes];
            })),
            written: bases.map((base) => m.linkOf(base)),
            isLink: links.map(m.isLink)});
        }""", [links, bases])
    js = json.loads(js)
    for base, read in zip(bases, js["read"], strict=True):
        for link, (values, notes) in zip(links, read, strict=True):
            assert [values, notes] == list(config_from_link(link, base)), link
    assert js["written"] == [link_of(base) for base in bases]
    assert js["isLink"] == [link.lstrip("#").startswith(contract.LINK_PREFIX)
                            for link in links]


@pytest.mark.quick
def test_a_link_says_what_it_repeats_and_counts_what_it_cannot_use():
    values, notes = config_from_link("lenet?seed=3&seed=4", BOOK)
    assert values["seed"] == 3
    assert notes == [messages.say("link_repeated", field="seed", count=2)]
    many = "lenet?" + "&".join(f"x{i}=1" for i in range(12_000))
    values, notes = config_from_link(many, BOOK)
    limit = contract.LIMITS["link_notes"]
    assert values == BOOK and len(notes) == limit + 1
    assert notes[-1] == messages.say("link_more_notes", count=12_000 - limit)
    # Not the explorer's: nothing changes, in either language (the page
    # does not read an ordinary anchor at all, lenet_link.isLink).
    assert config_from_link("#v=1&seed=5", BOOK) == (
        BOOK, [messages.say("link_not_explorer", prefix=contract.LINK_PREFIX)])
    # A mark that reverses text is never shown.
    _, notes = config_from_link("lenet?%E2%80%AEabc=1", BOOK)
    assert notes == [messages.say("link_unknown", field="abc")]


NAMES = ["网络.json", "\u202eabc.json", "a\u2066b\u2069c\u200f.json", "x" * 100,
         "名" * 41, "tab\there\n.json", "😀" * 45, ""]


@pytest.mark.browser
def test_the_page_shows_a_files_name_as_python_does(tmp_path):
    from lenet.explorer_link import shown_name
    with page_on_web_modules(tmp_path) as page:
        js = page.evaluate("""async (names) => {
          const m = await import('./lenet_link.js');
          return names.map(m.shownName);
        }""", NAMES)
    assert js == [shown_name(name) for name in NAMES]
    assert js[1] == "abc.json" and len(js[4]) == contract.LIMITS["name_characters"] + 1
