"""Shared fixtures: the repository's seed and glossary, the one scripted test engine, and the system tools tests need."""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from pipeline.engines.apertium import ApertiumEngine
from pipeline.engines.base import Engine, EngineOutput, Span
from pipeline.errors import EngineError
from pipeline.glossary.load import Glossary, load_glossary_file
from tests.argos_fixture import build_package, language_sentences

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_f8df967454c24556.txt"
GLOSSARIES = ROOT / "glossaries"
FR_EN = GLOSSARIES / "fr-en.yaml"
DATA = ROOT / "tests" / "data"
GOLDEN = DATA / "golden"
LABELLED = DATA / "labelled_fr.yaml"
PAIR = ("fr", "en")  # the language pair of the seed, the glossary and every test engine


def check_golden(name: str, data: object) -> None:
    """Pin ``data`` to ``tests/data/golden/NAME.json``, as sacrebleu pins its published scores.

    Any change to the English or the figures is then a visible diff in review:
    ``NORMALIZE_UPDATE_GOLDEN=1 pytest`` rewrites the files; commit them with the change that moved them.
    """
    path = GOLDEN / f"{name}.json"
    if os.environ.get("NORMALIZE_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run the tests with NORMALIZE_UPDATE_GOLDEN=1 to write it"
    assert json.loads(json.dumps(data)) == json.loads(path.read_text(encoding="utf-8")), (
        f"{name} moved; if intended, re-run with NORMALIZE_UPDATE_GOLDEN=1 and commit tests/data/golden/{name}.json"
    )


# ---- the test engine --------------------------------------------------------------------------------------------


def arabic_article(text: str) -> str:
    """Render the Arabic article as Apertium's pivot does ("al-" -> "to the-") and copy the rest: a name mangler."""
    return text.replace("al-", "to the-").replace("Al-", "To the-")


class ScriptedEngine(Engine):
    """The one test engine: each sentence goes through ``rule`` (upper-casing by default), every batch is recorded.

    Upper-casing keeps placeholders and order easy to check. ``aligned`` (a sentence and its requested spans ->
    the output) makes it an engine that aligns, as Argos does; ``fail_on`` makes any batch holding that word raise
    ``EngineError``, as a crashing engine would. ``calls`` holds every batch that reached the engine by either
    method, ``aligned_calls`` those that came through ``translate_aligned``.
    """

    def __init__(
        self,
        rule: Callable[[str], str] = str.upper,
        *,
        aligned: Callable[[str, Sequence[Span]], EngineOutput] | None = None,
        fail_on: str | None = None,
        name: str = "echo",
        version: str = "echo 1",
    ) -> None:
        super().__init__(*PAIR)
        self.name = name
        self.aligns = aligned is not None
        self.rule = rule
        self.aligned = aligned
        self.fail_on = fail_on
        self._version = version
        self.calls: list[list[str]] = []
        self.aligned_calls: list[list[str]] = []

    def translate(self, sentences: Sequence[str]) -> list[str]:
        self._receive(sentences)
        return [self.rule(s) for s in sentences]

    def translate_aligned(self, sentences: Sequence[str], spans: Sequence[Sequence[Span]]) -> list[EngineOutput]:
        if self.aligned is None:
            return super().translate_aligned(sentences, spans)  # through translate, as an engine that cannot align
        self.aligned_calls.append(list(sentences))
        self._receive(sentences)
        return [self.aligned(s, wanted) for s, wanted in zip(sentences, spans, strict=True)]

    @property
    def version(self) -> str:
        return self._version

    def _receive(self, sentences: Sequence[str]) -> None:
        self.calls.append(list(sentences))
        if self.fail_on is not None and any(self.fail_on in s for s in sentences):
            raise EngineError(f"the engine crashed on {self.fail_on}")


class CliEcho(ScriptedEngine):
    """The scripted engine, registered as "echo" by ``echo_engine`` so the command line can build it by name."""

    def __init__(self, source: str, target: str, **settings: object) -> None:
        super().__init__()
        self.source, self.target = source, target  # the pair it is built for (``--source auto`` builds one per language)

    @classmethod
    def available(cls, source: str, target: str) -> bool:
        return True


@pytest.fixture
def echo_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--engine echo`` on the command line: the scripted engine (upper-casing)."""
    from pipeline.engines import ENGINES

    monkeypatch.setitem(ENGINES, "echo", f"{__name__}:{CliEcho.__name__}")


# ---- system tools -------------------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Each system tool a test may need: whether it is here, and how to install it (one line).
TOOLS: dict[str, tuple[Callable[[], bool], str]] = {
    "apertium": (lambda: ApertiumEngine.available(*PAIR), ApertiumEngine.install_hint(*PAIR)),
    "corpus": (
        lambda: (ROOT.parent / "shared" / "corpus").is_dir(),
        "it reads the development corpora in ../shared/corpus, which this workplace and CI lay beside the clone",
    ),
    "chromium": (
        lambda: CHROMIUM.exists() and CHROMEDRIVER.exists(),
        "for Chromium and its driver run: apt-get install -y --no-install-recommends chromium chromium-driver",
    ),
}
ALLOW_SKIPS = "NORMALIZE_ALLOW_SKIPS"


def needs(*tools: str) -> pytest.MarkDecorator:
    """Mark tests that need these system tools.

    A missing tool fails each such test with one line naming it and its install command: a skip would be counted
    as a pass. A developer without the tool sets NORMALIZE_ALLOW_SKIPS=1 to get skips that name it instead.
    """
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        raise ValueError(f"no system tool {unknown[0]!r} in tests/conftest.py TOOLS; add it there with its install command")
    return pytest.mark.needs(*tools)


@functools.cache
def _missing(tool: str) -> bool:
    """Whether ``tool`` is absent, asked once per session."""
    present, _ = TOOLS[tool]
    return not present()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(*tools): system tools the test needs (see tests/conftest.py needs)")


@pytest.hookimpl(tryfirst=True)  # before fixtures are set up: a missing tool is reported as such, not as their error
def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs"):
        for tool in mark.args:
            if _missing(tool):
                message = f"needs {tool}, which is not installed; {TOOLS[tool][1]}"
                if os.environ.get(ALLOW_SKIPS) == "1":
                    pytest.skip(message)
                pytest.fail(f"{message} ({ALLOW_SKIPS}=1 skips these tests instead)", pytrace=False)


# ---- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _isolated_homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the user's translation cache or Argos packages."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))
        patch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path_factory.mktemp("no-argos-packages")))
        yield


@pytest.fixture(scope="session")
def fr_en() -> Glossary:
    return load_glossary_file(FR_EN)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A folder holding a copy of the seed article."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder)
    return folder


@pytest.fixture(scope="session")
def argos_archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``.argosmodel`` files for fr->en and en->de (different seeds), keyed by ``"fr-en"``."""
    out = tmp_path_factory.mktemp("argos-archives")
    return {
        "fr-en": build_package(out, "fr", "en", seed=1),
        "en-de": build_package(out, "en", "de", seed=2),
    }


@pytest.fixture(scope="session")
def argos_ru_ar_archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``.argosmodel`` files for ru->en and ar->en, SentencePiece trained on a few real sentences of each
    (``tests.argos_fixture.RU_SENTENCES``, ``AR_SENTENCES``), keyed by ``"ru-en"`` and ``"ar-en"``."""
    out = tmp_path_factory.mktemp("argos-ru-ar-archives")
    return {
        f"{code}-en": build_package(out, code, "en", seed=seed, sentences=language_sentences(code))
        for code, seed in (("ru", 3), ("ar", 4))
    }


@pytest.fixture
def argos_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Argos package folder for this test (and a private translation cache home)."""
    directory = tmp_path / "argos-packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return directory


@pytest.fixture
def argos_fr_en(argos_dir: Path, argos_archives: dict[str, Path]) -> Path:
    """The package folder with the synthetic fr->en package installed."""
    from pipeline.engines.argos.packages import install_file

    install_file(argos_archives["fr-en"], argos_dir)
    return argos_dir


@pytest.fixture
def argos_ru_en(argos_dir: Path, argos_ru_ar_archives: dict[str, Path]) -> Path:
    """The package folder with the synthetic ru->en package installed."""
    from pipeline.engines.argos.packages import install_file

    install_file(argos_ru_ar_archives["ru-en"], argos_dir)
    return argos_dir


@pytest.fixture
def argos_ar_en(argos_dir: Path, argos_ru_ar_archives: dict[str, Path]) -> Path:
    """The package folder with the synthetic ar->en package installed."""
    from pipeline.engines.argos.packages import install_file

    install_file(argos_ru_ar_archives["ar-en"], argos_dir)
    return argos_dir


# ---- end of Argos engine fixtures --------------------------------------------
