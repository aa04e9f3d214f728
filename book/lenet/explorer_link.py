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
from urllib.parse import unquote

from .contract import FIELD_NAMES, FIELDS, LINK_PREFIX, LINK_VERSION
from .messages import say

# A value shown in a note is cut to this many characters.
SHOWN_CHARACTERS = 30
NUMBER_CHARACTERS = set("0123456789.-+eE")


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
    """The link's field=value pairs, each field's first; the values
    percent-decoded."""
    pairs = {}
    for part in fragment.split("&"):
        if part:
            field, _, text = part.partition("=")
            pairs.setdefault(unquote(field), unquote(text))
    return pairs


def shown(text):
    return (text if len(text) <= SHOWN_CHARACTERS
            else text[:SHOWN_CHARACTERS] + "…")


def config_from_link(fragment, base):
    """(values, notes): the configuration `fragment` (with or without # and
    the prefix) gives, over `base` (JSON values), and a note for each field
    it could not use."""
    fragment = fragment.removeprefix("#").removeprefix(LINK_PREFIX)
    values, notes = dict(base), []
    for field, text in _pairs(fragment).items():
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
