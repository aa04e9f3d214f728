"""The explorer's configuration as a link, and back.

A link's fragment is `lenet?v=2&kernel_sizes=5,5&channels=6,16&...`: every
field of the configuration (the contract's fields) as its control holds
it, a list with one value per layer.  Reading one keeps what the controls
could have set and replaces anything else (out of range, of the wrong type,
unknown, a block's lists of different lengths) with the base
configuration's value, saying which field and what was used in a note, in
Chinese.  A link of an older version (v=1) means the book's default for
each field it could not hold (the contract's `since`); one of a version
this book does not know is read as far as it goes, with a note.  The same rule is
written once in JavaScript (web/js/lenet_link.js);
tests/test_browser_logic.py holds the two to the same results.
"""
import math
import re
from urllib.parse import unquote

from .contract import (BLOCKS, FIELD_NAMES, FIELDS, LIMITS, LINK_PREFIX,
                       LINK_VERSION, since)
from .messages import say

# A value shown in a note is cut to this many characters.
SHOWN_CHARACTERS = 30
NUMBER_CHARACTERS = set("0123456789.-+eE")
# Control characters and the marks that reorder text (a file name with a
# right-to-left override would show the note's words reversed).
HIDDEN_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e"
    "\u2066-\u2069\ufeff]")


def text_of(value):
    """One value as the link writes it: 5,5 · 0.9 · 1 (a checkbox) · relu."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(map(text_of, value))
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def link_of(values):
    """The fragment (without #) of a configuration given as JSON values
    (explorer_config.config_json)."""
    parts = [f"v={LINK_VERSION}"]
    parts += [f"{field}={text_of(values[field])}" for field in FIELDS]
    return LINK_PREFIX + "&".join(parts)


def _number(text):
    """The number `text` writes, or None (no inf, nan or hex)."""
    if not text or not set(text) <= NUMBER_CHARACTERS:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _allowed(number, option):
    """The option's own value that `number` is, or None."""
    if isinstance(option, dict):
        steps = (number - option["min"]) / option["step"]
        if not (option["min"] <= number <= option["max"]
                and abs(steps - round(steps)) < 1e-9):
            return None
        value = option["min"] + round(steps) * option["step"]
        return round(value, 6) if isinstance(value, float) else value
    return next((item for item in option
                 if abs(item - number) <= 1e-9 * abs(item)), None)


def _one_value(text, option, base):
    """What a single control would hold for `text` (`option`: the field's
    choices), or None."""
    if option is None:  # a checkbox
        return {"1": True, "0": False}.get(text)
    if isinstance(base, str):
        return text if text in option else None
    number = _number(text)
    return None if number is None else _allowed(number, option)


def value_of(text, field, base):
    """The value of `field` that `text` writes, if its controls could hold
    it (a list: as many values as its block may have layers, each one a
    layer's control could hold), else None; `base` is its value now."""
    spec = FIELDS[field]
    if "layers" in spec:
        parts = text.split(",") if text else []
        if not spec["layers"]["min"] <= len(parts) <= spec["layers"]["max"]:
            return None
        values = [_one_value(part, spec["choices"], spec["default"][0])
                  for part in parts]
        return None if None in values else values
    return _one_value(text, spec["choices"], base)


def unequal_layers(values):
    """The first block whose lists in `values` differ in length, or None."""
    return next((fields for fields in BLOCKS.values()
                 if len({len(values[field]) for field in fields}) > 1), None)


def layers_words(values, fields):
    """A block's lists of different lengths, in words: {names, counts}."""
    return {"names": "和".join(f"{FIELD_NAMES[f]}（{f}）" for f in fields),
            "counts": "和 ".join(f"{len(values[f])} 个" for f in fields)}


def layers_note(values, fields, used):
    """The note of a block's lists of different lengths."""
    return say("link_layers", **layers_words(values, fields),
               used=" 和 ".join(text_of(used[f]) for f in fields))


def link_version(text):
    """The version a link's v= names, if this book knows it, else None."""
    return next((v for v in range(1, LINK_VERSION + 1) if text == str(v)),
                None)


def _pairs(fragment):
    """The link's field=value pairs, each field's first, the values
    percent-decoded; and how many times each field came."""
    pairs, counts = {}, {}
    for part in fragment.split("&"):
        if part:
            field, _, text = part.partition("=")
            field = unquote(field)
            pairs.setdefault(field, unquote(text))
            counts[field] = counts.get(field, 0) + 1
    return pairs, counts


def shown(text, characters=SHOWN_CHARACTERS):
    """`text` as a message shows it: without control or reordering
    characters, cut to `characters` with …"""
    text = HIDDEN_CHARACTERS.sub("", text)
    return (text if len(text) <= characters
            else text[:characters] + "…")


def shown_name(name):
    """A file's name as the page and the kernel show it."""
    return shown(name, LIMITS["name_characters"])


def config_from_link(fragment, base):
    """(values, notes): the configuration `fragment` (with or without #)
    gives, over `base` (JSON values), and a note for each field it could
    not use (LIMITS["link_notes"] of them, then one that counts the
    rest).  A fragment that is not the explorer's changes nothing."""
    fragment = fragment.removeprefix("#")
    if not fragment:
        return dict(base), []
    if not fragment.startswith(LINK_PREFIX):
        return dict(base), [say("link_not_explorer", prefix=LINK_PREFIX)]
    values, notes = _read_pairs(fragment.removeprefix(LINK_PREFIX), base)
    limit = LIMITS["link_notes"]
    if len(notes) > limit:
        notes = notes[:limit] + [say("link_more_notes",
                                     count=len(notes) - limit)]
    return values, notes


def _read_pairs(fragment, base):
    values, notes = dict(base), []
    pairs, counts = _pairs(fragment)
    version = link_version(pairs.get("v", str(LINK_VERSION)))
    for field in FIELDS:
        if since(field) > (version or LINK_VERSION):
            values[field] = FIELDS[field]["default"]
    for field, text in pairs.items():
        if counts[field] > 1:
            notes.append(say("link_repeated", field=shown(field),
                             count=counts[field]))
        if field == "v":
            if version is None:
                notes.append(say("link_version", version=shown(text)))
        elif field not in FIELDS:
            notes.append(say("link_unknown", field=shown(field)))
        else:
            value = value_of(text, field, base[field])
            if value is None:
                notes.append(say(
                    "link_invalid", name=FIELD_NAMES[field], field=field,
                    value=shown(text), used=text_of(base[field])))
            else:
                values[field] = value
    fields = unequal_layers(values)
    if fields:
        notes.append(layers_note(values, fields, base))
        values.update({field: base[field] for field in fields})
    return values, notes
