"""Where the book's files are, in this checkout and on the built site.

The site paths themselves are the contract's (`site` in contract.json);
this module turns them into the checkout's folders and reads the two files
made from the web folder: each widget's bundle and the sizes of what the
static page downloads to train (both written by ci/build_js.sh).
"""
import json
from pathlib import Path

from .contract import SITE

PACKAGE = Path(__file__).resolve().parent
REPOSITORY = PACKAGE.parents[1]
# Copied to the site's root by the build (html_extra_path); the pages live
# in book/, one folder below it (the contract's site.pages_to_root).
WEB = REPOSITORY / "web"
BOOK_DATA = REPOSITORY / "book" / "data"
# A photo of a handwritten digit, for 5.5.4 (ci/draw_example_photo.py).
EXAMPLE_PHOTO = BOOK_DATA / "digit-on-paper.jpg"
# Each widget's JavaScript, one ES module bundled by esbuild from web/js/
# (ci/build_js.sh); kept in the package, which gives it to the front end.
ESM_DIR = PACKAGE / "esm"
# The sweep's trained networks, one file each (`lenet.weights`).
WEIGHTS_DIR = WEB / SITE["weights_path"]
# The images the static page trains on (ci/record/browser_subset.py).
BROWSER_DATA_DIR = WEB / SITE["browser_data_path"]
# Each data set's images for the static page, as its pages fetch them.
BROWSER_DATA_URLS = {data_set: SITE["pages_to_root"] + path
                     for data_set, path in SITE["browser_data_paths"].items()}
# The bytes of each file the static page's training fetches, and of all
# of it (ci/build_js.sh writes it after bundling the worker).
DOWNLOAD_SIZES = WEB / "js" / "dist" / "download_sizes.json"


def widget_esm(name):
    """The text of one widget's bundled module (its `export default`)."""
    return (ESM_DIR / f"{name}.js").read_text(encoding="utf-8")


def download_sizes():
    """{"files": {site path: bytes}, "download_bytes", "megabytes"}: what
    the first 训练 of the static page downloads."""
    return json.loads(DOWNLOAD_SIZES.read_text(encoding="utf-8"))
