"""lenet.runtime: how many threads MXNet gets, and the line that says so.

The cgroup readers are checked on small trees that look like /sys/fs/cgroup
(v1 and v2, a quota on a parent, a container that shows its cgroup as "/");
the thread count on real processes under `taskset`, and under a real CPU
quota where this machine lets a test make one.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lenet.runtime import cgroup_cpu_limit, usable_cpus



def write(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", ".", 1)).write_text(text)


def limit(tmp_path, cgroup_lines):
    proc = tmp_path / "cgroup"
    proc.write_text("\n".join(cgroup_lines) + "\n")
    return cgroup_cpu_limit(proc, tmp_path / "fs")


@pytest.mark.quick
def test_v1_quota_of_the_process_cgroup(tmp_path):
    write(tmp_path / "fs/cpu,cpuacct/user/job", cpu_cfs_quota_us="150000",
          cpu_cfs_period_us="100000")
    assert limit(tmp_path, ["4:memory:/user/job",
                            "2:cpu,cpuacct:/user/job"]) == 1.5


@pytest.mark.quick
def test_v1_a_parent_quota_applies_too(tmp_path):
    write(tmp_path / "fs/cpu/user", cpu_cfs_quota_us="50000",
          cpu_cfs_period_us="100000")
    write(tmp_path / "fs/cpu/user/job", cpu_cfs_quota_us="-1",
          cpu_cfs_period_us="100000")
    assert limit(tmp_path, ["1:cpu:/user/job"]) == 0.5


@pytest.mark.quick
def test_v1_without_quota(tmp_path):
    write(tmp_path / "fs/cpu", cpu_cfs_quota_us="-1",
          cpu_cfs_period_us="100000")
    assert limit(tmp_path, ["1:cpu:/"]) is None


@pytest.mark.quick
def test_v2_cpu_max(tmp_path):
    write(tmp_path / "fs/user.slice/kernel", cpu_max="200000 100000\n")
    write(tmp_path / "fs/user.slice", cpu_max="max 100000\n")
    assert limit(tmp_path, ["0::/user.slice/kernel"]) == 2.0
    write(tmp_path / "fs/user.slice/kernel", cpu_max="max 100000\n")
    assert limit(tmp_path, ["0::/user.slice/kernel"]) is None


@pytest.mark.quick
def test_a_container_that_shows_its_cgroup_as_root(tmp_path):
    # Binder's pods: /proc/self/cgroup says "/", the quota is at the top.
    write(tmp_path / "fs", cpu_max="100000 100000\n")
    assert limit(tmp_path, ["0::/"]) == 1.0


@pytest.mark.quick
def test_a_line_that_is_not_a_cgroup_is_passed_over(tmp_path):
    write(tmp_path / "fs/cpu", cpu_cfs_quota_us="100000",
          cpu_cfs_period_us="100000")
    assert limit(tmp_path, ["garbage", "", "1:cpu:/"]) == 1.0


@pytest.mark.quick
def test_no_cgroup_file(tmp_path):
    assert cgroup_cpu_limit(tmp_path / "missing", tmp_path) is None


def run_lenet(extra_env=None, prefix=()):
    """OMP_NUM_THREADS and describe() of a fresh process importing lenet."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    env.update(extra_env or {})
    code = ("import os, lenet; print(os.environ['OMP_NUM_THREADS']); "
            "print(lenet.runtime.describe())")
    done = subprocess.run([*prefix, sys.executable, "-c", code], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    threads, line = done.stdout.strip().splitlines()[-2:]
    return int(threads), line


@pytest.mark.processes
@pytest.mark.skipif(usable_cpus() < 2, reason="this process has one CPU")
def test_two_threads_where_two_cpus_are_free():
    threads, line = run_lenet()
    assert threads == 2
    assert "OMP_NUM_THREADS=2（lenet 设定；本进程可用 2 个 CPU）" in line


@pytest.mark.processes
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2,
                    reason="needs two CPUs to take one away")
def test_one_thread_under_taskset_one_core():
    threads, line = run_lenet(prefix=["taskset", "-c", "0"])
    assert threads == 1
    assert "OMP_NUM_THREADS=1（lenet 设定；本进程可用 1 个 CPU）" in line


@pytest.mark.processes
def test_a_thread_count_the_reader_set_is_kept():
    threads, line = run_lenet({"OMP_NUM_THREADS": "3",
                               "GOMP_SPINCOUNT": "5"})
    assert threads == 3
    assert "OMP_NUM_THREADS=3（你设置的" in line
    assert "GOMP_SPINCOUNT=5" in line


QUOTA_GROUP = Path("/sys/fs/cgroup/cpu/lenet-test-quota")


@pytest.mark.processes
def test_one_thread_under_a_cpu_quota_of_one_core():
    try:
        QUOTA_GROUP.mkdir(exist_ok=True)
        (QUOTA_GROUP / "cpu.cfs_period_us").write_text("100000")
        (QUOTA_GROUP / "cpu.cfs_quota_us").write_text("100000")
    except OSError as err:
        pytest.skip(f"cannot make a cgroup v1 CPU quota here: {err}")
    try:
        threads, line = run_lenet(prefix=[
            "sh", "-c", f'echo $$ > {QUOTA_GROUP}/cgroup.procs && exec "$@"',
            "quota"])
    finally:
        QUOTA_GROUP.rmdir()
    assert threads == 1
    assert "本进程可用 1 个 CPU" in line
