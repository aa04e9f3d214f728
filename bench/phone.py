"""训练 on a phone: 5.5.4's browser preset in Chromium under a CPU quota
and a slow line, beside the same run on this machine's full CPU.

    bash ci/build.sh && .venv/bin/python -m bench.phone [--runs 3]
        [--conditions desktop phone] [--site NAME=DIR ...]
        [--live on off] [--json FILE]                   # as root

Serves the built book (_build/html) on 127.0.0.1, as GitHub Pages would
(the precompressed copies), and opens 5.5.4 in Debian's headless Chromium
at 412 x 823 with touch.  `phone` puts every Chromium process in a cgroup
v1 CPU quota of 0.5 CPU (two cores each about 4x slower than this
machine's: Lighthouse's mid-range phone; DevTools' CPU throttling does not
reach a worker) and emulates a 1.6 Mbps / 750 kbps / 150 ms line with the
cache off; `desktop` is neither.  Each run: load the page, pick the preset
网页里快速训练, press 训练, and while it trains click the result tabs; it
records, from pressing 训练:

* `progress`: the first time the bar or the status shows the download's
  progress (bytes or percent);
* `training_starts`: the download and TF.js's start are over;
* `first_epoch`: the first epoch's line; `done`: the 完成 line, with the
  final test accuracy and the training time the page prints (and per
  epoch: the engine's speed, whatever the preset's length);
* `click_ms`: the Event Timing durations of the clicks (interaction to
  next paint, as Core Web Vitals measures it);
* `controls`: from navigation to the explorer's first control (the reader
  scrolls to the explorer as soon as its place is in the page).

`--live on off` runs each case with 训练中的网络 drawing (the reader
watches it: it is scrolled into view after 训练) and with its switch
边训练边画出网络 off.

The conditions (and the sites, where `--site` names two builds, such as a
copy of _build/html from before a change and the build now) take turns,
run by run, so that a slow spell of the machine hits all of them; each
figure is printed as min-median-max, and each case's time over the first
case's within each turn.  The quota needs root
and a cgroup v1 `cpu` controller (/sys/fs/cgroup/cpu); without them the
phone condition is skipped, saying why.  Run nothing else meanwhile.
"""
import argparse
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

from lenet import contract
from lenet.measurements import spread
from tests.built_site import (HTML_DIR, launch_chromium, only_this_host, serve,
                        show_explorer)

