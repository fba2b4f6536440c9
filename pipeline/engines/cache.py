"""A persistent translation cache that wraps any engine.

News wires repeat themselves and analysts re-run the same files after editing
a glossary; a sentence already translated by the same engine and the same
model never needs the model again. Entries are keyed by (engine name, engine
``version`` — which names the model files' hash and the decoding settings —,
exact source sentence), so a changed model or setting can never serve stale
translations.

The cache is an optimisation, never a reason to fail: a corrupt file is moved
aside and rebuilt, a locked or unwritable one is bypassed, and either case is
reported as a ``CacheWarning``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from pipeline.engines.base import Engine, EngineOutput, Span
from pipeline.errors import EngineError

# 2 added the ``aligned`` table; a version-1 file keeps its translations.
SCHEMA_VERSION = 2
# Seconds to wait for another normalize process to finish writing before
# translating without the cache; a busy cache must not stall a run.
DEFAULT_LOCK_TIMEOUT = 2.0
T = TypeVar("T")
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26


class CacheWarning(UserWarning):
    """The translation cache could not be used as is; the run goes on."""


def cache_home() -> Path:
    """``$XDG_CACHE_HOME/normalize``, else ``~/.cache/normalize``, resolved now: what normalize may rebuild."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "normalize"


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/normalize/translations.sqlite3``, else ``~/.cache/normalize/...``, resolved now."""
    return cache_home() / "translations.sqlite3"


class TranslationCache:
    """SQLite store of (engine, model, source sentence) -> translation.

    The file is opened on first use. Lookups are one query per batch (the
    wanted sentences go to a temporary table and are joined), whatever its size.
    """

    def __init__(self, path: Path | None = None, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path if path is not None else default_cache_path()
        self._lock_timeout = lock_timeout
        self._connection: sqlite3.Connection | None = None
        self._bypassed = False

    def lookup(self, engine: str, model: str, sources: Sequence[str]) -> dict[str, str]:
        """Cached translations among ``sources``; empty when the cache is unusable."""

        def query(db: sqlite3.Connection) -> dict[str, str]:
            with db:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (source TEXT PRIMARY KEY)")
                db.execute("DELETE FROM wanted")
                db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((s,) for s in sources))
                rows = db.execute(
                    "SELECT t.source, t.target FROM wanted w JOIN translations t"
                    " ON t.engine = ? AND t.model = ? AND t.source = w.source",
                    (engine, model),
                ).fetchall()
            return dict(rows)

        return self._run(query, default={})

    def store(self, engine: str, model: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Save (source, translation) pairs; silently nothing when the cache is unusable."""
        rows = [(engine, model, source, target) for source, target in pairs]

        def insert(db: sqlite3.Connection) -> None:
            with db:
                db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?)", rows)

        self._run(insert, default=None)

    def lookup_aligned(self, engine: str, model: str, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Cached aligned outputs (JSON) among (source, spans) keys; empty when the cache is unusable."""

        def query(db: sqlite3.Connection) -> dict[tuple[str, str], str]:
            with db:
                db.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS wanted_aligned (source TEXT, spans TEXT, PRIMARY KEY (source, spans))"
                )
                db.execute("DELETE FROM wanted_aligned")
                db.executemany("INSERT OR IGNORE INTO wanted_aligned VALUES (?, ?)", keys)
                rows = db.execute(
                    "SELECT a.source, a.spans, a.output FROM wanted_aligned w JOIN aligned a"
                    " ON a.engine = ? AND a.model = ? AND a.source = w.source AND a.spans = w.spans",
                    (engine, model),
                ).fetchall()
            return {(source, spans): output for source, spans, output in rows}

        return self._run(query, default={})

    def store_aligned(self, engine: str, model: str, rows: Iterable[tuple[str, str, str]]) -> None:
        """Save (source, spans, output JSON) rows; silently nothing when the cache is unusable."""
        values = [(engine, model, source, spans, output) for source, spans, output in rows]

        def insert(db: sqlite3.Connection) -> None:
            with db:
                db.executemany("INSERT OR REPLACE INTO aligned VALUES (?, ?, ?, ?, ?)", values)

        self._run(insert, default=None)

    def close(self) -> None:
        """Close the database file."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _run(self, action: Callable[[sqlite3.Connection], T], *, default: T) -> T:
        """Run ``action``; on a corrupt file rebuild once and retry, on any other problem bypass the cache."""
        for attempt in (1, 2):
            if self._bypassed:
                return default
            try:
                return action(self._open())
            except sqlite3.DatabaseError as error:
                code = getattr(error, "sqlite_errorcode", 0) & 0xFF
                if code not in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or attempt == 2:
                    self._bypass(error, code)
                    continue
                try:
                    self._rebuild(error)
                except OSError as move_error:
                    self._bypass(move_error, 0)
            except OSError as error:  # the cache folder cannot be created
                self._bypass(error, 0)
        return default

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=self._lock_timeout)
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version not in (0, 1, SCHEMA_VERSION):
                    db.execute("DROP TABLE IF EXISTS translations")
                with db:
                    db.execute(
                        "CREATE TABLE IF NOT EXISTS translations (engine TEXT NOT NULL, model TEXT NOT NULL,"
                        " source TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (engine, model, source))"
                        " WITHOUT ROWID"
                    )
                    db.execute(
                        "CREATE TABLE IF NOT EXISTS aligned (engine TEXT NOT NULL, model TEXT NOT NULL,"
                        " source TEXT NOT NULL, spans TEXT NOT NULL, output TEXT NOT NULL,"
                        " PRIMARY KEY (engine, model, source, spans)) WITHOUT ROWID"
                    )
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except sqlite3.DatabaseError:
                db.close()
                raise
            self._connection = db
        return self._connection

    def _rebuild(self, error: sqlite3.DatabaseError) -> None:
        """Move a corrupt file aside (kept for inspection) so the next open starts an empty cache."""
        self.close()
        aside = self.path.with_name(self.path.name + ".corrupt")
        warnings.warn(
            f"translation cache {self.path} is damaged ({error}); moved it to {aside} and started an empty one",
            CacheWarning,
            stacklevel=4,
        )
        os.replace(self.path, aside)
        for suffix in ("-journal", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def _bypass(self, error: Exception, code: int) -> None:
        self.close()
        self._bypassed = True
        locked = code in (_SQLITE_BUSY, _SQLITE_LOCKED)
        cause = "is locked by another process" if locked else f"cannot be used ({error})"
        warnings.warn(
            f"translation cache {self.path} {cause}; translating without it this run "
            "(pass another cache path or delete the file if this persists)",
            CacheWarning,
            stacklevel=4,
        )


class CachedEngine(Engine):
    """Any engine, with translations remembered across runs in a ``TranslationCache``.

    Only the sentences missing from the cache reach the wrapped engine, in one
    call, so its own batching still applies to them.
    """

    def __init__(self, engine: Engine, cache: TranslationCache | None = None) -> None:
        super().__init__(engine.source, engine.target)
        self.engine = engine
        self.cache = cache if cache is not None else TranslationCache()
        self.name = engine.name
        self.aligns = engine.aligns
        self._model: str | None = None
        self.requested = 0  # sentences asked for, and how many of them the cache held (the run's summary)
        self.hits = 0

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Look everything up at once, translate the misses in one call, store them."""
        model = self.version
        unique = list(dict.fromkeys(sentences))
        found = self.cache.lookup(self.name, model, unique)
        self.requested += len(sentences)
        self.hits += sum(1 for s in sentences if s in found)
        misses = [s for s in unique if s not in found]
        if misses:
            translated = self.engine.translate(misses)
            if len(translated) != len(misses):
                raise EngineError(
                    f"engine {self.name!r} returned {len(translated)} translations for {len(misses)} sentences"
                )
            fresh = dict(zip(misses, translated, strict=True))
            self.cache.store(self.name, model, fresh.items())
            found.update(fresh)
        return [found[s] for s in sentences]

    def translate_aligned(self, sentences: Sequence[str], spans: Sequence[Sequence[Span]]) -> list[EngineOutput]:
        """Aligned outputs (text, located spans, unknown words) looked up at once, the misses aligned in one call.

        Keyed by sentence and, for an engine whose result depends on them, the requested spans.
        """
        model = self.version
        keys = [(s, json.dumps([list(x) for x in ss]) if self.aligns else "") for s, ss in zip(sentences, spans, strict=True)]
        wanted = {key: list(ss) for key, ss in zip(keys, spans, strict=True)}
        found = {
            key: output
            for key, raw in self.cache.lookup_aligned(self.name, model, list(wanted)).items()
            if (output := _decode_output(raw)) is not None
        }
        self.requested += len(keys)
        self.hits += sum(1 for key in keys if key in found)
        misses = [key for key in wanted if key not in found]
        if misses:
            out = self.engine.translate_aligned([s for s, _ in misses], [wanted[key] for key in misses])
            if len(out) != len(misses):
                raise EngineError(f"engine {self.name!r} returned {len(out)} translations for {len(misses)} sentences")
            fresh = dict(zip(misses, out, strict=True))
            self.cache.store_aligned(self.name, model, ((s, k, _encode_output(o)) for (s, k), o in fresh.items()))
            found.update(fresh)
        results = []
        for key, asked in zip(keys, spans, strict=True):
            output = found[key]
            # An engine that ignores spans is cached once per sentence: give each request its own number of them.
            results.append(output if self.aligns else EngineOutput(output.text, (None,) * len(asked), output.unknown))
        return results

    @property
    def version(self) -> str:
        """The wrapped engine's identity, computed once (it may hash model files)."""
        if self._model is None:
            self._model = self.engine.version
        return self._model

    @property
    def pivot(self) -> list[str]:
        return self.engine.pivot

    def placeholder(self, index: int) -> str:
        return self.engine.placeholder(index)

    def close(self) -> None:
        """Close the wrapped engine and the cache file."""
        self.engine.close()
        self.cache.close()


def _encode_output(output: EngineOutput) -> str:
    return json.dumps({"text": output.text, "spans": output.spans, "unknown": output.unknown}, ensure_ascii=False)


def _decode_output(raw: str) -> EngineOutput | None:
    """The stored output, or ``None`` (a miss) for a row this version cannot read."""
    try:
        data = json.loads(raw)
        spans: tuple[Span | None, ...] = tuple(None if s is None else (int(s[0]), int(s[1])) for s in data["spans"])
        unknown: tuple[Span, ...] = tuple((int(a), int(b)) for a, b in data["unknown"])
        return EngineOutput(str(data["text"]), spans, unknown)
    except (ValueError, TypeError, KeyError, IndexError):
        return None
