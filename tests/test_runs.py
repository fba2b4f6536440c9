"""Whole runs: one failing document, the output-folder lock, Ctrl-C, and SIGKILL followed by a re-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.glossary.load import load_glossary_file
from pipeline.outputs.lock import LOCK_NAME, OutputLock
from pipeline.outputs.names import MANIFEST_NAME
from pipeline.run import RunOptions, run
from tests.conftest import FR_EN, ROOT, SEED, ScriptedEngine, needs

SENTENCES = [
    "Les terroristes de Daech ont attaqué les positions du Front Al-Nosra près d’Idleb.",
    "Selon l’OSDH, les combattants de Hayat Tahrir al-Cham ont repoussé l’assaut.",
    "Les qaïdistes de Houras ad-Din ont saisi du chlore appartenant à l’armée syrienne.",
]
# ``normalize`` with two observers that write a line to file descriptor argv[1]: "locked" once the run holds its
# output lock, "written" after each document's files are in place. Tests wait on these instead of polling the folder.
# Ctrl-C is made to raise KeyboardInterrupt as in a terminal, also when the tests run as a background job (nohup,
# `&`), whose children start with SIGINT ignored.
OBSERVED_CLI = """
import importlib, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
fd = int(sys.argv.pop(1))
lock, run = importlib.import_module("pipeline.outputs.lock"), importlib.import_module("pipeline.run")
acquire, done = lock.OutputLock.acquire, run.Collector.done
def tell(event): os.write(fd, event + b"\\n")
def acquired(self): acquire(self); tell(b"locked")
def written(self, key, summary, doc): done(self, key, summary, doc); tell(b"written")
lock.OutputLock.acquire, run.Collector.done = acquired, written
from pipeline.cli.main import entry_point
entry_point()
"""
EVENTS = ("locked", "written")


class Normalize:
    """``normalize run --engine apertium ARGS`` in a subprocess, with an event for each thing it reports."""

    def __init__(self, *args: str | Path) -> None:
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", OBSERVED_CLI, str(write), "run", "--engine", "apertium", *map(str, args)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            pass_fds=(write,),
        )
        os.close(write)
        self.events = {name: threading.Event() for name in EVENTS}
        self.seen: set[str] = set()
        threading.Thread(target=self._listen, args=(read,), daemon=True).start()

    def _listen(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            for line in pipe:
                name = line.decode().strip()
                self.seen.add(name)
                self.events[name].set()
        for event in self.events.values():  # the process is gone: wake whoever still waits
            event.set()

    def wait_for(self, name: str) -> None:
        """Block until the run reports ``name``; fail if it ends first or takes more than two minutes."""
        assert self.events[name].wait(timeout=120), f"normalize reported no {name!r} in 120 s"
        assert name in self.seen, f"normalize ended before {name!r}: {self.proc.communicate()}"


def many_documents(folder: Path, count: int) -> list[Path]:
    """Short documents, so translation is quick and writing them all takes a while."""
    folder.mkdir()
    paths = []
    for i in range(count):
        path = folder / f"doc{i:03d}.txt"
        path.write_text(f"{SENTENCES[i % 3]} Document {i}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def assert_outputs_complete(out: Path) -> list[Path]:
    """Every output present in ``out`` is whole; returns the documents' JSON files."""
    pages = sorted(p for p in out.glob("*.json") if not p.name.startswith("."))
    for page in pages:
        json.loads(page.read_text(encoding="utf-8"))
    for page in out.glob("*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page
    return [p for p in pages if p.name != "report.json"]


def test_one_failing_document_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    good = tmp_path / "in" / "good.txt"
    good.write_text(SENTENCES[0], encoding="utf-8")
    bad = tmp_path / "in" / "bad.txt"
    bad.write_text("Le mot POISON arrête le moteur.", encoding="utf-8")
    options = RunOptions(inputs=[tmp_path / "in"], out=tmp_path / "out", glossary=load_glossary_file(FR_EN), quiet=True)
    result = run(options, engine=ScriptedEngine(fail_on="POISON"))
    assert result.exit_code == 1
    assert result.report["documents"]["failed"] == [
        {"path": str(bad), "error": "translation failed: the engine crashed on POISON"}
    ]
    assert [d["name"] for d in result.report["documents"]["done"]] == ["good"]
    written = json.loads((tmp_path / "out" / "good.json").read_text(encoding="utf-8"))
    assert "ISLAMIC STATE" not in written["segments"][0]["mt"] and written["segments"][0]["target"]
    assert not (tmp_path / "out" / "bad.json").exists()
    assert not (tmp_path / "out" / LOCK_NAME).exists()


@needs("apertium")
def test_a_busy_output_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputLock(out):
        proc = Normalize(SEED, "--out", out).proc
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 2
        assert err.strip() == (
            f"normalize: error: {out} is in use by another normalize run (pid {os.getpid()}); "
            "wait for it to finish or choose another --out"
        )
        assert not any(out.glob("*.html"))
        with pytest.raises(ConfigError, match="in use by another normalize run"):
            OutputLock(out).acquire()
    assert not (out / LOCK_NAME).exists()


@needs("apertium")
def test_two_real_runs_never_interleave(tmp_path: Path) -> None:
    many_documents(tmp_path / "in", 200)
    out = tmp_path / "out"
    observed = Normalize(tmp_path / "in", "--out", out, "--quiet")
    observed.wait_for("locked")
    first = observed.proc
    second = Normalize(tmp_path / "in", "--out", out, "--quiet").proc
    _, err = second.communicate(timeout=60)
    assert second.returncode == 2 and f"(pid {first.pid})" in err
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert len(assert_outputs_complete(out)) == 200


def test_a_stale_lock_is_taken_over_and_its_leftovers_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    (out / LOCK_NAME).write_text(dead.stdout)
    leftover = out / ".normalize~doc.json.x1y2ab_9.tmp"
    leftover.write_text('{"half')
    with OutputLock(out) as lock:
        assert (out / LOCK_NAME).read_text() == f"{os.getpid()}\n"
        assert not leftover.exists()
        assert lock.path == out / LOCK_NAME
    assert not (out / LOCK_NAME).exists()


@needs("apertium")
def test_ctrl_c_exits_130_with_a_summary(tmp_path: Path) -> None:
    paths = many_documents(tmp_path / "in", 150)
    out = tmp_path / "out"
    observed = Normalize(tmp_path / "in", "--out", out, "--quiet")
    observed.wait_for("written")
    proc = observed.proc
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    written = assert_outputs_complete(out)
    assert err.splitlines() == [
        f"normalize: error: interrupted: {len(written)} of {len(paths)} documents written to {out}/, "
        "each complete; re-run to finish"
    ]
    assert 0 < len(written) < len(paths)
    assert not (out / LOCK_NAME).exists()


@needs("apertium")
def test_sigkill_leaves_only_complete_files_and_a_rerun_finishes(tmp_path: Path) -> None:
    paths = many_documents(tmp_path / "in", 150)
    out = tmp_path / "out"
    observed = Normalize(tmp_path / "in", "--out", out, "--quiet")
    observed.wait_for("written")
    proc = observed.proc
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert 0 < len(assert_outputs_complete(out)) < len(paths)
    assert not (out / "report.json").exists()

    again = Normalize(tmp_path / "in", "--out", out, "--quiet").proc
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert len(assert_outputs_complete(out)) == len(paths)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["documents"]["done"]) == len(paths) and report["documents"]["failed"] == []
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [MANIFEST_NAME]  # no lock, no temporaries


