"""CachedEngine / TranslationCache: hits, misses, keys, and recovery from a bad database file."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from pipeline.engines.argos import ArgosEngine
from pipeline.engines.base import Engine
from pipeline.engines.cache import CachedEngine, CacheWarning, TranslationCache, default_cache_path


class CountingEngine(Engine):
    """Upper-cases sentences and records every call, so tests can see what reached the engine."""

    name = "counting"

    def __init__(self, version: str = "v1") -> None:
        super().__init__("fr", "en")
        self.calls: list[list[str]] = []
        self._version = version

    def translate(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [s.upper() for s in sentences]

    @property
    def version(self) -> str:
        return self._version


def cached(path: Path, inner: Engine | None = None) -> tuple[CachedEngine, CountingEngine]:
    engine = inner if isinstance(inner, CountingEngine) else CountingEngine()
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
    other, inner = cached(db, CountingEngine(version="v2"))
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
        engine = CachedEngine(CountingEngine(), TranslationCache(db, lock_timeout=0.05))
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
