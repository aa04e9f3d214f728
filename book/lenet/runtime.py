"""How MXNet runs in this book: threads, execution engine, memory.

The first two are read once, when MXNet starts, so `lenet` sets them on
import, before anything else imports MXNet, and only where the reader has
not set them already:

* ``OMP_NUM_THREADS=2``: a fixed thread count is what makes training
  bit-identical from run to run (and 2 is what Binder and CI give us).
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

And one setting of glibc's malloc (``MALLOC_SETTINGS`` below), which makes
the first epoch in a new process as fast as the later ones.
"""
import ctypes
import ctypes.util
import os
import re
import sys
import tempfile

DEFAULTS = {"OMP_NUM_THREADS": "2", "MXNET_ENGINE_TYPE": "NaiveEngine"}
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


def configure_mxnet():
    """Apply `DEFAULTS` (where unset) and the malloc settings, and start
    MXNet's engine quietly."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
    tune_malloc()
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
