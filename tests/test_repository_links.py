"""The book finds the repository it lives in and links Binder to it.

Unit tests of book/_ext/repository_links.py, then real builds of copies of
this project whose git `origin` is a GitHub or GitLab remote,
no remote, or overridden by BOOK_REPOSITORY_URL.  The builds reuse the
execution cache of the main build (run `bash ci/build.sh` first), so each
takes seconds.
"""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jupytext
import pytest
from sphinx.errors import ConfigError

import repository_links as links
from tests.prerequisites import require_or_skip
from tests.built_site import ROOT, binder_launch_links, pages_with_code

CODE_PAGES = [page.stem for page in pages_with_code()]
EXECUTION_CACHE = ROOT / "_build" / ".jupyter_cache"


def git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True,
                   capture_output=True)


def git_repo(folder, remote=None, branch="main"):
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q", "-b", branch)
    if remote:
        git(folder, "remote", "add", "origin", remote)
    return folder


@pytest.mark.quick
@pytest.mark.parametrize("remote, expected", [
    ("https://github.com/d2l-fan/lenet-book.git",
     ("github.com", "d2l-fan", "lenet-book")),
    ("https://github.com/d2l-fan/lenet-book",
     ("github.com", "d2l-fan", "lenet-book")),
    ("https://github.com/d2l-fan/lenet-book/",
     ("github.com", "d2l-fan", "lenet-book")),
    ("git@github.com:d2l-fan/lenet-book.git",
     ("github.com", "d2l-fan", "lenet-book")),
    ("ssh://git@github.com/d2l-fan/lenet.book.git",
     ("github.com", "d2l-fan", "lenet.book")),
    ("https://x-access-token:SECRET@github.com/d2l-fan/lenet-book.git",
     ("github.com", "d2l-fan", "lenet-book")),
    ("git@gitlab.com:teacher/lenet-book.git",
     ("gitlab.com", "teacher", "lenet-book")),
    ("https://GitLab.com/teacher/lenet-book",
     ("gitlab.com", "teacher", "lenet-book")),
    ("/work/main", None),
    ("https://bitbucket.org/team/lenet-book.git", None),
    ("https://gitlab.com/group/subgroup/lenet-book.git", None),
    ("", None),
])
def test_parse_remote(remote, expected):
    assert links.parse_remote(remote) == expected


@pytest.mark.quick
def test_https_github_remote_and_the_checked_out_branch(tmp_path):
    folder = git_repo(tmp_path / "book",
                      "https://github.com/d2l-fan/lenet-book.git", "teaching")
    repository = links.find_repository(folder, environ={})
    assert repository.url == "https://github.com/d2l-fan/lenet-book"
    assert repository.branch == "teaching"
    assert repository.found_in == "git remote origin"
    assert repository.binder_url("book/training.md") == (
        "https://mybinder.org/v2/gh/d2l-fan/lenet-book/teaching"
        "?urlpath=lab/tree/book/training.md")


@pytest.mark.quick
def test_gitlab_binder_url_escapes_the_slash(tmp_path):
    folder = git_repo(tmp_path / "book", "git@gitlab.com:teacher/lenet.git")
    repository = links.find_repository(folder, environ={})
    assert repository.url == "https://gitlab.com/teacher/lenet"
    assert repository.binder_url("book/index.md") == (
        "https://mybinder.org/v2/gl/teacher%2Flenet/main"
        "?urlpath=lab/tree/book/index.md")


@pytest.mark.quick
def test_no_remote_or_another_host_means_no_repository(tmp_path):
    assert links.find_repository(git_repo(tmp_path / "a"), environ={}) is None
    assert links.find_repository(
        git_repo(tmp_path / "b", "/srv/git/lenet-book.git"), environ={}) is None
    assert links.find_repository(tmp_path / "not-a-repo", environ={}) is None


