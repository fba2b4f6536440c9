"""Glossaries in and out of other tools: TBX (ISO 30042) and Amazon Translate's terminology CSV.

TBX keeps everything that matters for review: the English standard name is a
``preferredTerm``, loaded source labels and loaded English renderings are
``deprecatedTerm`` (forbidden), plain spelling variants are ``admittedTerm``;
the entry's note and references travel as ``note``/``source``. Imported files
are parsed with defusedxml, because a TBX file from elsewhere is untrusted XML.

The CSV is the flat shape Amazon Translate custom terminology takes: a header
of language codes, then one row per source form and its target. It has no
place for notes or patterns, so ``(s)`` endings and ``{group}`` slots are
expanded into literal rows on export.

Both directions treat the other side as hostile:

- a CSV cell that a spreadsheet would run as a formula (it starts with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
  ``'``, as OWASP recommends, and such a cell in an imported file is warned
  about (an exported ``'=`` cell reads back as the term it was);
- an imported term is a literal, never pattern syntax: the brackets that the
  glossary reads as an optional ending ``(s)`` or a slot ``{group}`` are
  replaced by spaces, with a warning, so ``Front (al-Nosra)`` still needs all
  three words instead of matching every "front";
- a TBX ``normalize-settings`` note must be a YAML mapping of known fields.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET
import yaml

from pipeline.errors import ConfigError
from pipeline.glossary.load import Glossary
from pipeline.glossary.matcher import SLOT, expand_variant

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED, ADMITTED, FORBIDDEN = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"
KEEP_FIELDS = ("kind", "plural", "plural_variants", "article", "flag_only", "only_after", "not_after", "not_before")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what makes a spreadsheet cell a formula
PATTERN_SYNTAX = re.compile(r"[(){}]")
PATTERN_NOTE = "normalize-syntax"  # termNote marking a term written in glossary syntax, (s) and {group}


class InteropWarning(UserWarning):
    """Something in an imported or exported file a reviewer should look at; the conversion goes on."""


# ---- TBX -----------------------------------------------------------------


def to_tbx(glossary: Glossary) -> str:
    """A TBX-Basic document with one termEntry per glossary entry."""
    martif = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: glossary.source})
    header = ET.SubElement(ET.SubElement(martif, "martifHeader"), "fileDesc")
    ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = "Exported by normalize from " + ", ".join(glossary.files)
    body = ET.SubElement(ET.SubElement(martif, "text"), "body")
    for entry in glossary.entries:
        term_entry = ET.SubElement(body, "termEntry", {"id": entry.id})
        if entry.note:
            ET.SubElement(term_entry, "note").text = entry.note.strip()
        for ref in entry.references:
            ET.SubElement(term_entry, "descrip", {"type": "source"}).text = ref
        settings = {k: getattr(entry, k) for k in KEEP_FIELDS if getattr(entry, k) not in (None, (), "keep", "label", False)}
        if settings:
            ET.SubElement(term_entry, "descrip", {"type": "normalize-settings"}).text = yaml.safe_dump(
                {k: list(v) if isinstance(v, tuple) else v.value if isinstance(v, Enum) else v for k, v in settings.items()},
                allow_unicode=True,
                sort_keys=True,
            ).strip()
        source = ET.SubElement(term_entry, "langSet", {XML_LANG: glossary.source})
        for variant in entry.variants:
            _tig(source, variant, FORBIDDEN if entry.loaded else ADMITTED, pattern=bool(PATTERN_SYNTAX.search(variant)))
        target = ET.SubElement(term_entry, "langSet", {XML_LANG: glossary.target})
        _tig(target, entry.standard, PREFERRED)
        for rendering in entry.renderings:
            _tig(target, rendering, FORBIDDEN if entry.loaded or rendering != entry.standard else ADMITTED)
    ET.indent(martif)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(martif, encoding="unicode") + "\n"


def _tig(lang_set: ET.Element, term: str, status: str, *, pattern: bool = False) -> None:
    tig = ET.SubElement(lang_set, "tig")
    ET.SubElement(tig, "term").text = term
    ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
    if pattern:  # read back as glossary syntax, where any other term is a literal
        ET.SubElement(tig, "termNote", {"type": PATTERN_NOTE}).text = "pattern"


def from_tbx(path: Path, *, source: str, target: str) -> dict[str, Any]:
    """Read a TBX file into glossary YAML data (``source`` terms become variants)."""
    try:
        root = SafeET.fromstring(path.read_bytes())
    except (ET.ParseError, defusedxml.DefusedXmlException) as exc:
        raise ConfigError(f"{path}: not a readable TBX file ({exc}); export it again as TBX-Basic") from exc
    entries = []
    for number, term_entry in enumerate(_strip_ns(root).iter("termEntry")):
        terms, patterns = _terms(term_entry)
        variants = [t if t in patterns else _literal(t, path) for t, _ in terms.get(source, [])]
        targets = terms.get(target, [])
        preferred = [t for t, s in targets if s == PREFERRED] or [t for t, s in targets if s != FORBIDDEN]
        if not variants or not preferred:
            continue  # an entry without both sides says nothing we can enforce
        item: dict[str, Any] = {
            "id": term_entry.get("id") or _slug(preferred[0]) or f"entry-{number}",
            "standard": preferred[0],
            "loaded": any(s == FORBIDDEN for _, s in terms.get(source, [])),
            "variants": variants,
        }
        renderings = [t for t, _ in targets if t != preferred[0]]
        if renderings:
            item["renderings"] = renderings
        for descrip in term_entry.findall("descrip"):
            if descrip.get("type") == "normalize-settings" and descrip.text:
                item.update(_settings(descrip.text, path, item["id"]))
        note = term_entry.find("note")
        if note is not None and note.text:
            item["note"] = note.text
        refs = [d.text for d in term_entry.findall("descrip") if d.get("type") == "source" and d.text]
        if refs:
            item["references"] = refs
        entries.append(item)
    return {"source": source, "target": target, "entries": _unique_ids(entries)}


def _terms(term_entry: ET.Element) -> tuple[dict[str, list[tuple[str, str]]], set[str]]:
    """Language -> [(term, administrative status)], and the terms marked as written in glossary syntax."""
    terms: dict[str, list[tuple[str, str]]] = {}
    patterns: set[str] = set()
    for lang_set in term_entry.iter("langSet"):
        lang = (lang_set.get(XML_LANG) or lang_set.get("lang") or "").split("-")[0].lower()
        for tig in list(lang_set.iter("tig")) + list(lang_set.iter("ntig")):
            term = tig.find(".//term")
            status = tig.find(".//termNote[@type='administrativeStatus']")
            if term is not None and term.text:
                terms.setdefault(lang, []).append((term.text.strip(), (status.text or "").strip() if status is not None else ""))
                if tig.find(f".//termNote[@type='{PATTERN_NOTE}']") is not None:
                    patterns.add(term.text.strip())
    return terms, patterns


def _settings(text: str, path: Path, entry_id: str) -> dict[str, Any]:
    """A ``normalize-settings`` note: a YAML mapping of ``KEEP_FIELDS`` (safe_load: a ``!!python`` tag is refused)."""
    where = f"{path}: termEntry {entry_id!r}: normalize-settings"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ConfigError(f"{where} is not valid YAML ({problem}); fix or delete that descrip") from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"{where} should be a mapping such as 'kind: group', got a {type(data).__name__}; fix or delete that descrip"
        )
    unknown = sorted(repr(k) for k in data if k not in KEEP_FIELDS)
    if unknown:
        raise ConfigError(f"{where} has unknown field(s) {', '.join(unknown)}; allowed: {', '.join(KEEP_FIELDS)}")
    return data


def _literal(term: str, path: Path) -> str:
    """An imported term as a variant that matches exactly its words: brackets the glossary would read as syntax become spaces."""
    if not PATTERN_SYNTAX.search(term):
        return term
    literal = " ".join(PATTERN_SYNTAX.sub(" ", term).split())
    warnings.warn(
        f"{path}: term {term!r} imported as {literal!r}: brackets mean an optional ending or a slot in a glossary; "
        "edit the variant if the brackets held an optional part",
        InteropWarning,
        stacklevel=3,
    )
    return literal


def _strip_ns(root: ET.Element) -> ET.Element:
    """TBX v3 files use a namespace; element names are compared without it."""
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


# ---- Amazon Translate terminology CSV ------------------------------------


def literal_forms(glossary: Glossary) -> Iterator[tuple[str, str]]:
    """(source form, target) for every form the matcher would accept, slots filled."""
    groups = [e for e in glossary.entries if e.kind == "group"]
    for entry in glossary.entries:
        for variant in entry.variants:
            for form, plural in expand_variant(variant):
                if SLOT not in form:
                    yield form, entry.name(plural=plural)
                    continue
                for group in groups:
                    for group_variant in group.variants:
                        for group_form, _ in expand_variant(group_variant):
                            yield form.replace(SLOT, group_form), entry.name(plural=plural, group=group.standard)


def to_csv(glossary: Glossary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([glossary.source, glossary.target])
    seen: set[str] = set()
    for form, name in literal_forms(glossary):
        if form not in seen:
            seen.add(form)
            writer.writerow([_cell(form), _cell(name)])
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading ``'`` before what would start a formula (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _uncell(text: str, path: Path, row: int) -> str:
    """An imported cell: our own ``'=`` escape undone; a cell that a spreadsheet would run as a formula, warned about."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    if text.startswith(FORMULA_START):
        warnings.warn(
            f"{path}:{row}: cell {text[:40]!r} starts like a spreadsheet formula; check it is a term and not an injected formula",
            InteropWarning,
            stacklevel=3,
        )
    return text


