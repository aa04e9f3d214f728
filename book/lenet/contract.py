"""What the book's Python and its JavaScript agree on, in one place.

* The constants both compute with (the image, the classes, the layers'
  tensors, batch normalization's and the optimizers' settings) and the run
  protocol (its states, the messages the page, the kernel and the training
  worker send each other, and every run message in Chinese).  The browser's
  modules import them from web/js/lenet_contract.js, which
  `javascript_module()` writes (`bash ci/build_js.sh`;
  tests/test_js_build.py checks that it is current).
* What the explorer's page shows: the fields of a configuration and what
  each control may hold, the presets and the words, given to the widget as
  its `contract` trait (`for_browser()`).
* Where the book's web files and the widgets' bundles are.
"""
import json
import re
from pathlib import Path

from . import explorer_logic as logic
from . import plan as network_plan

# -- where things are ---------------------------------------------------------
PACKAGE = Path(__file__).resolve().parent
REPOSITORY = PACKAGE.parents[1]
WEB = REPOSITORY / "web"
WEB_JS = WEB / "js"
CONTRACT_JS = WEB_JS / "lenet_contract.js"
# Each widget's JavaScript, one ES module bundled by esbuild from web/js/
# (ci/build_js.sh); kept in the package, which gives it to the front end.
ESM_DIR = PACKAGE / "esm"
# The sweep's trained networks, one file each (`lenet.weights`); the static
# page fetches them from the site's data/lenet-weights/ (the build copies
# web/ to the site's root, and the pages live in book/).
WEIGHTS_DIR = WEB / "data" / "lenet-weights"
WEIGHTS_URL = "../data/lenet-weights/"
# Training in the static page (web/js/lenet_train_worker.js, a module
# worker) on the first images of Fashion-MNIST, shipped with the book
# (ci/record/browser_subset.py writes them, and measures what the sizes and
# the gray levels cost, book/data/browser_subset.json): 5,000 training
# images, 1,000 test images (the accuracy to about ±1.2 %), each pixel
# rounded to one of 16 gray levels (multiples of 17), which halves the
# gzipped bytes.
BROWSER_DATA_PATH = "data/fashion-mnist-subset/"
BROWSER_DATA_DIR = WEB / BROWSER_DATA_PATH
BROWSER_DATA_URL = "../" + BROWSER_DATA_PATH
BROWSER_TRAIN_SIZE, BROWSER_TEST_SIZE = 5000, 1000
BROWSER_GRAY_LEVELS = 16
# The training worker, bundled by ci/build_js.sh from
# web/js/lenet_train_worker.js.
TRAIN_WORKER = "js/dist/lenet_train_worker.js"
TFJS_PATH = "vendor/tfjs/"
# What the worker fetches itself, with progress (paths under the site's
# root, which is one folder above the pages and the worker alike); it
# takes one of the two .wasm files, as TF.js would.
BROWSER_FILES = (TFJS_PATH + "tfjs.esm.min.js",
                 TFJS_PATH + "tfjs-backend-wasm-simd.wasm",
                 TFJS_PATH + "tfjs-backend-wasm.wasm",
                 *(f"{BROWSER_DATA_PATH}{name}.u8.gz" for name in (
                     "train-images", "train-labels", "test-images",
                     "test-labels")))


def widget_esm(name):
    """The text of one widget's bundled module (its `export default`)."""
    return (ESM_DIR / f"{name}.js").read_text(encoding="utf-8")


# -- the configuration and its controls ---------------------------------------
ARCH_FIELDS = ("kernel_sizes", "channels", "activation", "pooling",
               "dense_units", "dropout", "batch_norm")
TRAINING_FIELDS = ("optimizer", "lr", "lr_decay", "initializer",
                   "num_epochs", "batch_size", "train_size", "seed")
CUSTOM = "自定义"
CHANNEL_OPTIONS = (1, 2, 4, 6, 8, 16, 32, 64)
KERNEL_RANGE = (1, 11)
DENSE_RANGE = (1, 512)
DROPOUT_RANGE = (0.0, 0.9, 0.1)
# The learning-rate slider's stops: every preset's rate is one of them.
LEARNING_RATES = (0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1,
                  0.2, 0.3, 0.5, 0.9, 1.0, 2.0, 3.0, 5.0, 10.0)
