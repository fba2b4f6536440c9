"""Moved to ``pipeline.text.quotes`` (it is not a stage); kept only for the stages that still import it from here."""

from pipeline.text.quotes import QuoteIndex, find_quotes, find_speaker, naming_marks, quote_spans, single_marks_hidden

__all__ = ["QuoteIndex", "find_quotes", "find_speaker", "naming_marks", "quote_spans", "single_marks_hidden"]
