"""What a reader on a slow line downloads, made smaller after the build.

* The theme's icon script (`fontawesome.js`, 1.49 MB, 0.54 MB compressed,
  loaded by every page) is dropped from the pages: the theme's stylesheet
  draws the same icons from Font Awesome's web fonts, which are cut down
  to the icons the site uses (fontTools): 275 KB of fonts become a few.
* The theme's early downloads that no text needs are put after the text:
  its preloads of bootstrap.js and its own script (both also loaded,
  deferred, at the end of the body) are dropped, and the scripts in the
  head (Sphinx's, the extensions', the search's) are deferred, in their
  order, but documentation_options.js, which the page's inline scripts
  use as they run: each of them held the first paint back by a round trip
  on a slow line.
* Large blocks of JSON data in a page (on 5.5.4 the saved widget state,
  0.16 MB with the widgets' modules, and the sweep chart's 0.08 MB) become
  files beside the page, named in the block's `data-src`: on a line that
  does not compress they would share the bandwidth with the text's
  stylesheets and delay the first paint.  web/js/static_widgets.js and the
  chart fetch them when they draw.
* Every text file of the site larger than MIN_BYTES, and the WebAssembly
  of TF.js (its .br is a quarter of it), gets precompressed copies beside
  it, `NAME.gz` and `NAME.br`, for servers that send them when the browser
  accepts them (nginx `gzip_static on;` and `brotli_static on;`,
  see "给教师" in book/about.md).  A server that does not compress serves the
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
PRELOAD = re.compile(r'[ \t]*<link rel="preload" as="script" href="[^"]*"'
                     r' />\n?')
# A classic script of the head, loaded as it is met; DOCUMENTATION_OPTIONS
# must be there when the inline scripts after it run.
BLOCKING_SCRIPT = re.compile(r'<script ((?:(?!async|defer|type=)[^>])*'
                             r'src="(?![^"]*documentation_options\.js)'
                             r'[^"]*\.js(?:\?[^"]*)?"[^>]*)>')
JSON_BLOCK = re.compile(
    r'<script type="(application/(?:vnd\.jupyter\.widget-state\+)?json)"'
    r'(?: id="([\w-]+)")?>(.*?)</script>', re.S)
# A JSON block at least this large moves to a file of its own.
EXTERNAL_JSON_BYTES = 16 * 1024
THEME_CSS = Path("_static", "styles", "pydata-sphinx-theme.css")
ICON_FONTS = Path("_static", "vendor", "fontawesome", "webfonts")
# In the theme's stylesheet: .fa-bars:before,.fa-navicon:before{content:"\f0c9"}
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]{4})"\}')
ICON_CLASS = re.compile(r'\bfa-([a-z0-9-]+)')
COMPRESSED_SUFFIXES = {".html", ".js", ".css", ".json", ".svg", ".txt",
                       ".ttf", ".eot", ".xml", ".ipynb", ".md", ".wasm"}
MIN_BYTES = 1024


def lighten(path):
    """Drop the icon script and the preloads from one page, defer the
    scripts of its head, move its large JSON blocks to files; whether
    anything changed."""
    text = path.read_text(encoding="utf-8")
    lighter = ICON_SCRIPT.sub("", text)
    head, _, rest = lighter.partition("</head>")
    head = BLOCKING_SCRIPT.sub(r"<script defer \1>", PRELOAD.sub("", head))
    lighter = JSON_BLOCK.sub(
        lambda block: external_json(path, block), head + "</head>" + rest)
    if lighter != text:
        path.write_text(lighter, encoding="utf-8")
    return lighter != text


def external_json(page, block):
    """A JSON block as a file beside `page`, or the block as it was."""
    kind, name, data = block.groups()
    if len(data.encode()) < EXTERNAL_JSON_BYTES:
        return block.group(0)
    name = name or ("widgets" if "widget-state" in kind else "data")
    target = page.with_name(f"{page.stem}.{name}.json")
    target.write_text(data, encoding="utf-8")
    identity = f' id="{block.group(2)}"' if block.group(2) else ""
    return (f'<script type="{kind}"{identity}'
            f' data-src="{target.name}"></script>')


def icon_codepoints(outdir):
    """Every icon the site draws: those of the fa-NAME classes in its pages
    and those the theme's stylesheet itself puts in pseudo-elements (its
    icon variables, private-use characters)."""
    css = (outdir / THEME_CSS).read_text(encoding="utf-8")
    by_class = {}
    for selectors, codepoint in ICON_RULE.findall(css):
        for name in re.findall(r"\.fa-([a-z0-9-]+):before", selectors):
            by_class[name] = int(codepoint, 16)
    used = {int(cp) for cp in map(ord, css) if 0xE000 <= cp <= 0xF8FF}
    for page in outdir.rglob("*.html"):
        for name in ICON_CLASS.findall(page.read_text(encoding="utf-8")):
            if name in by_class:
                used.add(by_class[name])
    return used


def subset_icon_fonts(outdir):
    """Cut the theme's icon fonts down to the icons used; their size."""
    from fontTools import subset

    codepoints = icon_codepoints(outdir)
    total = 0
    for font in sorted((outdir / ICON_FONTS).glob("*.woff2")):
        options = subset.Options(flavor="woff2", layout_features=["*"])
        loaded = subset.load_font(str(font), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(loaded)
        subset.save_font(loaded, str(font), options)
        total += font.stat().st_size
    return len(codepoints), total


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


def _lighten(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = sum(lighten(page) for page in outdir.rglob("*.html"))
    icons, font_bytes = subset_icon_fonts(outdir)
    logger.info(f"[page-weight] {pages} pages lightened; icon fonts cut to"
                f" {icons} icons ({font_bytes:,} bytes)")


def _precompress(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    files = [path for path in Path(app.outdir).rglob("*")
             if path.is_file() and path.suffix in COMPRESSED_SUFFIXES
             and path.stat().st_size > MIN_BYTES]
    for path in files:
        precompress(path)
    logger.info(f"[page-weight] {len(files)} files precompressed (.gz, .br)")


def setup(app):
    # After every handler that writes files (the theme overwrites
    # _static/pygments.css when the build finishes): a copy made before
    # would be of the file it replaced.  The pages are lightened first;
    # offline_book.py lists the final files (950); then everything is
    # compressed, last.
    app.connect("build-finished", _lighten, priority=900)
    app.connect("build-finished", _precompress, priority=990)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