# What the learning rate is multiplied by after each epoch (1: constant).
LR_DECAYS = (1.0, 0.5, 0.3, 0.2, 0.1)
EPOCHS_RANGE = (1, 20)
TRAIN_SIZE_RANGE = (1000, logic.TRAIN_SET_SIZE, 1000)
BATCH_SIZES = (32, 64, 128, 256, 512)
SEED_RANGE = (0, 2**31 - 1)
OPTIMIZER_LABELS = {"sgd": "小批量随机梯度下降", "momentum": "动量法（动量 0.9）",
                    "adam": "Adam"}
POOLING_LABELS = {"max": "最大池化", "avg": "平均池化"}
# MXNet's initializers with their default settings (lenet.explorer_config).
INITIALIZER_LABELS = {"Xavier": "Xavier 随机初始化",
                      "Normal": "正态分布随机初始化（标准差 0.01）",
                      "Uniform": "均匀分布随机初始化（-0.07 到 0.07）",
                      "MSRAPrelu": "MSRA 随机初始化（何恺明等）"}
# The same, short, for a run's one-line description (describe()).
DESCRIBE_LABELS = {
    "pooling": POOLING_LABELS,
    "optimizer": {"sgd": "小批量随机梯度下降", "momentum": "动量法",
                  "adam": "Adam"},
    "initializer": {"Xavier": "Xavier 初始化", "Normal": "正态分布初始化",
                    "Uniform": "均匀分布初始化", "MSRAPrelu": "MSRA 初始化"},
}

# Chinese names as the book gives them beside d2lzh's English labels (3.5).
CHINESE_LABELS = ("T恤", "裤子", "套衫", "连衣裙", "外套", "凉鞋", "衬衫",
                  "运动鞋", "包", "短靴")

WORDS = {
    "arch_pointer": "丢弃法见 3.13 节，批量归一化见 5.10 节（加在每个卷积层和"
                    "隐藏全连接层与其激活函数之间）。",
    "training_pointer": "动量法见 7.4 节，Adam 算法见 7.8 节；换优化算法时，"
                        "学习率也要随之调整（Adam 常用 0.001）。",
    "static_notice": "网页版里没有运行中的 Python：上面的网络结构、参数表和代码"
                     "都由浏览器直接计算，“训练”也在浏览器里进行（用 "
                     "TensorFlow.js，按 MXNet 的算法，见本页末尾的说明）。",
    # From the pages in book/: the page for readers and teachers.
    "help_url": "about.html#sec-about-local",
    # The explorer's feature maps: each convolution block after its
    # activation (lenet.explorer_inspection.feature_maps).
    "map_titles": {"conv0": "卷积层1（激活后）", "conv1": "卷积层2（激活后）"},
    "history_empty": "还没有训练过。每次训练结束后，这里会列出它的配置、最终测试"
                     "准确率和用时，并把各次的测试准确率曲线画在一起。",
    "maps_empty": "还没有训练好的网络。训练结束后，这里会显示任选一张测试图像在"
                  "两个卷积层上的特征图，以及整个测试集的混淆矩阵。",
    "browser_train_size": "网页里训练用本书附带的前 {train} 张训练图像，在前 "
                          "{test} 张测试图像上算测试准确率；在 Python 内核里"
                          "训练可以用全部 60000 张。",
    # The 训练样本数 control of the static page, which trains on the images
    # it ships (BROWSER_TRAIN_SIZE).
    "train_size_capped": "{train}（设的是 {wanted}，网页里只有 {train} 张）",
    "no_browser_engine": "这个浏览器不支持 WebAssembly 或 Web Worker，"
                         "网页里不能训练。",
    "trained_network": "刚才训练的网络 #{number}（{engine}，测试准确率"
                       " {test_acc}）",
    "imported_network": "导入的网络 #{number}（{file}，{engine}训练，测试准确率"
                        " {test_acc}）",
    # 历次运行: how each run ended, and what the page keeps of them.
    "run_results": {"done": "完成", "stopped": "中途停止", "diverged": "发散",
                    "failed": "出错中断",
                    "interrupted": "中断（页面被刷新或关闭），保留到最后一个"
                                   "完成的迭代周期"},
    "runs_kept": "这 {count} 次运行（连同训练好的网络）保存在这个浏览器里，约占"
                 " {size}；刷新页面或以后再来都还在。",
    "runs_not_kept": "这个浏览器不让网页保存数据（{error}），例如在隐私窗口里："
                     "照常可以训练，但刷新或关闭页面后，这些运行就没有了。",
    "delete_run": "删除",
    "delete_all_runs": "全部删除",
    # A run's network as a file (lenet.network_file), and back.
    "download_network": "下载网络",
    "import_network": "导入网络文件…",
    "imported": "（导入）",
    "unknown_accuracy": "—",
    # 单步: the button, and what its table shows of each layer (L2 norms).
    "step_button": "单步",
    "step_explained": "单步只训练一个批量：从和“训练”相同的初始参数和图像顺序开始，"
                      "每按一次走一步；改动任何设置后从头开始。表中是每一层（有参数"
                      "的层）的梯度、这一步的更新量和更新后的参数各自的大小（所有"
                      "元素平方和的平方根）。",
    "step_columns": ["层", "梯度大小", "更新大小", "参数大小"],
    # Why each preset that fails on purpose fails (logic.FAILING_PRESETS;
    # lenet.failures checks the behaviour each names), shown under 预设.
    "preset_notes": {
        "会失败：学习率太大": "学习率 5 太大：每一步都迈过了损失的谷底，落到更高的"
                        "地方，而 softrelu 的输出没有上限，几步之内损失就大得"
                        "离谱，训练发散。把学习率改成 0.1 它就能学。",
        "会失败：初始值太小": "按标准差 0.01 的正态分布初始化，每一层的输出都比"
                        "输入小得多，到输出层时各类的得分几乎一样；梯度反向传"
                        "回来时同样一层层变小，参数几乎不动，准确率一直停在"
                        "猜的水平 0.1。换成 Xavier 初始化（按每层的输入输出个"
                        "数选初始值的大小）就能学。",
        "会失败：学习率太小": "学习率 0.001 只有能学会时（0.1）的百分之一：方向"
                        "是对的，但每步只挪一点点，3 个迭代周期后准确率还在"
                        " 0.1 左右。",
    },
}
ENGINES = {"kernel": "Python 内核里的 MXNet",
           "browser": "浏览器里的 TensorFlow.js（WebAssembly）"}

