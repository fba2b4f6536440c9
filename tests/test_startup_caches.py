"""What a re-run from the cache no longer pays at start-up (issue 35): each shortcut gives what the long way gives."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest

from pipeline.render.json_format import OutputFormatError, check_output, compiled_validator, schema
from pipeline.stages.language import installed_version
from tests.conftest import ROOT, SEED

DOCUMENT = {
    "format_version": 1,
    "source": {"path": "a.txt", "language": "fr", "sha256": "0" * 64, "metadata": {}},
    "target": {"language": "en"},
    "engine": {"name": "echo", "version": "echo 1", "pivot": []},
    "signature": "normalize:0|engine:echo",
    "run_signature": "x",
    "glossaries": {},
    "warnings": [],
    "segments": [],
}


def _verdict(validate: Any, data: Any) -> str:
    try:
        validate(json.loads(json.dumps(data)))
    except fastjsonschema.JsonSchemaValueException as exc:
        return exc.message
    return "valid"


def _validators(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "normalize" / "validators").glob("*.marshal"))


@pytest.mark.parametrize("data", [DOCUMENT, {**DOCUMENT, "segments": "none"}, {**DOCUMENT, "source": {}}, []])
def test_a_validator_from_the_cache_judges_as_fastjsonschema_does(
    data: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = _verdict(fastjsonschema.compile(schema("document")), data)
    generated = _verdict(compiled_validator(schema("document")), data)
    assert len(_validators(tmp_path)) == 1  # the generated code, kept
    assert _verdict(compiled_validator(schema("document")), data) == generated == expected


def test_a_damaged_or_unwritable_validator_cache_only_costs_the_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiled_validator(schema("review"))
    [kept] = _validators(tmp_path)
    kept.write_bytes(b"not marshal data")
    assert _verdict(compiled_validator(schema("review")), {"version": "one"}) != "valid"
    assert _validators(tmp_path) == [kept] and kept.read_bytes() != b"not marshal data"  # generated again
    (tmp_path / "blocked").write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    assert _verdict(compiled_validator(schema("review")), {"version": "one"}) != "valid"


def test_reading_an_output_still_refuses_one_that_is_not_normalizes() -> None:
    assert check_output(json.loads(json.dumps(DOCUMENT)), "document")["run_signature"] == "x"
    with pytest.raises(OutputFormatError, match="not a normalize document file"):
        check_output({**DOCUMENT, "segments": "none"}, "document")


@pytest.mark.parametrize("package", ["py3langid", "fastjsonschema", "jinja2"])
def test_the_version_read_beside_a_package_is_the_one_importlib_metadata_reads(package: str) -> None:
    assert installed_version(package) == metadata.version(package)


def test_the_mapped_language_model_gives_the_shipped_models_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from pipeline.stages.language import load_identifier

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data" / "parallel").glob("*.txt"))]
    texts += [SEED.read_text(encoding="utf-8"), "", "abc", "Les combattants ont repoussé l’assaut.", "Привет", "مرحبا"]
    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    unpacked = load_identifier()  # unpacks the copy
    mapped = load_identifier()
    assert isinstance(mapped.tk_nextmove, memoryview)  # from the copy, not the shipped file
    assert isinstance(mapped.tk_output, memoryview) and isinstance(mapped._rowbase, memoryview)  # views, not lists
    assert [mapped.classify(t) for t in texts] == [unpacked.classify(t) for t in texts] == [shipped.classify(t) for t in texts]
    (tmp_path / "blocked").write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    assert [load_identifier().classify(t) for t in texts[:3]] == [shipped.classify(t) for t in texts[:3]]


def test_loading_the_mapped_language_model_makes_no_list_of_its_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 35, flat memory: the model is loaded again for every batch; its tables as lists were ~300,000 ints
    (~20 MB traced) made and freed each time, which fragmented Python's arenas batch after batch."""
    import tracemalloc

    from pipeline.stages.language import load_identifier

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_identifier()  # unpacks the copy
    tracemalloc.start()
    try:
        identifier = load_identifier()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(identifier.tk_nextmove, memoryview)
    assert peak < 2 * 1024 * 1024  # the row offsets' one array (0.8 MB) and the small arrays
