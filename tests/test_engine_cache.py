"""CachedEngine / TranslationCache: hits, misses, keys, and recovery from a bad database file."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from pipeline.engines.argos import ArgosEngine
from pipeline.engines.base import EngineOutput, Span
from pipeline.engines.cache import CachedEngine, CacheWarning, TranslationCache, default_cache_path
from tests.conftest import ScriptedEngine, needs


def cached(path: Path, inner: ScriptedEngine | None = None) -> tuple[CachedEngine, ScriptedEngine]:
    """A cache at ``path`` over an upper-casing engine that records what reaches it."""
    engine = inner if inner is not None else ScriptedEngine()
    return CachedEngine(engine, TranslationCache(path)), engine


def test_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    first, inner = cached(db)
    assert first.translate(["a", "b", "a"]) == ["A", "B", "A"]
    assert inner.calls == [["a", "b"]]  # one call, duplicates once
    first.close()
    second, inner = cached(db)
    assert second.translate(["b", "a"]) == ["B", "A"]
    assert inner.calls == []


def test_only_misses_reach_the_engine_in_one_call(tmp_path: Path) -> None:
    engine, inner = cached(tmp_path / "t.sqlite3")
    engine.translate(["a", "b"])
    assert engine.translate(["c", "a", "d", "b"]) == ["C", "A", "D", "B"]
    assert inner.calls == [["a", "b"], ["c", "d"]]


def test_a_different_model_identity_does_not_share_entries(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    cached(db)[0].translate(["a"])
    other, inner = cached(db, ScriptedEngine(version="v2"))
    other.translate(["a"])
    assert inner.calls == [["a"]]


def test_lookup_handles_batches_beyond_sqlite_variable_limits(tmp_path: Path) -> None:
    engine, inner = cached(tmp_path / "t.sqlite3")
    sentences = [f"phrase {i}" for i in range(40_000)]
    engine.translate(sentences)
    assert engine.translate(sentences)[-1] == "PHRASE 39999"
    assert len(inner.calls) == 1


def test_corrupt_cache_file_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    engine, inner = cached(db)
    with pytest.warns(CacheWarning, match="damaged"):
        assert engine.translate(["a", "b"]) == ["A", "B"]
    assert (tmp_path / "t.sqlite3.corrupt").exists()
    engine.close()
    again, inner = cached(db)
    assert again.translate(["a"]) == ["A"]
    assert inner.calls == []  # the rebuilt cache works


def test_locked_cache_is_bypassed_with_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    cached(db)[0].translate(["a"])
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        engine = CachedEngine(ScriptedEngine(), TranslationCache(db, lock_timeout=0.05))
        with pytest.warns(CacheWarning, match="locked"):
            assert engine.translate(["a", "b"]) == ["A", "B"]
        assert engine.translate(["b"]) == ["B"]  # stays bypassed, no second warning
    finally:
        holder.rollback()
        holder.close()


def test_unusable_location_is_bypassed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    engine, _ = cached(blocker / "sub" / "t.sqlite3")
    with pytest.warns(CacheWarning, match="translating without it"):
        assert engine.translate(["a"]) == ["A"]


def test_default_path_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "normalize" / "translations.sqlite3"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_path() == Path.home() / ".cache" / "normalize" / "translations.sqlite3"


def test_cached_argos_engine_skips_the_model_on_a_warm_run(argos_fr_en: Path, tmp_path: Path) -> None:
    sentences = ["Les terroristes de Daech ont saisi du chlore.", "Selon la Défense russe, cet incident."]
    cold = CachedEngine(ArgosEngine("fr", "en"), TranslationCache(tmp_path / "c.sqlite3"))
    expected = cold.translate(sentences)
    cold.close()
    warm_inner = ArgosEngine("fr", "en")
    warm = CachedEngine(warm_inner, TranslationCache(tmp_path / "c.sqlite3"))
    assert warm.translate(sentences) == expected
    assert warm_inner._models is None  # never loaded
    assert warm.version == warm_inner.version and warm.pivot == ["fr", "en"]


def upper_in_place(text: str, spans: Sequence[Span]) -> EngineOutput:
    """Upper-cases, says each requested span went to the same offsets, and calls every "x" unknown."""
    return EngineOutput(text.upper(), tuple(spans), tuple((i, i + 1) for i, ch in enumerate(text) if ch == "x"))


def test_aligned_outputs_are_cached_with_spans_and_unknown_words(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    inner = ScriptedEngine(aligned=upper_in_place)
    first = CachedEngine(inner, TranslationCache(db))
    out = first.translate_aligned(["ax b", "c", "ax b"], [[(0, 2)], [], [(0, 2)]])
    assert out[0] == EngineOutput("AX B", ((0, 2),), ((1, 2),)) == out[2]
    assert inner.aligned_calls == [["ax b", "c"]]
    first.close()
    inner = ScriptedEngine(aligned=upper_in_place)
    second = CachedEngine(inner, TranslationCache(db))
    assert second.translate_aligned(["c", "ax b"], [[], [(0, 2)]]) == [out[1], out[0]]
    assert inner.aligned_calls == [] and inner.calls == []
    # Other requested spans are another alignment for an engine that aligns.
    assert second.translate_aligned(["ax b"], [[(3, 4)]])[0].spans == ((3, 4),)
    assert inner.aligned_calls == [["ax b"]]


def test_an_engine_that_ignores_spans_is_cached_once_per_sentence(tmp_path: Path) -> None:
    engine, inner = cached(tmp_path / "t.sqlite3")
    assert engine.translate_aligned(["a b"], [[(0, 1)]]) == [EngineOutput("A B", (None,))]
    assert engine.translate_aligned(["a b"], [[(0, 1), (2, 3)]]) == [EngineOutput("A B", (None, None))]
    assert inner.calls == [["a b"]]


def test_unreadable_aligned_row_is_a_miss(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    engine, inner = cached(db)
    engine.translate_aligned(["a"], [[]])
    engine.close()
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE aligned SET output = '{not json'")
    engine, inner = cached(db)
    assert engine.translate_aligned(["a"], [[]]) == [EngineOutput("A")]
    assert inner.calls == [["a"]]


def test_a_version_1_cache_keeps_its_translations(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    with sqlite3.connect(db) as raw:
        raw.execute(
            "CREATE TABLE translations (engine TEXT NOT NULL, model TEXT NOT NULL, source TEXT NOT NULL,"
            " target TEXT NOT NULL, PRIMARY KEY (engine, model, source)) WITHOUT ROWID"
        )
        raw.execute("INSERT INTO translations VALUES ('echo', 'echo 1', 'a', 'old A')")  # ScriptedEngine's identity
        raw.execute("PRAGMA user_version = 1")
    engine, inner = cached(db)
    assert engine.translate(["a"]) == ["old A"]
    assert engine.translate_aligned(["a"], [[]]) == [EngineOutput("A")]


@needs("apertium")
def test_warm_aligned_run_starts_no_apertium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.engines.apertium import ApertiumEngine

    sentences = ["Les takfiristes de Daech ont attaqué.", "La Russie a livré des missiles."]
    cold = CachedEngine(ApertiumEngine("fr", "en"), TranslationCache(tmp_path / "c.sqlite3"))
    expected = cold.translate_aligned(sentences, [[(4, 15)], []])
    assert expected[0].unknown
    cold.close()

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"apertium started: {args}")

    warm = CachedEngine(ApertiumEngine("fr", "en"), TranslationCache(tmp_path / "c.sqlite3"))
    warm.version  # noqa: B018 (dpkg-query runs here, before processes are forbidden)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    assert warm.translate_aligned(sentences, [[(4, 15)], []]) == expected


def test_warm_aligned_argos_run_loads_no_model(argos_fr_en: Path, tmp_path: Path) -> None:
    sentences = ["Les terroristes de Daech ont saisi du chlore.", "Selon la Défense russe, cet incident."]
    spans = [[(4, 15), (19, 24)], [(9, 16)]]
    cold = CachedEngine(ArgosEngine("fr", "en"), TranslationCache(tmp_path / "c.sqlite3"))
    expected = cold.translate_aligned(sentences, spans)
    assert any(s is not None for o in expected for s in o.spans)
    cold.close()
    warm_inner = ArgosEngine("fr", "en")
    warm = CachedEngine(warm_inner, TranslationCache(tmp_path / "c.sqlite3"))
    assert warm.translate_aligned(sentences, spans) == expected
    assert warm_inner._models is None  # never loaded
