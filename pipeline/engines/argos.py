"""Neural translation with an installed Argos Translate package, driving CTranslate2 directly.

argostranslate itself translates one paragraph per call, re-splits sentences
with a model it downloads, and batches 32 tokens at a time. The pipeline has
already split sentences and hands over every sentence of every document, so
this engine tokenises exactly as Argos does (SentencePiece pieces, the
package's target prefix) and sends everything, sorted by length, to
CTranslate2 in one call per model (``translate_iterable``: 512-token
``translate_batch`` batches, streamed so memory does not grow with the input).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.engines import argos_packages
from pipeline.engines.base import Engine, EngineOutput, Span
from pipeline.engines.chunking import split_to_fit
from pipeline.errors import ConfigError, EngineError, EngineUnavailable, NormalizeError

if TYPE_CHECKING:
    import ctranslate2
    import sentencepiece
    from argostranslate.package import Package

# argostranslate's own default beam: our output is the one Argos users get for
# the same sentence; the speed-up comes from batching, not from a cheaper search.
DEFAULT_BEAM_SIZE = 4
# Source tokens per CTranslate2 batch. Decoding memory grows with the batch
# (beam x batch x vocabulary logits per step): with a base-size model (6+6
# layers, d_model 512, 50k vocabulary, int8, beam 4) raw CTranslate2 peaks at
# ~770 MB with 4,096 tokens, ~400 MB with 1,024 and ~280 MB with 512, at about
# the same speed on 2 cores (bench/README.md). Raise it (``max_batch_tokens``
# in normalize.toml) on machines with many cores.
DEFAULT_MAX_BATCH_TOKENS = 512
# Longest input (in SentencePiece tokens) given to the model in one piece;
# Argos models are trained on sentences far shorter than this.
DEFAULT_MAX_INPUT_TOKENS = 512
# argostranslate's decoding setting, kept so outputs match it.
LENGTH_PENALTY = 0.2
# Word tokens (not punctuation) kept per source token as fallbacks for a hit whose own words another hit took.
REVERSE_CANDIDATES = 3
# Batches decoded in parallel per model, at most. On 2 cores two batches on
# one thread each decode ~1.9x faster than one batch on two threads (intra-op
# threads barely help a base-size model); each extra batch in flight costs its
# own working memory, ~100 MB at 512 tokens (bench/README.md).
MAX_INTER_THREADS = 4
# Compute types tried for ``compute_type="auto"``, fastest first.
PREFERRED_COMPUTE_TYPES = {"cpu": ("int8", "float32"), "cuda": ("int8_float16", "float16", "float32")}


class ArgosEngine(Engine):
    """Translate with the Argos package for the pair, or two chained through English.

    Models are loaded on the first ``translate`` call and kept for the life of
    the engine, so a run with every sentence already cached never loads one.
    """

    name = "argos"
    aligns = True

    def __init__(
        self,
        source: str,
        target: str,
        *,
        packages_dir: Path | None = None,
        beam_size: int = DEFAULT_BEAM_SIZE,
        compute_type: str = "auto",
        device: str = "cpu",
        threads: int = 0,
        inter_threads: int | None = None,
        intra_threads: int | None = None,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS,
    ) -> None:
        super().__init__(source, target)
        for option, value, least in (
            ("beam_size", beam_size, 1),
            ("threads", threads, 0),
            ("inter_threads", 1 if inter_threads is None else inter_threads, 1),
            ("intra_threads", 0 if intra_threads is None else intra_threads, 0),
            ("max_batch_tokens", max_batch_tokens, 1),
            ("max_input_tokens", max_input_tokens, 8),
        ):
            if value < least:
                raise ConfigError(f"argos option {option} must be at least {least}, got {value}")
        directory = packages_dir if packages_dir is not None else argos_packages.packages_dir()
        route = argos_packages.find_route(argos_packages.installed_packages(directory), source, target)
        if route is None:
            raise EngineUnavailable(
                f"no Argos package for {source}->{target} in {directory}: {self.install_hint(source, target)}"
            )
        self._route = route
        self._device = device
        self._compute_type = resolve_compute_type(compute_type, device)
        self._threads = resolve_threads(threads, inter_threads, intra_threads)
        self._beam_size = beam_size
        self._max_batch_tokens = max_batch_tokens
        self._max_input_tokens = max_input_tokens
        self._models: list[_PackageModel] | None = None
        self._version: str | None = None

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translate through each package of the route in turn, each stage one batched call."""
        texts = list(sentences)
        for model in self._loaded():
            texts = model.translate(texts)
        return texts

    def translate_aligned(self, sentences: Sequence[str], spans: Sequence[Sequence[Span]]) -> list[EngineOutput]:
        """One decoding per distinct sentence and leg; each requested span followed through the attention.

        Each target token is linked to the source token it attends to most; a
        source span's rendering is the heaviest run of consecutive target tokens
        linked into it, widened to whole words. Through a pivot the span found
        in the English is followed into the next leg the same way.
        """
        texts = list(sentences)
        located: list[list[Span | None]] = [list(s) for s in spans]
        if len(located) != len(texts):
            raise EngineError(f"argos got {len(located)} span lists for {len(texts)} sentences")
        for model in self._loaded():
            results = model.translate_aligned(texts, [any(s is not None for s in ss) for ss in located])
            texts = [r.text for r in results]
            located = [r.locate_all(ss) for r, ss in zip(results, located, strict=True)]
        return [EngineOutput(text, tuple(ss)) for text, ss in zip(texts, located, strict=True)]

    @property
    def threads(self) -> tuple[int, int]:
        """``(inter_threads, intra_threads)`` given to CTranslate2: batches in parallel, threads per batch."""
        return self._threads

    @property
    def version(self) -> str:
        """CTranslate2 version, decoding settings and each package's identity (version + file hash)."""
        if self._version is None:
            import ctranslate2

            models = " + ".join(argos_packages.model_identity(p) for p in self._route)
            self._version = (
                f"argos [{models}] ctranslate2 {ctranslate2.__version__} "
                f"{self._compute_type} beam {self._beam_size} max-input {self._max_input_tokens}"
            )
        return self._version

    @property
    def pivot(self) -> list[str]:
        """``[source, target]`` for a direct package, ``[source, "en", target]`` through English."""
        return [self._route[0].from_code] + [p.to_code for p in self._route]

    @classmethod
    def available(cls, source: str, target: str) -> bool:
        """Whether the package folder holds a direct or English-pivot route.

        Reads ``metadata.json`` files only and loads no model. (The first
        import of argostranslate creates its own folders under the home
        directory; that is argostranslate's doing and cannot be avoided.)
        """
        try:
            packages = argos_packages.installed_packages(argos_packages.packages_dir())
        except NormalizeError:
            return False
        return argos_packages.find_route(packages, source, target) is not None

    @classmethod
    def install_hint(cls, source: str, target: str) -> str:
        """How to get a package for the pair, online or from a file (and Argos support itself, if missing)."""
        try:
            argos_packages.require_argostranslate()
        except EngineUnavailable as missing:
            return str(missing)
        return (
            f"install one with `normalize models install {source} {target}` "
            "(or offline with `normalize models install --file PATH.argosmodel`)"
        )

    def close(self) -> None:
        """Drop the loaded models; a later ``translate`` loads them again."""
        self._models = None

    def _loaded(self) -> list[_PackageModel]:
        if self._models is None:
            self._models = [
                _PackageModel(
                    package,
                    device=self._device,
                    compute_type=self._compute_type,
                    threads=self._threads,
                    beam_size=self._beam_size,
                    max_batch_tokens=self._max_batch_tokens,
                    max_input_tokens=self._max_input_tokens,
                )
                for package in self._route
            ]
        return self._models


