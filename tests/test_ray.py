"""The Ray executor (#15.4/5): identical outputs to the local executor, and the missing-extra message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.glossary.load import Glossary
from pipeline.run import RunOptions, run
from tests.conftest import ROOT, SEED

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*", "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")

SENTENCES = [
    "Les terroristes de Daech ont attaqué les positions du Front Al-Nosra près d’Idleb.",
    "Selon l’OSDH, les combattants de Hayat Tahrir al-Cham ont repoussé l’assaut.",
    "Les qaïdistes de Houras ad-Din ont saisi du chlore appartenant à l’armée syrienne.",
]


def test_without_ray_the_executor_exits_2_with_the_install_command(tmp_path: Path) -> None:
    script = (
        "import sys; sys.modules['ray'] = None\n"
        "from pipeline.cli import entry_point\n"
        f"sys.argv = ['normalize', 'run', {str(SEED)!r}, '--engine', 'apertium', '--executor', 'ray', '--out', {str(tmp_path / 'o')!r}]\n"
        "entry_point()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == "normalize: error: --executor ray needs Ray, which is not installed: pip install 'normalize[ray]'"
    assert not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    import ray  # the README's test command installs the extra ('.[test,ray]'): a missing Ray fails, never skips
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_ray_writes_the_same_files_as_the_local_executor(cluster: None, tmp_path: Path, fr_en: Glossary) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs)
    for i in range(20):
        (inputs / f"doc{i:02d}.txt").write_text(f"{SENTENCES[i % 3]} Document {i}.\n", encoding="utf-8")
    (inputs / "empty.txt").write_text("\n", encoding="utf-8")
    outputs = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor
        options = RunOptions(inputs=[inputs], out=out, glossary=fr_en, engine="apertium", quiet=True,
                             executor=executor, ray_workers=2, keep_documents=False, cache_path=tmp_path / f"{executor}.sqlite")
        result = run(options)
        assert [d.name for d in result.report.failed] == ["empty"]
        outputs[executor] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert outputs["ray"].keys() == outputs["local"].keys() and len(outputs["ray"]) == 2 * 21 + 3
    assert outputs["ray"] == outputs["local"]
