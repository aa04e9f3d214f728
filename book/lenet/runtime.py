"""How MXNet runs in this book: threads, execution engine, memory.

The first two are read once, when MXNet starts, so `lenet` sets them on
import, before anything else imports MXNet, and only where the reader has
not set them already:

* ``OMP_NUM_THREADS``: 2, or 1 where the process may use only one CPU (its
  affinity, or its cgroup's CPU quota, as on Binder; `usable_cpus`).  A
  fixed thread count is what makes training bit-identical from run to run
  (and 2 is what CI gives us); more OpenMP threads than CPUs cost dearly:
  under ``taskset -c 0`` or a CPU quota of one core an epoch took 1.2x to
  1.5x as long with 2 threads as with 1 (``bench/contention.py``).

* ``MXNET_ENGINE_TYPE=NaiveEngine``: MXNet's default engine runs operators
  on worker threads of its own, and on a 2-core CPU those compete with the
  OpenMP threads inside each operator.  The naive engine runs each operator
  in the calling thread: the same kernels and the same numbers, but one
  epoch of the book's LeNet recipe takes about 5.5 to 7.5 s instead of 9
  to 10.5 s here (``bench/train_speed.py --levers`` measures it).  It is
  also the engine MXNet's documentation recommends when several Python
  threads use MXNet, as the explorer's training thread does.  One cost:
  a Gluon ``DataLoader`` with ``num_workers > 0`` hangs under it (its
  forked workers never answer); the book's loader uses no workers.

OpenMP's wait policy is left as GNU OpenMP sets it: its threads spin a
while before they sleep, which is fastest alone but makes two trainings at
once on two cores 4x to 5x slower each.  No setting measured did both:
``GOMP_SPINCOUNT=1000`` held two trainings to about 2x but made one alone
about 1.13x slower, ``OMP_WAIT_POLICY=PASSIVE`` made one alone 2x slower.
The troubleshooting page of the book says what to do instead.

And one setting of glibc's malloc (``MALLOC_SETTINGS`` below), which makes
the first epoch in a new process as fast as the later ones.
"""
import ctypes
import ctypes.util
import os
import re
import sys
import tempfile
from pathlib import Path

DEFAULTS = {"MXNET_ENGINE_TYPE": "NaiveEngine"}
THREADS = "OMP_NUM_THREADS"
MAX_THREADS = 2
# What configure_mxnet found: variable -> (value, whether lenet chose it).
CHOSEN = {}
# glibc's malloc hands out each block over 128 KiB (a batch of images is
# 800 KiB) as fresh pages from the kernel and returns them on free, until its
# threshold has adapted; in a new process the first epoch was 1.3-1.8x slower
# than the next ones for that alone (bench/train_speed.py --levers).  Keeping
# blocks up to 64 MiB in the heap, and up to 256 MiB of free heap before
# giving it back, makes every epoch run at the speed of later ones.
MALLOC_SETTINGS = {"M_MMAP_THRESHOLD": (-3, 64 << 20),
                   "M_TRIM_THRESHOLD": (-1, 256 << 20)}
# Set to 0 to keep glibc's own behaviour (for measuring what this buys).
MALLOC_SWITCH = "LENET_TUNE_MALLOC"
# MXNet announces a non-default engine on stderr when it creates it.  In a
# notebook that line lands, a moment later, in some unrelated cell's output.
_ENGINE_ANNOUNCEMENT = re.compile(r"MXNet start using engine: \w+")


def tune_malloc():
    """Apply `MALLOC_SETTINGS` with glibc's mallopt, where there is glibc
    and the reader has not set MALLOC_MMAP_THRESHOLD_ or switched it off.
    Returns whether it did."""
    if (os.environ.get(MALLOC_SWITCH) == "0"
            or "MALLOC_MMAP_THRESHOLD_" in os.environ):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to do
        return False
    return all(mallopt(option, value) == 1
               for option, value in MALLOC_SETTINGS.values())


def chosen_defaults():
    """The value of each variable `configure_mxnet` sets, on this machine."""
    return {THREADS: str(min(MAX_THREADS, usable_cpus())), **DEFAULTS}


def configure_mxnet():
    """Apply `chosen_defaults` (where unset) and the malloc settings, and
    start MXNet's engine quietly."""
    for name, value in chosen_defaults().items():
        CHOSEN[name] = (os.environ.get(name, value), name not in os.environ)
        os.environ.setdefault(name, value)
    CHOSEN["malloc"] = (None, tune_malloc())
    with tempfile.TemporaryFile(mode="w+b") as captured:
        sys.stderr.flush()
        saved_stderr = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            import mxnet as mx
            # The engine starts with the first operation, not on import.
            mx.nd.zeros(1).wait_to_read()
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            captured.seek(0)
            # Anything else MXNet said is passed on unchanged.
            for line in captured.read().decode(errors="replace").splitlines():
                if not _ENGINE_ANNOUNCEMENT.search(line):
                    print(line, file=sys.stderr)


