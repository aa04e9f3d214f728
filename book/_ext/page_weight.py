"""What a reader on a slow line downloads, made smaller after the build.

* The theme's icon script (`fontawesome.js`, 1.49 MB, 0.54 MB compressed,
  loaded by every page) is dropped from the pages: the few icons the theme
  draws come from a stylesheet of the book's (web/vendor/icons/icons.css,
  made by ci/vendor_web_assets.sh from Font Awesome's own SVG files).
* Every text file of the site larger than MIN_BYTES gets precompressed
  copies beside it, `NAME.gz` and `NAME.br`, for servers that send them when
  the browser accepts them (nginx `gzip_static on;` and `brotli_static on;`,
  see the README's "Host it").  A server that does not compress serves the
  files as before.
"""
import gzip
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
ICON_SCRIPT = re.compile(
    r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*">'
    r'</script>\n?')
COMPRESSED_SUFFIXES = {".html", ".js", ".css", ".json", ".svg", ".txt",
                       ".ttf", ".eot", ".xml", ".ipynb", ".md"}
MIN_BYTES = 1024


def drop_icon_script(path):
    """Remove the icon script from one page; whether it was there."""
    text = path.read_text(encoding="utf-8")
    lighter = ICON_SCRIPT.sub("", text)
    if lighter != text:
        path.write_text(lighter, encoding="utf-8")
    return lighter != text


def precompress(path):
    """Write NAME.gz and NAME.br next to `path` (unchanged ones are kept,
    so an incremental build rewrites only what changed)."""
    import brotli

    data = path.read_bytes()
    for suffix, compress in ((".gz", lambda d: gzip.compress(
            d, compresslevel=9, mtime=0)), (".br", brotli.compress)):
        target = path.with_name(path.name + suffix)
        if (target.exists()
                and target.stat().st_mtime_ns >= path.stat().st_mtime_ns):
            continue
        target.write_bytes(compress(data))


def _finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = sum(drop_icon_script(page) for page in outdir.rglob("*.html"))
    files = [path for path in outdir.rglob("*")
             if path.is_file() and path.suffix in COMPRESSED_SUFFIXES
             and path.stat().st_size > MIN_BYTES]
    for path in files:
        precompress(path)
    logger.info(f"[page-weight] icon script dropped from {pages} pages;"
                f" {len(files)} files precompressed (.gz, .br)")


def setup(app):
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
