"""The ``needs`` marker: a missing system tool fails its tests with one line, or skips them when asked to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ALLOW_SKIPS, ROOT

HINT = "for it run: apt-get install -y absent-tool"
# A session of its own, with the conftest hooks and one tool that is never there.
CONFTEST = f"""
from tests.conftest import TOOLS, pytest_configure, pytest_runtest_setup
TOOLS["absent-tool"] = (lambda: False, {HINT!r})
"""
TESTS = """
from tests.conftest import needs

@needs("absent-tool")
def test_needs_the_tool():
    pass

def test_needs_nothing():
    pass
"""


def session(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (folder / "test_tool.py").write_text(TESTS, encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != ALLOW_SKIPS} | {"PYTHONPATH": str(ROOT)} | env
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_tool_fails_its_tests_with_the_install_command(tmp_path: Path) -> None:
    done = session(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"needs absent-tool, which is not installed; {HINT} ({ALLOW_SKIPS}=1 skips these tests instead)" in done.stdout
    assert "1 passed, 1 error" in done.stdout


def test_allowing_skips_skips_them_with_the_tool_named(tmp_path: Path) -> None:
    done = session(tmp_path, **{ALLOW_SKIPS: "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"needs absent-tool, which is not installed; {HINT}" in done.stdout
    assert "1 passed, 1 skipped" in done.stdout
