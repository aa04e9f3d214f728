"""What a returning reader downloads when the book is rebuilt, measured in
Chromium against a server that counts the bytes it sends (the site as
nginx serves it with gzip_static: the precompressed copies).

A copy of a built site is visited once, until the book's service worker
controls the page; then it is "rebuilt" as a build that changed one page's
text would be (that page and the search index change, sw.js is written
anew, and the three get new .gz and .br copies, as book/_ext/ does), and the page
is reloaded until the new build is installed and waiting (the line that
offers 更新).  tests/test_offline_book.py holds the bytes to a bound;
`python -m bench.update_bytes --site DIR` prints them for any build.
"""
import importlib.util
import shutil

from tests.built_site import ROOT, WEB, serve

CHANGED_PAGE = "book/summary.html"
SEARCH_INDEX = "searchindex.js"
NEW_TEXT = "（第二次构建改了这一句。）"


def extension(name):
    """A Sphinx extension of book/_ext/ as a module (the build's own code)."""
    spec = importlib.util.spec_from_file_location(
        name, ROOT / "book" / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rebuild_one_page(site):
    """`site` as a rebuild that changed one page's text leaves it."""
    page_weight, offline_book = extension("page_weight"), extension("offline_book")
    page = site / CHANGED_PAGE
    page.write_text(page.read_text("utf-8").replace(
        "</h1>", f"</h1><p>{NEW_TEXT}</p>", 1), "utf-8")
    index = site / SEARCH_INDEX
    index.write_text(index.read_text("utf-8") + f"\n// {NEW_TEXT}\n", "utf-8")
    offline_book.write_service_worker(site, WEB)
    for path in (page, index, site / offline_book.SERVICE_WORKER):
        for twin in (".gz", ".br"):  # precompress() keeps a newer twin
            path.with_name(path.name + twin).unlink(missing_ok=True)
        page_weight.precompress(path)


def update_download(context, built, work):
    """Bytes a returning reader's browser downloads from the server while
    a rebuild of `built` (a built site's folder; copied into `work`)
    reaches it, and the requests: (bytes, [(path, bytes)])."""
    site = work / "site"
    shutil.copytree(built, site)
    served = []
    with serve(site, precompressed=True, served=served) as url:
        page = context.new_page()
        page.goto(f"{url}/book/index.html")
        page.wait_for_function(
            "() => navigator.serviceWorker.controller !== null", timeout=60_000)
        rebuild_one_page(site)
        served.clear()
        page.reload()
        page.locator(".lenet-update").wait_for(timeout=60_000)
        page.close()
    return sum(size for _, size in served), list(served)
