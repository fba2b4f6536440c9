"""The Argos engine: the package route for a pair, its options, and the models loaded on first use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.engines.argos import packages as argos_packages
from pipeline.engines.argos.model import PackageModel
from pipeline.engines.argos.options import (
    DEFAULT_BEAM_SIZE,
    DEFAULT_MAX_BATCH_TOKENS,
    DEFAULT_MAX_INPUT_TOKENS,
    resolve_compute_type,
    resolve_threads,
)
from pipeline.engines.base import Engine, EngineOutput, Span
from pipeline.errors import ConfigError, EngineError, EngineUnavailable, NormalizeError


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
        self._models: list[PackageModel] | None = None
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

        Reads ``metadata.json`` files only and loads no model; with no package
        folder there, it imports nothing (``normalize run --engine auto`` asks
        this on every run).
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

    def _loaded(self) -> list[PackageModel]:
        if self._models is None:
            self._models = [
                PackageModel(
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
