"""Numbers for a page's text, taken from what the page's own code printed.

A page's prose must agree with the outputs beside it on whatever machine
builds it, so the numbers it quotes (epoch times, accuracies) are glued in
(myst-nb's `glue`) from the run that printed them:

    printed = PrintedText()          # a hidden cell before the run
    train_ch5(...)                   # the page's own cell, unchanged
    epochs = epoch_lines(printed.stop())   # a hidden cell after it

tests/test_glue.py checks, on the built book, that each glued number is the
one in the page's output.
"""
import re
import sys

# What train_ch5 (and the explorer's runs, printed the same way) print per
# epoch; the numbers are kept as the text shows them.
EPOCH_LINE = re.compile(
    r"^epoch (?P<epoch>\d+), loss (?P<loss>[\d.]+), train acc "
    r"(?P<train_acc>[\d.]+), test acc (?P<test_acc>[\d.]+)"
    r"(?:, time (?P<seconds>[\d.]+) sec)?", re.M)


class PrintedText:
    """Everything printed while it is on, still shown where it was printed
    (it passes each write on to the real stdout)."""

    def __init__(self):
        self._stream = sys.stdout
        self._parts = []
        sys.stdout = self

    def write(self, text):
        self._parts.append(text)
        return self._stream.write(text)

    def flush(self):
        self._stream.flush()

    def __getattr__(self, name):  # isatty(), encoding, ... of the real one
        return getattr(self._stream, name)

    def stop(self):
        """Put the real stdout back; return what was printed."""
        sys.stdout = self._stream
        return "".join(self._parts)


def epoch_lines(text):
    """Each epoch line of `text` as a dict of the printed strings."""
    return [match.groupdict() for match in EPOCH_LINE.finditer(text)]


def seconds_span(epochs):
    """The shortest and the longest epoch, as printed, as words for the
    text: "6.9 到 8.2", or "22.4" when every epoch printed the same."""
    seconds = sorted((e["seconds"] for e in epochs), key=float)
    if seconds[0] == seconds[-1]:
        return seconds[0]
    return f"{seconds[0]} 到 {seconds[-1]}"
