"""Copy html_extra_path (web/) again when a file in it changed.

Sphinx copies the extra files only when it writes at least one page; after
an edit under web/ alone it reports "no targets are out of date" and the
site keeps the old JavaScript.  This marks the root page outdated whenever
the files' names, sizes or times differ from the last build's.
"""
import hashlib
from pathlib import Path


def _fingerprint(app):
    digest = hashlib.sha256()
    for extra in app.config.html_extra_path:
        for path in sorted(Path(app.confdir, extra).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
                              .encode())
    return digest.hexdigest()


def _outdated(app, env, added, changed, removed):
    fingerprint = _fingerprint(app)
    if getattr(env, "extra_files_fingerprint", None) == fingerprint:
        return []
    env.extra_files_fingerprint = fingerprint
    return [app.config.root_doc] if app.config.root_doc in env.found_docs \
        else []


def setup(app):
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}


