"""The LeNet explorer of 5.5.4, without any widget, in four parts:

* lenet.explorer_config - the configuration, presets and `validate`;
* lenet.explorer_shapes - shapes, parameters and multiply-adds worked out
  without running the network, the network, its Gluon code;
* lenet.explorer_training - the training loop (`prepare_training`,
  `train_step`, `train`, `data_iters`);
* lenet.explorer_inspection - feature maps and the confusion matrix.

Each name is importable from here too (`from lenet import explorer_logic as
logic`), which is how the pages, tests and scripts use them.  `lenet.explorer`
puts a widget over all of it.
"""
from .explorer_config import (  # noqa: F401
    ACTIVATIONS, EXPLODED_LOSS, IMAGE_SIZE, INITIALIZERS, NUM_CLASSES,
    OPTIMIZERS, POOLINGS, PRESETS, TRAIN_SET_SIZE, ExplorerConfig, validate)
from .explorer_inspection import confusion_matrix, feature_maps  # noqa: F401
from .explorer_shapes import (  # noqa: F401
    LayerInfo, build_network, format_layer_infos, gluon_code, layer_infos,
    optimizer_code)
from .explorer_training import (  # noqa: F401
    EpochResult, RunResult, data_iters, prepare_training, train, train_step)
