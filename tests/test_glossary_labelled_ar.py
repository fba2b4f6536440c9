"""The Arabic glossary on the 20 real pairs of parallel-ar and written hard negatives, on the match side (issue 36).

As for Russian (tests/test_glossary_labelled_ru.py, whose scoring this reuses; the steps every set
shares are in tests/labelled.py): no engine translates Arabic here, so the chain runs up to the match
stage. Targets: 100% of the expected hits with exact spans (proclitics left out), 0 false hits
("حماس" = enthusiasm, "القاعدة" = the base), every flag-only or context-refused loaded word flagged.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.errors import DocumentError
from pipeline.model import Document, text_document
from pipeline.stages.language import LanguageStage
from tests.conftest import DATA, needs
from tests.labelled import MATCH_SIDE, check_entries, check_sourced, glossary, load_cases, run_cases
from tests.test_glossary_labelled_ru import CORPUS, score

LABELLED_AR = DATA / "labelled_ar.yaml"


@pytest.fixture(scope="module")
def arabic() -> tuple[list[dict[str, Any]], list[Document]]:
    cases = load_cases(LABELLED_AR)
    return cases, run_cases(glossary("ar"), cases, order=MATCH_SIDE)


def test_labelled_set_holds_the_20_real_pairs_and_hard_negatives() -> None:
    cases = load_cases(LABELLED_AR)
    assert sum(1 for c in cases if "from" in c) == 20
    check_sourced(cases, CORPUS / "parallel-ar" / "ar.txt")
    negatives = [c["source"] for c in cases if not c.get("expect") and not c.get("flagged")]
    assert sum("حماس" in n for n in negatives) >= 3 and sum("القاعدة" in n for n in negatives) >= 4
    assert sum(1 for c in cases for e in c.get("expect") or [] if e.get("kept")) >= 3
    check_entries(glossary("ar"), cases)


def test_the_match_side_meets_the_targets(arabic: tuple[list[dict[str, Any]], list[Document]]) -> None:
    s = score(*arabic)
    print(f"\nar match side: {s}")
    assert s.misses == []
    assert s.false_hits == []
    assert s.unflagged == []


def test_spans_slice_back_to_the_original_text(arabic: tuple[list[dict[str, Any]], list[Document]]) -> None:
    _, docs = arabic
    for doc in docs:
        for seg in doc.segments:
            for h in seg.hits:
                assert doc.text[h.start : h.end] == h.text


@needs("corpus")
@pytest.mark.parametrize(("folder", "right", "wrong"), [("parallel-ar", "ar", "ru"), ("parallel-ru", "ru", "ar")])
def test_a_wrong_source_is_refused(folder: str, right: str, wrong: str) -> None:
    """py3langid knows Russian and Arabic: a document in one is refused when --source says the other, or French."""
    corpus = CORPUS / folder / f"{right}.txt"
    text = " ".join(corpus.read_text(encoding="utf-8").splitlines()[:6])
    LanguageStage(right)(text_document(text, language=right, name="right"))
    for source in (wrong, "fr"):
        with pytest.raises(DocumentError, match=f"pass --source {right}"):
            LanguageStage(source)(text_document(text, language=source, name="wrong"))
