"""What the book's LeNet and a digits network say of noise, black, white
and a photo (5.5.4's solution of the newer edition's exercise 5), in MXNet
on the kept weights: lenet.unseen.facts(), kept in book/data/unseen_inputs.json.

    OMP_NUM_THREADS=2 python -m ci.record.unseen_inputs
"""
import datetime

from lenet import measurements, unseen
from lenet.files import write_json_atomically


def main():
    started = datetime.datetime.now(datetime.timezone.utc)
    facts = unseen.facts()
    write_json_atomically(unseen.RECORD, {
        "facts": facts, "networks": unseen.NETWORKS,
        "provenance": measurements.provenance(
            started, "python -m ci.record.unseen_inputs")})
    for key, value in facts.items():
        print(f"{key}: {value}")
    print(f"wrote {unseen.RECORD}")


if __name__ == "__main__":
    main()
