"""What the review page's forms send means the words typed or selected, never glossary pattern syntax.

In a glossary, "(s)" in a variant marks an optional ending and "{group}" stands for any group's name. The syntax
has no escape, and the matcher compares words (and the spaces, hyphens and apostrophes between them), never
brackets, so a selection such as "État islamique (EI)" or "a(s)" could not mean its literal text whatever the
page wrote: it is refused in plain words, and patterns are written in the YAML by hand, where
``normalize glossary check`` explains them. ``actions.plan`` checks every form's words here before planning.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import ConfigError

__all__ = ["literal_words", "same_slots"]

PATTERN_SYNTAX = re.compile(r"[(){}]")  # what a variant reads as "(s)" optional parts and "{group}" slots
SLOT_TEXT = re.compile(r"\{[^{}]*\}")


def literal_words(words: str, path: Path) -> str:
    """``words`` typed or selected in the page, refused if a glossary would read them as a pattern, not as themselves
    ("a(s)" would become "a" or "as", "{group}" any group's name)."""
    if PATTERN_SYNTAX.search(words):
        raise ConfigError(
            f"“{' '.join(words.split())}” has brackets or braces, which the glossary reads as a pattern, not as these "
            "words: “(s)” marks an optional ending and “{group}” stands for any group. The page adds plain words only: "
            f"select the words without brackets, or write the pattern in {path} by hand "
            "(`normalize glossary check` checks it)"
        )
    return words


def same_slots(standard: str, current: str, path: Path) -> str:
    """A standard name from the page, refused if it adds or removes a ``{group}`` slot (pattern syntax, as for
    ``literal_words``); keeping the slots the entry has is fine. Brackets are no syntax in a standard name."""
    if sorted(SLOT_TEXT.findall(standard)) != sorted(SLOT_TEXT.findall(current)):
        raise ConfigError(
            f"“{' '.join(standard.split())}” adds or removes a slot such as “{{group}}”, which the glossary reads as any "
            f"group's name, not as these words; slots are written in {path} by hand (`normalize glossary check` checks them)"
        )
    return standard
