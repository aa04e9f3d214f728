"""The code's shape, as CONTRIBUTING.md describes it, checked rather than
hoped for: functions short enough to read at once, in Python and in
JavaScript; the package's layers (import-linter, pyproject.toml), and
outside it the explorer reached through one door; the package imported
because it is installed, not because a script edited sys.path; every
test with a tier (conftest.py)."""
import ast
import json
import re
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.prerequisites import require_command, require_or_skip
from tests.built_site import ROOT

LONGEST_BODY = 150
PYTHON = sorted(path for folder in ("book", "ci", "bench", "tests")
                for path in (ROOT / folder).rglob("*.py")
                if "node_modules" not in path.parts) + [ROOT / "conftest.py"]
JAVASCRIPT = sorted((ROOT / "web" / "js").rglob("*.js"))
EXPLORER_PARTS = ("explorer_config", "explorer_code", "explorer_training",
                  "explorer_inspection")
PACKAGE = ROOT / "book" / "lenet"
LINT_IMPORTS = ("import sys; from importlinter.cli import lint_imports;"
                " sys.exit(lint_imports(config_filename='pyproject.toml',"
                " no_cache=True))")


def python_functions(path):
    """(name, first line, lines of its body) of every function."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield (node.name, node.lineno,
                   node.end_lineno - node.body[0].lineno + 1)


@pytest.mark.quick
def test_no_python_function_body_is_longer_than_150_lines():
    long = [(str(path.relative_to(ROOT)), *function) for path in PYTHON
            for function in python_functions(path)
            if function[2] > LONGEST_BODY]
    assert long == []


def javascript_functions(files):
    node = require_command("node", "run `bash ci/setup.sh`")
    require_or_skip((ROOT / "tests" / "node_modules" / "acorn").is_dir(),
                    "acorn is not installed: run `bash ci/setup.sh`"
                    " (npm ci in tests/)")
    done = subprocess.run([node, "tests/js/function_lengths.cjs", *files],
                          cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.mark.processes
def test_no_javascript_function_body_is_longer_than_150_lines():
    functions = javascript_functions(JAVASCRIPT)
    assert len(functions) > 100  # the parser saw the modules
    assert [f for f in functions if f["lines"] > LONGEST_BODY] == []


@pytest.mark.processes
def test_the_javascript_check_sees_a_long_function(tmp_path):
    long = tmp_path / "long.js"
    long.write_text("export function long() {\n  let x = 0;\n"
                    + "  x += 1;\n" * LONGEST_BODY + "  return x;\n}\n")
    (found,) = javascript_functions([long])
    assert (found["name"], found["lines"]) == ("long", LONGEST_BODY + 4)


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield "." * node.level + node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def lint_imports(folder):
    """import-linter's verdict on the `lenet` that `folder` imports (the
    installed one from the root; a copy beside pyproject.toml in a
    folder of its own)."""
    return subprocess.run([sys.executable, "-c", LINT_IMPORTS], cwd=folder,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.quick
def test_the_package_keeps_its_layers():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


@pytest.mark.quick
@pytest.mark.parametrize("module, imported, name", [
    # The two cycles the layers replaced, each inside a function.
    ("network_file", ".explorer", "epoch_json"),
    ("weights", ".explorer_logic", "build_network"),
])
def test_an_import_up_a_layer_breaks_them(tmp_path, module, imported, name):
    copy = tmp_path / "lenet"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("esm"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (copy / f"{module}.py").open("a", encoding="utf-8") as source:
        source.write(f"\n\ndef _upwards():\n    from {imported} import {name}"
                     f"\n    return {name}\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout
    assert (f"lenet.{module} is not allowed to import "
            f"lenet{imported}") in done.stdout


@pytest.mark.quick
def test_only_explorer_logic_imports_the_explorers_parts():
    """Outside the package (its layers are import-linter's), the explorer
    is lenet.explorer_logic: in the pages, ci/, bench/ and book/_ext/."""
    parts = "|".join(EXPLORER_PARTS)
    reaching = [(str(path.relative_to(ROOT)), module)
                for path in PYTHON if PACKAGE not in path.parents
                and "tests" not in path.relative_to(ROOT).parts
                for module in imported_modules(path)
                if re.fullmatch(rf"(\.|lenet\.)({parts})", module)]
    pages = [page.name for page in (ROOT / "book").glob("*.md")
             if re.search(rf"lenet\.({parts})\b import|from lenet import "
                          rf"({parts})\b", page.read_text("utf-8"))]
    assert reaching == [] and pages == []


@pytest.mark.quick
def test_nothing_edits_sys_path():
    """lenet is installed (ci/setup.sh), tests and bench are packages run
    from the root: no script finds its imports by editing sys.path."""
    edits = [str(path.relative_to(ROOT)) for path in PYTHON
             if path != ROOT / "tests" / "test_layout.py"
             and re.search(r"sys\.path\.(insert|append|extend)"
                           r"|PYTHONPATH=|\[.PYTHONPATH.\] *=",
                           path.read_text("utf-8"))]
    assert edits == []


def marked(*tiers, fixtures=()):
    """A stand-in for a collected test with these markers and fixtures."""
    return SimpleNamespace(
        get_closest_marker=lambda name: name if name in tiers else None,
        fixturenames=list(fixtures))


@pytest.mark.quick
@pytest.mark.parametrize("item, problem", [
    (marked(), "has no tier"),
    (marked("quick", "browser"), "is marked quick and browser"),
    (marked("quick", fixtures=["real_data_dir"]), "reads the real data set"),
    (marked("processes"), None),
    (marked("real_data", "browser", fixtures=["real_data_dir"]), None),
])
def test_a_test_without_a_fitting_tier_is_refused(item, problem):
    from conftest import tier_problem

    found = tier_problem(item)
    assert (found is None) if problem is None else (problem in found)
