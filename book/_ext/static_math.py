"""The pages' formulas typeset when the book is built.

MathJax 3 in node (ci/js/render_math.cjs, pinned in ci/js/package.json)
turns each formula of a page into SVG, with MathML beside it for screen
readers, in place of the TeX that MathJax would otherwise typeset in the
reader's browser once the text is shown: that moved the text under the
reader's eyes (Lighthouse measured a layout shift of 0.62 on 5.5.1) and
cost a 0.3 MB download.  The page gets MathJax's style sheet for its SVG
and no MathJax script (sphinx.ext.mathjax's scripts are dropped); Sphinx's
search index is built from the sources, so search is untouched.
"""
import html
import json
import re
import subprocess
from pathlib import Path

from sphinx.errors import ExtensionError

RENDERER = Path("ci", "js", "render_math.cjs")
INLINE = re.compile(r'(<span class="math notranslate nohighlight">)\\\((.*?)'
                    r'\\\)(</span>)', re.S)
DISPLAY = re.compile(r'(<div class="math notranslate nohighlight"[^>]*>\s*'
                     r'(?:<span class="eqno">.*?</span>\s*)?)\\\[(.*?)\\\]'
                     r'(\s*</div>)', re.S)


def typeset(confdir, formulas):
    """{css, html} of MathJax's SVG for [(tex, display)]."""
    renderer = Path(confdir, RENDERER)
    node_modules = renderer.parent / "node_modules" / "mathjax-full"
    if not node_modules.is_dir():
        raise ExtensionError("the book's formulas are typeset by MathJax in"
                             " node when it is built: run `bash ci/setup.sh`"
                             " (npm ci in ci/js)")
    done = subprocess.run(
        ["node", str(renderer)], cwd=renderer.parent, capture_output=True,
        check=True, input=json.dumps([{"tex": tex, "display": display}
                                      for tex, display in formulas]).encode())
    return json.loads(done.stdout)


def typeset_page(app, context):
    """The page's formulas as SVG, and no MathJax script."""
    body = context.get("body") or ""
    found = [(match, False) for match in INLINE.finditer(body)]
    found += [(match, True) for match in DISPLAY.finditer(body)]
    context["script_files"] = [
        script for script in context.get("script_files", [])
        if not str(getattr(script, "filename", None) or "").endswith(
            app.config.mathjax_path)
        and not str(getattr(script, "attributes", {}).get("body", ""))
        .startswith("window.MathJax")]
    if not found:
        return
    typeset_ = typeset(app.confdir, [(html.unescape(m.group(2)), display)
                                     for m, display in found])
    markup = {m.span(): m.group(1) + svg + m.group(3)
              for (m, _), svg in zip(found, typeset_["html"])}
    for (start, end), replacement in sorted(markup.items(), reverse=True):
        body = body[:start] + replacement + body[end:]
    context["body"] = body
    context["metatags"] = (context.get("metatags", "")
                           + f"\n<style>{typeset_['css']}</style>")
