"""Stage 1b, language: refuse a document that is plainly not in ``--source``.

Translating an English article "from French" produces confident nonsense that
looks like a result. The check uses py3langid (langid.py's naive Bayes model,
shipped inside the wheel, so it works offline), judges only documents with
enough letters to be sure, and fails a document only when another language wins
with high confidence; the reason tells the user which ``--source`` to pass.
A shorter text (``MIN_WARN_LETTERS`` to ``MIN_LETTERS`` letters, two or three
sentences) that another language wins just as clearly gets a warning instead.

Loading the model takes ~0.4 s, most of a re-run from the cache, so each
verdict is remembered in the translation cache by a hash of the text judged:
a document run again is judged without the model.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Self

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.stages.base import DocumentStage, StageContext

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

    from pipeline.engines.cache import TranslationCache

MIN_LETTERS = 120  # below this a guess is too shaky to refuse a document on
MIN_WARN_LETTERS = 20  # ...but from this many letters a confident guess is worth a warning
SAMPLE_CHARS = 10_000  # the start of the body is enough and keeps huge files cheap
MIN_CONFIDENCE = 0.9
MEMO = "language-check"  # the translation cache's "engine" name for remembered verdicts
NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fa": "Persian", "fr": "French",
    "it": "Italian", "nl": "Dutch", "pt": "Portuguese", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian",
    "zh": "Chinese",
}  # fmt: skip


class LanguageStage(DocumentStage):
    """Fail documents whose text is confidently in another language than ``source``."""

    name = "language"
    requires = frozenset({"text"})
    assigns = frozenset({"language"})

    @classmethod
    def from_context(cls, context: StageContext) -> Self:
        return cls(context.source, memo=context.cache)

    def __init__(self, source: str, memo: TranslationCache | None = None) -> None:
        self.source = source
        self.memo = memo
        self._identifier: LanguageIdentifier | None = None
        self._pending: dict[str, str] = {}  # verdicts to remember, written once per batch

    def __call__(self, doc: Document) -> Document:
        text = doc.text[doc.body_start : doc.body_start + SAMPLE_CHARS]
        letters = sum(ch.isalpha() for ch in text)
        found = self.classify(text) if letters >= MIN_WARN_LETTERS else None
        if found is None or found[0] == self.source or found[1] < MIN_CONFIDENCE:
            return doc
        language, confidence = found
        name = NAMES.get(language, language)
        if letters >= MIN_LETTERS:
            raise DocumentError(
                f"looks like {name}, not {self.source} (confidence {confidence:.2f}); pass --source {language} or remove it"
            )
        doc.warnings.append(
            f"may be {name}, not {self.source} (confidence {confidence:.2f}, but only {MIN_LETTERS} letters or more "
            f"are judged); check it, or pass --source {language}"
        )
        return doc

    def detect(self, text: str) -> tuple[str, float] | None:
        """(language code, confidence) of ``text``, or None when it is too short to judge or ``source`` is unknown."""
        return self.classify(text) if sum(ch.isalpha() for ch in text) >= MIN_LETTERS else None

    def classify(self, text: str) -> tuple[str, float] | None:
        """The model's (language, confidence) for ``text``, remembered; None when the model does not know ``source``."""
        key = hashlib.sha256(f"{self.source}\n{text}".encode()).hexdigest()
        known = self._pending.get(key) or (self.memo.lookup(MEMO, _model_name(), [key]).get(key) if self.memo else None)
        if known is not None:
            verdict = json.loads(known)
            return None if verdict is None else (str(verdict[0]), float(verdict[1]))
        identifier = self._load()
        found = None
        if self.source in identifier.labels:
            language, confidence = identifier.classify(text)
            found = (str(language), round(float(confidence), 4))
        self._pending[key] = json.dumps(found)
        return found

    def remember(self) -> None:
        """Write the verdicts reached since the last call into the cache (dropped without one)."""
        if self._pending and self.memo is not None:
            self.memo.store(MEMO, _model_name(), self._pending.items())
        self._pending = {}

    def release(self) -> None:
        """Write the batch's verdicts; unmap the model while the batch is translated."""
        self.remember()
        self._identifier = None

    def _load(self) -> LanguageIdentifier:
        """The model, on first use: runs already judged never load it."""
        if self._identifier is None:
            self._identifier = load_identifier()
        return self._identifier