# -- the run protocol -----------------------------------------------------------
# A run's `state`: idle before the first; loading and training while it
# runs; then how it ended (train()'s outcomes done, stopped, diverged; the
# configuration refused; or failed with an error).
RUN_STATES = ("idle", "loading", "training", "done", "stopped", "diverged",
              "refused", "failed")
RUNNING_STATES = ("loading", "training")
PROBLEM_STATES = ("diverged", "refused", "failed")
# What the page and the kernel send each other (anywidget's custom
# messages), and the page and its training worker (postMessage): the
# `type` of each message.
MESSAGE_TYPES = {
    # page -> kernel: a front end with a kernel drew the widget
    "front_end": "front end with a kernel",
    # page -> kernel or worker
    "train": "train", "stop": "stop", "feature_maps": "feature_maps",
    # page -> kernel, and back: a trained network's weights file
    "weights": "weights",
    # page -> kernel, and back: a run's network as a file to download
    # (lenet.network_file); a file the reader imports, and what came of it
    "network_file": "network_file", "import_network": "import_network",
    # page -> kernel or worker, and back: 单步, one batch of the run 训练
    # would make, and what it did (explorer_logic.step_report)
    "step": "step",
    # page -> worker: fetch what training needs, before 训练 is pressed
    "prefetch": "prefetch",
    # worker -> page (feature_maps, too)
    "download": "download", "state": "state", "progress": "progress",
    "epoch": "epoch", "finished": "finished", "failed": "failed",
}
# Every message of a run, the same from either engine.  Placeholders are
# filled by `say` here and by `say` of web/js/lenet_format.js, each number
# rounded to the decimals of DECIMALS.  A state's own name is its message
# while there is nothing else to say.
MESSAGES = {
    "idle": "还没有开始训练。选好结构和训练设置后，点击“训练”。",
    "loading": "正在读取数据……",
    "training": "正在训练……",
    "loading_browser": "第一次训练要先下载训练程序和数据（约 {megabytes} MB），"
                       "之后就不用再下载了……",
    "epoch": "第 {epoch}/{num_epochs} 个迭代周期：训练损失 {train_loss}，训练"
             "准确率 {train_acc}，测试准确率 {test_acc}，用时 {seconds} 秒",
    "done": "完成：最终测试准确率 {test_acc}，共用时 {seconds} 秒。",
    "stopped": "已在第 {epoch} 个迭代周期中途停止。",
    "diverged": "第 {epoch} 个迭代周期中损失变成了 {loss}，训练发散。请把学习率"
                "调小（现在是 {lr}），例如减小到原来的十分之一。",
    "refused": "不能训练：{problems}",
    "unreadable": "这个配置无法读取：{error}",
    "failed": "训练没有完成：{error}",
    "worker_failed": "训练没有完成：网页里的训练程序没能启动（{error}）。",
    "downloading": "正在下载训练程序和数据：{loaded} / {total} MB（{percent}%）",
    "download_failed": "下载中断了（{error}）。请检查网络，再点“训练”接着下载："
                       "已经下载完的文件不会重新下载。",
    "stopped_loading": "已停止：训练还没有开始。",
    "file_missing": "服务器上没有 {file}（HTTP {status}）：这个网站缺少网页里训练"
                    "要用的文件。请告诉托管本书的人；在自己的电脑上，请按“关于"
                    "本书”重新构建本书。",
    "data_corrupt": "数据文件 {file} 下载下来是坏的（{error}）。请再点“训练”：它会"
                    "重新下载这个文件。",
    "engine_failed": "网页里的训练程序没能启动（{error}），可能是 {file} 下载得不"
                     "完整。请再点“训练”：它会重新下载。",
    "data_incomplete": "数据文件不完整：{labels} 个标签，{bytes} 字节图像",
    # The configuration as a link (lenet.explorer_link, lenet_link.js).
    "link_invalid": "链接里的{name}（{field}={value}）不是这一版的探索器能用的值，"
                    "已改用 {used}。",
    "link_unknown": "链接里的“{field}”不是这一版的探索器认识的设置，已忽略。",
    "link_version": "这个链接来自另一版的本书（v={version}），认得出的设置都已采用。",
    "link_applied": "已按链接设置好探索器。",
    "link_copied": "链接已复制：打开它就能看到现在这个配置。",
    "link_copy_refused": "浏览器不让网页写剪贴板；请复制下面这个链接：",
    # A trained network as a file (lenet.network_file,
    # web/js/lenet_network_file.js): what is wrong with one that cannot be
    # read.  Reading it changes nothing until it has passed every check.
    "network_not_json": "这不是本书的网络文件：它不是完整的 JSON，可能没下载完、"
                        "被截断了，或者是别的文件。请选“下载网络”得到的 .json 文件。",
    "network_wrong_format": "这不是本书的网络文件（里面没有 \"format\": "
                            "\"{format}\"）。请选“下载网络”得到的 .json 文件。",
    "network_version": "这个网络文件来自另一版的本书（version={version}），"
                       "这一版读不了。",
    "network_bad_config": "网络文件里的{name}（{field}={value}）不是探索器能用的"
                          "值，所以建不出它的网络。",
    "network_mismatch": "网络文件里的权重和它的配置对不上：{detail}。文件可能被"
                        "改动过。",
    "network_weights_length": "网络文件里的权重有 {found} 个数，它的配置要 "
                              "{expected} 个：文件可能被截断或改动过。",
    "network_weights_unreadable": "网络文件里的权重不是有效的 base64 数据：文件"
                                  "可能被改动过。",
    "network_not_finite": "网络文件里有 {count} 个权重不是有限的数（NaN 或无穷大），"
                          "多半是训练发散了：这个网络不能用。",
    "network_imported": "已导入 {file}，列为历次运行的 #{number}。",
    "network_not_imported": "没有导入 {file}：{problem} 历次运行没有任何改动。",
    # 单步 (one batch of the run 训练 would make).
    "step": "第 {step} 步（第 {epoch} 个迭代周期，{size} 张图像，学习率 {rate}）："
            "这一批图像的平均损失从 {loss_before} 变成 {loss_after}。",
    "step_busy": "正在训练，训练结束后才能单步。",
}
DECIMALS = {"train_loss": 4, "train_acc": 3, "test_acc": 3, "seconds": 1,
            "loss_before": 4, "loss_after": 4,
            "loaded": 1, "total": 1, "percent": 0}


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


