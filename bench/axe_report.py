"""What axe-core finds on each built page, by impact: a report.

    bash ci/build.sh && .venv/bin/python -m bench.axe_report

tests/test_readers.py fails on anything critical or serious; this prints
the moderate and minor findings too, page by page, with their rules.
"""
import json
import tempfile

from tests.built_site import (HTML_DIR, PAGE_NAMES, axe_violations, launch_chromium,
                        only_this_host, open_built_page, serve)

IMPACTS = ("critical", "serious", "moderate", "minor")


def main():
    pages = [f"book/{name}" for name in PAGE_NAMES] + ["search", "genindex"]
    with serve(HTML_DIR) as site, \
            launch_chromium(tempfile.mkdtemp()) as context:
        only_this_host(context)
        for name in pages:
            page = open_built_page(context, f"{site}/{name}.html")
            found = axe_violations(page)
            page.close()
            counts = {impact: sum(len(v["nodes"]) for v in found
                                  if v["impact"] == impact)
                      for impact in IMPACTS}
            rules = sorted({f"{v['id']} ({v['impact']})" for v in found})
            print(f"{name:18} {json.dumps(counts)} {', '.join(rules)}")


if __name__ == "__main__":
    main()