def test_ctrl_c_after_a_resume_says_how_many_were_already_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pipeline.cli.main import app
    from pipeline.run import Interrupted

    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for i in range(2):
        (inputs / f"doc{i}.txt").write_text(f"Les terroristes ont attaqué {i}.\n", encoding="utf-8")
    glossary = load_glossary_file(FR_EN)
    run(RunOptions(inputs=[inputs], out=out, glossary=glossary, quiet=True, batch_sentences=1), engine=ScriptedEngine())
    (inputs / "doc2.txt").write_text("Une phrase nouvelle.\n", encoding="utf-8")

    def interrupt(text: str) -> str:
        raise KeyboardInterrupt

    options = RunOptions(inputs=[inputs], out=out, glossary=glossary, quiet=True, batch_sentences=1)
    with pytest.raises(Interrupted) as caught:
        run(options, engine=ScriptedEngine(interrupt))
    assert (caught.value.written, caught.value.kept, caught.value.total) == (2, 2, 3)

    def interrupted(options: RunOptions) -> None:
        raise Interrupted(2, 3, 2)

    monkeypatch.setattr("pipeline.run.run", interrupted)
    result = CliRunner().invoke(app, ["run", str(inputs), "--out", str(out), "--quiet"])
    assert result.exit_code == 130
    assert result.output.strip().splitlines()[-1] == (
        f"normalize: error: interrupted: 2 of 3 documents written to {out}/, each complete (2 of them already up to date); "
        "re-run to finish"
    )