# -- the configuration as a link ---------------------------------------------
# The explorer's configuration in the page's address: ...exercises.html
# #lenet?v=1&kernel_sizes=5,5&channels=6,16&... (lenet.explorer_link and
# web/js/lenet_link.js write and read it, each once).  Each field is checked
# against the control's own options (`control_options()`, by the name
# given here; batch_norm is a checkbox: 1 or 0).
LINK_PREFIX = "lenet?"
LINK_VERSION = 1
LINK_OPTIONS = {
    "kernel_sizes": "kernel_range", "channels": "channel_options",
    "activation": "activations", "pooling": "poolings",
    "dense_units": "dense_range", "dropout": "dropout_range",
    "batch_norm": None, "optimizer": "optimizers", "lr": "learning_rates",
    "lr_decay": "lr_decays",
    "initializer": "initializers", "num_epochs": "epochs_range",
    "batch_size": "batch_sizes", "train_size": "train_size_range",
    "seed": "seed_range",
}
# A trained network as one file (lenet.network_file and
# web/js/lenet_network_file.js write and read it, each once).
NETWORK_FORMAT = "lenet-network"
NETWORK_VERSION = 1

# Each field in the reader's words, for the link's messages.
FIELD_NAMES = {
    "kernel_sizes": "卷积窗口大小", "channels": "卷积层输出通道数",
    "activation": "激活函数", "pooling": "池化方式",
    "dense_units": "全连接层输出个数", "dropout": "丢弃概率",
    "batch_norm": "批量归一化", "optimizer": "优化算法", "lr": "学习率",
    "lr_decay": "学习率衰减",
    "initializer": "初始化方法", "num_epochs": "迭代周期数",
    "batch_size": "批量大小", "train_size": "训练样本数", "seed": "随机种子",
}