def resolve_threads(threads: int, inter: int | None, intra: int | None) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for a budget of ``threads`` CPUs (0: every CPU this process may use).

    Unset, the budget goes to parallel batches first (up to
    ``MAX_INTER_THREADS``), the rest to threads within each batch: 2 CPUs give
    2 x 1, 16 give 4 x 4. A value the user set is kept as given.
    """
    budget = threads or usable_cpus()
    if inter is None:
        inter = max(1, min(MAX_INTER_THREADS, budget // intra if intra else budget))
    if intra is None:
        intra = max(1, budget // inter)
    return inter, intra


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask: a container or ``taskset`` limit), not the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class _PackageModel:
    """One package's CTranslate2 translator and SentencePiece model, loaded once, used for whole batches."""

    def __init__(
        self,
        package: Package,
        *,
        device: str,
        compute_type: str,
        threads: tuple[int, int],
        beam_size: int,
        max_batch_tokens: int,
        max_input_tokens: int,
    ) -> None:
        import ctranslate2
        import sentencepiece

        root = Path(package.package_path)
        sp_path = root / "sentencepiece.model"
        if not sp_path.is_file():
            raise EngineUnavailable(
                f"the Argos package in {root} has no sentencepiece.model (BPE packages are not supported); "
                "install a current package with `normalize models install`"
            )
        try:
            self.translator: ctranslate2.Translator = ctranslate2.Translator(
                str(root / "model"),
                device=device,
                compute_type=compute_type,
                inter_threads=threads[0],
                intra_threads=threads[1],
            )
            self.processor: sentencepiece.SentencePieceProcessor = sentencepiece.SentencePieceProcessor(
                model_file=str(sp_path)
            )
        except (RuntimeError, OSError, ValueError) as error:
            raise EngineError(
                f"cannot load the Argos model in {root} ({error}); reinstall it with `normalize models install`"
            ) from error
        self.target_prefix: str = package.target_prefix
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.max_input_tokens = max_input_tokens
        self.curly_apostrophe = needs_apostrophe_normalising(self.processor)

    def translate(self, texts: Sequence[str]) -> list[str]:
        """One output per input: unique, non-blank texts go to the model once, long ones in pieces."""
        return [result.text for result in self.run(texts, align=frozenset())]

    def translate_aligned(self, texts: Sequence[str], wanted: Sequence[bool]) -> list[Alignment]:
        """Like ``translate``; the output of each text ``wanted`` with the source token every target token
        attended to most. The others (sentences without a glossary hit) keep no attention: it would only cost memory."""
        return self.run(texts, align=frozenset(t.strip() for t, w in zip(texts, wanted, strict=True) if w))

    def run(self, texts: Sequence[str], *, align: AbstractSet[str]) -> list[Alignment]:
        """Deduplicate, split over-long texts, decode everything in one call, join the pieces back."""
        unique = list(dict.fromkeys(t.strip() for t in texts if t.strip()))
        pieces: list[str] = []
        lengths: list[int] = []
        aligned: list[bool] = []
        owners: list[tuple[int, int]] = []  # (unique text, offset of the piece in it)
        for owner, text in enumerate(unique):
            length = self._count(text)
            split = (
                [text] if length <= self.max_input_tokens else split_to_fit(text, self._count, self.max_input_tokens)
            )
            offset = 0
            for part in split:
                piece = part.strip()
                if piece:
                    pieces.append(piece)
                    lengths.append(length if len(split) == 1 else self._count(piece))
                    aligned.append(text in align)
                    owners.append((owner, offset + len(part) - len(part.lstrip())))
                offset += len(part)
        joined: list[list[tuple[Alignment, int]]] = [[] for _ in unique]
        for (owner, offset), result in zip(owners, self._translate_pieces(pieces, lengths, aligned), strict=True):
            joined[owner].append((result, offset))
        by_text = {text: Alignment.join(parts) for text, parts in zip(unique, joined, strict=True)}
        results = []
        for text in texts:
            lead = len(text) - len(text.lstrip())
            result = by_text.get(text.strip(), EMPTY)
            results.append(result.shifted_source(lead) if lead else result)
        return results

    def _translate_pieces(self, pieces: list[str], lengths: list[int], aligned: list[bool]) -> list[Alignment]:
        """Shortest first (less padding), one streaming CTranslate2 call, decoded as results arrive.

        ``translate_iterable`` is CTranslate2's streaming form of
        ``translate_batch``: it reads 16 batches (8k tokens) ahead and runs
        ``translate_batch`` on them asynchronously. Tokens are made lazily, so
        memory stays flat however many documents come in one call (token lists
        for 26,000 sentences alone cost ~160 MB of Python strings). The
        attention matrix of each ``aligned`` piece is reduced to one source
        token per target token as it arrives, so it never accumulates either.
        """
        attention = any(aligned)
        order = sorted(range(len(pieces)), key=lengths.__getitem__)
        prefix = ([self.target_prefix] for _ in order) if self.target_prefix else None
        out = [EMPTY] * len(pieces)
        encoded: dict[int, list[Span]] = {}

        def source(i: int) -> list[str]:
            if not aligned[i]:
                return self._encode(pieces[i])
            tokens, encoded[i] = self._encode_with_spans(pieces[i])
            return tokens

        try:
            results = self.translator.translate_iterable(
                (source(i) for i in order),
                target_prefix=prefix,
                max_batch_size=self.max_batch_tokens,
                batch_type="tokens",
                beam_size=self.beam_size,
                length_penalty=LENGTH_PENALTY,
                replace_unknowns=True,
                return_attention=attention,
                max_input_length=0,  # never truncate: long inputs were already split to fit
            )
            for position, result in zip(order, results, strict=True):
                hypothesis = result.hypotheses[0]
                text = self._decode(hypothesis)
                if aligned[position]:
                    out[position] = self._align(text, hypothesis, result.attention[0], encoded.pop(position))
                else:
                    out[position] = Alignment(text)
        except RuntimeError as error:
            raise EngineError(f"CTranslate2 failed on a batch of {len(pieces)} sentences ({error})") from error
        return out

    def _align(self, text: str, hypothesis: list[str], attention: list[list[float]], source: list[Span]) -> Alignment:
        """Each target token's character span in ``text`` and that of the source token it attends to most."""
        skip = len(hypothesis) - len(attention) if len(attention) < len(hypothesis) else 0
        if self.target_prefix and hypothesis[:1] == [self.target_prefix]:
            skip = max(skip, 1)
        tokens = hypothesis[skip:]
        weights = attention[len(attention) - len(tokens) :] if tokens else []
        if not tokens or not source or not weights:
            return Alignment(text)
        import numpy as np

        matrix = np.asarray(weights, dtype=np.float32)[:, : len(source)]
        targets = piece_spans(text, tokens)
        visible = [row for row, (a, b) in enumerate(targets) if a < b]  # a lone "▁" renders as no character
        if not visible:
            return Alignment(text)
        matrix = matrix[visible]
        best = matrix.argmax(axis=1)
        links = tuple(
            (targets[row], source[int(j)], float(matrix[k, j])) for k, (row, j) in enumerate(zip(visible, best, strict=True))
        )
        # A hit is rendered as words: a target token with no letter or digit ("(...)", ".") is never a candidate.
        words = np.array([any(ch.isalnum() for ch in text[a:b]) for a, b in (targets[row] for row in visible)])
        top = np.argsort(-np.where(words[:, None], matrix, -1.0), axis=0, kind="stable")[
            : min(REVERSE_CANDIDATES, int(words.sum()))
        ]
        reverse = tuple(
            (span, targets[visible[int(k)]], float(matrix[k, j]))
            for j, span in enumerate(source[: matrix.shape[1]])
            if span[0] < span[1]
            for k in top[:, j]
        )
        return Alignment(text, links, reverse)

    def _encode(self, text: str) -> list[str]:
        if self.curly_apostrophe:
            text = text.replace("\u2019", "'")
        return list(self.processor.encode(text, out_type=str))

    def _encode_with_spans(self, text: str) -> tuple[list[str], list[Span]]:
        tokens = self._encode(text)
        return tokens, piece_spans(text.replace("\u2019", "'") if self.curly_apostrophe else text, tokens)

    def _count(self, text: str) -> int:
        return len(self._encode(text))

    def _decode(self, pieces: list[str]) -> str:
        """Decode as Argos does, minus its ``_`` -> space replacement, which breaks placeholders and identifiers."""
        text = str(self.processor.decode_pieces(pieces)).replace("\u2581", " ")
        if self.target_prefix and text.startswith(self.target_prefix):
            text = text[len(self.target_prefix) :]
        return text.strip()


