"""Binder, repository and issue buttons for the repository the book lives in.

The book has no fixed public address: it is whatever repository it was pushed
to.  At build time this extension finds it, in this order:

1. ``BOOK_REPOSITORY_URL`` (and ``BOOK_REPOSITORY_BRANCH``) in the environment;
2. ``repository.url`` (and ``repository.branch``) in ``_config.yml``;
3. ``git remote get-url origin``, when it is a github.com or gitlab.com
   repository (https or ssh form); the branch is the checked-out one.

With a repository, every page with code gets the Binder launch button
(JupyterLab, opening the page's ``.md``; a page of text alone would cost a
reader minutes of Binder's start for nothing), and every page the
repository button and the open-issue button.  With none, the build prints one line saying how to
get them and no page carries a launch link.  The ``{repository-note}`` and
``{run-this-page}`` directives tell the reader which case this build is.
"""
import dataclasses
import html
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

URL_ENV_VAR, BRANCH_ENV_VAR = "BOOK_REPOSITORY_URL", "BOOK_REPOSITORY_BRANCH"
BINDERHUB = "https://mybinder.org"
DEFAULT_BRANCH = "main"
HOSTS = {"github.com": "gh", "gitlab.com": "gl"}
BINDER_META = "book-binder-url"
# https://host/org/repo, ssh://git@host/org/repo, git@host:org/repo, each
# with an optional .git and trailing slash; credentials are dropped.
_REMOTE = re.compile(
    r"^(?:(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host1>[^/:]+)(?::\d+)?/"
    r"|(?:[^@/]+@)?(?P<host2>[^/:]+):)"
    r"(?P<org>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$")
HOW_TO_GET_BUTTONS = (
    "no GitHub or GitLab repository found, so the pages have no Binder, "
    "repository or issue buttons: push this repository to github.com or "
    f"gitlab.com (as git remote 'origin') or set {URL_ENV_VAR}")

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Repository:
    """A public repository on github.com or gitlab.com and a branch."""

    host: str
    org: str
    name: str
    branch: str
    found_in: str  # where the URL came from, for the build's log
    binderhub: str = BINDERHUB

    @property
    def url(self):
        return f"https://{self.host}/{self.org}/{self.name}"

    def binder_url(self, path_in_repository):
        """mybinder.org's JupyterLab on this repository, opening the file."""
        spec = (f"{self.org}/{self.name}" if self.host == "github.com"
                else f"{self.org}%2F{self.name}")
        return (f"{self.binderhub.rstrip('/')}/v2/{HOSTS[self.host]}/{spec}/{self.branch}"
                f"?urlpath=lab/tree/{path_in_repository}")


def parse_remote(url):
    """(host, org, repo) of a github.com or gitlab.com URL, else None."""
    match = _REMOTE.match((url or "").strip())
    if not match:
        return None
    host = (match["host1"] or match["host2"]).lower()
    if host not in HOSTS:
        return None
    return host, match["org"], match["repo"]


