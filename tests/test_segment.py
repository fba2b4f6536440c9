"""Reader and segmenter: the seed format, offsets, sentence boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.readers.files import read_document
from pipeline.stages.segment import paragraphs, segment, sentences
from tests.conftest import SEED


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il pleut. Il vente.", ["Il pleut.", "Il vente."]),
        ("M. Dupont est arrivé. Mme Durand aussi.", ["M. Dupont est arrivé.", "Mme Durand aussi."]),
        ("Des villes, p. ex. Idlib. Puis Alep.", ["Des villes, p. ex. Idlib.", "Puis Alep."]),
        ("G. W. Bush a parlé. Fin.", ["G. W. Bush a parlé.", "Fin."]),
        ("Le taux est de 10.5 pour cent. Bien.", ["Le taux est de 10.5 pour cent.", "Bien."]),
        ("Des missiles S-300. Livrés.", ["Des missiles S-300.", "Livrés."]),
        ("Vraiment ? Oui !", ["Vraiment ?", "Oui !"]),
        ("Il a dit « Non. » Puis il est parti.", ["Il a dit « Non. »", "Puis il est parti."]),
        ("Le gén. Savtchenko a parlé.", ["Le gén. Savtchenko a parlé."]),
        ("chimique? Les", ["chimique?", "Les"]),
        ("Armes, bombes, etc. sont là.", ["Armes, bombes, etc. sont là."]),
        ("Attendez… Les chars arrivent.", ["Attendez…", "Les chars arrivent."]),
        ("pas de majuscule. après", ["pas de majuscule. après"]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_seed_reads_metadata_and_keeps_typography() -> None:
    doc = segment(read_document(SEED, language="fr"))
    assert doc.metadata == {"date": "2018-10"}
    assert doc.text == SEED.read_text(encoding="utf-8")
    assert doc.segments[0].source.startswith("Depuis que la Russie")
    assert len(doc.paragraphs()) == 7
    assert any("« Haras Eddine »" in s.source for s in doc.segments)
    assert any("l’Occident" in s.source for s in doc.segments)
    for seg in doc.segments:
        assert doc.text[seg.start : seg.end] == seg.source


def test_paragraphs_split_on_blank_lines_only() -> None:
    text = "Un.\nDeux.\n\n  \nTrois.\n\n"
    assert [text[a:b] for a, b in paragraphs(text)] == ["Un.\nDeux.", "Trois."]


def test_document_without_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Le texte commence ici. Date 2018-10 n'est pas en tête.", encoding="utf-8")
    doc = segment(read_document(path, language="fr"))
    assert doc.metadata == {}
    assert doc.segments[0].start == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il a fui la ville.Les jihadistes sont là.", ["Il a fui la ville.", "Les jihadistes sont là."]),
        (
            'Il a dit "place".Les autres (CAT).En 2017.Après l’EI.',
            ['Il a dit "place".', "Les autres (CAT).", "En 2017.", "Après l’EI."],
        ),
        ("Selon M.Dupont, etc.Le reste", ["Selon M.Dupont, etc.Le reste"]),  # an initial, an abbreviation
        ("Le site lemonde.fr dit 10.5 pour la S.A. Voilà", ["Le site lemonde.fr dit 10.5 pour la S.A. Voilà"]),
    ],
)
def test_sentences_glued_by_scraping_are_split(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentences(text, 0, len(text))] == expected


prose = st.text(alphabet=st.sampled_from(list("abcM.É é?!«» \n\u00a010-S’'")), max_size=300)


@given(prose)
def test_offsets_slice_back_to_the_text(text: str) -> None:
    for p_start, p_end in paragraphs(text):
        for start, end in sentences(text, p_start, p_end):
            assert p_start <= start < end <= p_end
            assert text[start:end] == text[start:end].strip()
            assert text[start:end]
