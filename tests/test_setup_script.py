"""ci/setup.sh refuses a Python that is not 3.11, and says why."""
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[1]


def test_wrong_python_gets_a_clear_message(tmp_path):
    fake_python = tmp_path / "python3.12"
    # Answers setup.sh's version check with "not 3.11".
    fake_python.write_text("#!/bin/sh\necho False\n")
    fake_python.chmod(0o755)
    result = subprocess.run(["bash", str(ROOT / "ci" / "setup.sh")],
                            env={"PATH": "/usr/bin:/bin",
                                 "PYTHON": str(fake_python)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Python 3.11 is required" in result.stderr
    assert "需要 Python 3.11" in result.stderr
    assert "numpy 1.23.5" in result.stderr
