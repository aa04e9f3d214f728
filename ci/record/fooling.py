"""How little fools a trained LeNet: over the viewer's 100 test images (10
of each class, lenet.network_viewer.strip_indices), the fewest gray levels
of the fast gradient sign method that change the prediction, for the book's
LeNet and for the sweep's most accurate network, in MXNet on the kept
weights; kept in book/data/fooling.json for 5.5.4.

    OMP_NUM_THREADS=2 python -m ci.record.fooling
"""
import datetime
import statistics

from lenet import attribution, measurements, sweep
from lenet.data import read_fashion_mnist, to_unit_float32
from lenet.files import write_json_atomically
from lenet.network_viewer import strip_indices

OUTPUT = sweep.BOOK_DATA / "fooling.json"


def chosen_runs():
    runs = sweep.load_sweep()["runs"]
    book = next(r for r in runs if sweep.network_key(r) == sweep.BOOK_LENET_KEY)
    best = max(runs, key=lambda r: r["final_test_acc"])
    return {"book": book, "best": best}


def main():
    started = datetime.datetime.now(datetime.timezone.utc)
    images, labels = read_fashion_mnist("test")
    strip = to_unit_float32(images[strip_indices(labels)]).reshape(-1, 28, 28)
    networks = {}
    for role, run in chosen_runs().items():
        _, net = sweep.trained_network(run)
        levels = attribution.smallest_fooling_over(net, strip)
        found = [v for v in levels if v is not None]
        networks[role] = {"key": sweep.network_key(run), "test_acc": run["final_test_acc"],
                          "levels": levels, "median": statistics.median(found),
                          "not_fooled": len(levels) - len(found)}
        print(f"{role} {networks[role]['key']} ({run['final_test_acc']:.4f}):"
              f" median {networks[role]['median']} levels,"
              f" {networks[role]['not_fooled']} never fooled")
    write_json_atomically(OUTPUT, {"networks": networks, "images": len(strip),
                                   "provenance": measurements.provenance(
                                       started, "python -m ci.record.fooling")})
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
