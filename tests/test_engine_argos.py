"""ArgosEngine on synthetic packages: mechanics (batching, order, pivot, splitting), not quality."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import sentencepiece
from hypothesis import given
from hypothesis import strategies as st

from pipeline.engines import create_engine
from pipeline.engines.argos import ArgosEngine, options
from pipeline.engines.argos.model import needs_apostrophe_normalising
from pipeline.engines.argos.options import resolve_threads
from pipeline.engines.argos.packages import install_file
from pipeline.engines.chunking import split_to_fit
from pipeline.errors import ConfigError, EngineUnavailable
from tests.argos_fixture import fixture_sentences, train_sentencepiece

SENTENCES = [
    "Depuis que la Russie a livré des missiles S-300 à la Syrie, les médias ne parlent plus d'attaques.",
    "Les terroristes de Daech ont saisi du chlore appartenant aux qaïdistes.",
    "",
    "Lors d’une attaque contre les positions du Front Al-Nosra au nord de la Syrie.",
    "Les terroristes de Daech ont saisi du chlore appartenant aux qaïdistes.",
    "Selon la Défense russe, cet incident est le résultat des actions de l’Occident.",
]


class RecordingTranslator:
    """Stands in for a CTranslate2 translator, recording every call's inputs before passing them on."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.batches: list[list[list[str]]] = []

    def translate_iterable(self, source: Iterable[list[str]], **options: Any) -> Any:
        self.batches.append(list(source))
        return self.inner.translate_iterable(self.batches[-1], **options)


def test_translate_returns_one_output_per_input_in_order(argos_fr_en: Path) -> None:
    engine = ArgosEngine("fr", "en")
    out = engine.translate(SENTENCES)
    assert len(out) == len(SENTENCES)
    assert out[2] == ""  # a blank sentence is not sent to the model
    assert out[1] == out[4]  # same sentence, same translation
    assert engine.translate(list(reversed(SENTENCES))) == list(reversed(out))
    assert ArgosEngine("fr", "en").translate(SENTENCES) == out  # deterministic across instances


def test_all_sentences_go_to_the_model_in_one_batched_call(argos_fr_en: Path) -> None:
    engine = ArgosEngine("fr", "en")
    (model,) = engine._loaded()
    model.translator = recorder = RecordingTranslator(model.translator)
    sentences = [s for p in fixture_sentences() for s in p.split(". ") if s.strip()]
    assert len(engine.translate(sentences)) == len(sentences)
    assert len(recorder.batches) == 1
    lengths = [len(tokens) for tokens in recorder.batches[0]]
    assert lengths == sorted(lengths)  # length-sorted to minimise padding
    assert len(recorder.batches[0]) == len(set(sentences))  # duplicates translated once


def test_version_and_pivot_name_the_package(argos_fr_en: Path) -> None:
    engine = ArgosEngine("fr", "en", beam_size=2)
    assert engine.pivot == ["fr", "en"]
    assert "fr->en 1.0 sha256:" in engine.version
    assert "beam 2" in engine.version
    assert engine.version == ArgosEngine("fr", "en", beam_size=2).version


def test_pivot_through_english_chains_two_packages(argos_fr_en: Path, argos_archives: dict[str, Path]) -> None:
    assert not ArgosEngine.available("fr", "de")
    install_file(argos_archives["en-de"], argos_fr_en)
    assert ArgosEngine.available("fr", "de")
    engine = create_engine("argos", "fr", "de")
    assert engine.pivot == ["fr", "en", "de"]
    assert "fr->en 1.0" in engine.version and "en->de 1.0" in engine.version
    out = engine.translate(SENTENCES)
    assert len(out) == len(SENTENCES)
    assert engine.translate(SENTENCES) == out


def test_missing_package_is_reported_with_an_install_hint(argos_dir: Path) -> None:
    assert not ArgosEngine.available("fr", "en")
    with pytest.raises(EngineUnavailable, match="normalize models install fr en"):
        ArgosEngine("fr", "en")
    with pytest.raises(EngineUnavailable, match="--file"):
        create_engine("argos", "fr", "en")


def test_bad_option_is_a_config_error(argos_fr_en: Path) -> None:
    with pytest.raises(ConfigError, match="beam_size must be at least 1"):
        ArgosEngine("fr", "en", beam_size=0)
    with pytest.raises(ConfigError, match="compute_type"):
        ArgosEngine("fr", "en", compute_type="float128")


