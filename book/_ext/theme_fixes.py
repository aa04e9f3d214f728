"""The theme's last English words in Chinese, and its accessibility gaps,
fixed in the built pages.

The theme (pydata-sphinx-theme under sphinx-book-theme) has no Chinese
catalogue for some of its words, and writes others into its templates
untranslated; Sphinx 7.4's own catalogue lacks "Link to this heading".
WORDS lists them as the pages show them (in attributes and in text).

Two markup fixes that axe-core asks for:
* the search buttons carry aria-label="搜索" while they show "搜索 Ctrl+K";
  a name that differs from the visible text (label-content-name-mismatch)
  confuses speech input, so the visible text names them;
* the bibliography is a role="list" whose entries have the deprecated role
  doc-biblioentry instead of listitem (aria-required-children, critical).
"""
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
WORDS = {
    "Link to this heading": "链接到本标题",
    "Link to this equation": "链接到本公式",
    "Link to this image": "链接到本图",
    "Link to this table": "链接到本表",
    "Search this book...": "在本书中搜索……",
    "Toggle primary sidebar": "显示或隐藏左侧目录",
    "Toggle secondary sidebar": "显示或隐藏本页目录",
    "Color mode": "颜色模式",
    "System Settings": "跟随系统",
    "列印成 PDF": "打印成 PDF",
    "Open issue": "报告问题",
    "Source repository": "源代码仓库",
    "Launch": "在线运行",
    "Download this page": "下载本页",
    "Fullscreen mode": "全屏",
    "Skip to main content": "跳到正文",
    "Back to top": "回到顶部",
    "Main": "主导航",
    "Page": "本页",
}
SEARCH_BUTTON_LABEL = re.compile(
    r'(<button class="btn search-button-field search-button__button[^"]*"'
    r'[^>]*?) aria-label="[^"]*"')
BIBLIOGRAPHY_ENTRY = 'role="doc-biblioentry"'


# Only where the theme puts words: these attributes, and text of its own.
WORDING = re.compile(
    r'((?:aria-label|title|data-bs-title|placeholder)=")([^"]+)(")'
    r'|(>\s*)([^<>]+?)(\s*<)')


def _chinese(match):
    groups = match.groups()
    before, words, after = groups[:3] if groups[0] else groups[3:]
    return before + WORDS.get(words, words) + after


def fix(text):
    text = WORDING.sub(_chinese, text)
    text = SEARCH_BUTTON_LABEL.sub(r"\1", text)
    return text.replace(BIBLIOGRAPHY_ENTRY, 'role="listitem"')


def _finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    changed = 0
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = fix(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
            changed += 1
    logger.info(f"[theme-fixes] {changed} pages fixed")


def setup(app):
    # Before page_weight compresses the pages (its priority is the default).
    app.connect("build-finished", _finished, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
