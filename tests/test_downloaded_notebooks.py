"""The download button's notebooks run anywhere Jupyter runs
(book/_ext/notebook_setup.py puts a setup cell first in each).

The unit tests run the setup cell where it must refuse (Python 3.12,
Windows, Apple silicon, no git, a build without a repository) and where
`lenet` is already there.  The real test takes every code page's
`_sources/book/PAGE.ipynb` from the built site, as a reader downloads it,
with its setup cell pointing at this repository through a local git URL
(file://...@HEAD: the commit must hold what is tested, as it does in CI's
clean clone), and runs it with nbclient (`jupyter-execute`) in an empty
folder, in a fresh virtual environment that has nothing but ipykernel and
nbclient: the first notebook installs lenet and book/requirements.txt, the
others find them installed.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import notebook_setup
from tests.built_site import HTML_DIR, ROOT, pages_with_code, require_built_book

# A fresh Jupyter: a kernel and something to run notebooks with.
FRESH_JUPYTER = ("ipykernel==7.4.0", "nbclient==0.11.0")


def setup_code(source="file:///nowhere@0123abc"):
    return "".join(notebook_setup.setup_cell(source, "测试")["source"])


def run_setup_cell(monkeypatch, source="file:///nowhere@0123abc", *,
                   lenet_found=False, version=(3, 11), platform_=("linux",
                                                                "x86_64"),
                   git="/usr/bin/git"):
    """Run the cell's code here with the machine it asks about replaced;
    the commands it would run, or the SystemExit it raises."""
    import importlib.util
    import platform
    import shutil
    import site

    calls = []
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name: object() if lenet_found else None)
    monkeypatch.setattr(sys, "version_info", (*version, 0, "final", 0))
    monkeypatch.setattr(sys, "platform", platform_[0])
    monkeypatch.setattr(platform, "machine", lambda: platform_[1])
    monkeypatch.setattr(shutil, "which", lambda name: git)
    monkeypatch.setattr(subprocess, "run", lambda command, **kw: (
        calls.append(command), subprocess.CompletedProcess(command, 0, "", ""))[1])
    monkeypatch.setattr(site, "addsitedir", lambda folder: calls.append(
        ["addsitedir", folder]))
    exec(compile(setup_code(source), "setup cell", "exec"), {})
    return calls


@pytest.mark.quick
def test_where_lenet_imports_the_cell_does_nothing(monkeypatch):
    assert run_setup_cell(monkeypatch, lenet_found=True) == []


@pytest.mark.quick
def test_elsewhere_it_installs_the_books_commit_and_its_pins(monkeypatch):
    calls = run_setup_cell(monkeypatch, "https://github.com/o/r.git@abc123")
    import sysconfig

    assert [c[3:] for c in calls[:2]] == [
        ["install", "--quiet", "--src", "lenet-book", "--editable",
         "git+https://github.com/o/r.git@abc123#egg=lenet-d2l-zh"],
        ["install", "--quiet", "--requirement",
         str(Path("lenet-book/lenet-d2l-zh/book/requirements.txt"))]]
    # The running kernel reads the new install's .pth files.
    assert calls[2:] == [["addsitedir", sysconfig.get_paths()["purelib"]]]


@pytest.mark.quick
@pytest.mark.parametrize("machine, phrase", [
    (dict(version=(3, 12)), "Python 3.11 或更早"),
    (dict(platform_=("win32", "AMD64")), "WSL 2"),
    (dict(platform_=("darwin", "arm64")), "Rosetta"),
    (dict(git=None), "请先安装 git"),
    (dict(source=""), "没有找到本书的仓库"),
], ids=["python3.12", "windows", "apple-silicon", "no-git", "no-repository"])
def test_where_it_cannot_work_it_says_why_and_installs_nothing(
        monkeypatch, machine, phrase):
    with pytest.raises(SystemExit) as refused:
        run_setup_cell(monkeypatch, **machine)
    assert str(refused.value).startswith("没法在这里运行本书的代码：")
    assert phrase in str(refused.value)


@pytest.mark.quick
def test_the_setup_cell_replaces_an_older_one_and_comes_first():
    notebook = {"cells": [{"cell_type": "code", "metadata": {},
                           "source": "from lenet import set_seed"}]}
    once = notebook_setup.with_setup_cell(notebook, "file:///a@1", "a")
    twice = notebook_setup.with_setup_cell(once, "file:///b@2", "b")
    assert len(twice["cells"]) == 2
    assert "file:///b@2" in "".join(twice["cells"][0]["source"])
    assert twice["cells"][1] == notebook["cells"][0]


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def fresh_jupyter(tmp_path_factory):
    """A new virtual environment with nothing but a kernel and nbclient."""
    folder = tmp_path_factory.mktemp("fresh")
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")],
                   check=True)
    python = folder / "venv" / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet",
                    *FRESH_JUPYTER], check=True)
    return folder


@pytest.mark.build
@pytest.mark.processes
@pytest.mark.real_data
@pytest.mark.training
@pytest.mark.usefixtures("real_data_dir")
def test_every_downloaded_notebook_runs_in_a_fresh_jupyter(fresh_jupyter):
    require_built_book()
    source = f"file://{ROOT}@{git('rev-parse', 'HEAD')}"
    work = fresh_jupyter / "empty"
    work.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    venv = fresh_jupyter / "venv"
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    # Its own kernel, not one a Jupyter of this machine has registered.
    env["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    pages = pages_with_code()
    for page in pages:
        downloaded = HTML_DIR / "_sources" / "book" / f"{page.stem}.ipynb"
        notebook = json.loads(downloaded.read_text(encoding="utf-8"))
        assert notebook["cells"][0]["metadata"].get(notebook_setup.MARK), page
        ours = work / downloaded.name
        ours.write_text(json.dumps(notebook_setup.with_setup_cell(
            notebook, source, "测试")), encoding="utf-8")
        done = subprocess.run(
            [venv / "bin" / "jupyter-execute", "--timeout=1800", "--inplace",
             ours.name],
            cwd=work, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (page.name, done.stderr[-4000:])
    assert (work / "lenet-book" / "lenet-d2l-zh" / "book" / "lenet").is_dir()
    # The first notebook installed; the others found lenet.
    said = ["".join("".join(output.get("text", [])) for output in json.loads(
        (work / f"{page.stem}.ipynb").read_text(encoding="utf-8"))
        ["cells"][0]["outputs"]) for page in pages]
    assert "装好了" in said[0]
    assert said[1:] == [""] * (len(pages) - 1)
