// Generated from book/lenet/contract.py by ci/build_js.sh: do not
// edit (tests/test_js_build.py checks that it is current).

export const IMAGE_SIZE = 28;
export const NUM_CLASSES = 10;
export const TEST_SET_SIZE = 10000;
export const TENSORS = {
  "conv": [
    "weight",
    "bias"
  ],
  "dense": [
    "weight",
    "bias"
  ],
  "batchnorm": [
    "gamma",
    "beta",
    "running_mean",
    "running_var"
  ]
};
export const BATCH_NORM = {
  "momentum": 0.9,
  "epsilon": 1e-05
};
export const GLUON_POOLINGS = {
  "max": "MaxPool2D",
  "avg": "AvgPool2D"
};
export const OPTIMIZERS = {
  "sgd": [
    "sgd",
    {}
  ],
  "momentum": [
    "sgd",
    {
      "momentum": 0.9
    }
  ],
  "adam": [
    "adam",
    {}
  ]
};
export const ADAM = {
  "beta1": 0.9,
  "beta2": 0.999,
  "epsilon": 1e-08
};
export const EXPLODED_LOSS = 100.0;
export const RUN_STATES = [
  "idle",
  "loading",
  "training",
  "done",
  "stopped",
  "diverged",
  "refused",
  "failed"
];
export const RUNNING_STATES = [
  "loading",
  "training"
];
export const PROBLEM_STATES = [
  "diverged",
  "refused",
  "failed"
];
export const MESSAGE_TYPES = {
  "front_end": "front end with a kernel",
  "train": "train",
  "stop": "stop",
  "feature_maps": "feature_maps",
  "weights": "weights",
  "network_file": "network_file",
  "import_network": "import_network",
  "step": "step",
  "prefetch": "prefetch",
  "download": "download",
  "state": "state",
  "progress": "progress",
  "epoch": "epoch",
  "finished": "finished",
  "failed": "failed"
};
export const MESSAGES = {
  "idle": "还没有开始训练。选好结构和训练设置后，点击“训练”。",
  "loading": "正在读取数据……",
  "training": "正在训练……",
  "loading_browser": "第一次训练要先下载训练程序和数据（约 {megabytes} MB），之后就不用再下载了……",
  "epoch": "第 {epoch}/{num_epochs} 个迭代周期：训练损失 {train_loss}，训练准确率 {train_acc}，测试准确率 {test_acc}，用时 {seconds} 秒",
  "done": "完成：最终测试准确率 {test_acc}，共用时 {seconds} 秒。",
  "stopped": "已在第 {epoch} 个迭代周期中途停止。",
  "diverged": "第 {epoch} 个迭代周期中损失变成了 {loss}，训练发散。请把学习率调小（现在是 {lr}），例如减小到原来的十分之一。",
  "refused": "不能训练：{problems}",
  "unreadable": "这个配置无法读取：{error}",
  "failed": "训练没有完成：{error}",
  "worker_failed": "训练没有完成：网页里的训练程序没能启动（{error}）。",
  "downloading": "正在下载训练程序和数据：{loaded} / {total} MB（{percent}%）",
  "download_failed": "下载中断了（{error}）。请检查网络，再点“训练”接着下载：已经下载完的文件不会重新下载。",
  "stopped_loading": "已停止：训练还没有开始。",
  "file_missing": "服务器上没有 {file}（HTTP {status}）：这个网站缺少网页里训练要用的文件。请告诉托管本书的人；在自己的电脑上，请按“关于本书”重新构建本书。",
  "data_corrupt": "数据文件 {file} 下载下来是坏的（{error}）。请再点“训练”：它会重新下载这个文件。",
  "engine_failed": "网页里的训练程序没能启动（{error}），可能是 {file} 下载得不完整。请再点“训练”：它会重新下载。",
  "data_incomplete": "数据文件不完整：{labels} 个标签，{bytes} 字节图像",
  "link_invalid": "链接里的{name}（{field}={value}）不是这一版的探索器能用的值，已改用 {used}。",
  "link_unknown": "链接里的“{field}”不是这一版的探索器认识的设置，已忽略。",
  "link_version": "这个链接来自另一版的本书（v={version}），认得出的设置都已采用。",
  "link_applied": "已按链接设置好探索器。",
  "link_copied": "链接已复制：打开它就能看到现在这个配置。",
  "link_copy_refused": "浏览器不让网页写剪贴板；请复制下面这个链接：",
  "network_not_json": "这不是本书的网络文件：它不是完整的 JSON，可能没下载完、被截断了，或者是别的文件。请选“下载网络”得到的 .json 文件。",
  "network_wrong_format": "这不是本书的网络文件（里面没有 \"format\": \"{format}\"）。请选“下载网络”得到的 .json 文件。",
  "network_version": "这个网络文件来自另一版的本书（version={version}），这一版读不了。",
  "network_bad_config": "网络文件里的{name}（{field}={value}）不是探索器能用的值，所以建不出它的网络。",
  "network_mismatch": "网络文件里的权重和它的配置对不上：{detail}。文件可能被改动过。",
  "network_weights_length": "网络文件里的权重有 {found} 个数，它的配置要 {expected} 个：文件可能被截断或改动过。",
  "network_weights_unreadable": "网络文件里的权重不是有效的 base64 数据：文件可能被改动过。",
  "network_not_finite": "网络文件里有 {count} 个权重不是有限的数（NaN 或无穷大），多半是训练发散了：这个网络不能用。",
  "network_imported": "已导入 {file}，列为历次运行的 #{number}。",
  "network_not_imported": "没有导入 {file}：{problem} 历次运行没有任何改动。",
  "step": "第 {step} 步（第 {epoch} 个迭代周期，{size} 张图像，学习率 {rate}）：这一批图像的平均损失从 {loss_before} 变成 {loss_after}。",
  "step_busy": "正在训练，训练结束后才能单步。"
};
export const DECIMALS = {
  "train_loss": 4,
  "train_acc": 3,
  "test_acc": 3,
  "seconds": 1,
  "loss_before": 4,
  "loss_after": 4,
  "loaded": 1,
  "total": 1,
  "percent": 0
};
export const DESCRIBE_LABELS = {
  "pooling": {
    "max": "最大池化",
    "avg": "平均池化"
  },
  "optimizer": {
    "sgd": "小批量随机梯度下降",
    "momentum": "动量法",
    "adam": "Adam"
  },
  "initializer": {
    "Xavier": "Xavier 初始化",
    "Normal": "正态分布初始化",
    "Uniform": "均匀分布初始化",
    "MSRAPrelu": "MSRA 初始化"
  }
};
export const LINK_PREFIX = "lenet?";
export const LINK_VERSION = 1;
export const LINK_OPTIONS = {
  "kernel_sizes": "kernel_range",
  "channels": "channel_options",
  "activation": "activations",
  "pooling": "poolings",
  "dense_units": "dense_range",
  "dropout": "dropout_range",
  "batch_norm": null,
  "optimizer": "optimizers",
  "lr": "learning_rates",
  "lr_decay": "lr_decays",
  "initializer": "initializers",
  "num_epochs": "epochs_range",
  "batch_size": "batch_sizes",
  "train_size": "train_size_range",
  "seed": "seed_range"
};
export const FIELD_NAMES = {
  "kernel_sizes": "卷积窗口大小",
  "channels": "卷积层输出通道数",
  "activation": "激活函数",
  "pooling": "池化方式",
  "dense_units": "全连接层输出个数",
  "dropout": "丢弃概率",
  "batch_norm": "批量归一化",
  "optimizer": "优化算法",
  "lr": "学习率",
  "lr_decay": "学习率衰减",
  "initializer": "初始化方法",
  "num_epochs": "迭代周期数",
  "batch_size": "批量大小",
  "train_size": "训练样本数",
  "seed": "随机种子"
};
export const NETWORK_FORMAT = "lenet-network";
export const NETWORK_VERSION = 1;