def from_csv(path: Path, *, source: str, target: str) -> dict[str, Any]:
    """Read an Amazon-style terminology CSV: one entry per distinct target term."""
    try:
        text = path.read_bytes().decode("utf-8-sig")  # bytes: a carriage return inside a cell stays one
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read CSV ({exc}); save it as UTF-8") from exc
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ConfigError(f"{path}: not a readable CSV file ({exc}); save it again as CSV") from exc
    if not rows:
        raise ConfigError(f"{path}: empty CSV; the first row must name the languages, e.g. {source},{target}")
    header = [h.strip().lower() for h in rows[0]]
    if source not in header or target not in header:
        raise ConfigError(f"{path}:1: header {rows[0]} lacks {source!r} and {target!r} columns; pass --source/--target")
    s, t = header.index(source), header.index(target)
    by_target: dict[str, list[str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > max(s, t) and row[s].strip() and row[t].strip():
            term, standard = (_uncell(row[i], path, number).strip() for i in (s, t))
            by_target.setdefault(standard, []).append(_literal(term, path))
    entries = [{"id": _slug(std) or "entry", "standard": std, "variants": forms} for std, forms in by_target.items()]
    return {"source": source, "target": target, "entries": _unique_ids(entries)}


# ---- helpers -----------------------------------------------------------------


def to_yaml(data: dict[str, Any]) -> str:
    header = "# yaml-language-server: $schema=../pipeline/glossary/glossary.schema.json\n"
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _unique_ids(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    for item in entries:
        base = item["id"]
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            item["id"] = f"{base}-{seen[base]}"
    return entries