# The preset made for training in the static page (within 30 s there, see
# the 5.5.4 page): the book's LeNet with relu, batch normalization and Adam
# on the shipped images.
BROWSER_PRESET = "网页里快速训练"


def network_key(kernel_size, channels, activation):
    """A trained network's name, as its weights file and the viewer's
    choices know it: k5-c6x16-sigmoid."""
    return f"k{kernel_size}-c{'x'.join(map(str, channels))}-{activation}"


def arch_of(config):
    """The architecture fields of an ExplorerConfig, as JSON values."""
    return {field: _json(getattr(config, field)) for field in ARCH_FIELDS}


def training_of(config):
    return {field: getattr(config, field) for field in TRAINING_FIELDS}


def _json(value):
    return list(value) if isinstance(value, tuple) else value


def config_json(config):
    """Every field of an ExplorerConfig as the JavaScript holds it."""
    return {**arch_of(config), **training_of(config)}


def config_from_json(values):
    """The ExplorerConfig of the JavaScript's values (pairs as tuples;
    the dropout slider's tenths without float noise).  It is not
    validated here: `train()` does that, once."""
    fields = {field: tuple(value) if isinstance(value, list) else value
              for field, value in values.items()
              if field in ARCH_FIELDS + TRAINING_FIELDS}
    if isinstance(fields.get("dropout"), float):
        fields["dropout"] = round(fields["dropout"], 2)
    return logic.ExplorerConfig().replace(**fields)


def preset_of(config):
    """The name of the preset `config` is, or CUSTOM (the JavaScript's
    presetOf names the same)."""
    return next((name for name, preset in logic.PRESETS.items()
                 if preset == config), CUSTOM)


def class_names():
    """“T恤（t-shirt）”, … : the book's Chinese and d2lzh's English."""
    import d2lzh as d2l

    return [f"{zh}（{en}）" for zh, en in
            zip(CHINESE_LABELS, d2l.get_fashion_mnist_labels(range(10)))]


# -- what the browser's modules import ----------------------------------------
def javascript_constants():
    """The constants and the protocol, as web/js/lenet_contract.js holds
    them."""
    from .model import POOLINGS

    return {
        "IMAGE_SIZE": network_plan.IMAGE_SIZE,
        "NUM_CLASSES": network_plan.NUM_CLASSES,
        "TEST_SET_SIZE": logic.TEST_SET_SIZE,
        "TENSORS": network_plan.TENSORS,
        "BATCH_NORM": network_plan.BATCH_NORM,
        "GLUON_POOLINGS": {name: layer.__name__
                           for name, layer in POOLINGS.items()},
        "OPTIMIZERS": logic.OPTIMIZERS,
        "ADAM": logic.ADAM,
        "EXPLODED_LOSS": logic.EXPLODED_LOSS,
        "RUN_STATES": RUN_STATES,
        "RUNNING_STATES": RUNNING_STATES,
        "PROBLEM_STATES": PROBLEM_STATES,
        "MESSAGE_TYPES": MESSAGE_TYPES,
        "MESSAGES": MESSAGES,
        "DECIMALS": DECIMALS,
        "DESCRIBE_LABELS": DESCRIBE_LABELS,
        "LINK_PREFIX": LINK_PREFIX,
        "LINK_VERSION": LINK_VERSION,
        "LINK_OPTIONS": LINK_OPTIONS,
        "FIELD_NAMES": FIELD_NAMES,
        "NETWORK_FORMAT": NETWORK_FORMAT,
        "NETWORK_VERSION": NETWORK_VERSION,
    }


