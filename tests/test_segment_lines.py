"""Segmenter: line breaks inside a paragraph that end a segment (list items, headlines, datelines) and those that do not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.model import Document
from pipeline.stages.segment import segment, sentences
from tests.conftest import ScriptedEngine
from tests.render_fixtures import run_fixtures


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "* Plus de 3.000 jihadistes se sont rendus ;\n* 29.000 personnes ont quitté la poche ;\n* Lire aussi : ici.",
            ["* Plus de 3.000 jihadistes se sont rendus ;", "* 29.000 personnes ont quitté la poche ;", "* Lire aussi : ici."],
        ),
        (
            "- 2012 : les rebelles touareg prennent le nord\n- 2013 : intervention française Serval",
            ["- 2012 : les rebelles touareg prennent le nord", "- 2013 : intervention française Serval"],
        ),
        ("• un\n• deux\n– trois", ["• un", "• deux", "– trois"]),
        ("Les étapes :\n1. Idlib. Puis Alep.\n2) Raqqa", ["Les étapes :", "1. Idlib.", "Puis Alep.", "2) Raqqa"]),
        ("1. Un et deux.", ["1. Un et deux."]),  # the item's number is not a sentence "1."
        # A list item wrapped over two lines stays one item.
        (
            "- 2012 : les rebelles touareg et des\n  groupes armés prennent le nord",
            ["- 2012 : les rebelles touareg et des\n  groupes armés prennent le nord"],
        ),
        # Headlines and datelines on their own line.
        ("KABOUL (AFP)\nUn attentat a fait dix morts jeudi.", ["KABOUL (AFP)", "Un attentat a fait dix morts jeudi."]),
        (
            "IRAK : UN VILLAGE REPRIS\nLes jihadistes ont repris le village.",
            ["IRAK : UN VILLAGE REPRIS", "Les jihadistes ont repris le village."],
        ),
        (
            "Syrie : les FDS annoncent la fin du califat\nLes Forces démocratiques syriennes ont annoncé samedi la victoire.",
            ["Syrie : les FDS annoncent la fin du califat", "Les Forces démocratiques syriennes ont annoncé samedi la victoire."],
        ),
        ("LES JIHADISTES DE L'EI\nREPRENNENT UN VILLAGE", ["LES JIHADISTES DE L'EI\nREPRENNENT UN VILLAGE"]),  # one headline
        # Soft wraps in the middle of a sentence are not boundaries.
        ("Les jihadistes de l'EI ont\nrepris le village jeudi.", ["Les jihadistes de l'EI ont\nrepris le village jeudi."]),
        ("Selon le ministre,\nLes Républicains ont tort.", ["Selon le ministre,\nLes Républicains ont tort."]),
        ("Le général a déclaré :\n« Nous partirons. »", ["Le général a déclaré :\n« Nous partirons. »"]),
        ("Le 1er janvier\n12. Puis.", ["Le 1er janvier\n12.", "Puis."]),  # "12." carried over is not an item
    ],
)
def test_line_breaks_inside_a_paragraph(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_text_wrapped_at_a_fixed_width_is_not_split_before_a_capital() -> None:
    """Each line is filled: the word that starts the next line did not fit, so the break is not a headline's."""
    text = (
        "Le ministre des Affaires étrangères a rencontré jeudi son homologue\n"
        "Sergueï Lavrov à Moscou pour parler de la situation dans la province\n"
        "d'Idleb, où les combats ont repris."
    )
    assert split(text) == [text]


def test_list_items_keep_their_paragraph_and_exact_offsets() -> None:
    text = "Chronologie :\r\n- 2012 : les rebelles\r\n- 2013 : Serval\n\nFin."
    doc = segment(Document(path=Path("x.txt"), name="x", text=text, language="fr", sha256=""))
    assert [s.source for s in doc.segments] == ["Chronologie :", "- 2012 : les rebelles", "- 2013 : Serval", "Fin."]
    assert [s.paragraph for s in doc.segments] == [0, 0, 0, 1]
    for seg in doc.segments:
        assert text[seg.start : seg.end] == seg.source


def test_page_and_json_show_list_items_apart(tmp_path: Path) -> None:
    """Each item is a segment in the JSON, and the page breaks the line between items but not between sentences."""
    source = tmp_path / "in" / "liste.txt"
    source.parent.mkdir()
    source.write_text("Bilan. Trois points :\n* un\n* deux\n", encoding="utf-8")
    out = tmp_path / "out"
    run_fixtures([source], out, engine=ScriptedEngine())
    data = json.loads((out / "liste.json").read_text(encoding="utf-8"))
    assert [s["source"] for s in data["segments"]] == ["Bilan.", "Trois points :", "* un", "* deux"]
    page = (out / "liste.html").read_text(encoding="utf-8")
    row = re.search(r'<td lang="fr" class="src">(.*?)</td>', page, re.DOTALL)
    assert row is not None
    gaps = re.findall(r"</span>(.*?)<span", row.group(1))
    assert gaps == [" ", "<br>", "<br>"]
