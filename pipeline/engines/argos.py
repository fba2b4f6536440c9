"""Neural translation with an installed Argos Translate package, driving CTranslate2 directly.

argostranslate itself translates one paragraph per call, re-splits sentences
with a model it downloads, and batches 32 tokens at a time. The pipeline has
already split sentences and hands over every sentence of every document, so
this engine tokenises exactly as Argos does (SentencePiece pieces, the
package's target prefix) and sends everything, sorted by length, to
CTranslate2 in one call per model (``translate_iterable``: 4,096-token
``translate_batch`` batches, streamed so memory does not grow with the input).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.engines import argos_packages
from pipeline.engines.base import Engine
from pipeline.engines.chunking import split_to_fit
from pipeline.errors import ConfigError, EngineError, EngineUnavailable, NormalizeError

if TYPE_CHECKING:
    import ctranslate2
    import sentencepiece
    from argostranslate.package import Package

# argostranslate's own default beam: our output is the one Argos users get for
# the same sentence; the speed-up comes from batching, not from a cheaper search.
DEFAULT_BEAM_SIZE = 4
# Tokens per CTranslate2 batch: large enough to keep every core busy, small
# enough that a 2,000-sentence batch does not balloon memory.
DEFAULT_MAX_BATCH_TOKENS = 4096
# Longest input (in SentencePiece tokens) given to the model in one piece;
# Argos models are trained on sentences far shorter than this.
DEFAULT_MAX_INPUT_TOKENS = 512
# argostranslate's decoding setting, kept so outputs match it.
LENGTH_PENALTY = 0.2
# Compute types tried for ``compute_type="auto"``, fastest first.
PREFERRED_COMPUTE_TYPES = {"cpu": ("int8", "float32"), "cuda": ("int8_float16", "float16", "float32")}


class ArgosEngine(Engine):
    """Translate with the Argos package for the pair, or two chained through English.

    Models are loaded on the first ``translate`` call and kept for the life of
    the engine, so a run with every sentence already cached never loads one.
    """

    name = "argos"

    def __init__(
        self,
        source: str,
        target: str,
        *,
        packages_dir: Path | None = None,
        beam_size: int = DEFAULT_BEAM_SIZE,
        compute_type: str = "auto",
        device: str = "cpu",
        inter_threads: int = 1,
        intra_threads: int = 0,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS,
    ) -> None:
        super().__init__(source, target)
        for option, value, least in (
            ("beam_size", beam_size, 1),
            ("inter_threads", inter_threads, 1),
            ("intra_threads", intra_threads, 0),
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
        self._threads = (inter_threads, intra_threads)
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
        """How to get a package for the pair, online or from a file."""
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
        unique = list(dict.fromkeys(t.strip() for t in texts if t.strip()))
        pieces: list[str] = []
        lengths: list[int] = []
        owners: list[int] = []
        for owner, text in enumerate(unique):
            length = self._count(text)
            split = (
                [text] if length <= self.max_input_tokens else split_to_fit(text, self._count, self.max_input_tokens)
            )
            for piece in (p.strip() for p in split):
                if piece:
                    pieces.append(piece)
                    lengths.append(length if len(split) == 1 else self._count(piece))
                    owners.append(owner)
        joined: list[list[str]] = [[] for _ in unique]
        for owner, result in zip(owners, self._translate_pieces(pieces, lengths), strict=True):
            joined[owner].append(result)
        by_text = {text: " ".join(parts) for text, parts in zip(unique, joined, strict=True)}
        return [by_text.get(t.strip(), "") for t in texts]

    def _translate_pieces(self, pieces: list[str], lengths: list[int]) -> list[str]:
        """Shortest first (less padding), one streaming CTranslate2 call, decoded as results arrive.

        ``translate_iterable`` is CTranslate2's streaming form of
        ``translate_batch``: it reads 16 batches (64k tokens) ahead and runs
        ``translate_batch`` on them asynchronously. Tokens are made lazily, so
        memory stays flat however many documents come in one call (token lists
        for 26,000 sentences alone cost ~160 MB of Python strings).
        """
        order = sorted(range(len(pieces)), key=lengths.__getitem__)
        prefix = ([self.target_prefix] for _ in order) if self.target_prefix else None
        out = [""] * len(pieces)
        try:
            results = self.translator.translate_iterable(
                (self._encode(pieces[i]) for i in order),
                target_prefix=prefix,
                max_batch_size=self.max_batch_tokens,
                batch_type="tokens",
                beam_size=self.beam_size,
                length_penalty=LENGTH_PENALTY,
                replace_unknowns=True,
                max_input_length=0,  # never truncate: long inputs were already split to fit
            )
            for position, result in zip(order, results, strict=True):
                out[position] = self._decode(result.hypotheses[0])
        except RuntimeError as error:
            raise EngineError(f"CTranslate2 failed on a batch of {len(pieces)} sentences ({error})") from error
        return out

    def _encode(self, text: str) -> list[str]:
        if self.curly_apostrophe:
            text = text.replace("\u2019", "'")
        return list(self.processor.encode(text, out_type=str))

    def _count(self, text: str) -> int:
        return len(self._encode(text))

    def _decode(self, pieces: list[str]) -> str:
        """Decode as Argos does, minus its ``_`` -> space replacement, which breaks placeholders and identifiers."""
        text = str(self.processor.decode_pieces(pieces)).replace("\u2581", " ")
        if self.target_prefix and text.startswith(self.target_prefix):
            text = text[len(self.target_prefix) :]
        return text.strip()


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