def javascript_module():
    """The text of web/js/lenet_contract.js."""
    lines = ["// Generated from book/lenet/contract.py by ci/build_js.sh: do"
             " not", "// edit (tests/test_js_build.py checks that it is"
             " current).", ""]
    lines += [f"export const {name} = "
              f"{json.dumps(value, ensure_ascii=False, indent=2)};"
              for name, value in javascript_constants().items()]
    return "\n".join(lines) + "\n"


# -- what the static page downloads to train ---------------------------------
_STATIC_IMPORT = re.compile(r'^import\s[^;]*?from\s+"(\.[^"]+)";', re.M)


def module_files(entry):
    """`entry` (a path under web/) and every module it imports, at any
    depth, by static `import ... from "./..."`."""
    found, waiting = [], [WEB / entry]
    while waiting:
        path = waiting.pop().resolve()
        if path in found:
            continue
        found.append(path)
        text = path.read_text(encoding="utf-8")
        waiting += [path.parent / name
                    for name in _STATIC_IMPORT.findall(text)]
    return found


def browser_files():
    """{path under the site's root: bytes} of what the worker fetches."""
    return {path: (WEB / path).stat().st_size for path in BROWSER_FILES}


def browser_download_bytes():
    """Bytes the first 训练 in the page downloads, as files: the worker and
    its modules and what it fetches (with the SIMD .wasm; the other is
    smaller)."""
    fetched = {path: size for path, size in browser_files().items()
               if not path.endswith("tfjs-backend-wasm.wasm")}
    return (sum(path.stat().st_size for path in module_files(TRAIN_WORKER))
            + sum(fetched.values()))


def _range(low, high, step=1):
    return {"min": low, "max": high, "step": step}


def control_options():
    """What each control of the explorer may hold: a list of values, or a
    {min, max, step} range."""
    return {
        "kernel_range": _range(*KERNEL_RANGE),
        "dense_range": _range(*DENSE_RANGE),
        "dropout_range": _range(*DROPOUT_RANGE),
        "channel_options": list(CHANNEL_OPTIONS),
        "activations": list(logic.ACTIVATIONS),
        "poolings": list(logic.POOLINGS),
        "pooling_labels": POOLING_LABELS,
        "optimizers": list(logic.OPTIMIZERS),
        "optimizer_labels": OPTIMIZER_LABELS,
        "initializers": list(logic.INITIALIZERS),
        "initializer_labels": INITIALIZER_LABELS,
        "learning_rates": list(LEARNING_RATES),
        "lr_decays": list(LR_DECAYS),
        "epochs_range": _range(*EPOCHS_RANGE),
        "batch_sizes": list(BATCH_SIZES),
        "train_size_range": _range(*TRAIN_SIZE_RANGE),
        "seed_range": _range(*SEED_RANGE),
    }


def for_browser():
    """What the explorer's page shows, as its JavaScript reads it."""
    return {
        "arch_fields": list(ARCH_FIELDS),
        "training_fields": list(TRAINING_FIELDS),
        "custom": CUSTOM,
        # The book's LeNet, whose values stand in for what a file or a
        # link cannot set.
        "base_config": config_json(logic.ExplorerConfig()),
        "presets": {name: config_json(config)
                    for name, config in logic.PRESETS.items()},
        "options": control_options(),
        "class_names": class_names(),
        "words": WORDS,
        "engines": ENGINES,
        "browser": {
            # From the pages in book/, and from the worker to the root.
            "worker_url": "../" + TRAIN_WORKER,
            "site_root": "../" * TRAIN_WORKER.count("/"),
            "tfjs_path": TFJS_PATH, "data_path": BROWSER_DATA_PATH,
            "files": browser_files(),
            "download_bytes": sum(
                size for path, size in browser_files().items()
                if not path.endswith("tfjs-backend-wasm.wasm")),
            "train_size": BROWSER_TRAIN_SIZE, "test_size": BROWSER_TEST_SIZE,
            "preset": BROWSER_PRESET,
            "megabytes": round(browser_download_bytes() / 1e6, 1),
        },
    }
