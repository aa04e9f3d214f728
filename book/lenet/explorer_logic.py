"""The LeNet explorer of 5.5.4, without any widget, in four parts:

* lenet.explorer_config - the configuration, presets, `describe` and
  `validate` (the contract's fields and presets, as Python);
* lenet.explorer_code - the Gluon code shown for a configuration;
* lenet.explorer_training - the training loop (`prepare_training`,
  `train_step`, `train`, `data_iters`);
* lenet.explorer_inspection - feature maps, kernels and the confusion
  matrix.

The pages, the scripts and the benchmarks import the explorer from here
(`from lenet import explorer_logic as logic`), never from the parts
(tests/test_layout.py checks it); inside the package each module imports
what it uses, below it in the layers of pyproject.toml.  `lenet.explorer`
puts a widget over all of it.  The network itself is `lenet.plan`'s, and
its Gluon network `lenet.model`'s.
"""
from .explorer_code import gluon_code, optimizer_code  # noqa: F401
from .explorer_config import (  # noqa: F401
    ACTIVATIONS, ADAM, EXPLODED_LOSS, FAILING_PRESETS, IMAGE_SIZE,
    INITIALIZERS, NUM_CLASSES, OPTIMIZERS, POOLINGS, PRESETS, TEST_SET_SIZE,
    TRAIN_SET_SIZE, ConfigError, ExplorerConfig, arch_of, class_names,
    config_from_json, config_json, describe, epoch_learning_rate, preset_of,
    training_of, validate)
from .explorer_inspection import (  # noqa: F401
    confusion_matrix, feature_maps, first_kernels)
from .explorer_training import (  # noqa: F401
    Stepper, data_iters, load_test_iter, prepare_training, step_report, train,
    train_step)
from .model import build_network  # noqa: F401
from .plan import LayerRow, layer_rows, plan  # noqa: F401
from .runs import EpochResult, RunResult  # noqa: F401
