"""Files and links the book wrote before its current version open today
with the same network.  tests/fixtures/version_N/ holds two networks as
the kernel and the page wrote them at version N, their links, and the
probabilities MXNet gave then (each folder's make.py says at which
commit): version 1 before padding and depths other than two blocks,
version 2 before the data-set field.  MXNet gives exactly those
probabilities today; the page's own forward pass gives them within 1e-5
(its float32 sums run in another order); both languages read the links to
the configuration they held, each field newer than the version (the
contract's `since`) at the book's default."""
import json
from pathlib import Path

import numpy as np
import pytest

from lenet import contract
from lenet import explorer_logic as logic
from lenet.explorer_link import config_from_link
from lenet.network_file import load_network
from lenet.weights import probabilities
from tests.built_site import page_on_web_modules

VERSIONS = (1, 2)
FIXTURES = {version: Path(__file__).parent / "fixtures" / f"version_{version}"
            for version in VERSIONS}
EXPECTED = {version: json.loads((folder / "expected.json").read_text("utf-8"))
            for version, folder in FIXTURES.items()}
IMAGES = np.random.default_rng(1).random((8, 1, 28, 28), dtype=np.float32)
PAGE_TOLERANCE = 1e-5
# A base unlike the old networks in every newer field: what the link does
# not say must still come out as its version meant it.
BASE = logic.config_json(logic.ExplorerConfig(padding="same",
                                              data_set="mnist"))
FILES = [(version, name) for version in VERSIONS
         for name in sorted(EXPECTED[version]["files"])]


def as_then(version, config):
    """`config` with each field newer than `version` at its default."""
    return {**config, **{field: spec["default"]
                         for field, spec in contract.FIELDS.items()
                         if contract.since(field) > version}}


@pytest.mark.quick
@pytest.mark.parametrize("version,name", FILES)
def test_an_old_file_gives_mxnet_the_same_probabilities(version, name):
    path = FIXTURES[version] / name
    net, config = load_network(path)
    assert logic.config_json(config) == as_then(
        version, logic.config_json(config))
    assert json.loads(path.read_text("utf-8"))["version"] == version
    assert np.array_equal(probabilities(net, IMAGES), np.array(
        EXPECTED[version]["files"][name], dtype=np.float32))


@pytest.mark.quick
@pytest.mark.parametrize("version", VERSIONS)
def test_an_old_link_gives_the_configuration_it_held(version):
    for link, config in EXPECTED[version]["links"].items():
        assert f"&v={version}&" in "&" + link.removeprefix("lenet?")
        assert config_from_link(link, BASE) == (as_then(version, config), [])


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with page_on_web_modules(tmp_path_factory.mktemp("chromium")) as page:
        yield page


@pytest.mark.browser
@pytest.mark.parametrize("version", VERSIONS)
def test_the_page_opens_old_files_and_links_alike(page, version):
    expected = EXPECTED[version]
    texts = {name: (FIXTURES[version] / name).read_text("utf-8")
             for name in expected["files"]}
    found = page.evaluate("""async ([texts, images, links, base]) => {
      const files = await import('./lenet_network_file.js');
      const forward = await import('./lenet_forward.js');
      const link = await import('./lenet_link.js');
      const opened = Object.fromEntries(Object.entries(texts).map(([name, text]) => {
        const { config, tensors } = files.readNetworkFile(text);
        return [name, { config, probabilities: images.map((image) =>
          forward.forward({ arch: config, tensors }, Float32Array.from(image))
            .probabilities) }];
      }));
      return { opened, links: links.map((l) => link.configFromLink(l, base)) };
    }""", [texts, IMAGES.reshape(8, -1).tolist(), list(expected["links"]),
           BASE])
    for name, opened in found["opened"].items():
        assert opened["config"] == as_then(version, opened["config"]), name
        assert np.abs(np.array(opened["probabilities"])
                      - np.array(expected["files"][name])).max() \
            <= PAGE_TOLERANCE, name
    for theirs, config in zip(found["links"], expected["links"].values()):
        assert theirs == {"values": as_then(version, config), "notes": []}
