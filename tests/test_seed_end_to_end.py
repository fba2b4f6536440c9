"""The seed article through the whole pipeline with real Apertium: the JSON contract and the labels."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.glossary.load import Glossary
from pipeline.run import RunOptions, run
from tests.conftest import SEED, needs

pytestmark = needs("apertium")

LOADED = re.compile(r"(?i)\b(terroris\w*|takfiri\w*|daech\w*|daesh|qaïdist\w*|atlantist\w*|groupuscule)\b")


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory, fr_en: Glossary) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("out")
    result = run(RunOptions(inputs=[SEED], out=out, glossary=fr_en, engine="apertium", quiet=True))
    assert result.exit_code == 0
    return out, json.loads((out / f"{SEED.stem}.json").read_text(encoding="utf-8"))


def test_json_contract(seed_run: tuple[Path, dict[str, Any]]) -> None:
    _, data = seed_run
    text = SEED.read_text(encoding="utf-8")
    assert set(data["source"]) >= {"path", "language", "sha256"}
    assert data["source"]["language"] == "fr"
    assert data["engine"]["name"] == "apertium" and data["engine"]["version"]
    assert data["segments"], "the seed has segments"
    for i, seg in enumerate(data["segments"]):
        assert set(seg) >= {"id", "paragraph", "start", "end", "source", "mt", "target", "changes", "findings"}
        assert seg["id"] == i
        assert text[seg["start"] : seg["end"]] == seg["source"]
        assert seg["mt"] and seg["target"]
        for change in seg["changes"]:
            assert set(change) == {
                "entry",
                "source_span",
                "source_text",
                "mt_text",
                "mt_span",
                "target_span",
                "target_text",
                "method",
            }
            a, b = change["target_span"]
            assert seg["target"][a:b] == change["target_text"]
            s, e = change["source_span"]
            assert text[s:e] == change["source_text"]
            assert seg["start"] <= s < e <= seg["end"]
        for finding in seg["findings"]:
            assert {"check", "message"} <= set(finding)


def test_every_seed_label_gets_its_standard_name(seed_run: tuple[Path, dict[str, Any]]) -> None:
    _, data = seed_run
    changes = [(c["source_text"], c["target_text"]) for s in data["segments"] for c in s["changes"]]
    got = {source: target.lower() for source, target in changes}
    assert got["terroristes de Daech"] == "islamic state militants"
    assert got["daechistes"] == "islamic state militants"
    assert got["qaïdistes"] == "al-qaeda-linked militants"
    assert got["Front Al-Nosra"].endswith("al-nusra front")
    assert got["al-Qaïda"] == "al-qaeda"
    assert got["Tahrir al-Cham"] == "hay'at tahrir al-sham"
    assert got["Haras Eddine"] == "hurras al-din"
    assert got["camp atlantiste"] == "western governments"
    assert got["terroristes du Front Al-Nosra"] == "al-nusra front militants"
    assert got["groupe terroriste"] == "militant group"
    target = " ".join(s["target"] for s in data["segments"])
    assert not LOADED.findall(target)
    assert "the Islamic State militants" not in target
    assert "an Islamic State-affiliated group" in target


def test_french_typography_is_preserved_in_outputs(seed_run: tuple[Path, dict[str, Any]]) -> None:
    out, data = seed_run
    sources = "".join(s["source"] for s in data["segments"])
    assert "« Haras Eddine »" in sources and "l’Occident" in sources
    page = (out / f"{SEED.stem}.html").read_text(encoding="utf-8")
    assert '« <a class="hl change"' in page and "l’Occident" in page


def test_html_shows_the_article_side_by_side_with_highlights(seed_run: tuple[Path, dict[str, Any]]) -> None:
    out, data = seed_run
    page = (out / f"{SEED.stem}.html").read_text(encoding="utf-8")
    assert page.count('<td lang="fr" class="src">') == 7
    assert page.count('<td lang="en" class="tgt">') == 7
    n_changes = sum(len(s["changes"]) for s in data["segments"])
    assert len(re.findall(r'<a class="hl change" id="n\d+[st]"', page)) == 2 * n_changes  # source and English
    assert "Content-Security-Policy" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"{SEED.stem}.html" in index