# oneDNN prints this on its first primitive when DNNL_VERBOSE=1.
_ISA_LINE = re.compile(r"^dnnl_verbose,info,cpu,isa:(.+)$", re.M)
ISA_LIMIT = "DNNL_MAX_CPU_ISA"


def onednn_isa(env=None):
    """The instruction set oneDNN picks its kernels for, as it names it
    ("Intel AVX2", "Intel AVX-512 with ..."), under `env` (default: this
    process's environment, DNNL_MAX_CPU_ISA included).

    Float32 results of training differ between instruction sets, so the
    sweep file and the expected notebooks record it.  oneDNN reads its
    settings once per process, hence a new one.
    """
    import subprocess

    probe = ("import mxnet as mx; from mxnet.gluon import nn; "
             "net = nn.Conv2D(1, 3); net.initialize(); "
             "net(mx.nd.ones((1, 1, 5, 5))).wait_to_read()")
    env = dict(os.environ if env is None else env, DNNL_VERBOSE="1")
    result = subprocess.run([sys.executable, "-c", probe], env=env,
                            capture_output=True, text=True, timeout=120)
    found = _ISA_LINE.search(result.stdout)
    if result.returncode != 0 or not found:
        raise RuntimeError("oneDNN did not report its instruction set: "
                           + (result.stderr or result.stdout)[-500:])
    return found.group(1).strip()


def cgroup_cpu_limit(cgroup_file=Path("/proc/self/cgroup"),
                     mount=Path("/sys/fs/cgroup")):
    """The CPU time this process's cgroups allow, in CPUs (1.5 = one and a
    half), or None without a quota.  Reads cgroup v2's ``cpu.max`` and v1's
    ``cpu.cfs_quota_us``/``cpu.cfs_period_us`` in the process's cgroup and
    each cgroup above it (a parent's quota applies too); in a container the
    path may be shown as "/" while the quota sits at the mount's root.
    """
    try:
        lines = cgroup_file.read_text().splitlines()
    except OSError:
        return None
    limits = []
    for line in lines:
        fields = line.split(":", 2)
        if len(fields) != 3:  # not "id:controllers:path": nothing to read
            continue
        _, controllers, path = fields
        if controllers == "":
            folders, reader = [mount, mount / "unified"], _cpu_max
        elif "cpu" in controllers.split(","):
            # Mounted as "cpu,cpuacct", or as "cpu" with a link to it.
            folders, reader = list(dict.fromkeys(
                [mount / controllers, mount / "cpu"])), _cfs_quota
        else:
            continue
        for top in folders:
            folder = top / path.lstrip("/")
            while True:
                limit = reader(folder)
                if limit is not None:
                    limits.append(limit)
                if folder == top or top not in folder.parents:
                    break
                folder = folder.parent
    return min(limits, default=None)


def _cpu_max(folder):
    try:
        quota, period = (folder / "cpu.max").read_text().split()
    except (OSError, ValueError):
        return None
    return None if quota == "max" else int(quota) / int(period)


def _cfs_quota(folder):
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text())
        period = int((folder / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return None if quota <= 0 else quota / period


def usable_cpus():
    """How many CPUs this process can really run on at once: the CPUs of its
    affinity mask (``taskset``, a container's cpuset), and no more than its
    cgroup's CPU quota allows (Binder gives a launch a fraction of a host,
    while ``os.cpu_count()`` counts the whole host), at least 1."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    limit = cgroup_cpu_limit()
    if limit is not None:
        cpus = min(cpus, int(limit))
    return max(1, cpus)


def describe():
    """One line, for a reader who wonders why training is slow: how MXNet
    was set up in this process, and who chose each setting."""
    if not CHOSEN:
        return "lenet 还没有配置 MXNet（先 import lenet）。"

    def who(name):
        return "lenet 设定" if CHOSEN[name][1] else "你设置的"

    threads = CHOSEN[THREADS][0]
    parts = [f"OpenMP 线程数 {THREADS}={threads}（{who(THREADS)}；"
             f"本进程可用 {usable_cpus()} 个 CPU）",
             f"执行引擎 MXNET_ENGINE_TYPE={CHOSEN['MXNET_ENGINE_TYPE'][0]}"
             f"（{who('MXNET_ENGINE_TYPE')}）"]
    waiting = [f"{name}={os.environ[name]}" for name in
               ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT") if name in os.environ]
    parts.append("线程等待方式 " + ("、".join(waiting) if waiting
                                   else "OpenMP 的默认"))
    parts.append("glibc 的内存分配已调整" if CHOSEN["malloc"][1]
                 else "glibc 的内存分配未调整")
    return "MXNet：" + "；".join(parts) + "。"
