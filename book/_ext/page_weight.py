"""What a reader on a slow line downloads, made smaller.

* The theme's icon script (`fontawesome.js`, 1.49 MB) and its preloads are
  left out of the theme's template (theme_words.py); the theme's
  stylesheet draws the same icons from Font Awesome's web fonts, which
  are cut down to the icons the site uses (fontTools): 275 KB of fonts
  become a few (`subset_icon_fonts`, after the build).
* The scripts in the head (Sphinx's, the extensions', the search's) are
  deferred, in their order, but documentation_options.js, which the
  page's inline scripts use as they run: each of them held the first
  paint back by a round trip on a slow line (`defer_head_scripts`).
* Large blocks of JSON data in a page (on 5.5.4 the saved widget state,
  0.16 MB with the widgets' modules, and the sweep chart's 0.08 MB) become
  files beside the page, named in the block's `data-src`: on a line that
  does not compress they would share the bandwidth with the text's
  stylesheets and delay the first paint.  web/js/static_widgets.js and the
  chart fetch them when they draw (`external_widget_state`,
  `external_json_blocks`).
* Every text file of the site larger than MIN_BYTES, and the WebAssembly
  of TF.js (its .br is a quarter of it), gets precompressed copies beside
  it, `NAME.gz` and `NAME.br`, for servers that send them when the browser
  accepts them (nginx `gzip_static on;` and `brotli_static on;`,
  see "给教师" in book/about.md).  A server that does not compress serves the
  files as before (`precompress_site`, last).

book/_ext/post_build.py runs each in its place.
"""
import gzip
import re
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# What the inline scripts after it read as they run.
KEPT_BLOCKING = "documentation_options.js"
# The sweep chart's data, in the HTML of a cell's output (lenet.sweep_chart),
# which Sphinx hands over as the page's body text: no hook reaches inside
# it, so a regular expression finds the block.
JSON_BLOCK = re.compile(
    r'<script type="application/json" id="([\w-]+)">(.*?)</script>', re.S)
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


def defer_head_scripts(context):
    """Every script of the page's head that would block it, deferred."""
    def deferred(script):
        attributes = dict(getattr(script, "attributes", {}))
        name = str(getattr(script, "filename", "") or "")
        if (not name or name.endswith(KEPT_BLOCKING)
                or {"async", "defer", "type"} & set(attributes)):
            return script
        return _JavaScript(name, priority=script.priority, defer="defer",
                           **attributes)

    context["script_files"] = [deferred(script)
                               for script in context.get("script_files", [])]


def _beside(outdir, pagename, name, data):
    """`data` as the file `name` beside the page; its name."""
    target = Path(outdir, pagename).with_name(f"{Path(pagename).name}.{name}.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(data, encoding="utf-8")
    return target.name


def external_widget_state(outdir, pagename, context):
    """The page's saved widget state (myst-nb's script block) as a file
    beside the page, when it is large."""
    def moved(script):
        attributes = dict(getattr(script, "attributes", {}))
        body = attributes.get("body", "")
        if (attributes.get("type") != WIDGET_STATE
                or len(body.encode()) < EXTERNAL_JSON_BYTES):
            return script
        name = _beside(outdir, pagename, "widgets", body)
        return _JavaScript(None, priority=script.priority, type=WIDGET_STATE,
                           **{"data-src": name})

    context["script_files"] = [moved(script)
                               for script in context.get("script_files", [])]


def external_json_blocks(outdir, pagename, body):
    """The page's body with its large JSON blocks as files beside it."""
    def moved(block):
        identity, data = block.groups()
        if len(data.encode()) < EXTERNAL_JSON_BYTES:
            return block.group(0)
        name = _beside(outdir, pagename, identity, data)
        return (f'<script type="application/json" id="{identity}"'
                f' data-src="{name}"></script>')

    return JSON_BLOCK.sub(moved, body)


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


def precompress_site(outdir):
    """NAME.gz and NAME.br of every file worth it; how many."""
    files = [path for path in Path(outdir).rglob("*")
             if path.is_file() and path.suffix in COMPRESSED_SUFFIXES
             and path.stat().st_size > MIN_BYTES]
    for path in files:
        precompress(path)
    return len(files)
