"""Bring the site up to date after an edit under web/ or of the widgets'
bundles (book/lenet/esm/, ci/build_js.sh) alone.

Two things would otherwise keep the old JavaScript:

* Sphinx copies html_extra_path (web/) only when it writes at least one
  page; after an edit under web/ alone it reports "no targets are out of
  date".  The root page is marked outdated whenever the files' names, sizes
  or times differ from the last build's.
* A page that shows an anywidget carries the widget's JavaScript in its
  saved widget state, read from book/lenet/esm/ when the page was
  executed, and the execution cache only notices changes to the page's own
  code.  Those pages' cache records are dropped, so they run again.
"""
import hashlib
from pathlib import Path

from lenet.paths import ESM_DIR
from sphinx.util import logging

logger = logging.getLogger(__name__)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# The widgets' bundles.
WIDGET_BUNDLES = ESM_DIR


def _fingerprint(app):
    digest = hashlib.sha256()
    for folder in [*app.config.html_extra_path, WIDGET_BUNDLES]:
        for path in sorted(Path(app.confdir, folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
                              .encode())
    return digest.hexdigest()


def _shows_an_anywidget(notebook):
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    return any(model.get("model_module") == "anywidget"
               for model in state.get("state", {}).values())


def _drop_cached_anywidget_pages(app, env):
    """Remove the cache records of pages with anywidgets; their docnames."""
    from jupyter_cache import get_cache

    folder = (app.config.nb_execution_cache_path
              or Path(app.outdir).parent / ".jupyter_cache")
    if not Path(folder).is_dir():
        return []
    cache, docnames = get_cache(folder), []
    for record in cache.list_cache_records():
        if _shows_an_anywidget(cache.get_cache_bundle(record.pk).nb):
            cache.remove_cache(record.pk)
            docnames.append(env.path2doc(record.uri))
            logger.info(f"[web] {record.uri} runs again: its widgets carry"
                        " JavaScript from web/ and book/lenet/esm/")
    return [name for name in docnames if name]


def _outdated(app, env, added, changed, removed):
    fingerprint = _fingerprint(app)
    if getattr(env, "extra_files_fingerprint", None) == fingerprint:
        return []
    first_build = not hasattr(env, "extra_files_fingerprint")
    env.extra_files_fingerprint = fingerprint
    outdated = {app.config.root_doc}
    if not first_build:
        outdated.update(_drop_cached_anywidget_pages(app, env))
    return sorted(outdated & env.found_docs)


def setup(app):
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