@dataclass(frozen=True)
class Alignment:
    """One translation and, per target token, the source token it attended to most.

    ``links`` are (target token span in ``text``, source token span, attention
    weight), in target order; ``reverse`` per source token its span, each of
    the ``REVERSE_CANDIDATES`` target word tokens attending to it most and the
    weight: the fallback for a source word no free target token chose. Both empty when attention was not asked for.
    """

    text: str
    links: tuple[tuple[Span, Span, float], ...] = ()
    reverse: tuple[tuple[Span, Span, float], ...] = ()

    @staticmethod
    def join(parts: Sequence[tuple[Alignment, int]]) -> Alignment:
        """The pieces of one over-long text (each with its source offset), joined as ``translate`` joins them."""
        if len(parts) == 1 and parts[0][1] == 0:
            return parts[0][0]
        links: list[tuple[Span, Span, float]] = []
        reverse: list[tuple[Span, Span, float]] = []
        position = 0
        for part, offset in parts:
            links.extend(((a + position, b + position), (c + offset, d + offset), w) for (a, b), (c, d), w in part.links)
            reverse.extend(((c + offset, d + offset), (a + position, b + position), w) for (c, d), (a, b), w in part.reverse)
            position += len(part.text) + 1
        return Alignment(" ".join(part.text for part, _ in parts), tuple(links), tuple(reverse))

    def shifted_source(self, by: int) -> Alignment:
        """The same alignment for a source that had ``by`` characters more in front."""
        return Alignment(
            self.text,
            tuple((t, (c + by, d + by), w) for t, (c, d), w in self.links),
            tuple(((c + by, d + by), t, w) for (c, d), t, w in self.reverse),
        )

    def locate_all(self, spans: Sequence[Span | None]) -> list[Span | None]:
        """``locate`` for each span in turn, never on words an earlier span already took."""
        out: list[Span | None] = []
        for i, span in enumerate(spans):
            others = [s for j, s in enumerate(spans) if j != i and s is not None]
            out.append(self.locate(span, taken=[s for s in out if s is not None], others=others) if span else None)
        return out

    def locate(self, span: Span, *, taken: Sequence[Span] = (), others: Sequence[Span] = ()) -> Span | None:
        """Where the source ``span`` went in ``text``, widened to whole words, outside the ``taken`` target spans.

        First the runs of consecutive target tokens linked into ``span``,
        heaviest first; then the target tokens attending most to its source
        tokens (``reverse``, best first), unless such a token is linked into
        one of the ``others`` source spans (another hit's words). ``None``
        when no target token is left for it.
        """
        a, b = span
        runs: list[list[tuple[int, float]]] = []
        for i, (_, (c, d), weight) in enumerate(self.links):
            if c < b and a < d:
                if runs and runs[-1][-1][0] == i - 1:
                    runs[-1].append((i, weight))
                else:
                    runs.append([(i, weight)])
        for run in sorted(runs, key=lambda r: -sum(w for _, w in r)):
            found = whole_words(self.text, self.links[run[0][0]][0][0], self.links[run[-1][0]][0][1])
            if found is not None and not _overlaps_any(found, taken):
                return found
        owner = {target: source for target, source, _ in self.links}
        chosen = sorted(((w, t) for (c, d), t, w in self.reverse if c < b and a < d), key=lambda wt: -wt[0])
        for _, target in chosen:
            if owner.get(target) is not None and _overlaps_any(owner[target], others):
                continue
            found = whole_words(self.text, *target)
            if found is not None and not _overlaps_any(found, taken):
                return found
        return None