CGROUP = Path("/sys/fs/cgroup/cpu/lenet-phone")
PERIOD_US = 100_000
PHONE_CPU = 0.5
SLOW_LINE = {"offline": False, "latency": 150,
             "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}
VIEWPORT = {"width": 412, "height": 823}
EXPLORER = ".lenet-explorer"

# Recorded in the page: each click's Event Timing duration, and the first
# time the status or the bar shows the download's progress.
RECORDER = """
window.__phone = {clicks: [], progress: null, pressed: null};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.name === 'click' || e.name === 'pointerup') {
      window.__phone.clicks.push({name: e.name, duration: e.duration,
                                  start: e.startTime});
    }
  }
}).observe({type: 'event', durationThreshold: 16, buffered: true});
const seen = () => {
  const p = window.__phone;
  if (p.pressed === null || p.progress !== null) return;
  const status = document.querySelector('.lenet-explorer .lenet-status');
  const bar = document.querySelector('.lenet-explorer progress');
  if ((status && /\\d+(\\.\\d+)?\\s*(MB|KB|%)/.test(status.textContent)
       && !/约/.test(status.textContent)) || (bar && bar.value > 0)) {
    p.progress = performance.now();
  }
};
new MutationObserver(seen).observe(document, {subtree: true, childList: true,
  characterData: true, attributes: true});
"""


@contextlib.contextmanager
def cpu_quota(fraction):
    """A cgroup v1 CPU quota of `fraction` CPUs, and a Chromium that starts
    inside it (a wrapper that joins the cgroup, then runs Chromium): the
    path of the wrapper, or None where no cgroup can be made here."""
    try:
        CGROUP.mkdir(exist_ok=True)
        (CGROUP / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        (CGROUP / "cpu.cfs_quota_us").write_text(str(int(fraction * PERIOD_US)))
    except OSError as err:
        print(f"[phone] no CPU quota here ({err}): needs root and"
              " /sys/fs/cgroup/cpu (cgroup v1); the phone is skipped")
        yield None
        return
    with tempfile.TemporaryDirectory() as folder:
        wrapper = Path(folder, "chromium-in-quota")
        wrapper.write_text("#!/bin/sh\n"
                           f"echo $$ > {CGROUP}/cgroup.procs\n"
                           'exec /usr/bin/chromium "$@"\n')
        wrapper.chmod(0o755)
        try:
            yield str(wrapper)
        finally:
            for pid in (CGROUP / "cgroup.procs").read_text().split():
                with contextlib.suppress(OSError):
                    os.kill(int(pid), 9)
            time.sleep(0.5)
            with contextlib.suppress(OSError):
                CGROUP.rmdir()


def open_explorer(context, url, slow):
    page = context.new_page()
    page.add_init_script(RECORDER)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if slow:
        cdp.send("Network.emulateNetworkConditions", SLOW_LINE)
    page.goto(url, wait_until="commit")
    show_explorer(page, timeout=120_000)
    controls = page.evaluate("() => performance.now()") / 1000
    return page, controls


def one_run(context, url, slow, live="on"):
    """One visit: load, pick the preset, train, click tabs while it trains
    (with 训练中的网络 on screen, or switched off)."""
    page, controls = open_explorer(context, url, slow)
    explorer = page.locator(EXPLORER)
    explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    switch = explorer.get_by_label("边训练边画出网络")
    if live == "off" and switch.count():  # (a build from before it: none)
        switch.uncheck()
    explorer.locator("button.lenet-train").click()
    pressed = page.evaluate("() => (window.__phone.pressed = performance.now())")
    if explorer.locator(".lenet-live").count():
        explorer.locator(".lenet-live").scroll_into_view_if_needed()
    first_epoch, training, clicks, polls = None, None, 0, 0
    while True:
        run, now = page.evaluate(f"""() => [
          document.querySelector('{EXPLORER}').lenetRun(), performance.now()]""")
        if first_epoch is None and run["epochs"]:
            first_epoch = now
        if training is None and run["state"] == "training":
            training = now
        if run["state"] not in contract.RUNNING_STATES:
            break
        if now - pressed > 300_000:
            raise SystemExit(f"no end after 300 s: {run['message']}")
        polls += 1
        if run["state"] == "training" and polls % 8 == 0:  # every 2 s
            tab = ("历次运行", "训练")[clicks % 2]
            explorer.get_by_role("tab", name=tab).click()
            clicks += 1
        time.sleep(0.25)
    recorded = page.evaluate("() => window.__phone")
    page.close()
    epochs = run["epochs"]
    return {
        "controls": controls,
        "progress": (recorded["progress"] - pressed) / 1000
        if recorded["progress"] else None,
        "training_starts": (training - pressed) / 1000 if training else None,
        "first_epoch": (first_epoch - pressed) / 1000 if first_epoch else None,
        "done": (now - pressed) / 1000,
        "state": run["state"], "message": run["message"],
        "test_acc": epochs[-1]["test_acc"] if epochs else None,
        "printed_seconds": sum(e["seconds"] for e in epochs),
        "seconds_per_epoch": (sum(e["seconds"] for e in epochs) / len(epochs)
                              if epochs else None),
        "click_ms": [c["duration"] for c in recorded["clicks"]
                     if c["start"] > pressed],
    }


def run_condition(name, executable, site, live):
    slow = name == "phone"
    with tempfile.TemporaryDirectory() as profile, \
            launch_chromium(profile, executable, viewport=VIEWPORT,
                            has_touch=True, is_mobile=True) as context:
        blocked = only_this_host(context)
        result = one_run(context, f"{site}/book/exercises.html", slow, live)
        assert blocked == [], blocked
    return result


def report(results):
    fields = ("controls", "progress", "training_starts", "first_epoch",
              "done", "printed_seconds", "seconds_per_epoch", "test_acc")
    for case, runs in results.items():
        print(f"\n{case} ({len(runs)} runs), min-median-max:")
        for field in fields:
            values = [r[field] for r in runs if r[field] is not None]
            if values:
                print(f"  {field:16} {spread(values)}")
        clicks = [ms for r in runs for ms in r["click_ms"]]
        if clicks:
            print(f"  {'click_ms':16} {spread(clicks, '{:.0f}')}"
                  f" over {len(clicks)} clicks")
        print(f"  states: {[r['state'] for r in runs]}")
    first, *others = results
    for case in others:
        ratios = [r["done"] / f["done"]
                  for r, f in zip(results[case], results[first])]
        print(f"\n{case} / {first}, time to the run's end, per turn:"
              f" {spread(ratios)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--conditions", nargs="+", default=["desktop", "phone"],
                        choices=["desktop", "phone"])
    parser.add_argument("--site", action="append", default=[],
                        metavar="NAME=DIR", help="a built site (default: now="
                        "_build/html); two or more take turns")
    parser.add_argument("--live", nargs="+", default=["on"], choices=["on", "off"],
                        help="训练中的网络 drawing, switched off, or both in turns")
    parser.add_argument("--json", type=Path, help="keep every number here")
    args = parser.parse_args()
    sites = dict(site.split("=", 1) for site in args.site) or {
        "now": str(HTML_DIR)}
    for name, folder in sites.items():
        if not (Path(folder) / "book" / "exercises.html").is_file():
            raise SystemExit(f"{name}: no built book in {folder}"
                             " (run `bash ci/build.sh` first)")
    with contextlib.ExitStack() as stack:
        served = {name: stack.enter_context(serve(folder, precompressed=True))
                  for name, folder in sites.items()}
        in_quota = stack.enter_context(cpu_quota(PHONE_CPU))
        cases = [(condition, site, live) for condition in args.conditions
                 if condition != "phone" or in_quota is not None
                 for site in sites for live in args.live]
        name = {case: " ".join(case[:2]) + (
            f" live-{case[2]}" if len(args.live) > 1 else "") for case in cases}
        results = {name[case]: [] for case in cases}
        for turn in range(args.runs):
            for case in (cases if turn % 2 == 0 else cases[::-1]):
                condition, site, live = case
                executable = in_quota if condition == "phone" else None
                result = run_condition(condition, executable, served[site], live)
                results[name[case]].append(result)
                print(f"[turn {turn + 1}] {name[case]}: " + json.dumps(
                    {k: (round(v, 2) if isinstance(v, float) else v)
                     for k, v in result.items() if k != "click_ms"},
                    ensure_ascii=False)
                    + f" clicks {[round(ms) for ms in result['click_ms']]}",
                    flush=True)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