@pytest.mark.quick
def test_environment_beats_config_beats_git(tmp_path):
    folder = git_repo(tmp_path / "book",
                      "https://github.com/from-git/lenet-book.git", "dev")
    environ = {links.URL_ENV_VAR: "https://gitlab.com/from-env/lenet",
               links.BRANCH_ENV_VAR: "course-2026"}
    repository = links.find_repository(
        folder, environ, config_url="https://github.com/from-config/x")
    assert (repository.url, repository.branch, repository.found_in) == (
        "https://gitlab.com/from-env/lenet", "course-2026",
        links.URL_ENV_VAR)
    repository = links.find_repository(
        folder, {}, config_url="https://github.com/from-config/x",
        config_branch="stable")
    assert (repository.url, repository.branch) == (
        "https://github.com/from-config/x", "stable")
    # Without a branch anywhere but git, git's branch is used.
    repository = links.find_repository(
        folder, {links.URL_ENV_VAR: "https://github.com/from-env/x"})
    assert repository.branch == "dev"


@pytest.mark.quick
def test_detached_head_falls_back_to_main(tmp_path):
    folder = git_repo(tmp_path / "book", "https://github.com/o/r.git")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
        "--allow-empty", "-m", "one")
    git(folder, "checkout", "-q", "--detach")
    assert links.find_repository(folder, environ={}).branch == "main"


@pytest.mark.quick
@pytest.mark.parametrize("where", ["environment", "config"])
def test_a_url_someone_set_that_is_not_github_or_gitlab_is_an_error(
        tmp_path, where):
    bad = "https://example.org/lenet-book"
    environ = {links.URL_ENV_VAR: bad} if where == "environment" else {}
    with pytest.raises(ConfigError, match="not a github.com or gitlab.com"):
        links.find_repository(tmp_path, environ,
                              config_url=bad if where == "config" else "")


# -- real builds ---------------------------------------------------------------

# Whole builds, one per kind of origin (an SSH remote of GitHub parses to the
# same repository as its HTTPS one, test_parse_remote above).  Four builds on
# two workers take two rounds.
CASES = {
    # case: (origin remote, extra environment, expected Binder prefix,
    #        expected repository URL)
    "github-https": (
        "https://github.com/d2l-fan/lenet-book.git", {},
        "https://mybinder.org/v2/gh/d2l-fan/lenet-book/course",
        "https://github.com/d2l-fan/lenet-book"),
    "gitlab": (
        "https://gitlab.com/teacher/lenet-book.git", {},
        "https://mybinder.org/v2/gl/teacher%2Flenet-book/course",
        "https://gitlab.com/teacher/lenet-book"),
    "no-remote": (None, {}, None, None),
    "environment": (
        "/srv/git/lenet-book.git",
        {links.URL_ENV_VAR: "https://github.com/school/lenet",
         links.BRANCH_ENV_VAR: "spring"},
        "https://mybinder.org/v2/gh/school/lenet/spring",
        "https://github.com/school/lenet"),
}


def project_files():
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
         "--exclude-standard"], capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0")
            if name and (ROOT / name).is_file()]


def build_copy(folder, remote, environ):
    """Copy the project into `folder` as a git repository with `remote`,
    reuse the main build's execution cache, build the book."""
    for name in project_files():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, folder / name)
    git_repo(folder, remote, branch="course")
    shutil.copytree(EXECUTION_CACHE, folder / "_build" / ".jupyter_cache")
    # MathJax in node typesets the formulas (book/_ext/static_math.py).
    (folder / "ci" / "js" / "node_modules").symlink_to(
        ROOT / "ci" / "js" / "node_modules")
    env = {key: value for key, value in os.environ.items()
           if key not in (links.URL_ENV_VAR, links.BRANCH_ENV_VAR)}
    env.update(environ)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", ".", "-n", "-W", "--keep-going"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "Executing notebook" not in result.stdout, "cache was not reused"
    return folder / "_build" / "html", result.stdout


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    require_or_skip(EXECUTION_CACHE.is_dir(),
                    "no execution cache: run `bash ci/build.sh` first")
    # Every page must be in the cache, or five builds execute every page.
    from jupyter_cache import get_cache

    cache = get_cache(EXECUTION_CACHE)
    for name in CODE_PAGES:
        try:
            cache.match_cache_notebook(jupytext.read(
                ROOT / "book" / f"{name}.md"))
        except KeyError:
            pytest.fail(f"book/{name}.md is not in the execution cache: "
                        "run `rm -rf _build && bash ci/build.sh`",
                        pytrace=False)
    base = tmp_path_factory.mktemp("repository-builds")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {case: pool.submit(build_copy, base / case, remote, environ)
                   for case, (remote, environ, *_) in CASES.items()}
        return {case: future.result() for case, future in futures.items()}


