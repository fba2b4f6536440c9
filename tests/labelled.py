"""What the labelled-set tests of every language share: loading a set, running it through the chain, checking its sources.

Each ``tests/test_glossary_labelled*.py`` keeps its own scorer, since each set states different targets (the
French set's ``expect`` maps words to standard names; the Spanish set checks the English; the Russian and
Arabic sets stop at the match stage); what they all do alike lives here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from pipeline.chain import DEFAULT_ORDER, Chain
from pipeline.engines.base import Engine
from pipeline.glossary.load import Glossary, default_glossary_paths, load_glossaries
from pipeline.model import Document, Finding, text_document
from tests.conftest import GLOSSARIES

MATCH_SIDE = ("segment", "match")  # the chain without an engine, for languages no engine here translates

def glossary(source: str) -> Glossary:
    """The shipped glossaries from ``source`` into English."""
    return load_glossaries(default_glossary_paths(GLOSSARIES, source, "en"), source=source, target="en")


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return cases


def run_cases(
    g: Glossary, cases: list[dict[str, Any]], engine: Engine | None = None, order: Sequence[str] = DEFAULT_ORDER
) -> list[Document]:
    """One document per case, in the glossary's source language, through the chain's stages ``order``."""
    docs = [text_document(c["source"], language=g.source, name=f"case{i}") for i, c in enumerate(cases)]
    Chain(g, engine, order)(docs)
    assert not [d.error for d in docs if d.error]
    return docs


def is_flagged(want: dict[str, str], doc: Document, findings: Sequence[Finding]) -> bool:
    """Whether a ``flagged`` item of a case (its check, entry and words) has its finding in ``doc``."""
    return any(
        f.check == want["check"]
        and f.entry == want["entry"]
        and f.source_span
        and doc.text[slice(*f.source_span)] == want["text"]
        for f in findings
    )


def loaded_renderings(docs: Sequence[Document]) -> list[str]:
    """The messages of every ``loaded-rendering`` finding: loaded words left in the English outside quotations."""
    return [f.message for d in docs for seg in d.segments for f in seg.findings if f.check == "loaded-rendering"]


def check_sourced(cases: list[dict[str, Any]], corpus_file: Path) -> None:
    """Real sentences are copied verbatim from the corpus (whitespace at the ends aside), when it is there to compare."""
    if corpus_file.exists():
        lines = {line.strip() for line in corpus_file.read_text(encoding="utf-8").splitlines()}
        assert [c["source"] for c in cases if "from" in c and c["source"] not in lines] == []


def check_entries(g: Glossary, cases: list[dict[str, Any]]) -> None:
    """Every entry a case names is one of the glossary's."""
    entries = {e.id for e in g.entries}
    named = {want["entry"] for c in cases for want in [*(c.get("expect") or []), *(c.get("flagged") or [])]}
    assert named <= entries, named - entries
