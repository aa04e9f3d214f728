"""A trained network's parameters as the static page loads them.

The sweep (`ci/record/sweep_explorer_grid.py`) stores each trained network in
web/data/lenet-weights/ as one file of float16 numbers, little-endian, the
tensors one after another in the order of the network's plan (conv0.weight,
conv0.bias, ..., dense2.bias: `lenet.plan.named_tensors`), each in MXNet's
layout.  float16 halves the bytes of float32; what that costs is measured on
the whole test set for every network and kept in the sweep file
(`float16_agreement`).  The browser's forward pass
(web/js/lenet_network_viewer.js) reads the same files, and the tests compare
it with MXNet on the same weights.
"""
import hashlib

import mxnet as mx
import numpy as np

from .model import build_network
from .plan import IMAGE_SIZE, plan

WEIGHTS_FORMAT = "float16-le"
_DTYPE = np.dtype("<f2")


def named_parameters(net, arch):
    """[(name, Parameter)] of `net`, the network of `arch`'s plan, named
    and ordered as the files are: conv0.weight, conv0.bias, ..."""
    return [(f"{layer.name}.{what}", getattr(block, what))
            for layer, block in zip(plan(arch), net, strict=True)
            for what, _ in layer.tensors]


def network_tensors(net, arch):
    """[(name, float32 array)] of every parameter, in file order."""
    return [(name, param.data().asnumpy())
            for name, param in named_parameters(net, arch)]


def encode(tensors):
    """The file's bytes: every tensor as float16, in order."""
    return b"".join(np.asarray(array, dtype=_DTYPE).tobytes()
                    for _, array in tensors)


def split(flat, shapes):
    """float32 arrays of `shapes`, one after another in `flat`."""
    sizes = [int(np.prod(shape)) for shape in shapes]
    if flat.size != sum(sizes):
        raise ValueError(
            f"权重文件有 {flat.size} 个数，应为 {sum(sizes)} 个 / the "
            f"weights file holds {flat.size} numbers, expected {sum(sizes)}")
    arrays, start = [], 0
    for shape, size in zip(shapes, sizes):
        arrays.append(flat[start:start + size].astype(np.float32)
                      .reshape(shape))
        start += size
    return arrays


def decode(data, shapes):
    """float32 arrays of `shapes` from a file's bytes."""
    return split(np.frombuffer(data, dtype=_DTYPE), shapes)


def load_into(net, arch, arrays):
    """Set `net`'s parameters (initialised, file order) to `arrays`."""
    params = [param for _, param in named_parameters(net, arch)]
    for param, array in zip(params, arrays, strict=True):
        param.set_data(mx.nd.array(array))


def weights_record(tensors, data, file_name):
    """What the sweep file keeps about one network's weights file."""
    return {"file": file_name, "format": WEIGHTS_FORMAT, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "tensors": [{"name": name, "shape": list(array.shape)}
                        for name, array in tensors]}


def probabilities(net, images, batch_size=1000):
    """Softmax outputs of `net` for float32 images (N, 1, 28, 28)."""
    out = [mx.nd.softmax(net(mx.nd.array(images[i:i + batch_size])))
           .asnumpy() for i in range(0, len(images), batch_size)]
    return np.concatenate(out)


def float16_agreement(net, arch, images, labels):
    """How the network behaves with its weights rounded to float16, over
    `images`: test accuracy both ways, the share of images whose predicted
    class stays the same, and the largest change of a class probability.
    Leaves `net`'s own weights as they were."""
    tensors = network_tensors(net, arch)
    exact = probabilities(net, images)
    load_into(net, arch,
              decode(encode(tensors), [a.shape for _, a in tensors]))
    rounded = probabilities(net, images)
    load_into(net, arch, [array for _, array in tensors])
    return {
        "test_acc_float32": float((exact.argmax(1) == labels).mean()),
        "test_acc_float16": float((rounded.argmax(1) == labels).mean()),
        "same_class": float((exact.argmax(1) == rounded.argmax(1)).mean()),
        "max_probability_change": float(np.abs(exact - rounded).max()),
    }


def network_with_weights(config, arrays):
    """`config`'s network (an ExplorerConfig), ready, with `arrays` as its
    parameters (file order)."""
    net = build_network(config, hybrid=True)
    net.initialize()
    # The first forward pass gives the deferred shapes.
    net(mx.nd.zeros((1, 1, IMAGE_SIZE, IMAGE_SIZE)))
    load_into(net, config, arrays)
    return net


def network_from_file(config, record, data):
    """`config`'s network with the weights of one file; `record` is the
    file's entry in the sweep file."""
    return network_with_weights(
        config, decode(data, [t["shape"] for t in record["tensors"]]))
