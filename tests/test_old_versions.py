"""Files and links the book wrote before its current version open today
with the same network: tests/fixtures/version_1/ holds two networks as the
kernel and the page wrote them at version 1 (before padding and depths
other than two blocks), their links, and the probabilities MXNet gave
then (made by its make.py at commit 67ca3cb).  MXNet gives exactly those
probabilities today; the page's own forward pass gives them within 1e-5
(its float32 sums run in another order); both languages read the links to
the configuration they held, with the padding of version 1 (none)."""
import json
from pathlib import Path

import numpy as np
import pytest

from lenet import explorer_logic as logic
from lenet.explorer_link import config_from_link
from lenet.network_file import load_network
from lenet.weights import probabilities
from tests.built_site import page_on_web_modules

FIXTURES = Path(__file__).parent / "fixtures" / "version_1"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
IMAGES = np.random.default_rng(1).random((8, 1, 28, 28), dtype=np.float32)
PAGE_TOLERANCE = 1e-5
# A base unlike version 1's networks: what the link does not say must
# still come out as version 1 meant it.
PADDED = logic.config_json(logic.ExplorerConfig(padding="same"))


@pytest.mark.quick
@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_a_version_1_file_gives_mxnet_the_same_probabilities(name):
    net, config = load_network(FIXTURES / name)
    assert config.padding == "valid"
    assert json.loads((FIXTURES / name).read_text("utf-8"))["version"] == 1
    assert np.array_equal(probabilities(net, IMAGES),
                          np.array(EXPECTED["files"][name], dtype=np.float32))


@pytest.mark.quick
def test_a_version_1_link_gives_the_configuration_it_held():
    for link, config in EXPECTED["links"].items():
        assert "&v=1&" in "&" + link.removeprefix("lenet?")
        assert config_from_link(link, PADDED) == (
            {**config, "padding": "valid"}, [])


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with page_on_web_modules(tmp_path_factory.mktemp("chromium")) as page:
        yield page


@pytest.mark.browser
def test_the_page_opens_version_1_files_and_links_alike(page):
    texts = {name: (FIXTURES / name).read_text("utf-8")
             for name in EXPECTED["files"]}
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
    }""", [texts, IMAGES.reshape(8, -1).tolist(), list(EXPECTED["links"]),
           PADDED])
    for name, opened in found["opened"].items():
        assert opened["config"]["padding"] == "valid"
        assert np.abs(np.array(opened["probabilities"])
                      - np.array(EXPECTED["files"][name])).max() \
            <= PAGE_TOLERANCE, name
    for theirs, config in zip(found["links"], EXPECTED["links"].values()):
        assert theirs == {"values": {**config, "padding": "valid"},
                          "notes": []}
