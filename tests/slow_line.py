"""A reader on a slow line, in Chromium: Chromium's own network emulation
(1.6 Mbps down, 150 ms latency) over the built site, served from 127.0.0.1
with or without the precompressed copies (tests.built_site.serve).

`measure(context, urls)` loads pages with the cache off, each in a tab with
a slow line of its own, and returns what the reader waits for: the first
text (first contentful paint), the formulas (their SVG, typeset when the
book was built), the first widget's controls (5.5.4's explorer, 5.5.1's
viewer), the bytes on the wire and the number of requests.
tests/test_slow_line.py asserts what of it the emulated line makes
deterministic; `python -m bench.slow_line` prints the times beside
their goals.
"""
import time

# 1.6 Mbps down, 0.75 Mbps up, 150 ms each way round: a slow mobile line.
SLOW_LINE = {"offline": False, "latency": 150,
             "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}

# Recorded in the page from its very start: when the formulas are done and
# when the explorer's first slider appears (the reader scrolls to it as
# soon as its place is in the page).
MARKS = """
window.__slowLine = {};
(() => {
  const mark = (name) => {
    if (!(name in window.__slowLine)) window.__slowLine[name] = performance.now();
  };
  const watch = () => {
    // A reader who goes straight to the explorer: it is drawn near the screen.
    const place = document.querySelector('.lenet-static-widget');
    if (place && !('scrolled' in window.__slowLine)) {
      place.scrollIntoView();
      mark('scrolled');
    }
    // The page's first widget has its controls: the explorer's sliders
    // (5.5.4), the trained-network viewer's picker (5.5.1).
    if (document.querySelector('.lenet-explorer input[type=range],'
                               + ' .lenet-viewer select.lenet-viewer-network')) mark('controls');
    // Typeset when the book was built: the formulas come with the text.
    if (document.querySelector('mjx-container svg')) mark('formulas');
  };
  new MutationObserver(watch).observe(document, {childList: true, subtree: true});
})();
"""


TIMES = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const marks = window.__slowLine || {};
  return {first_text: paint ? paint.startTime : null,
          formulas: marks.formulas ?? null, controls: marks.controls ?? null,
          has_math: document.querySelector('.math, mjx-container') !== null,
          has_explorer: document.querySelector(
            'script[type="application/vnd.jupyter.widget-view+json"]') !== null};
}"""


def open_on_slow_line(context, url):
    """A new tab on its own emulated slow line, cache off, loading `url`;
    returns the tab and the bytes of each finished request."""
    page = context.new_page()
    page.add_init_script(MARKS)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_LINE)
    wire = {}
    cdp.on("Network.loadingFinished", lambda event: wire.__setitem__(
        event["requestId"], event["encodedDataLength"]))
    page.goto(url, wait_until="commit")
    return page, wire


def measure(context, urls, wait_for=("first_text",), timeout_s=60):
    """Load every page of `urls` at once, each in a tab with a slow line of
    its own; return per URL the seconds to first_text, formulas (if the
    page has any) and controls (the first widget's), and the bytes and requests so far,
    once everything in `wait_for` happened (or `timeout_s` passed)."""
    tabs = {url: open_on_slow_line(context, url) for url in urls}
    results, deadline = {}, time.monotonic() + timeout_s
    while len(results) < len(tabs):
        for url, (page, wire) in tabs.items():
            if url in results:
                continue
            times = page.evaluate(TIMES)
            needed = [name for name in wait_for
                      if not (name == "formulas" and not times["has_math"])
                      and not (name == "controls"
                               and not times["has_explorer"])]
            if (all(times[name] is not None for name in needed)
                    or time.monotonic() > deadline):
                results[url] = {
                    **{name: None if times[name] is None
                       else times[name] / 1000
                       for name in ("first_text", "formulas", "controls")},
                    "bytes": sum(wire.values()), "requests": len(wire),
                    "has_math": times["has_math"],
                    "has_explorer": times["has_explorer"]}
                page.close()
        time.sleep(0.05)
    return results


def table(rows):
    lines = [f"{'page':<12} {'server':<11} {'first text':>10} {'formulas':>9}"
             f" {'controls':>9} {'bytes':>11} {'requests':>8}"]
    fmt = lambda x: "-" if x is None else f"{x:.2f} s"  # noqa: E731
    for (name, server), r in rows:
        lines.append(f"{name:<12} {server:<11} {fmt(r['first_text']):>10}"
                     f" {fmt(r['formulas']):>9} {fmt(r['controls']):>9}"
                     f" {r['bytes']:>11,} {r['requests']:>8}")
    return "\n".join(lines)
