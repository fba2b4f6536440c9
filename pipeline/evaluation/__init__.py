"""Measuring what the glossary does on text no one on the team wrote: ``parallel`` (BLEU and chrF against
references) and ``audit`` (whole articles, no reference needed; what it counts per document is in
``document_audit`` and ``collateral``). ``printing`` formats the counts both reports show."""
