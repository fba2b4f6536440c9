"""The JSON outputs are versioned and validated: real outputs match the shipped schemas, one reader reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.glossary.load import Glossary
from pipeline.render.json_format import FORMAT_VERSION, OutputFormatError, check_output, read_output, schema
from pipeline.review.decisions import Decisions
from pipeline.run import RunOptions, run
from tests.conftest import ScriptedEngine


@pytest.fixture
def out(tmp_path: Path, seeds: Path, fr_en: Glossary) -> Path:
    folder = tmp_path / "out"
    run(RunOptions(inputs=[seeds], out=folder, glossary=fr_en, cache=False, quiet=True), engine=ScriptedEngine())
    decisions = Decisions.load(folder)
    decisions.decide("some-key", "accepted", comment="fine", document="seed")
    return folder


def test_real_outputs_match_their_schemas(out: Path) -> None:
    pages = [p for p in out.glob("[!.]*.json") if p.name not in ("report.json", "review.json")]
    assert pages
    for page in pages:
        document = read_output(page, "document")
        assert document["format_version"] == FORMAT_VERSION and document["segments"]
    assert read_output(out / "report.json", "report")["format_version"] == FORMAT_VERSION
    assert read_output(out / "review.json", "review")["decisions"]["some-key"]["status"] == "accepted"


@pytest.mark.parametrize("kind", ["document", "report", "review", "languages"])
def test_schemas_ship_in_the_package_and_say_what_they_describe(kind: str) -> None:
    loaded = schema(kind)  # type: ignore[arg-type]
    assert loaded["$schema"].startswith("http://json-schema.org/") and loaded["title"] and loaded["required"]


def test_a_file_from_a_newer_normalize_is_refused_in_one_line(out: Path) -> None:
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    data["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(OutputFormatError, match=r"written by a newer normalize \(format 2; this one reads up to 1\); upgrade"):
        check_output(data, "report", where="report.json")


def test_a_file_from_before_versions_reads_as_the_first(out: Path) -> None:
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    del data["format_version"]
    assert check_output(data, "report")["format_version"] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"format_version": 1, "engine": {"name": 3}, "glossaries": {}, "documents": {}}', "not a normalize report file"),
    ],
)
def test_what_is_not_a_report_is_said_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OutputFormatError, match=message) as refused:
        read_output(path, "report")
    assert "\n" not in str(refused.value) and str(path) in str(refused.value)


def test_resume_redoes_a_document_whose_json_is_not_its_own(tmp_path: Path, seeds: Path, fr_en: Glossary) -> None:
    folder = tmp_path / "out"
    options = RunOptions(inputs=[seeds], out=folder, glossary=fr_en, cache=False, quiet=True)
    run(options, engine=ScriptedEngine())
    page = sorted(p for p in folder.glob("[!.]*.json") if p.name != "report.json")[0]
    data = json.loads(page.read_text(encoding="utf-8"))
    data["format_version"] = FORMAT_VERSION + 1
    page.write_text(json.dumps(data), encoding="utf-8")
    again = run(options, engine=ScriptedEngine())
    assert again.report.skipped == 0 and len(again.report.done) == 1
    assert json.loads(page.read_text(encoding="utf-8"))["format_version"] == FORMAT_VERSION