@pytest.mark.parametrize(
    ("cpus", "threads", "inter", "intra", "expected"),
    [
        (2, 0, None, None, (2, 1)),  # this machine: two batches at once beat one batch on two threads
        (1, 0, None, None, (1, 1)),
        (16, 0, None, None, (4, 4)),  # parallel batches first, capped: each costs its own memory
        (16, 8, None, None, (4, 2)),  # --threads is a budget, whatever the machine has
        (2, 6, None, None, (4, 1)),
        (16, 0, None, 8, (2, 8)),
        (16, 0, 3, None, (3, 5)),
        (2, 0, 1, 0, (1, 0)),  # argostranslate's own defaults, kept as given
    ],
)
def test_thread_budget_goes_to_parallel_batches_first(
    monkeypatch: pytest.MonkeyPatch, cpus: int, threads: int, inter: int | None, intra: int | None, expected: tuple[int, int]
) -> None:
    monkeypatch.setattr(options, "usable_cpus", lambda: cpus)
    assert resolve_threads(threads, inter, intra) == expected


def test_threads_reach_ctranslate2_and_do_not_change_the_translation(argos_fr_en: Path) -> None:
    sentences = [s for p in fixture_sentences() for s in p.split(". ") if s.strip()]
    spans = [[(0, min(9, len(s)))] for s in sentences]
    default = ArgosEngine("fr", "en", inter_threads=1, intra_threads=0)
    expected, expected_aligned = default.translate(sentences), default.translate_aligned(sentences, spans)
    choices: tuple[dict[str, Any], ...] = ({"threads": 1}, {"threads": 4}, {"inter_threads": 1, "intra_threads": 2})
    for settings in choices:
        engine = ArgosEngine("fr", "en", **settings)
        (model,) = engine._loaded()
        assert model.translator.num_translators == engine.threads[0]
        assert engine.translate(sentences) == expected, settings
        assert engine.translate_aligned(sentences, spans) == expected_aligned, settings
    with pytest.raises(ConfigError, match="threads must be at least 0"):
        ArgosEngine("fr", "en", threads=-1)


def test_long_sentence_is_split_and_every_piece_translated(argos_fr_en: Path) -> None:
    long_sentence = " ".join(fixture_sentences()[1:3])
    engine = ArgosEngine("fr", "en", max_input_tokens=12)
    (model,) = engine._loaded()
    model.translator = recorder = RecordingTranslator(model.translator)
    out = engine.translate([long_sentence, "", long_sentence])
    assert len(out) == 3 and out[0] == out[2] and out[0]
    (batch,) = recorder.batches
    assert len(batch) > 10
    assert all(len(tokens) <= 12 for tokens in batch)
    # Nothing truncated: the pieces sent to the model decode back to the whole input.
    expected = long_sentence.replace("\u2019", "'") if model.curly_apostrophe else long_sentence
    decoded = sorted(model.processor.decode_pieces(tokens) for tokens in batch)
    assert sorted(decoded) == sorted(p.strip() for p in split_to_fit(expected, model._count, 12))
    assert sum(len(d.replace(" ", "")) for d in decoded) == len(expected.replace(" ", ""))


def test_placeholders_survive_tokenisation(argos_fr_en: Path) -> None:
    engine = ArgosEngine("fr", "en")
    (model,) = engine._loaded()
    for index in (0, 1, 25, 26, 700):
        token = engine.placeholder(index)
        assert "_" not in token
        assert model._decode(model._encode(f"de {token} à")) == f"de {token} à"


@given(st.text(alphabet=st.sampled_from(list("ab ,.;\n")), max_size=200), st.integers(min_value=1, max_value=6))
def test_split_to_fit_loses_nothing_and_respects_the_limit(text: str, limit: int) -> None:
    def count(piece: str) -> int:
        return len(piece.split()) + piece.count(",")

    pieces = split_to_fit(text, count, limit)
    assert "".join(pieces) == text
    assert all(count(p) <= limit or len(p) == 1 for p in pieces)


def test_split_prefers_punctuation_then_spaces() -> None:
    def words(piece: str) -> int:
        return len(piece.split())

    assert split_to_fit("un deux trois, quatre cinq six sept", words, 4) == ["un deux trois, ", "quatre cinq six sept"]
    assert split_to_fit("un deux trois quatre", words, 2) == ["un deux ", "trois quatre"]
    assert split_to_fit("abcdef", lambda p: len(p), 3) == ["abc", "def"]


def test_curly_apostrophe_is_normalised_only_for_models_that_lack_it(tmp_path: Path) -> None:
    ascii_only = [s.replace("\u2019", "'") for s in fixture_sentences()]
    without = train_sentencepiece(tmp_path / "ascii", 200, ascii_only)
    with_curly = train_sentencepiece(tmp_path / "curly", 200)
    assert needs_apostrophe_normalising(sentencepiece.SentencePieceProcessor(model_file=str(without)))
    assert not needs_apostrophe_normalising(sentencepiece.SentencePieceProcessor(model_file=str(with_curly)))