EMPTY = Alignment("")


def _overlaps_any(span: Span, others: Sequence[Span | None]) -> bool:
    return any(o is not None and o[0] < span[1] and span[0] < o[1] for o in others)


def whole_words(text: str, start: int, end: int) -> Span | None:
    """``text[start:end]`` widened to the words it cuts and trimmed of spaces and punctuation at its edges."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if start < end else None


def piece_spans(text: str, pieces: Sequence[str]) -> list[Span]:
    """Each SentencePiece piece's character span in ``text`` (zero-width where it cannot be found)."""
    spans: list[Span] = []
    cursor = 0
    for piece in pieces:
        surface = piece.replace("\u2581", " ").strip()
        found = text.find(surface, cursor) if surface else -1
        # A piece the normaliser changed is not searched for far ahead: that would match a later word.
        # What SentencePiece drops (spaces, zero-width and other format characters) is no such change.
        if found < 0 or sum(not (ch.isspace() or unicodedata.category(ch) == "Cf") for ch in text[cursor:found]) > 2:
            spans.append((cursor, cursor))
            continue
        spans.append((found, found + len(surface)))
        cursor = found + len(surface)
    return spans


def needs_apostrophe_normalising(processor: sentencepiece.SentencePieceProcessor) -> bool:
    """True when the model knows ``'`` but not ``’``: French elision (``l’État``) then tokenises like the training data.

    Models that do know ``’`` keep it, so quotes and typography survive.
    """
    unk = processor.unk_id()
    return unk in processor.encode("\u2019") and unk not in processor.encode("'")


def resolve_compute_type(requested: str, device: str) -> str:
    """``auto`` becomes the fastest type this machine supports (int8 on most CPUs), so versions name the real one."""
    import ctranslate2

    try:
        supported = ctranslate2.get_supported_compute_types(device)
    except (RuntimeError, ValueError) as error:
        raise ConfigError(f"argos device {device!r} is not usable here ({error}); use device 'cpu'") from error
    if requested != "auto":
        if requested not in supported and requested != "default":
            raise ConfigError(
                f"argos compute_type {requested!r} is not supported on {device}; "
                f"choose auto or one of {sorted(supported)}"
            )
        return requested
    return next((t for t in PREFERRED_COMPUTE_TYPES.get(device, ()) if t in supported), "default")
