"""The explorer's configuration as a link, and back.

A link's fragment is `lenet?v=1&kernel_sizes=5,5&channels=6,16&...`: every
field of the configuration (the contract's fields) as its control holds
it.  Reading one keeps what the controls could have set and
replaces anything else (out of range, of the wrong type, unknown, from
another version of the book) with the base configuration's value, saying
which field and what was used in a note, in Chinese.  The same rule is
written once in JavaScript (web/js/lenet_link.js);
tests/test_browser_logic.py holds the two to the same results.
"""
import math
import re
from urllib.parse import unquote

from .contract import FIELD_NAMES, FIELDS, LIMITS, LINK_PREFIX, LINK_VERSION
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
    """The value of `field` that `text` writes, if its control could hold
    it (a pair's two values each), else None; `base` is its value now."""
    option = FIELDS[field]["choices"]
    if isinstance(base, list):
        parts = text.split(",")
        if len(parts) != len(base):
            return None
        values = [_one_value(part, option, b) for part, b in zip(parts, base)]
        return None if None in values else values
    return _one_value(text, option, base)


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
    for field, text in pairs.items():
        if counts[field] > 1:
            notes.append(say("link_repeated", field=shown(field),
                             count=counts[field]))
        if field == "v":
            if text != str(LINK_VERSION):
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
    return values, notes
