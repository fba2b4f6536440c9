"""Sources of many documents on the Ray executor: the same files as the local executor writes, byte for byte."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.engines import ENGINES
from pipeline.glossary.load import load_glossary_file
from pipeline.run import RunOptions, run
from tests.conftest import FR_EN, SEED, CliEcho
from tests.ray_cluster import local_cluster
from tests.test_readers import SEED_PAGE, build_feed, build_warc, export_records, news_page

# as tests/test_ray.py: Ray's own deprecation notes and the sockets its workers leave to the garbage collector
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:ray.*", "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)


def register_echo_engine() -> None:
    """Ray's worker setup hook: the scripted engine exists in every worker process, as in the driver."""
    ENGINES.setdefault("echo", f"tests.conftest:{CliEcho.__name__}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    with local_cluster(f"{__name__}.register_echo_engine"):
        yield


def test_ray_reads_feeds_archives_and_exports_as_the_local_executor_does(cluster: None, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ENGINES, "echo", f"tests.conftest:{CliEcho.__name__}")
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "seed.txt")
    shutil.copy(SEED_PAGE, inputs / "seed-page.html")
    build_feed(inputs, "rss")
    records = export_records()
    pages = {r["url"]: news_page(r["text"].split("\n\n"), title=r["title"], date=r["date"], url=r["url"]) for r in records}
    build_warc(inputs / "crawl.warc.gz", pages)
    (inputs / "export.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records) + "{broken\n", encoding="utf-8"
    )
    glossary = load_glossary_file(FR_EN)
    outputs = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor
        options = RunOptions(inputs=[inputs], out=out, glossary=glossary, engine="echo", quiet=True, cache=False,
                             executor=executor, ray_workers=2, keep_documents=False)
        result = run(options)
        assert [(d.name, d.error) for d in result.report.failed] == [
            (
                "export--line-4",
                "line 4: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1)); "
                "fix or remove the line",
            )
        ]
        assert len(result.report.done) == 2 + 3 * 3
        outputs[executor] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert outputs["ray"].keys() == outputs["local"].keys()
    assert outputs["ray"] == outputs["local"]
    assert "monde--orangesum-24563.html" in outputs["ray"] and "crawl--orangesum-18994.json" in outputs["ray"]
