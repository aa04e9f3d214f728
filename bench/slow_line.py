"""Every page of the built book on a slow line, timed against its goals.

    python -m bench.slow_line             # after bash ci/build.sh
    python -m bench.slow_line --together  # every page at once, as the test

Chromium's network emulation (1.6 Mbps down, 150 ms) over the site served
from 127.0.0.1 with and without the precompressed copies
(tests/slow_line.py measures).  The times are the emulated line's mostly,
and a busy CPU adds its part, so they are measured here and not asserted
in a test; tests/test_slow_line.py asserts what the line makes
deterministic.
"""
import argparse
import tempfile

from tests.built_site import (HTML_DIR, PAGE_NAMES, launch_chromium,
                        only_this_host, serve)
from tests.slow_line import measure, table

# Seconds: with compression, every page's first text and formulas, and the
# explorer's controls on 5.5.4; without, every page's first text.
GOALS = {"compressed": {"first_text": 2.5, "formulas": 5.0, "controls": 8.0},
         "plain": {"first_text": 6.0}}


def met(server, row):
    """The goals of `server` that the row's times miss, as text."""
    missed = [f"{what} {row[what]:.2f} s > {goal} s"
              for what, goal in GOALS[server].items()
              if row[what] is not None and row[what] > goal]
    return "; ".join(missed) or "goals met"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--together", action="store_true",
                        help="load every page at once, not one by one")
    args = parser.parse_args()
    rows = []
    with launch_chromium(tempfile.mkdtemp()) as context:
        only_this_host(context)
        for server, precompressed in (("compressed", True), ("plain", False)):
            with serve(HTML_DIR, precompressed) as base:
                urls = [f"{base}/book/{name}.html" for name in PAGE_NAMES]
                wait = ("first_text", "formulas", "controls")
                found = (measure(context, urls, wait, 120) if args.together
                         else {url: measure(context, [url], wait, 120)[url]
                               for url in urls})
                rows += [((name, server), found[url])
                         for name, url in zip(PAGE_NAMES, urls)]
    print(table(rows))
    for (name, server), row in rows:
        print(f"{name:<12} {server:<11} {met(server, row)}")


if __name__ == "__main__":
    main()
