"""Bad inputs, end to end: each gets a clear reason or a warning, and the good documents are all written."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.chain import Chain
from pipeline.errors import DocumentError
from pipeline.glossary.load import Glossary
from pipeline.model import Document
from pipeline.readers.files import read_document
from pipeline.stages.language import LanguageStage
from pipeline.stages.segment import segment
from tests.conftest import ROOT, SEED, ScriptedEngine, needs

FRENCH = (
    "Les combattants de Daech ont quitté la ville après trois semaines de combats. Selon l’Observatoire syrien "
    "des droits de l’homme, les jihadistes du Front Al-Nosra contrôlent désormais le nord de la province."
)
ENGLISH = (
    "Islamic State fighters left the city after three weeks of fighting. According to the Syrian Observatory "
    "for Human Rights, the militants now control the north of the province and the main road to the border."
)
NO_PUNCTUATION = " ".join(
    ["les terroristes de Daech et du Front Al-Nosra ont attaqué les positions de l armée syrienne"] * 120
)[:10_000]


def doc_of(text: str) -> Document:
    return Document(path=Path("x.txt"), name="x", text=text, language="fr", sha256="")


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        pytest.param(FRENCH, None, id="french"),
        pytest.param(ENGLISH, "looks like English, not fr (confidence 1.00); pass --source en or remove it", id="english"),
        pytest.param("Islamic State fighters left the city.", None, id="short english is not judged"),
        pytest.param(FRENCH + " " + "« We will never surrender », he said.", None, id="french quoting english"),
    ],
)
def test_language_check(text: str, refused: str | None) -> None:
    stage = LanguageStage("fr")
    if refused is None:
        assert stage(doc_of(text)).text == text
    else:
        with pytest.raises(DocumentError) as err:
            stage(doc_of(text))
        assert str(err.value) == refused


@pytest.mark.parametrize(
    ("text", "warned"),
    [
        pytest.param(
            "Islamic State fighters left the city. They went north to the border.",
            "may be English, not fr",
            id="2 english sentences",
        ),
        pytest.param("Les combattants ont quitté la ville. Ils sont partis au nord.", None, id="2 french sentences"),
        pytest.param("Daech a attaqué.", None, id="too short for a warning"),
    ],
)
def test_short_foreign_text_is_a_warning(text: str, warned: str | None) -> None:
    """A 2-sentence English file used to pass the check silently."""
    doc = LanguageStage("fr")(doc_of(text))
    if warned is None:
        assert doc.warnings == []
    else:
        assert len(doc.warnings) == 1 and doc.warnings[0].startswith(warned), doc.warnings
        assert "only 120 letters or more are judged); check it, or pass --source en" in doc.warnings[0]


def test_language_check_skips_languages_the_model_does_not_know() -> None:
    assert LanguageStage("xx").detect(ENGLISH) is None


def test_twenty_megabyte_paragraph_reads_and_segments(tmp_path: Path) -> None:
    paragraph = (FRENCH + " ") * (20_000_000 // (len(FRENCH) + 1))
    path = tmp_path / "big.txt"
    path.write_text(paragraph, encoding="utf-8")
    doc = segment(LanguageStage("fr")(read_document(path, language="fr")))
    assert len(doc.text) == len(paragraph)
    assert {s.paragraph for s in doc.segments} == {0}
    assert len(doc.segments) == 2 * (20_000_000 // (len(FRENCH) + 1))
    for seg in (doc.segments[0], doc.segments[len(doc.segments) // 2], doc.segments[-1]):
        assert doc.text[seg.start : seg.end] == seg.source


def bad_folder(root: Path) -> dict[str, str]:
    """Write every bad input under ``root``; returns file name -> expected reason (or warning, prefixed '+')."""
    root.mkdir()
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "blank.txt": " \r\n\t\n\u00a0 \n".encode(),
        "photo.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "english.txt": ENGLISH.encode(),
        "windows-1252.txt": FRENCH.encode("cp1252"),
        "bom.txt": codecs.BOM_UTF8 + FRENCH.encode(),
        "utf-16.txt": codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"),
        "crlf.txt": (FRENCH + "\r\n\r\n" + FRENCH).encode(),
        "nul.txt": FRENCH.replace("ville", "vi\x00lle").encode(),
        "long sentence.txt": NO_PUNCTUATION.encode(),
        "accentué « quoted » 'single' \"double\" <b>.txt": FRENCH.encode(),
        "index.txt": FRENCH.encode(),
        "report.txt": FRENCH.encode(),
        "a/same.txt": FRENCH.encode(),
        "b/same.txt": FRENCH.replace("trois", "quatre").encode(),
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "loop.txt").symlink_to(root / "loop.txt")
    Path(os.fsdecode(os.fsencode(root) + b"/caf\xe9 latin-1 name.txt")).write_bytes(FRENCH.encode())
    (root / "a" / "up").symlink_to(root)  # a folder loop
    return {
        "empty.txt": "is empty, with no text to translate; remove it or add text",
        "blank.txt": "is only white space, with no text to translate; remove it or add text",
        "photo.txt": "looks like a PNG image, not text; remove it or export it as plain text first",
        "english.txt": "looks like English, not fr (confidence 1.00); pass --source en or remove it",
        "loop.txt": "Too many levels of symbolic links; check the path and its permissions",
        "windows-1252.txt": "+not UTF-8 (first bad byte at offset 34): read as Windows-1252",
        "nul.txt": "+1 control character(s) such as NUL replaced by \ufffd",
    }


@needs("apertium")
def test_a_folder_of_bad_inputs_and_the_seed(tmp_path: Path) -> None:
    expected = bad_folder(tmp_path / "in")
    (tmp_path / "in" / SEED.name).write_bytes(SEED.read_bytes())
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(tmp_path / "in"), "--out", str(out), "--engine", "apertium"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    failed = {Path(d["path"]).name: d["error"] for d in report["documents"]["failed"]}
    done = {Path(d["path"]).name: d for d in report["documents"]["done"]}
    for name, reason in expected.items():
        if reason.startswith("+"):
            assert any(reason[1:] in w for w in done[name]["warnings"]), done[name]
        else:
            assert reason in failed[name], failed
            assert f"normalize: failed: {tmp_path / 'in' / name}: {failed[name]}" in proc.stderr.splitlines()
    assert set(failed) == {n for n, r in expected.items() if not r.startswith("+")}
    assert len(report["documents"]["done"]) + len(failed) == 18  # 17 inputs written above, plus the seed

    # every done document has both outputs, complete, and no two share a file
    outputs = {d["name"] for d in report["documents"]["done"]}
    assert len(outputs) == len(report["documents"]["done"]) == 13
    for name in outputs:
        json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert (out / f"{name}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["signature"]  # not overwritten by report.txt
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<b>" not in index and "&lt;b&gt;" in index
    assert 'href="caf%EF%BF%BD%20latin-1%20name.html"' in index  # a name that is not UTF-8 still gets its page

    seed = json.loads((out / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    assert len(seed["segments"]) == 13 and all(s["target"] for s in seed["segments"])
    assert seed["warnings"] == []

    long = json.loads((out / "long sentence.json").read_text(encoding="utf-8"))
    assert len(long["segments"]) == 1
    assert sum(len(s["changes"]) for s in long["segments"]) == NO_PUNCTUATION.count("Daech") + NO_PUNCTUATION.count("Nosra")
    assert "ZQ" not in long["segments"][0]["target"]  # no placeholder left behind

    crlf = json.loads((out / "crlf.json").read_text(encoding="utf-8"))
    assert {s["paragraph"] for s in crlf["segments"]} == {0, 1}
    text = (tmp_path / "in" / "crlf.txt").read_bytes().decode("utf-8")
    assert all(text[s["start"] : s["end"]] == s["source"] for s in crlf["segments"])


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", *args, "--engine", "apertium", "--no-cache", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,  # the FIFO used to hang the run forever, /dev/zero to fill memory
        check=False,
    )


@needs("apertium")
def test_pipes_devices_and_oversized_files_fail_on_one_line_each(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(FRENCH, encoding="utf-8")
    os.mkfifo(folder / "f.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "big.txt").write_text(FRENCH * 20, encoding="utf-8")
    name = "a" * 250  # the temporary file beside its page used to pass 255 bytes
    (folder / f"{name}.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "evil\x1b]0;owned\x07\nname.txt").symlink_to("/dev/null")  # two links to one file count once
    proc = run_cli(str(folder), "--out", str(tmp_path / "out"), "--max-size", "2kB")
    assert proc.returncode == 1, proc.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    failed = {Path(d["path"]).name: d["error"] for d in report["documents"]["failed"]}
    assert failed == {
        "f.txt": "is a named pipe (FIFO), not a regular file; only plain text files are read, copy its text into a .txt file",
        "zero.txt": "is a device, not a regular file; only plain text files are read, copy its text into a .txt file",
        "evil\x1b]0;owned\x07\nname.txt": "is a device, not a regular file; only plain text files are read, "
        "copy its text into a .txt file",
        "big.txt": f"the file is {len((FRENCH * 20).encode()):,} bytes, over the limit of 2,048 bytes per document; "
        "split it, or raise the limit with --max-size",
    }
    long, good = sorted(d["name"] for d in report["documents"]["done"])
    assert good == "good" and long.startswith(name[:160] + "-")  # cut to 160 bytes, with a hash of its path
    assert (tmp_path / "out" / f"{long}.html").is_file()
    lines = proc.stderr.splitlines()
    assert len(lines) == 4, proc.stderr  # one line per refusal, nothing else
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    assert any("evil\\x1b]0;owned\\x07\\nname.txt: is a device" in line for line in lines)


def test_bad_max_size_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(FRENCH, encoding="utf-8")
    proc = run_cli(str(tmp_path / "good.txt"), "--out", str(tmp_path / "out"), "--max-size", "lots")
    assert proc.returncode == 2
    assert proc.stderr == "normalize: error: --max-size 'lots': expected a size such as 20MB, 500kB or 1G\n"


def test_the_language_model_is_freed_before_each_batch_is_translated_and_loaded_again_for_the_next(
    fr_en: Glossary,
) -> None:
    chain = Chain(fr_en, ScriptedEngine(), order=("language", "segment", "translate"))
    (language,) = [stage for stage in chain.stages if stage.name == "language"]
    assert isinstance(language, LanguageStage)
    for text in (FRENCH, ENGLISH):
        doc = chain.prepare(doc_of(text))
        assert language._identifier is not None  # judged with the model...
        chain.finish([doc])
        assert language._identifier is None  # ...which is not resident while the batch is translated
    assert not chain([doc_of(FRENCH)])[0].failed
    assert chain([doc_of(ENGLISH)])[0].error == "looks like English, not fr (confidence 1.00); pass --source en or remove it"


def test_verdicts_are_remembered_in_the_cache_so_a_document_run_again_never_loads_the_model(tmp_path: Path) -> None:
    from pipeline.engines.cache import TranslationCache

    cache = TranslationCache(tmp_path / "cache.sqlite3")
    first = LanguageStage("fr", memo=cache)
    with pytest.raises(DocumentError):
        first(doc_of(ENGLISH))
    assert first(doc_of(FRENCH)).error is None and first._identifier is not None
    first.release()  # end of the batch: verdicts written
    again = LanguageStage("fr", memo=cache)
    with pytest.raises(DocumentError, match="looks like English, not fr"):
        again(doc_of(ENGLISH))
    again(doc_of(FRENCH))
    assert again._identifier is None  # judged from the remembered verdicts
    again(doc_of(FRENCH + " Un mot de plus."))
    assert again._identifier is not None  # another text is judged by the model
    found = LanguageStage("es", memo=cache).detect(FRENCH)  # verdicts are per --source: judged again
    assert found is not None and found[0] == "fr" and found[1] > 0.99


def test_a_chain_that_only_prepares_writes_its_verdicts_and_keeps_the_model(tmp_path: Path) -> None:
    """Ray's prepare tasks reuse one chain for batch after batch and never call ``finish``."""
    from pipeline.engines.cache import TranslationCache

    cache = TranslationCache(tmp_path / "cache.sqlite3")
    first = LanguageStage("fr", memo=cache)
    first(doc_of(FRENCH))
    first.remember()
    assert first._identifier is not None and not first._pending  # kept for the next batch; nothing held twice
    again = LanguageStage("fr", memo=cache)
    again(doc_of(FRENCH))
    assert again._identifier is None  # the verdict was written
