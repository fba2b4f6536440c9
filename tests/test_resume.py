"""Resume (#15.2): a re-run skips what is up to date, redoes what changed, and after SIGKILL ends byte-identical."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.run import RunOptions, run
from tests.conftest import FR_EN, ROOT, EchoEngine

SENTENCES = [
    "Les terroristes de Daech ont attaqué les positions du Front Al-Nosra près d’Idleb.",
    "Selon l’OSDH, les combattants de Hayat Tahrir al-Cham ont repoussé l’assaut.",
    "Les qaïdistes de Houras ad-Din ont saisi du chlore appartenant à l’armée syrienne.",
]


def corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"doc{i:03d}.txt").write_text(f"{SENTENCES[i % 3]} Document {i}.\n\n{SENTENCES[(i + 1) % 3]}\n", encoding="utf-8")
    return folder


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def opts(inputs: Path, out: Path, glossary: Glossary, **kw: object) -> RunOptions:
    return RunOptions(inputs=[inputs], out=out, glossary=glossary, quiet=True, **kw)  # type: ignore[arg-type]


def test_a_rerun_skips_unchanged_documents_and_says_how_many(tmp_path: Path, fr_en: Glossary) -> None:
    inputs = corpus(tmp_path / "in", 6)
    out = tmp_path / "out"
    first = run(opts(inputs, out, fr_en), engine=EchoEngine())
    before = snapshot(out)
    data = json.loads((out / "doc000.json").read_text(encoding="utf-8"))
    assert data["run_signature"] == first.info.run_signature and len(data["run_signature"]) == 16
    assert data["source"]["sha256"]

    engine = EchoEngine()
    again = run(opts(inputs, out, fr_en), engine=engine)
    assert again.report.skipped == 6 and engine.calls == []
    assert "6 documents already up to date, skipped (--force redoes them)" in again.report.summary(out)
    assert snapshot(out) == before

    (inputs / "doc002.txt").write_text("Les djihadistes de Daech ont fui.\n", encoding="utf-8")
    engine = EchoEngine()
    changed = run(opts(inputs, out, fr_en), engine=engine)
    assert changed.report.skipped == 5
    assert engine.calls[0][0] == "Les djihadistes de Daech ont fui." and all("Document" not in s for c in engine.calls for s in c)
    assert json.loads((out / "doc002.json").read_text(encoding="utf-8"))["segments"][0]["source"].startswith("Les djihadistes")

    forced = run(opts(inputs, out, fr_en, force=True), engine=EchoEngine())
    assert forced.report.skipped == 0 and len(forced.report.done) == 6


def test_a_glossary_change_invalidates_the_documents(tmp_path: Path, fr_en: Glossary) -> None:
    inputs = corpus(tmp_path / "in", 3)
    out = tmp_path / "out"
    run(opts(inputs, out, fr_en), engine=EchoEngine())
    edited = tmp_path / "fr-en.yaml"
    edited.write_text(FR_EN.read_text(encoding="utf-8") + "\n# a comment changes the hash\n", encoding="utf-8")
    again = run(opts(inputs, out, load_glossary_file(edited)), engine=EchoEngine())
    assert again.report.skipped == 0 and len(again.report.done) == 3


def test_settings_change_the_signature(tmp_path: Path, fr_en: Glossary) -> None:
    inputs = corpus(tmp_path / "in", 2)
    out = tmp_path / "out"
    a = run(opts(inputs, out, fr_en), engine=EchoEngine())
    b = run(opts(inputs, out, fr_en, engine_settings={"echo": {"beam_size": 2}}), engine=EchoEngine())
    assert a.info.run_signature != b.info.run_signature and b.report.skipped == 0


def normalize(inputs: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--engine", "apertium", str(inputs), "--out", str(out),
         "--batch-sentences", "20", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_after_sigkill_the_rerun_finishes_byte_identical_to_an_uninterrupted_run(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", 60)
    cache = tmp_path / "cache.sqlite"
    whole = tmp_path / "whole"
    done = normalize(inputs, whole, "--quiet", "--cache", str(tmp_path / "cache-whole.sqlite"))
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err

    out = tmp_path / "out"
    proc = normalize(inputs, out, "--quiet", "--cache", str(cache))
    deadline = time.monotonic() + 120
    while len(list(out.glob("doc*.json"))) < 10:  # several batches written, more to come
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.kill()
    proc.communicate(timeout=60)
    written = len(list(out.glob("doc*.json")))
    assert 0 < written < 60

    again = normalize(inputs, out, "--cache", str(cache))
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    skipped = next(line for line in err.splitlines() if "already up to date" in line)
    assert int(skipped.split()[0]) >= written - 1  # the document being renamed at the kill may be redone
    assert snapshot(out) == snapshot(whole)


def test_pages_appear_batch_by_batch(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", 60)
    out = tmp_path / "out"
    proc = normalize(inputs, out, "--quiet", "--no-cache")
    seen: set[int] = set()
    while proc.poll() is None:
        seen.add(len(list(out.glob("doc*.json"))))
        time.sleep(0.005)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert len([n for n in seen if 0 < n < 60]) >= 2  # pages were written while later batches were translating
    shutil.rmtree(out)
