"""The Gluon code the explorer shows for a configuration, from its plan
(`lenet.plan`), without MXNet.  Part of lenet.explorer_logic;
web/js/lenet_architecture.js writes the same in the browser
(tests/test_browser_logic.py compares them).
"""
from .contract import FIELDS, NETWORK
from .explorer_config import OPTIMIZERS, trainer_settings
from .plan import plan


def optimizer_code(config):
    """The Trainer's optimizer and settings, as Gluon code."""
    name, settings = OPTIMIZERS[config.optimizer]
    items = ", ".join(f"'{k}': {v}" for k, v in
                      {**trainer_settings(config), **settings}.items())
    return f"'{name}',", f"{{{items}}}"


def layer_code(layer):
    """One layer of the plan as the Gluon call that makes it."""
    settings = layer.settings
    activation = (f", activation='{settings['activation']}'"
                  if "activation" in settings else "")
    if layer.kind == "conv":
        padding = (f", padding={settings['padding']}"
                   if "padding" in settings else "")
        return (f"nn.Conv2D(channels={settings['channels']}, kernel_size="
                f"{settings['kernel_size']}{padding}{activation})")
    if layer.kind == "dense":
        return f"nn.Dense({settings['units']}{activation})"
    if layer.kind == "pool":
        return (f"nn.{NETWORK['gluon_poolings'][settings['pooling']]}"
                "(pool_size=2, strides=2)")
    if layer.kind == "activation":
        return f"nn.Activation('{settings['activation']}')"
    if layer.kind == "dropout":
        return f"nn.Dropout({settings['rate']:g})"
    return "nn.BatchNorm()"


def gluon_code(config):
    """Readable Gluon code that builds and trains `config`'s network."""
    calls = [layer_code(layer) for layer in plan(config)]
    name, settings = optimizer_code(config)
    return "\n".join([
        "from mxnet import gluon, init", "from mxnet.gluon import nn", "",
        "net = nn.Sequential()", "net.add(",
        *(f"    {call}," for call in calls[:-1]), f"    {calls[-1]})",
        f"net.initialize(init=init.{config.initializer}())",
        f"trainer = gluon.Trainer(net.collect_params(), {name}",
        f"                        {settings})",
        f"# batch_size = {config.batch_size}, num_epochs ="
        f" {config.num_epochs}, 训练样本数 {config.train_size}",
        *data_code(config.data_set),
        *schedule_code(config.lr_decay),
    ])


def data_code(data_set):
    """Where the data comes from, as a comment line (none for the book's
    Fashion-MNIST, which 5.5.2 loads)."""
    if data_set == FIELDS["data_set"]["omit_when"]:
        return []
    return [f"# 数据：train_iter, test_iter ="
            f" lenet.load_data_{data_set}(batch_size)"]


def schedule_code(lr_decay):
    """The learning-rate schedule as a comment line (none for a constant
    rate), in 9.12's words."""
    if lr_decay == 1:
        return []
    return [f"# 每个迭代周期结束后："
            f"trainer.set_learning_rate(trainer.learning_rate * {lr_decay})"]
