"""Every page on a slow line, as a reader behind one loads it: Chromium's
network emulation (1.6 Mbps, 150 ms), the cache off, the built site from a
static server that sends the precompressed copies, then from one that does
not (tests/slow_line.py).

What the emulated line makes deterministic is asserted here: every page
shows its text, its formulas and (5.5.4) the explorer's controls on such a
line, and the precompressed site sends fewer bytes than the plain one for
every page.  How long each takes depends on this machine's load as well,
so the times are measured against their goals by `python -m
bench.slow_line`, not asserted (CONTRIBUTING, "No duration is asserted").
"""
import pytest

from tests.built_site import HTML_DIR, PAGE_NAMES, require_built_book, serve
from tests.slow_line import measure

pytestmark = [pytest.mark.build, pytest.mark.browser]

require_built_book()
WAITED_FOR = ("first_text", "formulas", "controls")


@pytest.fixture(scope="module")
def loads(browser):
    rows = {}
    for server, precompressed in (("compressed", True), ("plain", False)):
        with serve(HTML_DIR, precompressed) as base:
            urls = {f"{base}/book/{name}.html": name for name in PAGE_NAMES}
            for url, row in measure(browser, list(urls), WAITED_FOR,
                                    timeout_s=90).items():
                rows[urls[url], server] = row
    return rows


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_everything_a_reader_waits_for_comes(loads, name):
    for server in ("compressed", "plain"):
        row = loads[name, server]
        assert row["first_text"] is not None, (name, server)
        if row["has_math"]:
            assert row["formulas"] is not None, (name, server)
        if row["has_explorer"]:
            assert row["controls"] is not None, (name, server)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_the_precompressed_copies_are_what_is_sent(loads, name):
    assert (loads[name, "compressed"]["bytes"]
            < loads[name, "plain"]["bytes"]), name


def test_the_explorer_and_the_formulas_were_measured(loads):
    """The marks are set where they should be, so a page without them is
    not a page whose measurement failed silently."""
    assert loads["exercises", "compressed"]["has_explorer"]
    assert all(loads[name, "compressed"]["has_math"]
               for name in ("index", "lenet_model", "training"))
    assert not loads["summary", "compressed"]["has_math"]
