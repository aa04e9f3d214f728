"""The benchmarks that time each run in a fresh process start that process
as `python -m THEIR_MODULE --worker ...`, also when they were started as
`python -m bench.NAME` (their __name__ then is "__main__"; issue 40)."""
import sys
import types

import pytest

from bench.pipelines import worker_command

pytestmark = pytest.mark.quick


def test_a_benchmark_run_with_python_m_starts_its_own_module(monkeypatch):
    started_as = types.ModuleType("__main__")
    started_as.__spec__ = types.SimpleNamespace(name="bench.train_speed")
    monkeypatch.setitem(sys.modules, "__main__", started_as)
    assert worker_command("__main__", ["explorer"])[1:] == [
        "-m", "bench.train_speed", "--worker", "explorer"]
    assert worker_command("bench.loader_speed", [])[1:] == [
        "-m", "bench.loader_speed", "--worker"]
