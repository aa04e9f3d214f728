"""Write the stylesheet that draws the theme's icons without Font Awesome's
1.5 MB script: one CSS mask per icon, from Font Awesome Free's own SVGs.

    python ci/make_icon_css.py FONTAWESOME_PACKAGE_DIR OUT_DIR

ci/vendor_web_assets.sh runs it on the npm package it unpacked.  ICONS are
the icons the book's theme (pydata-sphinx-theme, sphinx-book-theme) puts in
its templates; the theme writes them as <i class="fa-solid fa-bars"></i>,
which the stylesheet fills with the icon in the text's colour.
"""
import sys
import urllib.parse
from pathlib import Path

# class name -> (style folder, SVG name): the theme's names, some of them
# Font Awesome 5 aliases of the 6 names.
ICONS = {
    "magnifying-glass": ("solid", "magnifying-glass"),
    "magnifying-glass-minus": ("solid", "magnifying-glass-minus"),
    "bars": ("solid", "bars"), "list": ("solid", "list"),
    "outdent": ("solid", "outdent"), "xmark": ("solid", "xmark"),
    "sun": ("solid", "sun"), "moon": ("solid", "moon"),
    "circle-half-stroke": ("solid", "circle-half-stroke"),
    "expand": ("solid", "expand"), "arrow-up": ("solid", "arrow-up"),
    "angle-left": ("solid", "angle-left"),
    "angle-right": ("solid", "angle-right"),
    "download": ("solid", "download"), "file": ("solid", "file"),
    "file-pdf": ("solid", "file-pdf"), "file-lines": ("solid", "file-lines"),
    "code": ("solid", "code"), "rocket": ("solid", "rocket"),
    "play": ("solid", "play"), "lightbulb": ("solid", "lightbulb"),
    "pencil": ("solid", "pencil"), "pencil-alt": ("solid", "pencil"),
    "share": ("solid", "share"), "home": ("solid", "house"),
    "bell": ("solid", "bell"),
    "up-right-from-square": ("solid", "up-right-from-square"),
    "triangle-exclamation": ("solid", "triangle-exclamation"),
    "circle-xmark": ("solid", "circle-xmark"),
    "circle-info": ("solid", "circle-info"),
    "circle-exclamation": ("solid", "circle-exclamation"),
    "circle-check": ("solid", "circle-check"),
    "github": ("brands", "github"), "gitlab": ("brands", "gitlab"),
}
BASE = """\
/* The theme's icons from Font Awesome Free's SVGs (icons: CC BY 4.0,
   https://fontawesome.com/license/free), made by ci/make_icon_css.py
   instead of the 1.5 MB fontawesome.js.  Each <i class="fa-... fa-NAME">
   is a box of the text's colour, masked by the icon's shape. */
i.fa-solid, i.fas, i.fa-brands, i.fab, i.fa-regular, i.far {
  display: inline-block; width: 1.25em; height: 1em;
  vertical-align: -0.125em; background-color: currentColor;
  -webkit-mask: var(--book-icon) no-repeat center / contain;
  mask: var(--book-icon) no-repeat center / contain;
}
i.fa-lg { font-size: 1.25em; vertical-align: -0.2em; }
"""


def svg_data_url(svg):
    # The comment with the licence stays in the CSS header, not per icon.
    body = svg[svg.index("<svg"):].replace("\n", " ")
    start = body.index("<!--") if "<!--" in body else -1
    if start >= 0:
        body = body[:start] + body[body.index("-->") + 3:]
    return "data:image/svg+xml," + urllib.parse.quote(body, safe=" =:/\"'")


def main(package, out):
    package, out = Path(package), Path(out)
    rules = [BASE]
    for name, (style, svg_name) in ICONS.items():
        svg = (package / "svgs" / style / f"{svg_name}.svg").read_text()
        rules.append(f'i.fa-{name} {{ --book-icon: url("{svg_data_url(svg)}"); }}')
    out.mkdir(parents=True, exist_ok=True)
    (out / "icons.css").write_text("\n".join(rules) + "\n")
    (out / "LICENSE.txt").write_text((package / "LICENSE.txt").read_text())
    print(f"[icons] {len(ICONS)} icons -> {out / 'icons.css'}")


if __name__ == "__main__":
    main(*sys.argv[1:])
