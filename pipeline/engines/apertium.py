"""Debian's Apertium, a rule-based engine that runs anywhere without a model download.

French has no direct English pair in Debian, so French goes through Spanish:
``apertium -u fr-es | apertium -u spa-eng``. The engine runs the modes' own
programs (``apertium-wblank-mode -z``, what the ``apertium`` script runs, with
its UTF-8 ``LC_CTYPE``), not the script. All sentences of a call go through
them, each behind a numbered marker that every program copies through
unchanged; the markers are checked on the way out so a lost or merged sentence
is an error, never a silent shift. Each sentence is also its own null-flushed
chunk (``-z``): Apertium's tagger and transfer rules otherwise read across the
boundary ("Il est là" before "PAS D'ACCORD" turned "Of AGREEMENT" into "There
OF AGREEMENT"; a blank line is not enough: 4 of the 40 articles' 861 sentences
change), so a sentence's translation is the same alone and in any batch, and a
batch can be cut into parallel pipelines, one per core, with the same result.

Words the engine could not translate: without ``-u`` each leg marks a word
missing from its dictionaries with ``*`` (a French word the first leg passed
through comes out ``**word``, a Spanish one the second leg did not know
``*word``), a word missing from the bilingual dictionary with ``@`` and a
generation failure with ``#``. Those marks also change how the next leg and
the post-generator read the word (``*Sales`` stays a name, ``Sales`` becomes
"Exit"; "a **imam", "an imam"), so the text users get stays the ``-u``
chain's, and ``translate_aligned`` carries the marked chain's ``*``/``@`` marks
over to it as unknown-word spans. Only generation differs between the two
chains, so each leg's analysis and transfer run once and feed both; a sentence
whose marked text differs after the first leg goes through the second one's
analysis twice.
"""


from __future__ import annotations

import difflib
import functools
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
HELPERS = ("", "-destxt", "-retxt", "-wblank-mode")  # the binary and the helpers next to it that the engine runs
PACKAGES = ("apertium", "apertium-fr-es", "apertium-eng-spa")
MARKER = "⟦{}⟧"
MARKER_OPEN = MARKER[0].encode("utf-8")
MARKER_LINE = re.compile(r"^[ \t]*⟦(\d+)⟧[ \t]*$", re.MULTILINE)
# Apertium's marks without -u: "*" not in the dictionaries, "@" not in the bilingual one, "#" not generated.
MARKS = "*@#"
UNTRANSLATED = "*@"
JOB_BYTES = 16384  # of Apertium's stream per parallel pipeline at least: each pipeline loads its dictionaries again
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


