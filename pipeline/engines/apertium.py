"""Debian's Apertium, a rule-based engine that runs anywhere without a model download.

French has no direct English pair in Debian, so French goes through Spanish:
``apertium -u fr-es | apertium -u spa-eng``. All sentences of a call go through
one process pipeline, each behind a numbered marker that both steps copy
through unchanged; the markers are checked on the way out so a lost or merged
sentence is an error, never a silent shift. Each sentence is also its own
null-flushed chunk (``apertium -f none -z``): Apertium's tagger and transfer
rules otherwise read across the boundary ("Il est là" before "PAS D'ACCORD"
turned "Of AGREEMENT" into "There OF AGREEMENT"), so a sentence's translation
depended on the batch it was sent in. Now it is the same alone and in any batch.

Words the engine could not translate: without ``-u`` each leg marks a word
missing from its dictionaries with ``*`` (a French word the first leg passed
through comes out ``**word``, a Spanish one the second leg did not know
``*word``), a word missing from the bilingual dictionary with ``@`` and a
generation failure with ``#``. Those marks also change how the next leg reads
the word (``*Sales`` stays a name, ``Sales`` becomes "Exit"), so the text
users get stays the ``-u`` chain's; ``translate_aligned`` runs the marked
chain alongside it and carries its ``*``/``@`` marks over to the ``-u`` text
as unknown-word spans.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.engines.apertium_process import Step, run_pipeline
from pipeline.engines.base import Engine, EngineOutput, Span
from pipeline.errors import EngineError, EngineUnavailable

MODES_DIR = Path("/usr/share/apertium/modes")
# (source, target) -> the Apertium modes to chain.
ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("fr", "en"): ("fr-es", "spa-eng"),
    ("es", "en"): ("spa-eng",),
    ("fr", "es"): ("fr-es",),
    ("en", "es"): ("eng-spa",),
}
BINARY = "apertium"
PACKAGES = ("apertium", "apertium-fr-es", "apertium-eng-spa")
MARKER = "⟦{}⟧"
MARKER_OPEN = MARKER[0].encode("utf-8")
MARKER_LINE = re.compile(r"^[ \t]*⟦(\d+)⟧[ \t]*$", re.MULTILINE)
# Apertium's marks without -u: "*" not in the dictionaries, "@" not in the bilingual one, "#" not generated.
MARKS = "*@#"
UNTRANSLATED = "*@"
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


class ApertiumEngine(Engine):
    """Translate through a chain of Apertium modes in one process pipeline per call."""

    name = "apertium"

    def __init__(self, source: str, target: str, *, binary: str = BINARY, timeout: float = 3600.0) -> None:
        super().__init__(source, target)
        if not self.available(source, target, binary=binary):
            raise EngineUnavailable(f"{binary!r} (or its -destxt and -retxt) is not installed; {self.install_hint(source, target)}")
        self.binary = binary
        self.modes = ROUTES[(source, target)]
        self.timeout = timeout  # for each call's whole process pipeline
        self._version: str | None = None

    @classmethod
    def available(cls, source: str, target: str, *, binary: str = BINARY) -> bool:
        """Whether ``binary`` (the configured one; ``apertium`` on PATH by default), its helpers and the route's modes exist."""
        route = ROUTES.get((source, target))
        return (
            bool(route)
            and all(shutil.which(binary + suffix) is not None for suffix in ("", "-destxt", "-retxt"))
            and all((MODES_DIR / f"{mode}.mode").exists() for mode in route or ())
        )

    @classmethod
    def install_hint(cls, source: str, target: str) -> str:
        if (source, target) not in ROUTES:
            pairs = ", ".join(f"{s}->{t}" for s, t in ROUTES)
            return f"Apertium is wired here for {pairs} only"
        return "for Apertium run: apt-get install -y --no-install-recommends " + " ".join(PACKAGES)

    @property
    def version(self) -> str:
        if self._version is None:
            # "null-flush": how sentences are sent is part of what they translate to (cache keys, run signatures).
            self._version = " ".join(self.modes) + " null-flush (" + _package_versions() + ")"
        return self._version

    @property
    def pivot(self) -> list[str]:
        return [self.source, "es", self.target] if len(self.modes) == 2 else [self.source, self.target]

    def translate(self, sentences: Sequence[str]) -> list[str]:
        if not sentences:
            return []
        return self._split(self._run(self._stream(sentences)), len(sentences))

    def translate_aligned(self, sentences: Sequence[str], spans: Sequence[Sequence[Span]]) -> list[EngineOutput]:
        """The ``-u`` translation, with the words the marked chain flags as untranslated as ``unknown`` spans.

        Both chains run at once over the same input; Apertium cannot say where a source span went.
        """
        if not sentences:
            return []
        text = self._stream(sentences)
        with ThreadPoolExecutor(2) as pool:
            plain_run = pool.submit(self._run, text)
            marked_run = pool.submit(self._run, text, marks=True)
            plain = self._split(plain_run.result(), len(sentences))
            marked = self._split(marked_run.result(), len(sentences))
        return [
            EngineOutput(p, (None,) * len(s), unknown_spans(p, m))
            for p, m, s in zip(plain, marked, spans, strict=True)
        ]

    def _stream(self, sentences: Sequence[str]) -> bytes:
        """Apertium's stream format for the sentences: one null-terminated chunk per sentence, marker first.

        ``apertium-destxt`` does the escaping (so it stays Apertium's own);
        the chunks are cut at the markers, which ``_clean`` keeps out of the text.
        """
        text = "".join(f"{MARKER.format(i)}\n\n{_clean(s)}\n\n" for i, s in enumerate(sentences))
        destxt = Step([self.binary + "-destxt"], "apertium destxt")
        stream = run_pipeline([destxt], text.encode("utf-8"), timeout=self.timeout, hint=self.install_hint(self.source, self.target))
        first = MARKER.format(0).encode("utf-8")
        if not stream.startswith(first):
            raise EngineError(f"{self.binary}-destxt changed the first sentence marker; report the input that caused it")
        return stream.replace(MARKER_OPEN, b"\0" + MARKER_OPEN)[1:] + b"\0"

    @staticmethod
    def _split(out: str, count: int) -> list[str]:
        parts = MARKER_LINE.split(out)
        ids = [int(x) for x in parts[1::2]]
        if ids != list(range(count)):
            raise EngineError(
                f"apertium lost sentence markers ({len(ids)} of {count} came back); report the input that caused it"
            )
        return [" ".join(chunk.replace("\0", " ").split()) for chunk in parts[2::2]]

    def _run(self, stream: bytes, *, marks: bool = False) -> str:
        """Run the chained modes over ``stream`` (Apertium's format, null-flushed) and reformat the result as text."""
        steps = [
            Step([self.binary, "-f", "none", "-z", *([] if marks else ["-u"]), mode], f"apertium {mode}") for mode in self.modes
        ]
        steps.append(Step([self.binary + "-retxt"], "apertium retxt"))
        out = run_pipeline(steps, stream, timeout=self.timeout, hint=self.install_hint(self.source, self.target))
        return out.decode("utf-8", "replace")


