"""Draw the architecture figure of 5.5.1: book/figures/lenet.svg, in two
rows of 700 units for wide screens (its 12-unit labels are 11 px or more
wherever it is shown, from 641 px wide up), and web/figures/lenet-narrow.svg,
top to bottom, which web/css/book.css shows instead on a phone (its labels
stay at least 10 CSS px tall down to a 320 px screen).

Run `python ci/draw_lenet_figure.py` after changing a coordinate or label
(`bash ci/regenerate.sh` runs it); the SVGs are committed, so the book
build does not need this script.  `--into DIR` writes both into DIR
instead (how `ci/regenerate.sh --check` compares).
Map sizes are drawn at 3 px per pixel (28 -> 84 px); stacks of 16 channels
show 8 maps so that they stay legible.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BANNER = "<!-- Made by ci/draw_lenet_figure.py: do not edit. -->\n"
OUTPUT = ROOT / "book" / "figures" / "lenet.svg"
NARROW_OUTPUT = ROOT / "web" / "figures" / "lenet-narrow.svg"


def stack(cls, x, y, size, count, step=5):
    # back-most first so the front map is drawn last
    return "\n".join(
        f'  <rect class="{cls}" x="{x + step * i}" y="{y + step * i}" width="{size}" height="{size}"/>'
        for i in reversed(range(count)))


def arrow(x1, x2, top, bottom, y=140):
    return (f'  <path class="edge" d="M {x1} {y} L {x2} {y}"/>\n'
            f'  <text class="op" x="{(x1 + x2) / 2:g}" y="{y - 18}">{top}</text>\n'
            f'  <text class="op" x="{(x1 + x2) / 2:g}" y="{y - 6}">{bottom}</text>')


def label(x, y, shape, note=None):
    s = f'  <text class="shape" x="{x}" y="{y}">{shape}</text>'
    if note:
        s += f'\n  <text class="op" x="{x}" y="{y + 16}">{note}</text>'
    return s


parts = []
parts.append('  <rect class="input" x="20" y="98" width="84" height="84"/>')
parts.append(label(62, 206, "1@28×28", "输入 input"))
# Convolutional block: (arrow from, arrow to, operation, kind, stack x, y,
# map size, maps drawn, label x, label y, shape, note)
CONV_BLOCK = [
    (112, 160, ("conv", "5×5"), "map", 168, 91, 72, 6, 217, 210,
     "6@24×24", "sigmoid"),
    (273, 343, ("max pool", "2×2, 步幅 2"), "pool", 351, 112, 36, 6, 381, 194,
     "6@12×12", None),
    (420, 468, ("conv", "5×5"), "map", 476, 114, 24, 8, 506, 196,
     "16@8×8", "sigmoid"),
    (543, 613, ("max pool", "2×2, 步幅 2"), "pool", 621, 118, 12, 8, 645, 190,
     "16@4×4", None),
]
for (x1, x2, operation, kind, x, y, size, count, label_x, label_y, shape,
     note) in CONV_BLOCK:
    parts.append(arrow(x1, x2, *operation))
    parts.append(stack(kind, x, y, size, count))
    parts.append(label(label_x, label_y, shape, note))
# Row 2, the dense block, below: pool2's maps are flattened on the way
# there (an arrow down, back to the left, and down again).
parts.append('  <path class="edge" d="M 676 140 L 692 140 L 692 258 L 36 258'
             ' L 36 296"/>')
parts.append('  <text class="op" x="364" y="250">flatten 16·4·4</text>')
parts.append('  <text class="block" x="200" y="292">全连接层块 dense block</text>')
parts.append('  <rect class="input" x="28" y="304" width="16" height="100"/>')
parts.append(label(36, 424, "256"))
# Dense layers: bars centred on y=354, height roughly following the width.
for x, height, units in [(96, 60, 120), (164, 42, 84), (232, 12, 10)]:
    parts.append(f'  <path class="edge" d="M {x - 44} 354 L {x - 6} 354"/>')
    parts.append(f'  <rect class="dense" x="{x}" y="{354 - height // 2}"'
                 f' width="16" height="{height}"/>')
    parts.append(label(x + 8, 354 + height // 2 + 20, str(units)))
parts.append('  <text class="op" x="150" y="448">dense: 120, 84 (sigmoid); 10</text>')
parts.append('  <path class="edge" d="M 254 354 L 296 354"/>')
parts.append('  <text class="op" x="346" y="350">10 个类别</text>')
parts.append('  <text class="op" x="346" y="366">class scores</text>')
parts.append('  <path class="brace" d="M 168 60 L 168 50 L 668 50 L 668 60"/>')
parts.append('  <text class="block" x="418" y="40">卷积层块 convolutional block</text>')

def head(width, height, op, shape, block):
    return f'''<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"
     font-family="DejaVu Sans, Helvetica, Arial, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
     font-size="13" role="img" aria-labelledby="title desc">
  <title id="title">LeNet</title>
  <desc id="desc">LeNet: a 1x28x28 input; 5x5 convolution to 6x24x24; 2x2 max pooling to
    6x12x12; 5x5 convolution to 16x8x8; 2x2 max pooling to 16x4x4; flattened to 256;
    dense layers of 120, 84 and 10 outputs.</desc>
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
            orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/>
    </marker>
    <style>
      .map {{ fill: #dbe9f6; stroke: #2b5d8a; stroke-width: 1.2; }}
      .pool {{ fill: #e6f4e1; stroke: #3c7a2f; stroke-width: 1.2; }}
      .dense {{ fill: #fbe6d4; stroke: #a4561b; stroke-width: 1.2; }}
      .input {{ fill: #eeeeee; stroke: #555; stroke-width: 1.2; }}
      .edge {{ stroke: #444; stroke-width: 1.4; fill: none; marker-end: url(#arrow); }}
      .op {{ font-size: {op}px; fill: #333; text-anchor: middle; }}
      .shape {{ font-size: {shape}px; fill: #111; text-anchor: middle; font-weight: bold; }}
      .block {{ font-size: {block}px; fill: #333; text-anchor: middle; }}
      .brace {{ stroke: #777; stroke-width: 1.2; fill: none; }}
    </style>
  </defs>
'''
WIDE = head(700, 460, 12, 13, 14) + "\n".join(parts) + "\n</svg>\n"


def narrow_figure():
    """The same network top to bottom, 300 units wide: on a 320 px phone
    (about 290 px of text width) its 12 px labels are drawn at 11 px."""
    out, y, cx = [], 26, 120

    def down(y1, y2, top, bottom=None):
        out.append(f'  <path class="edge" d="M {cx} {y1} L {cx} {y2}"/>')
        out.append(f'  <text class="op" x="{cx + 12}" y="{(y1 + y2) / 2 + 4:g}"'
                   f' style="text-anchor: start">{top}'
                   + (f'；{bottom}' if bottom else "") + "</text>")

    out.append(f'  <rect class="input" x="{cx - 28}" y="{y}" width="56" height="56"/>')
    out.append(f'  <text class="shape" x="{cx + 40}" y="{y + 32}" style="text-anchor: start">1@28×28 输入</text>')
    y += 56
    blocks = [("conv 5×5，sigmoid", "map", 48, 6, "6@24×24"),
              ("max pool 2×2，步幅 2", "pool", 24, 6, "6@12×12"),
              ("conv 5×5，sigmoid", "map", 16, 8, "16@8×8"),
              ("max pool 2×2，步幅 2", "pool", 8, 8, "16@4×4")]
    conv_top = y + 8
    for operation, kind, size, count, shape in blocks:
        down(y + 4, y + 40, operation)
        y += 46
        out.append(stack(kind, cx - size // 2 - 4 * count // 2, y, size, count,
                         step=4))
        out.append(f'  <text class="shape" x="{cx + 50}" y="{y + size / 2 + 8:g}"'
                   f' style="text-anchor: start">{shape}</text>')
        y += size + 4 * count
    conv_bottom = y
    down(y + 4, y + 40, "flatten 16·4·4")
    y += 46
    dense_top = y
    # Each bar, and the layer that leads from it to the next one.
    for width, units, next_layer in [(256, "256", "dense，sigmoid"),
                                     (120, "120", "dense，sigmoid"),
                                     (84, "84", "dense"), (10, "10", None)]:
        bar = width * 0.6
        out.append(f'  <rect class="dense" x="{cx - bar / 2:g}" y="{y}"'
                   f' width="{bar:g}" height="12"/>')
        out.append(f'  <text class="shape" x="{cx + max(bar / 2, 20) + 8:g}"'
                   f' y="{y + 11}" style="text-anchor: start">{units}</text>')
        y += 12
        if next_layer:
            down(y + 4, y + 34, next_layer)
            y += 40
    out.append(f'  <text class="op" x="{cx}" y="{y + 24}">10 个类别 class scores</text>')
    dense_bottom = y + 12
    for top, bottom, words in [(conv_top, conv_bottom, "卷积层块"),
                               (dense_top, dense_bottom, "全连接层块")]:
        out.append(f'  <path class="brace" d="M 282 {top} L 292 {top} L 292 {bottom}'
                   f' L 282 {bottom}"/>')
        middle = (top + bottom) / 2
        out.append(f'  <text class="block" x="0" y="0" transform="translate(306 {middle:g})'
                   f' rotate(90)">{words}</text>')
    height = y + 40
    return head(320, height, 12, 13, 14) + "\n".join(out) + "\n</svg>\n"


def write(outputs):
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BANNER + text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    into = sys.argv[2] if sys.argv[1:2] == ["--into"] else None
    figures = {OUTPUT: WIDE, NARROW_OUTPUT: narrow_figure()}
    write({Path(into, path.name) if into else path: text
           for path, text in figures.items()})
