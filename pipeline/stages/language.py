"""Stage 1b, language: refuse a document that is plainly not in ``--source``.

Translating an English article "from French" produces confident nonsense that
looks like a result. The check uses py3langid (langid.py's naive Bayes model,
shipped inside the wheel, so it works offline), judges only documents with
enough letters to be sure, and fails a document only when another language wins
with high confidence; the reason tells the user which ``--source`` to pass.
A shorter text (``MIN_WARN_LETTERS`` to ``MIN_LETTERS`` letters, two or three
sentences) that another language wins just as clearly gets a warning instead.
"""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline.errors import DocumentError
from pipeline.model import Document

MIN_LETTERS = 120  # below this a guess is too shaky to refuse a document on
MIN_WARN_LETTERS = 20  # ...but from this many letters a confident guess is worth a warning
SAMPLE_CHARS = 10_000  # the start of the body is enough and keeps huge files cheap
MIN_CONFIDENCE = 0.9
NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fa": "Persian", "fr": "French",
    "it": "Italian", "nl": "Dutch", "pt": "Portuguese", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian",
    "zh": "Chinese",
}  # fmt: skip


class LanguageStage:
    """Fail documents whose text is confidently in another language than ``source``."""

    name = "language"

    def __init__(self, source: str) -> None:
        self.source = source
        self._identifier: LanguageIdentifier | None = None

    def __call__(self, doc: Document) -> Document:
        found = self.detect(doc.text[doc.body_start : doc.body_start + SAMPLE_CHARS])
        if found is not None and found[0] != self.source and found[1] >= MIN_CONFIDENCE:
            language, confidence = found
            raise DocumentError(
                f"looks like {NAMES.get(language, language)}, not {self.source} (confidence {confidence:.2f}); "
                f"pass --source {language} or remove it"
            )
        if found is None:
            self._warn_if_short_and_foreign(doc)
        return doc

    def _warn_if_short_and_foreign(self, doc: Document) -> None:
        text = doc.text[doc.body_start : doc.body_start + SAMPLE_CHARS]
        if not MIN_WARN_LETTERS <= sum(ch.isalpha() for ch in text) < MIN_LETTERS or self.source not in self._load().labels:
            return
        language, confidence = self._load().classify(text)
        if language != self.source and confidence >= MIN_CONFIDENCE:
            doc.warnings.append(
                f"may be {NAMES.get(language, language)}, not {self.source} (confidence {confidence:.2f}, but only "
                f"{MIN_LETTERS} letters or more are judged); check it, or pass --source {language}"
            )

    def detect(self, text: str) -> tuple[str, float] | None:
        """(language code, confidence) of ``text``, or None when it is too short to judge or ``source`` is unknown."""
        if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
            return None
        identifier = self._load()
        if self.source not in identifier.labels:
            return None
        language, confidence = identifier.classify(text)
        return str(language), float(confidence)

    def release(self) -> None:
        """Free the model (~70 MB resident) while a batch is translated; the next batch loads it again (~0.5 s)."""
        self._identifier = None

    def _load(self) -> LanguageIdentifier:
        """Load the model on first use: it takes about a second, so runs of only very short texts skip it."""
        if self._identifier is None:
            self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return self._identifier
