"""What a test needs from the machine: a missing tool or data set skips the
test outside CI, saying why and how to get it; under CI=true it fails."""
import os
import shutil

import pytest

SET_UP = "run `bash ci/setup.sh`, which installs it"


def require_or_skip(condition, reason):
    """Skip (the module, when called at import) unless `condition`; in CI
    a missing prerequisite is a failure, not a quiet skip."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI=true: a missing prerequisite fails the"
                    " run)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_command(name, how):
    """The path of command `name`, or skip/fail saying `how` to get it."""
    path = shutil.which(name)
    require_or_skip(path, f"`{name}` is not installed: {how}")
    return path


def require_fashion_mnist():
    """The real data set, found where the loader looks, without a
    download; its message lists every way to get it."""
    from lenet.data import FASHION_MNIST

    return require_data_set(FASHION_MNIST)


def require_data_set(data_set):
    """The folder of `data_set` (lenet.data.FASHION_MNIST, MNIST), found
    without a download, or skip/fail with the loader's message."""
    from lenet.data import DataSetNotFoundError, find_data_dir

    try:
        return find_data_dir(download=False, data_set=data_set)
    except DataSetNotFoundError as err:
        require_or_skip(False, f"this test needs {data_set.title}: {err}")
