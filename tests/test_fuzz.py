"""Fuzzing the two readers of untrusted files: the document reader and the glossary loader (and its importers).

Whatever the bytes, the only exceptions are the deliberate one-line errors
(``DocumentError`` for a document, ``ConfigError`` for a glossary): never a
traceback. Each test is bounded (``max_examples``, no per-example deadline on
a shared CI machine) so the file runs in well under a minute.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import ConfigError, DocumentError
from pipeline.glossary.interop import from_csv, from_tbx
from pipeline.glossary.load import load_glossary_file
from pipeline.glossary.matcher import Matcher
from pipeline.readers.decoding import CONTROL_CHARS, decode
from pipeline.readers.files import read_document
from pipeline.stages.segment import segment

BOUNDED = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LANGUAGES = st.sampled_from(["fr", "ru", "es", "ja", "xx", "en"])
# Bytes that look like text often enough to reach the decoders, not only the binary check.
TEXTISH = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(st.text(max_size=200), st.sampled_from(["utf-8", "utf-16-le", "utf-16", "utf-32", "cp1252", "koi8_r"])).map(
        lambda pair: pair[0].encode(pair[1], "replace")
    ),
    st.tuples(st.binary(max_size=300), st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00"])).map(
        lambda pair: pair[1] + pair[0]
    ),
)


@contextmanager
def file_with(data: bytes, suffix: str = ".txt") -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(data)
        yield path


@BOUNDED
@given(TEXTISH, LANGUAGES)
def test_decode_gives_clean_text_or_a_document_error(raw: bytes, language: str) -> None:
    try:
        text, notes = decode(raw, language=language)
    except DocumentError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("looks like")
        return
    assert not CONTROL_CHARS.search(text)  # every control character replaced, and counted
    if "\ufffd" in text and "\ufffd".encode() not in raw:
        assert notes


@BOUNDED
@given(TEXTISH, LANGUAGES)
def test_read_and_segment_any_file(raw: bytes, language: str) -> None:
    with file_with(raw) as path:
        try:
            doc = read_document(path, language=language, max_size=400)
        except DocumentError as exc:
            assert "\n" not in str(exc)
            return
    assert len(raw) <= 400
    for seg in segment(doc).segments:
        assert doc.text[seg.start : seg.end] == seg.source and seg.source.strip() == seg.source


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30))
YAMLISH = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12
)
WORDS = st.text(alphabet=st.sampled_from(list("abcdeéÉ (){}-'sgroupDAECH")), min_size=0, max_size=20)
ENTRY = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), "standard": WORDS, "variants": st.lists(WORDS, max_size=3)},
    optional={
        "kind": st.sampled_from(["label", "group", "person", "bogus"]),
        "loaded": st.booleans(),
        "plural": WORDS,
        "renderings": st.lists(WORDS, max_size=2),
        "only_after": st.lists(WORDS, max_size=2),
        "extra": YAMLISH,
    },
)
GLOSSARY = st.fixed_dictionaries(
    {"source": st.sampled_from(["fr", "es"]), "target": st.just("en"), "entries": st.lists(ENTRY, max_size=5)}
)


def load_or_refuse(data: bytes) -> None:
    with file_with(data, ".yaml") as path:
        try:
            glossary = load_glossary_file(path)
        except ConfigError as exc:
            assert str(exc).startswith(str(path)) or "glossary" in str(exc), exc
            return
        try:
            Matcher(glossary).find("Les terroristes de Daech et le groupe EI ont attaqué (s) {group}.")
        except ConfigError:
            pass


@BOUNDED
@given(st.binary(max_size=400))
def test_glossary_loader_any_bytes(raw: bytes) -> None:
    load_or_refuse(raw)


@BOUNDED
@given(YAMLISH)
def test_glossary_loader_any_yaml(data: Any) -> None:
    load_or_refuse(yaml.safe_dump(data, allow_unicode=True).encode())


@BOUNDED
@given(GLOSSARY)
def test_glossary_loader_glossary_shaped_yaml(data: dict[str, Any]) -> None:
    load_or_refuse(yaml.safe_dump(data, allow_unicode=True).encode())


@BOUNDED
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode), st.sampled_from([".csv", ".tbx"]))
def test_importers_any_bytes(raw: bytes, suffix: str) -> None:
    reader = from_csv if suffix == ".csv" else from_tbx
    with file_with(raw, suffix) as path, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # formula and bracket warnings are expected on random cells
        try:
            data = reader(path, source="fr", target="en")
        except ConfigError:
            return
    assert isinstance(data["entries"], list)


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@BOUNDED
@given(st.lists(st.tuples(XML_TEXT, XML_TEXT, st.one_of(st.none(), XML_TEXT, YAMLISH.map(yaml.safe_dump))), max_size=4))
def test_tbx_import_of_tbx_shaped_files(entries: list[tuple[str, str, str | None]]) -> None:
    import xml.etree.ElementTree as ET

    body = ET.Element("body")
    for source, target, settings_text in entries:
        entry = ET.SubElement(body, "termEntry")
        if settings_text is not None:
            ET.SubElement(entry, "descrip", {"type": "normalize-settings"}).text = settings_text
        for lang, term in (("fr", source), ("en", target)):
            tig = ET.SubElement(ET.SubElement(entry, "langSet", {"xml:lang": lang}), "tig")
            ET.SubElement(tig, "term").text = term
    document = "<martif><text>" + ET.tostring(body, encoding="unicode") + "</text></martif>"
    with file_with(document.encode(), ".tbx") as path, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            data = from_tbx(path, source="fr", target="en")
        except ConfigError as exc:
            assert "\n" not in str(exc).strip()
            return
        out = path.with_suffix(".yaml")
        from pipeline.glossary.interop import to_yaml

        out.write_text(to_yaml(data), encoding="utf-8")
        load_or_refuse(out.read_bytes())
