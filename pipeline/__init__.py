"""normalize: offline translation of conflict news with neutral, glossary-enforced group names."""

__version__ = "0.2.0"
