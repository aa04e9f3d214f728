"""Lighthouse's mobile scores of every built page.

    bash bench/setup.sh    # npm ci in bench/: Lighthouse 12.8.2 (Node 20)
    .venv/bin/python -m bench.lighthouse [--runs 3] [--site NAME=DIR ...]
        [--pages exercises lenet_model] [--json FILE]

Serves each built site (default: _build/html) from 127.0.0.1 as GitHub
Pages or nginx would, with the precompressed copies, and runs Lighthouse's
default mobile preset (simulated 4x CPU slowdown, 1.6 Mbps / 150 ms) on
every page with Debian's Chromium, `--runs` times, the pages and the sites
taking turns.  Prints each category's score and the cumulative layout
shift, total blocking time, first and largest contentful paint as
min-median-max over the runs.  Run nothing else meanwhile: the blocking
time comes from tasks timed on this machine.
"""
import argparse
import contextlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

from lenet.measurements import spread
from tests.built_site import HTML_DIR, PAGE_NAMES, serve

LIGHTHOUSE = Path(__file__).resolve().parent / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {"cls": "cumulative-layout-shift", "tbt_ms": "total-blocking-time",
           "fcp_ms": "first-contentful-paint",
           "lcp_ms": "largest-contentful-paint"}


def lighthouse(url):
    """Lighthouse's report of `url`: the scores and the metrics."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "report.json")
        subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json",
             f"--output-path={report}",
             f"--only-categories={','.join(CATEGORIES)}",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"),
            check=True, timeout=300)
        data = json.loads(report.read_text())
    found = {name: data["categories"][name]["score"] for name in CATEGORIES}
    found.update({short: data["audits"][audit]["numericValue"]
                  for short, audit in METRICS.items()})
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", action="append", default=[],
                        metavar="NAME=DIR")
    parser.add_argument("--pages", nargs="+", default=PAGE_NAMES)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `bash bench/setup.sh`")
    sites = dict(site.split("=", 1) for site in args.site) or {
        "now": str(HTML_DIR)}
    results = {(site, page): [] for site in sites for page in args.pages}
    with contextlib.ExitStack() as stack:
        served = {name: stack.enter_context(serve(folder, precompressed=True))
                  for name, folder in sites.items()}
        for run in range(args.runs):
            for page in args.pages:
                for site, base in served.items():
                    found = lighthouse(f"{base}/book/{page}.html")
                    results[site, page].append(found)
                    print(f"[run {run + 1}] {site} {page}: "
                          + json.dumps(found), flush=True)
    print(f"\n{'site':8} {'page':12} " + " ".join(
        f"{name:>15}" for name in (*CATEGORIES, *METRICS)))
    for (site, page), runs in results.items():
        cells = [spread([r[name] for r in runs],
                        "{:.0f}" if name.endswith("_ms") else "{:.2f}"
                        if name != "cls" else "{:.3f}")
                 for name in (*CATEGORIES, *METRICS)]
        print(f"{site:8} {page:12} " + " ".join(f"{c:>15}" for c in cells))
    if args.json:
        args.json.write_text(json.dumps(
            {f"{site} {page}": runs for (site, page), runs in results.items()},
            indent=1))


if __name__ == "__main__":
    main()
