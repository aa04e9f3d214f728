"""Every message of a run, in words: the contract's MESSAGES filled in.

web/js/lenet_format.js's `say` is the same rule in JavaScript
(tests/test_browser_logic.py holds the two to the same text).
"""
from .contract import DECIMALS, MESSAGES


def say(message, **values):
    """MESSAGES[message] with `values` filled in: numbers of DECIMALS
    rounded, a loss and a rate to three significant digits, a learning
    rate (lr) as Python writes it, a list of problems joined by spaces."""
    def shown(name, value):
        if name in DECIMALS:
            return f"{value:.{DECIMALS[name]}f}"
        if name in ("loss", "rate"):
            return f"{value:.3g}"
        if isinstance(value, (list, tuple)):
            return " ".join(map(str, value))
        return str(value)

    return MESSAGES[message].format(
        **{name: shown(name, value) for name, value in values.items()})


def outcome_message(result):
    """The message of a finished `train()` (a RunResult), in words."""
    if result.state == "done":
        return say("done", test_acc=result.final_test_acc,
                   seconds=result.seconds)
    return say(result.state, **result.details)