def binder_links(page):
    return binder_launch_links(page.read_text("utf-8"))


@pytest.mark.processes
@pytest.mark.build
@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][2]])
def test_every_code_page_launches_itself_on_binder(builds, case):
    html, log = builds[case]
    _, _, binder, repository_url = CASES[case]
    assert f"[repository] buttons point at {repository_url}" in log
    for name in CODE_PAGES:
        page = html / "book" / f"{name}.html"
        assert binder_links(page) == {
            f"{binder}?urlpath=lab/tree/book/{name}.md"}, name
        text = page.read_text("utf-8")
        # For the page's scripts (the 5.5.4 explorer's notice).
        assert (f'<meta name="{links.BINDER_META}" content="{binder}'
                f'?urlpath=lab/tree/book/{name}.md">') in text
        assert f'href="{repository_url}"' in text, "repository button"
        assert f'href="{repository_url}/' in text and "issues/new" in text, (
            "open-issue button")
    # A page of text alone gets no Binder button: a launch would cost
    # minutes for nothing to run.
    for page in sorted((html / "book").glob("*.html")):
        if page.stem not in CODE_PAGES:
            assert binder_links(page) == set(), page.name
            assert "launch-buttons" not in page.read_text("utf-8"), page.name
    # The front page names the repository in a sentence.
    index = (html / "book" / "index.html").read_text("utf-8")
    assert "都指向仓库" in index and repository_url in index
    # A downloaded notebook installs lenet from the same repository, at the
    # commit the book was built from (book/_ext/notebook_setup.py); these
    # copies have no commit, so at the branch.
    branch = binder.rsplit("/", 1)[1]
    for name in CODE_PAGES:
        notebook = json.loads((html / "_sources" / "book" / f"{name}.ipynb")
                              .read_text("utf-8"))
        setup = "".join(notebook["cells"][0]["source"])
        assert f'BOOK_SOURCE = "{repository_url}.git@{branch}"' in setup


@pytest.mark.processes
@pytest.mark.build
def test_no_repository_means_no_binder_link_anywhere(builds):
    html, log = builds["no-remote"]
    assert f"[repository] {links.HOW_TO_GET_BUTTONS}" in log
    assert log.count("no GitHub or GitLab repository found") == 1
    pages = sorted(html.rglob("*.html"))
    assert len(pages) > 6
    for page in pages:
        text = page.read_text("utf-8")
        assert binder_launch_links(text) == set(), page.name
        assert f'<meta name="{links.BINDER_META}"' not in text, page.name
    index = (html / "book" / "index.html").read_text("utf-8")
    assert "没有找到本书所在的 GitHub 或 GitLab 仓库" in index
    exercises = (html / "book" / "exercises.html").read_text("utf-8")
    assert 'href="about.html#sec-about-local"' in exercises
    # The executed notebooks are still offered for download; outside the
    # repository their first cell says it cannot install lenet.
    for name in CODE_PAGES:
        notebook = json.loads((html / "_sources" / "book" / f"{name}.ipynb")
                              .read_text("utf-8"))
        assert 'BOOK_SOURCE = ""' in "".join(notebook["cells"][0]["source"])
