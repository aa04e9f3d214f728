"""5.5.1's measurement of how a shift moves each layer (book/data/
pooling_shift.json) is what the committed weights give, measured again."""
import hashlib

import numpy as np
import pytest

from lenet import shift_invariance, weights
from lenet.data import read_fashion_mnist, to_unit_float32
from lenet.explorer_logic import config_from_json
from lenet.sweep import WEIGHTS_DIR

pytestmark = [pytest.mark.real_data, pytest.mark.cpu_dependent,
              pytest.mark.usefixtures("real_data_dir")]


@pytest.mark.parametrize("pooling", ["max", "avg"])
def test_the_recorded_shifts_are_what_the_weights_give(pooling):
    recorded = shift_invariance.load_record()["networks"][pooling]
    config = config_from_json(recorded["config"])
    assert config.pooling == pooling
    data = (WEIGHTS_DIR / recorded["weights"]["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == recorded["weights"]["sha256"]
    net = weights.network_from_file(config, recorded["weights"], data)
    images, _ = read_fashion_mnist("test")
    measured = shift_invariance.measure(
        net, config, to_unit_float32(images).reshape(-1, 28, 28))
    assert measured["layers"] == recorded["measured"]["layers"]
    for shift, row in recorded["measured"]["by_shift"].items():
        again = measured["by_shift"][shift]
        assert np.allclose(list(again["relative_change"].values()),
                           list(row["relative_change"].values()), atol=1e-5)
        # A prediction at a near tie may go the other way on another CPU.
        assert abs(again["prediction_changed"] - row["prediction_changed"]) <= 5e-4
