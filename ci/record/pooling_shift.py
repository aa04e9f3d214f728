"""Does pooling make LeNet less sensitive to position?  Measure it, in MXNet.

    OMP_NUM_THREADS=2 python -m ci.record.pooling_shift

The book's LeNet as 5.5.2 trains it (the sweep's k5-c6x16-sigmoid, max
pooling) and the same network with average pooling, trained here with the
sweep's settings and seed (its weights go to web/data/lenet-weights/ as
k5-c6x16-sigmoid-avgpool.bin, so that the measurement can be made again
from files: tests/test_pooling_shift.py).  On every test image shifted by
1-4 pixels in four directions, `lenet.shift_invariance.measure` gives each
layer's relative change and how often the prediction changes; all of it goes
to book/data/pooling_shift.json, which 5.5.1 quotes.
"""
import datetime
import os
import sys
import time

from lenet import files, measurements, shift_invariance, sweep, weights
from lenet.data import read_fashion_mnist, to_unit_float32
from lenet.explorer_logic import config_json, data_iters, train

OUTPUT = sweep.BOOK_DATA / "pooling_shift.json"
AVERAGE_FILE = "k5-c6x16-sigmoid-avgpool.bin"


def book_lenet():
    run = next(r for r in sweep.load_sweep()["runs"]
               if sweep.network_key(r) == sweep.BOOK_LENET_KEY)
    return *sweep.trained_network(run), {
        "test_acc": run["final_test_acc"], "weights": run["weights"]}


def average_twin(config):
    """The book's LeNet with average pooling, trained as the sweep trains."""
    config = config.replace(pooling="avg")
    started = time.perf_counter()
    result = train(config, *data_iters(config))
    if result.state != "done":
        sys.exit(f"the average-pooling run did not finish: {result.state}")
    tensors = weights.network_tensors(result.net, config)
    data = weights.encode(tensors)
    part = sweep.WEIGHTS_DIR / f".{AVERAGE_FILE}.partial"
    part.write_bytes(data)
    os.replace(part, sweep.WEIGHTS_DIR / AVERAGE_FILE)
    record = weights.weights_record(tensors, data, AVERAGE_FILE)
    return config, weights.network_from_file(config, record, data), {
        "test_acc": result.final_test_acc, "weights": record,
        "epochs": [round(e.test_acc, 6) for e in result.epochs],
        "seconds": round(time.perf_counter() - started, 1)}


def main():
    started = datetime.datetime.now(datetime.timezone.utc)
    images, _ = read_fashion_mnist("test")
    images = to_unit_float32(images).reshape(-1, 28, 28)
    networks = {}
    for pooling, make in (("max", lambda: book_lenet()),
                          ("avg", lambda: average_twin(book_lenet()[0]))):
        config, net, record = make()
        # Both measured with their float16 weights, as the page runs them.
        record["config"] = config_json(config)
        record["measured"] = shift_invariance.measure(net, config, images)
        networks[pooling] = record
        print(f"{pooling}: test acc {record['test_acc']:.4f}", flush=True)
        for s, row in record["measured"]["by_shift"].items():
            print(f"  shift {s}: " + ", ".join(
                f"{k} {v:.3f}" for k, v in row["relative_change"].items())
                + f"; prediction changed {row['prediction_changed']:.3f}")
    files.write_json_atomically(OUTPUT, {
        "networks": networks, "test_images": len(images),
        "shifts": list(shift_invariance.SHIFTS),
        "directions": [list(d) for d in shift_invariance.DIRECTIONS],
        "provenance": measurements.provenance(
            started, "python -m ci.record.pooling_shift"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")})
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