class ApertiumEngine(Engine):
    """Translate through a chain of Apertium modes in one process pipeline per call."""

    name = "apertium"

    def __init__(self, source: str, target: str, *, binary: str = BINARY, timeout: float = 3600.0, jobs: int = 0) -> None:
        super().__init__(source, target)
        if not self.available(source, target, binary=binary):
            raise EngineUnavailable(
                f"{binary!r} (or its -destxt and -retxt) is not installed; {self.install_hint(source, target)}"
            )
        self.binary = binary
        self.modes = ROUTES[(source, target)]
        self.timeout = timeout  # for each call's whole process pipeline
        self.jobs = jobs or len(os.sched_getaffinity(0))  # parallel pipelines: every core this process may use
        self._version: str | None = None
        self._leg_cache: list[Leg] | None = None

    @classmethod
    def available(cls, source: str, target: str, *, binary: str = BINARY) -> bool:
        """Whether ``binary`` (the configured one; ``apertium`` on PATH by default), its helpers and the route's modes exist."""
        route = ROUTES.get((source, target))
        return (
            bool(route)
            and all(shutil.which(binary + suffix) is not None for suffix in HELPERS)
            and all((MODES_DIR / f"{mode}.mode").exists() for mode in route or ())
        )

    @classmethod
    def usable(cls, source: str, target: str, settings: Mapping[str, Any]) -> bool:
        """``available`` for the configured ``binary``, not only ``apertium`` on PATH."""
        return cls.available(source, target, binary=str(settings.get("binary", BINARY)))

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
        deadline = time.monotonic() + self.timeout
        chunks = self._stream(sentences, deadline)
        steps = [step for leg in self._legs() for step in (*leg.front, *leg.tail("-n"))]
        return self._texts(self._map([*steps, self._retxt()], chunks, deadline, text=True), len(sentences))

    def translate_aligned(self, sentences: Sequence[str], spans: Sequence[Sequence[Span]]) -> list[EngineOutput]:
        """The ``-u`` translation, with the words the marked chain flags as untranslated as ``unknown`` spans.

        Each sentence is analysed and transferred once per leg: only the generator and what follows it
        differ between the marked and the unmarked chain, so each leg's front runs once and its output goes
        through both tails. A sentence whose marked text differs after a leg (a word the leg did not know)
        goes through the next leg's front twice, since the marks change how that leg reads it. The texts
        are byte for byte the two chains' own. Apertium cannot say where a source span went.
        """
        if not sentences:
            return []
        count = len(sentences)
        deadline = time.monotonic() + self.timeout
        plain = self._stream(sentences, deadline)
        marked: dict[int, bytes] = {}  # sentence -> its marked chain's chunk, where it differs from the plain one
        *middle, last = self._legs()
        for leg in middle:
            plain_front, marked_front = self._front(leg, plain, marked, deadline)
            plain, marked_all = self._both(leg.tail("-n"), plain_front, leg.tail("-g"), marked_front, deadline, False)
            marked = {i: chunk for i, chunk in enumerate(marked_all) if chunk != plain[i]}
        plain_front, marked_front = self._front(last, plain, marked, deadline)
        end = [self._retxt()]
        texts, marked_texts = (
            self._texts(out, count)
            for out in self._both([*last.tail("-n"), *end], plain_front, [*last.tail("-g"), *end], marked_front, deadline, True)
        )
        return [
            EngineOutput(p, (None,) * len(s), unknown_spans(p, m))
            for p, m, s in zip(texts, marked_texts, spans, strict=True)
        ]

    def _front(
        self, leg: Leg, plain: list[bytes], marked: dict[int, bytes], deadline: float
    ) -> tuple[list[bytes], list[bytes]]:
        """The leg's front over each sentence's plain chunk, and over its marked one where that differs."""
        count, extra = len(plain), sorted(marked)
        front = self._map(leg.front, [*plain, *(marked[i] for i in extra)], deadline)
        marked_front = front[:count]
        for j, i in enumerate(extra):
            marked_front[i] = front[count + j]
        return front[:count], marked_front

    def _both(
        self,
        plain_steps: Sequence[Step],
        plain: list[bytes],
        marked_steps: Sequence[Step],
        marked: list[bytes],
        deadline: float,
        text: bool,
    ) -> tuple[list[bytes], list[bytes]]:
        """The unmarked and the marked tail at once (each a light pipeline: generation, post-generation)."""
        with ThreadPoolExecutor(2) as pool:
            plain_run = pool.submit(self._map, plain_steps, plain, deadline, 1, text)
            marked_run = pool.submit(self._map, marked_steps, marked, deadline, 1, text)
            return plain_run.result(), marked_run.result()

    def _stream(self, sentences: Sequence[str], deadline: float) -> list[bytes]:
        """Apertium's stream format for the sentences: one null-terminated chunk per sentence, marker first.

        ``apertium-destxt`` does the escaping (so it stays Apertium's own);
        the chunks are cut at the markers, which ``_clean`` keeps out of the text.
        """
        text = "".join(f"{MARKER.format(i)}\n\n{_clean(s)}\n\n" for i, s in enumerate(sentences))
        destxt = Step([self.binary + "-destxt"], "apertium destxt")
        stream = self._pipe([destxt], text.encode("utf-8"), deadline)
        if not stream.startswith(MARKER.format(0).encode("utf-8")):
            raise EngineError(f"{self.binary}-destxt changed the first sentence marker; report the input that caused it")
        return _chunks(stream.replace(MARKER_OPEN, b"\0" + MARKER_OPEN)[1:] + b"\0", len(sentences))

    def _map(
        self, steps: Sequence[Step], chunks: Sequence[bytes], deadline: float, jobs: int = 0, text: bool = False
    ) -> list[bytes]:
        """Run ``steps`` over the chunks, one chunk out per chunk in, split across parallel pipelines.

        With ``text`` the steps end with ``apertium-retxt``, which drops the NULs: the pipelines'
        outputs are returned whole, in order, for ``_texts`` to cut at the markers.

        Each chunk is its own null-flushed unit, so which pipeline (and which neighbours) it gets changes
        nothing; up to ``jobs`` pipelines (0: ``self.jobs``) of at least ``JOB_BYTES`` of input each.
        """
        size = sum(map(len, chunks))
        jobs = max(1, min(jobs or self.jobs, size // JOB_BYTES, len(chunks)))
        groups: list[list[bytes]] = [[] for _ in range(jobs)]
        done = 0
        for chunk in chunks:  # contiguous groups of about the same size
            groups[min(done * jobs // max(size, 1), jobs - 1)].append(chunk)
            done += len(chunk)
        if jobs == 1:
            outputs = [self._pipe(steps, b"".join(chunks), deadline)]
        else:
            with ThreadPoolExecutor(jobs) as pool:
                outputs = list(pool.map(lambda group: self._pipe(steps, b"".join(group), deadline), groups))
        if text:
            return outputs
        return [chunk for group, out in zip(groups, outputs, strict=True) for chunk in _chunks(out, len(group))]

    def _pipe(self, steps: Sequence[Step], data: bytes, deadline: float) -> bytes:
        hint = self.install_hint(self.source, self.target)
        return run_pipeline(steps, data, timeout=self.timeout, deadline=deadline, hint=hint, env=_utf8_env())

    def _retxt(self) -> Step:
        return Step([self.binary + "-retxt"], "apertium retxt")

    @staticmethod
    def _texts(chunks: Sequence[bytes], count: int) -> list[str]:
        out = b"".join(chunks).decode("utf-8", "replace")
        parts = MARKER_LINE.split(out.replace("\0", "\n"))
        ids = [int(x) for x in parts[1::2]]
        if ids != list(range(count)):
            raise EngineError(
                f"apertium lost sentence markers ({len(ids)} of {count} came back); report the input that caused it"
            )
        return [" ".join(chunk.split()) for chunk in parts[2::2]]

    def _legs(self) -> list[Leg]:
        if self._leg_cache is None:
            self._leg_cache = [self._leg(mode) for mode in self.modes]
        return self._leg_cache

    def _leg(self, mode: str) -> Leg:
        """The mode's programs as the ``apertium`` script runs them (``apertium-wblank-mode -z``), cut at the generator."""
        command = [self.binary + "-wblank-mode", "-z", str(MODES_DIR / f"{mode}.mode")]
        step = Step(command, f"apertium-wblank-mode {mode}")
        line = run_pipeline([step], b"", timeout=60, env=_utf8_env()).decode("utf-8", "replace")
        stages: list[list[str]] = [[]]
        for token in shlex.split(line):
            if token == "|":
                stages.append([])
            elif token != "$2":  # the tagger's option: none (the script's -a would set it)
                stages[-1].append(token)
        generator = next((i for i, stage in enumerate(stages) if "$1" in stage), None)
        if generator is None or not all(stages) or any(t.startswith("$") and t != "$1" for stage in stages for t in stage):
            raise EngineError(f"cannot read Apertium's {mode} mode ({line.strip()[:200]!r}); reinstall {' '.join(PACKAGES)}")
        steps = [Step(stage, f"apertium {mode} {os.path.basename(stage[0])}") for stage in stages]
        return Leg(tuple(steps[:generator]), tuple(steps[generator:]))


@dataclass(frozen=True)
class Leg:
    """One Apertium mode: analysis to transfer (``front``), then generation onwards, whose flag says whether to mark."""

    front: tuple[Step, ...]
    generation: tuple[Step, ...]

    def tail(self, flag: str) -> list[Step]:
        """The generation steps with ``$1`` set: ``-n`` unmarked (the script's ``-u``), ``-g`` with marks."""
        return [Step([flag if a == "$1" else a for a in step.command], step.name) for step in self.generation]


def _chunks(stream: bytes, count: int) -> list[bytes]:
    """``stream`` cut into its ``count`` null-terminated chunks, each starting with its marker.

    Apertium's programs also flush at the end of their input, so trailing NULs are dropped.
    """
    parts = stream.split(b"\0" + MARKER_OPEN)
    if len(parts) != count or not stream.startswith(MARKER_OPEN):
        raise EngineError(
            f"apertium lost sentence markers ({len(parts)} chunks of {count} came back); report the input that caused it"
        )
    return [(MARKER_OPEN if i else b"") + part.rstrip(b"\0") + b"\0" for i, part in enumerate(parts)]


@functools.cache
def _utf8_env() -> dict[str, str]:
    """The environment with a UTF-8 ``LC_CTYPE``, the first ``locale -a`` lists, as the ``apertium`` script sets it."""
    env = dict(os.environ)
    try:
        names = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10, check=False).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        names = []
    utf8 = next((n for n in names if re.search(r"utf[.-]*8", n, re.IGNORECASE)), None)
    if utf8 is not None:
        env["LC_CTYPE"] = utf8
    return env


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
    matcher = difflib.SequenceMatcher(
        None, [_bare(t) for t in marked_tokens], [_bare(t) for _, t in plain_tokens], autojunk=False
    )
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
