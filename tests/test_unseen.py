"""5.5.4's answers of the networks to noise, black, white and a photo
(book/data/unseen_inputs.json) are what the kept weights give, again."""
import math

import pytest

from lenet import unseen

pytestmark = [pytest.mark.real_data, pytest.mark.cpu_dependent,
              pytest.mark.usefixtures("real_data_dir")]


def test_the_recorded_answers_are_what_the_weights_give():
    recorded, again = unseen.load_facts(), unseen.facts()
    assert set(recorded) == set(again)
    for key, value in recorded.items():
        if isinstance(value, str):
            assert again[key] == value, key
        else:
            assert math.isclose(again[key], value, rel_tol=1e-5, abs_tol=1e-6), key
