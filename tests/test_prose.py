"""lenet.prose: what the pages' text quotes from their printed lines."""
import pytest

from lenet.prose import epoch_lines, seconds_span

pytestmark = pytest.mark.quick

PRINTED = """epoch 1, loss 2.3173, train acc 0.104, test acc 0.100, time 8.2 sec
epoch 2, loss 1.3863, train acc 0.459, test acc 0.651, time 10.1 sec
epoch 3, loss 0.8552, train acc 0.670, test acc 0.711, time 6.9 sec
"""


def test_the_epoch_times_as_printed_shortest_to_longest():
    # Compared as numbers: "10.1" is the longest, though not by its text.
    assert seconds_span(epoch_lines(PRINTED)) == "6.9 到 10.1"


def test_equal_epoch_times_are_one_number():
    same = PRINTED.replace("10.1", "8.2").replace("6.9", "8.2")
    assert seconds_span(epoch_lines(same)) == "8.2"
