"""The LeNet explorer of 5.5.4, without any widget, in four parts:

* lenet.explorer_config - the configuration, presets and `validate`;
* lenet.explorer_shapes - shapes, parameters and multiply-adds worked out
  without running the network, the network, its Gluon code;
* lenet.explorer_training - the training loop (`prepare_training`,
  `train_step`, `train`, `data_iters`);
* lenet.explorer_inspection - feature maps and the confusion matrix.

This module is the only door to them: the pages, the other modules of
lenet, the scripts and the tests import from here (`from lenet import
explorer_logic as logic`), never from the parts, which import only each
other (tests/test_layout.py checks it).  `lenet.explorer` puts a widget
over all of it.  The network itself is `lenet.plan`'s.
"""
from .explorer_config import (  # noqa: F401
    ACTIVATIONS, ADAM, EXPLODED_LOSS, FAILING_PRESETS, IMAGE_SIZE,
    INITIALIZERS, NUM_CLASSES, OPTIMIZERS, POOLINGS, PRESETS, TEST_SET_SIZE,
    TRAIN_SET_SIZE, ExplorerConfig, epoch_learning_rate, validate)
from .explorer_inspection import confusion_matrix, feature_maps  # noqa: F401
from .explorer_shapes import (  # noqa: F401
    build_network, gluon_code, optimizer_code)
from .plan import LayerRow, layer_rows, plan  # noqa: F401
from .explorer_training import (  # noqa: F401
    ConfigError, EpochResult, RunResult, Stepper, data_iters,
    prepare_training, load_test_iter, step_report, train, train_step)
