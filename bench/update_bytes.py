"""What a returning reader downloads after a rebuild that changed one
page's text, in bytes, for a built site (tests/offline_update.py measures).

    python -m bench.update_bytes                  # _build/html (bash ci/build.sh)
    python -m bench.update_bytes --site DIR       # another build
    python -m bench.update_bytes --largest 10     # and its largest requests

The server sends the precompressed copies (nginx's gzip_static), so the
bytes are what crosses a slow line; tests/test_offline_book.py holds
today's build to its bound.
"""
import argparse
import tempfile
from pathlib import Path

from tests.built_site import HTML_DIR, launch_chromium
from tests.offline_update import update_download


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=HTML_DIR)
    parser.add_argument("--largest", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work, \
            launch_chromium(Path(work) / "profile",
                            service_workers="allow") as context:
        total, served = update_download(context, args.site, Path(work))
    print(f"{args.site}: {total:,} bytes in {len(served)} requests after a"
          " rebuild that changed one page's text")
    for path, size in sorted(served, key=lambda s: -s[1])[:args.largest]:
        print(f"  {size:>9,}  {path}")


if __name__ == "__main__":
    main()
