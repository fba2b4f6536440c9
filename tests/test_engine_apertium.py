"""The Apertium engine, for real: Debian's apertium with fr-es and spa-eng."""

from __future__ import annotations

import pytest

from pipeline.engines import create_engine, engine_class
from pipeline.engines.apertium import ApertiumEngine
from pipeline.errors import ConfigError, EngineUnavailable


@pytest.fixture(scope="module")
def apertium() -> ApertiumEngine:
    engine = create_engine("apertium", "fr", "en")
    assert isinstance(engine, ApertiumEngine)
    return engine


def test_translates_french_to_english_through_spanish(apertium: ApertiumEngine) -> None:
    out = apertium.translate(["La Russie a livré des missiles à la Syrie.", "Les analystes croient à un retour."])
    assert len(out) == 2
    assert "Russia" in out[0] and "Syria" in out[0]
    assert "analysts" in out[1]
    assert apertium.pivot == ["fr", "es", "en"]
    assert "apertium-fr-es=" in apertium.version


def test_one_output_per_sentence_in_order_even_when_hostile(apertium: ApertiumEngine) -> None:
    sentences = [f"Phrase numéro {i} sans point" for i in range(300)]
    sentences[5] = ""
    sentences[7] = "⟦3⟧ imite un marqueur"
    sentences[9] = "Une ligne\navec un saut"
    out = apertium.translate(sentences)
    assert len(out) == 300
    assert out[5] == ""
    assert "[3]" in out[7]
    assert "\n" not in out[9]
    assert "299" in out[299] and "42" in out[42]


def test_placeholders_survive(apertium: ApertiumEngine) -> None:
    tokens = [apertium.placeholder(i) for i in range(30)]
    out = apertium.translate([f"Les combattants de {t} ont attaqué {u}." for t, u in zip(tokens, reversed(tokens), strict=True)])
    for line, t, u in zip(out, tokens, reversed(tokens), strict=True):
        assert t in line and u in line


def test_empty_batch_starts_no_process(apertium: ApertiumEngine) -> None:
    assert apertium.translate([]) == []


def test_unknown_engine_and_pair_are_configuration_errors() -> None:
    with pytest.raises(ConfigError, match="unknown engine 'babel'"):
        create_engine("babel", "fr", "en")
    with pytest.raises(EngineUnavailable, match="fr->en"):
        create_engine("apertium", "xx", "en")
    assert "apt-get install" in engine_class("apertium").install_hint("fr", "en")