def _git(folder, *args):
    try:
        result = subprocess.run(["git", "-C", str(folder), *args],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def find_repository(folder, environ=os.environ, config_url="",
                    config_branch="") -> Optional[Repository]:
    """The repository the book in `folder` points at, or None.

    Raises ConfigError when the environment or ``_config.yml`` names a URL
    that is not a github.com or gitlab.com repository: someone asked for it,
    so silently building without buttons would hide the mistake.
    """
    env_branch = environ.get(BRANCH_ENV_VAR, "").strip()
    # Empty when HEAD is detached: then there is no branch to give Binder.
    git_branch = _git(folder, "symbolic-ref", "--short", "-q", "HEAD")
    for url, found_in, branch in (
            (environ.get(URL_ENV_VAR, ""), URL_ENV_VAR, env_branch),
            (config_url, "_config.yml (repository.url)",
             env_branch or config_branch)):
        if url and url.strip():
            parts = parse_remote(url)
            if parts is None:
                raise ConfigError(
                    f"{found_in} = {url!r} is not a github.com or gitlab.com "
                    "repository URL. Use https://github.com/ORG/REPO (or "
                    "gitlab.com), or leave it empty to use git's origin "
                    "remote.")
            return Repository(*parts, branch or git_branch or DEFAULT_BRANCH,
                              found_in)
    parts = parse_remote(_git(folder, "remote", "get-url", "origin"))
    if parts is None:
        return None
    return Repository(*parts, env_branch or git_branch or DEFAULT_BRANCH,
                      "git remote origin")


def _configure(app, config):
    """Put the repository into the theme options, or take launching out."""
    theme = config.html_theme_options
    repository = find_repository(app.srcdir, os.environ,
                                 theme.get("repository_url", ""),
                                 theme.get("repository_branch", ""))
    launch = dict(theme.get("launch_buttons") or {})
    if repository is not None:
        launch["binderhub_url"] = launch.get("binderhub_url") or BINDERHUB
        repository = dataclasses.replace(
            repository, binderhub=launch["binderhub_url"])
    # A config value that rebuilds the environment when it changes: the
    # directives below write the repository into the pages themselves.
    config.book_repository = _as_tuple(repository)
    if repository is None:
        # sphinx-book-theme would link Binder to its own default repository
        # (or fail on an empty one), so no launch provider at all.
        launch["binderhub_url"] = ""
        theme.update(launch_buttons=launch, repository_url="",
                     use_repository_button=False, use_issues_button=False)
        logger.info(f"[repository] {HOW_TO_GET_BUTTONS}")
        return
    theme.update(launch_buttons=launch, repository_url=repository.url,
                 repository_branch=repository.branch, path_to_docs="",
                 use_repository_button=True, use_issues_button=True)
    logger.info(f"[repository] buttons point at {repository.url} "
                f"(branch {repository.branch}, from {repository.found_in})")


def _as_tuple(repository):
    return () if repository is None else (
        repository.host, repository.org, repository.name, repository.branch,
        repository.found_in, repository.binderhub)


def repository_of(config):
    """The Repository this build found, or None."""
    return Repository(*config.book_repository) if config.book_repository \
        else None


def page_has_code(source):
    """Whether the page at `source` (a MyST notebook) has a code cell."""
    import jupytext

    return any(cell.cell_type == "code"
               for cell in jupytext.read(source).cells)


def _has_code(app, pagename):
    source = Path(app.env.doc2path(pagename))
    return source.suffix == ".md" and "kernelspec" in app.env.metadata.get(
        pagename, {}) and page_has_code(source)


def _no_launch_without_code(app, pagename, templatename, context, doctree):
    """Take the theme's launch buttons off a page with no code."""
    if "header_buttons" in context and not _has_code(app, pagename):
        context["header_buttons"] = [
            button for button in context["header_buttons"]
            if button.get("label") != "launch-buttons"]


def _add_binder_meta_tag(app, pagename, templatename, context, doctree):
    """<meta name="book-binder-url">: the page's Binder link, for scripts
    on the page (the 5.5.4 explorer points readers there to train)."""
    repository = repository_of(app.config)
    if repository is None or not _has_code(app, pagename):
        return
    url = html.escape(repository.binder_url(
        Path(app.env.doc2path(pagename, False)).as_posix()), quote=True)
    context["metatags"] = (context.get("metatags", "")
                           + f'\n<meta name="{BINDER_META}" content="{url}">')


def _offer_notebook_download(app, pagename, templatename, context, doctree):
    """With no launch provider the theme no longer copies each page's
    executed notebook for download; do what it does."""
    if app.config.book_repository or "kernelspec" not in (
            app.env.metadata.get(pagename, {})):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


# The book's page for readers and teachers (book/about.md), where running
# the pages on one's own machine is explained.
ABOUT_PAGE = "sec-about-local"


def _about_link():
    """A link to that page's section, resolved by Sphinx like {ref}."""
    from sphinx.addnodes import pending_xref

    ref = pending_xref("", refdomain="std", reftype="ref", reftarget=ABOUT_PAGE,
                       refexplicit=True, refwarn=True)
    ref += nodes.inline("", "“关于本书”一页的说明")
    return ref


def _paragraph(*children):
    return nodes.paragraph("", "", *children)


def _link(url, text=None):
    return nodes.reference(text or url, text or url, refuri=url)


class RepositoryNote(SphinxDirective):
    """One sentence for the front page: where the buttons point."""

    def run(self):
        repository = repository_of(self.config)
        if repository is None:
            return [_paragraph(
                nodes.Text("这次构建没有找到本书所在的 GitHub 或 GitLab 仓库，所以"
                           "网页上没有“在 Binder 上运行”的按钮；要运行这些页面，"
                           "请按"), _about_link(),
                nodes.Text("在自己的电脑上打开它们。"))]
        return [_paragraph(
            nodes.Text("网页顶部的 Binder 按钮、仓库按钮和“提交问题”按钮都指向仓库 "),
            _link(repository.url),
            nodes.Text(f" 的 {repository.branch} 分支。"))]


class RunThisPage(SphinxDirective):
    """How to run the current page: its Binder link, or the local route."""

    def run(self):
        repository = repository_of(self.config)
        page = self.env.doc2path(self.env.docname, False)
        if repository is None:
            return [_paragraph(
                nodes.Text("要运行本页，请按"), _about_link(),
                nodes.Text("在自己的电脑上操作："),
                nodes.literal("", "bash ci/setup.sh"), nodes.Text("，然后 "),
                nodes.literal("", "jupyter lab book/"),
                nodes.Text(f"，再以笔记本方式打开 {Path(page).name}。"))]
        return [_paragraph(
            nodes.Text("要运行本页，请"),
            _link(repository.binder_url(Path(page).as_posix()),
                  "在 Binder 上打开它"),
            nodes.Text("（第一次启动需要几分钟），或者按"), _about_link(),
            nodes.Text("在自己的电脑上运行。"))]


def setup(app):
    app.add_config_value("book_repository", (), "env", [tuple])
    app.connect("config-inited", _configure)
    # Before sphinx-book-theme's header buttons (priority 501) read it.
    app.connect("html-page-context", _offer_notebook_download, priority=500)
    app.connect("html-page-context", _add_binder_meta_tag)
    # After sphinx-book-theme's launch buttons (priority 501).
    app.connect("html-page-context", _no_launch_without_code, priority=502)
    app.add_directive("repository-note", RepositoryNote)
    app.add_directive("run-this-page", RunThisPage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
