"""The book reads offline after a first visit: its service worker, sw.js.

After the build, this writes ``sw.js`` at the site's root: a first line
with this build's manifest, then web/js/lenet_sw.js.  The manifest lists,
each file with its SHA-256 (its revision: a file a reader's older copy of
the book holds with the same content is not fetched again),

* ``precache``: every page and every file the pages load (found by reading
  the HTML for src, href and data-src and the style sheets for url() and
  @import),
  and every file of the book's own web/ folder (its scripts load each
  other and Vega), all of them cached on the first visit;
* ``onDemand``: the files fetched only when the reader asks (TF.js and its
  WASM, the training data, the trained networks' weights but the book's
  LeNet's, which the viewer shows first), cached once they have arrived;
* ``build``: a hash of all of it, so that any change of any file is a new
  service worker, which the browser installs whole (lenet_sw.js).

Every page loads web/js/lenet_offline.js, which registers sw.js.
book/_ext/post_build.py runs it in its place.
"""
import hashlib
import html.parser
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lenet.contract import SITE
from sphinx.util import logging

SERVICE_WORKER = "sw.js"
WEB = "web"  # html_extra_path: copied to the site's root
SOURCE = Path(__file__).resolve().parents[2] / WEB / "js" / "lenet_sw.js"
# Fetched only when a reader asks for them (the contract's site.json).
ON_DEMAND = tuple(SITE["on_demand"])
# Files of the site no page loads: downloads, the build's own, the
# benchmarks' modules, source maps; TrueType fonts beside the WOFF2 ones
# browsers take.  (Compressed twins are left out by `_twin`.)
NOT_CACHED = re.compile(r"^(_sources/|bench/|\.buildinfo$|objects\.inv$|sw\.js$"
                        r"|js/lenet_sw\.js$)|(^|/)VERSIONS$|LICENSE$|\.package\.json$"
                        r"|\.(map|ttf)$")
# url(x) and @import "x" of a style sheet.
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)"
                     r"|@import\s+['\"]([^'\"]+)['\"]")
logger = logging.getLogger(__name__)


class _Links(html.parser.HTMLParser):
    """src and href values of a page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "data-src") and value:
                self.found.append(value)


def _twin(root, path):
    """Is `path` the .gz or .br copy of a file beside it (page_weight.py)?"""
    return path.endswith((".gz", ".br")) and (root / path[:-3]).is_file()


def _kept(root, path):
    return not NOT_CACHED.search(path) and not _twin(root, path)


def _local(reference, base, root):
    """The site path `reference` (from the file at `base`) names, or None
    for another host, an anchor or a file that is not there."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = (root / base).parent / unquote(parts.path)
    try:
        path = target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return path if (root / path).is_file() else None


def shown_first():
    """The weights file the 5.5.4 viewer draws before the reader picks one
    (the book's LeNet, lenet.network_viewer)."""
    from lenet.sweep import weights_file_name
    from lenet.explorer_logic import PRESETS

    return SITE["weights_path"] + weights_file_name(PRESETS["原书LeNet"])


def files_pages_load(root, web):
    """Site paths of every page, of what the pages load and of the files
    of `web` (the folder copied to the site's root)."""
    pages = [path for path in (p.relative_to(root).as_posix()
                               for p in sorted(root.rglob("*.html")))
             if _kept(root, path)]
    found = set(pages)
    for page in pages:
        links = _Links()
        links.feed((root / page).read_text(encoding="utf-8"))
        found.update(filter(None, (_local(ref, page, root) for ref in links.found)))
    sheets = [path for path in sorted(found) if path.endswith(".css")]
    while sheets:  # an imported sheet is read too
        sheet = sheets.pop()
        text = (root / sheet).read_text(encoding="utf-8", errors="replace")
        for url, imported in CSS_URL.findall(text):
            path = _local(url or imported, sheet, root)
            if path and path not in found:
                found.add(path)
                if path.endswith(".css"):
                    sheets.append(path)
    # From the source folder: a file a former build left is not the book's.
    found.update(path for path in (p.relative_to(web).as_posix()
                                   for p in web.rglob("*") if p.is_file())
                 if (root / path).is_file())
    first = shown_first()
    return sorted(path for path in found if _kept(root, path) and (
        not path.startswith(ON_DEMAND) or path == first))


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(root, web):
    """{build, precache, onDemand} of the site in `root`: each file's
    site path with its SHA-256."""
    precache = {path: _sha256(root / path)
                for path in files_pages_load(root, web)}
    on_demand = {path: _sha256(root / path) for folder in ON_DEMAND
                 for path in sorted(p.relative_to(root).as_posix()
                                    for p in (root / folder).rglob("*") if p.is_file())
                 if _kept(root, path) and path not in precache}
    build = hashlib.sha256()
    for path, digest in {**precache, **on_demand}.items():
        build.update(f"{path}\0{digest}\n".encode())
    return {"build": build.hexdigest()[:16], "precache": precache,
            "onDemand": on_demand}


def write_service_worker(root, web):
    """sw.js in `root`, for the site as it is there; its manifest."""
    found = manifest(Path(root), Path(web))
    first = f"self.LENET_BUILD = {json.dumps(found, ensure_ascii=False)};\n"
    (Path(root) / SERVICE_WORKER).write_text(
        first + SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    return found


def write_book_worker(app):
    """sw.js of the site this build made, once its files are final."""
    found = write_service_worker(app.outdir, Path(app.confdir, WEB))
    logger.info(f"[offline_book] {SERVICE_WORKER}: build {found['build']}, "
                f"{len(found['precache'])} files cached on the first visit, "
                f"{len(found['onDemand'])} when asked for")