TOKEN = re.compile(r"\S+")


def unknown_spans(plain: str, marked: str) -> tuple[Span, ...]:
    """Spans of ``plain`` (the ``-u`` output) holding the words ``marked`` (the same chain without ``-u``) marks untranslated.

    The two usually differ only by the marks; where a mark changed how the
    next leg read a word, the texts are aligned token by token (linear in
    practice, however long the sentence) and a mark counts only inside a
    token that is the same in both once its marks are removed.
    """
    positions: list[tuple[int, str, str]] = []  # (offset in plain, mark, the marked text's word after it)
    if "".join(ch for ch in marked if ch not in MARKS) == plain:
        offset = 0
        for ch in marked:
            if ch in MARKS:
                positions.append((offset, ch, ""))
            else:
                offset += 1
    else:
        positions = _marks_by_token(plain, marked)
    found: dict[Span, None] = {}
    for offset, mark, after in positions:
        if mark not in UNTRANSLATED or (offset > 0 and plain[offset - 1].isalnum()):
            continue  # a generation mark, or one inside a word
        word = WORD.match(plain, offset)
        if word and (not after or after == word.group()):
            found[word.span()] = None
    return tuple(found)


def _marks_by_token(plain: str, marked: str) -> list[tuple[int, str, str]]:
    """(offset in plain, mark, "") for each mark of a marked token that equals its plain token without marks."""
    plain_tokens = [(m.start(), m.group()) for m in TOKEN.finditer(plain)]
    marked_tokens = [m.group() for m in TOKEN.finditer(marked)]
    matcher = difflib.SequenceMatcher(None, [_bare(t) for t in marked_tokens], [_bare(t) for _, t in plain_tokens], autojunk=False)
    positions: list[tuple[int, str, str]] = []
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag != "equal":
            continue
        for k in range(i2 - i1):
            start, word = plain_tokens[j1 + k]
            inside = 0
            for ch in marked_tokens[i1 + k]:
                if inside < len(word) and ch == word[inside]:
                    inside += 1  # the same character (a literal "#" of the input too)
                elif ch in MARKS:
                    positions.append((start + inside, ch, ""))
    return positions


def _bare(token: str) -> str:
    return "".join(ch for ch in token if ch not in MARKS)


def _clean(sentence: str) -> str:
    """One line without our marker characters, so input cannot forge a boundary."""
    return " ".join(sentence.replace("⟦", "[").replace("⟧", "]").replace("\0", " ").split())


def _package_versions() -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package}=${Version} ", *PACKAGES],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "version unknown"
    return out.strip() or "version unknown"
