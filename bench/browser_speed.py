"""What the static 5.5.4 page costs a reader: bytes and milliseconds.

    bash ci/build.sh && .venv/bin/python -m bench.browser_speed [--repeats 3]

Serves the built book (_build/html) on 127.0.0.1 and opens 5.5.4 in
Debian's headless Chromium, every other host blocked, then measures:

* the bytes the page loads up front, by kind, and the bytes of each trained
  network's weights file, fetched when the reader picks that network;
* the architecture panel's update time (its own JavaScript, from a control's
  change to the new table and code in the DOM) over 40 keyboard steps of the
  first kernel slider;
* the trained-network viewer's forward pass plus redraw (probability bars and
  every feature map) over the 100 shipped test images, for the book's LeNet
  (5.5.2's network) and for the largest network of the sweep.

Each repetition is a fresh browser; medians with min-max are printed.  Run
nothing else meanwhile: these are wall-clock times.
"""
import argparse
import collections
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from lenet.measurements import spread
from tests.built_site import HTML_DIR as HTML
from tests.built_site import draw_widgets, launch_chromium, only_this_host, serve

BOOK_NETWORK = "k5-c6x16-sigmoid"
LARGEST_NETWORK = "k3-c32x64-relu"


def kind_of(url):
    suffix = Path(url.split("?")[0]).suffix or ".html"
    return {".woff2": "font", ".woff": "font", ".ttf": "font"}.get(
        suffix, suffix.lstrip("."))


RESOURCES = """() => [...performance.getEntriesByType('navigation'),
                       ...performance.getEntriesByType('resource')]
  .map(e => [e.name, e.decodedBodySize])"""


def loaded_bytes(page):
    """Bytes of every file the page has loaded so far (Resource Timing)."""
    sizes, weights = collections.Counter(), {}
    for url, size in page.evaluate(RESOURCES):
        if "/lenet-weights/" in url:
            weights[Path(url).stem] = size
        else:
            sizes[kind_of(url)] += size
    return dict(sizes), weights


def measure_once(site):
    with tempfile.TemporaryDirectory() as profile, \
            launch_chromium(profile) as context:
        only_this_host(context)
        page = context.new_page()
        page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
        draw_widgets(page)
        viewer = page.locator(".lenet-viewer")
        viewer.wait_for(timeout=30000)
        page.wait_for_function(
            "el => Number(el.dataset.updates) >= 1",
            arg=viewer.element_handle(), timeout=30000)
        up_front, _ = loaded_bytes(page)

        arch = page.locator(".lenet-explorer")
        slider = arch.locator("input[type=range]").first
        slider.focus()
        for step in range(40):
            page.keyboard.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
        update_ms = arch.evaluate("el => el.lenetTimings.slice(1)")

        forward_ms = {}
        for key in (BOOK_NETWORK, LARGEST_NETWORK):
            viewer.locator("select.lenet-viewer-network").select_option(key)
            forward_ms[key] = viewer.evaluate(
                """async (root) => {
                  const before = root.lenetTimings.length;
                  for (let i = 0; i < 100; i++) await root.lenetShow(i);
                  return root.lenetTimings.slice(before);
                }""")
        # Every network of the picker (the viewer's panels have selects
        # of their own).
        picker = viewer.locator("select.lenet-viewer-network")
        for option in picker.locator("option:not([disabled])").all():
            picker.select_option(option.get_attribute("value"))
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        _, weights = loaded_bytes(page)
    return up_front, weights, update_ms, forward_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not (HTML / "book" / "exercises.html").is_file():
        sys.exit("no built book: run `bash ci/build.sh` first")
    if shutil.which("chromium") is None:
        sys.exit("Debian's chromium is missing: run `bash ci/setup.sh`")
    medians = collections.defaultdict(list)
    with serve(HTML) as site:
        for repeat in range(1, args.repeats + 1):
            up_front, weights, update_ms, forward_ms = measure_once(site)
            print(f"run {repeat}: architecture update {spread(update_ms)} ms"
                  f" (min-median-max of {len(update_ms)})")
            medians["update"].append(statistics.median(update_ms))
            for key, values in forward_ms.items():
                print(f"run {repeat}: forward + redraw, {key}:"
                      f" {spread(values)} ms")
                medians[key].append(statistics.median(values))
    print("\nbytes loaded up front by 5.5.4 (last run):")
    for kind, size in sorted(up_front.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:8s} {size:>10,}")
    print(f"  {'total':8s} {sum(up_front.values()):>10,}")
    print(f"weights per network, fetched when picked: {len(weights)} files,"
          f" {min(weights.values()):,} to {max(weights.values()):,} bytes"
          f" ({BOOK_NETWORK}: {weights.get(BOOK_NETWORK, 0):,})")
    print("\nmedians over the runs (min-max):")
    for name, values in medians.items():
        print(f"  {name}: {statistics.median(values):.2f} ms"
              f" ({min(values):.2f}-{max(values):.2f})")


if __name__ == "__main__":
    main()