def load_identifier() -> LanguageIdentifier:
    """py3langid's model, memory-mapped from a copy unpacked once in the user's cache folder.

    Loading the shipped file (LZMA, 68 MB unpacked) took 0.5-1.5 s and ~70 MB of heap each time, and a run
    loads it again for every batch after ``release``: a 12,000-document run loaded it ~170 times, and
    each load's arrays left the heap more fragmented, so its peak memory grew with the number of
    documents. Mapped, a load takes milliseconds, its pages belong to the file (only those a text reaches
    are read), and unmapping gives them back. The arrays are py3langid's own, so verdicts are the same;
    anything unexpected (a cache that cannot be written, another model layout) loads the shipped file.
    """
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        return _mapped(MODEL_DIR / MODEL_FILE, LanguageIdentifier)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


UNPACKED = ("ptc.npy", "pc.npy", "classes.json", "nextmove.npy", "row.npy", "output.npy")


def _mapped(model: Path, identifier: type[LanguageIdentifier]) -> LanguageIdentifier:
    """The identifier over the unpacked copy: its arrays mapped, its tables views of them, no list of ints.

    The DFA walk indexes its three tables one by one, as fast in a view of the file as in a list. Lists
    (``.tolist()``, and ``__init__``'s row offsets) were ~300,000 ints made for every batch and freed
    after it: a 4,800-document run's Python arenas grew 30 -> 41 MB around what later batches kept.
    """
    import numpy as np

    from pipeline.engines.cache import cache_home

    folder = cache_home() / f"py3langid-{installed_version('py3langid')}-{model.stat().st_size}"
    if not all((folder / name).is_file() for name in UNPACKED):
        _unpack(model, folder)
    classes = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
    found = identifier(
        np.load(folder / "ptc.npy", mmap_mode="r"),
        np.load(folder / "pc.npy"),
        classes,
        _view(folder / "nextmove.npy"),
        _view(folder / "output.npy"),
        norm_probs=True,
        tk_row=(),  # set below: __init__ would make a list of the row offsets
    )
    if not isinstance(getattr(found, "_rowbase", None), list):  # py3langid 0.3-0.4's pre-shifted offsets
        raise TypeError("another py3langid layout")  # the shipped file is loaded instead
    row = np.load(folder / "row.npy")
    found.tk_row = memoryview(row)
    found._rowbase = memoryview(row.astype(np.int64) << 8)  # what __init__ computes from tk_row, as one array
    return found


def _view(path: Path) -> memoryview:
    """The values of a 1-D .npy file, mapped read-only (unmapped when the view and its users are gone)."""
    import mmap

    import numpy as np

    header = np.load(path, mmap_mode="r")
    with open(path, "rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, prot=mmap.PROT_READ)
    return memoryview(mapped)[header.offset :].cast(header.dtype.char)


def _unpack(model: Path, folder: Path) -> None:
    """Write the model's arrays as plain .npy files into ``folder``, whole (a temporary folder renamed) or not."""
    import shutil
    import tempfile

    import numpy as np
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(model)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-py3langid-"))
    try:
        np.save(tmp / "ptc.npy", np.asarray(ptc))
        np.save(tmp / "pc.npy", np.asarray(pc))
        (tmp / "classes.json").write_text(json.dumps(list(classes)), encoding="utf-8")
        np.save(tmp / "nextmove.npy", np.frombuffer(nextmove, dtype=np.dtype(nextmove.typecode)))
        np.save(tmp / "row.npy", np.frombuffer(row, dtype=np.dtype(row.typecode)))
        np.save(tmp / "output.npy", np.asarray(output, dtype=np.int64))
        shutil.rmtree(folder, ignore_errors=True)  # an incomplete copy
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@functools.cache
def _model_name() -> str:
    """What a remembered verdict depends on besides the text: the model's version (thresholds apply after)."""
    return f"py3langid {installed_version('py3langid')}"


def installed_version(package: str) -> str:
    """The installed version of ``package``, read from the name of its ``.dist-info`` folder beside it.

    ``importlib.metadata.version`` gives the same string, but importing it (its e-mail header parser) and
    searching every path entry took ~15 ms of a ~0.3 s re-run from the cache; it stays the fallback for any
    other layout (an egg, a zip, two versions side by side).
    """
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        beside = Path(next(iter(spec.submodule_search_locations))).parent
        found = list(beside.glob(f"{package}-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(package) + 1 : -len(".dist-info")]
    from importlib import metadata

    return metadata.version(package)
