"""English: articles, a/an and number agreement next to a spliced name."""

from __future__ import annotations

import re
from string import ascii_letters as ASCII_LETTERS

DETERMINERS = frozenset("the a an this that these those its their his her our your my whose".split())
WORD_BEFORE = re.compile(r"(?P<word>[A-Za-z]+)(?P<space>\s+)(?P<quote>[«“\"]\s*)?$")
OPENING_QUOTES = "«“\""
# "the group al-Nusra Front": a noun in apposition already carries the article.
APPOSITION = frozenset("group organisation organization movement militia faction coalition alliance front".split())
# Singular verb forms after a plural standard name whose source was singular ("camp atlantiste" -> "Western governments").
PLURAL_VERB = {"has": "have", "is": "are", "was": "were", "does": "do"}
VERB_AFTER = re.compile(r"(?P<space>\s+)(?P<verb>has|is|was|does)\b")
SENTENCE_START = re.compile(r"^[\s«“\"'(\[—–-]*$")
# The engine's next word after a rendering, and the source's word after the hit ("rebelles syriens").
NEXT_WORD = re.compile(r"(?P<space>[ \u00a0]+)(?P<word>[^\W\d_][^\W\d]*)\b")
# A people's name (Syrian, Syrians, Afghans, Iraqis, Islamists, Congoleses): the adjective is the name without "s".
PEOPLE = re.compile(r"^[A-Z][a-z]+(?:ian|an|i|ist|ese)(?P<plural>s?)$")
VOWEL_SOUND = re.compile(r"^(?:[aeio]|u(?!ni|s[aeiu]|tili)|hour|honest|honou?r)", re.IGNORECASE)


class English:
    """The ``Grammar`` of English."""

    def fit(self, before: str, name: str, article: str) -> tuple[str, str]:
        m = _word_before(before)
        word = m.group("word").lower() if m else ""
        if article == "none" and word == "the" and m is not None:
            capital = m.group("word")[0].isupper()
            before = before[: m.start()] + (m.group("quote") or "")
            m = _word_before(before)
            word = m.group("word").lower() if m else ""
            if capital:
                name = name[0].upper() + name[1:]
        elif article == "the" and word not in DETERMINERS and word not in APPOSITION:
            name = ("The " if SENTENCE_START.match(before) else "the ") + name
        if word in ("a", "an") and m is not None:
            wanted = "an" if VOWEL_SOUND.match(name) else "a"
            if m.group("word")[0].isupper():
                wanted = wanted.capitalize()
            before = before[: m.start()] + wanted + m.group("space") + (m.group("quote") or "")
        if SENTENCE_START.match(before):
            name = name[0].upper() + name[1:]
        return before, name

    def adjective_first(self, after: str, source_after: str) -> tuple[int, str] | None:
        """When the engine read a noun and its adjective ("rebelles syriens") as an adjective and a noun
        ("rebellious Syrians"): how much of ``after`` that noun takes, and the adjective to put before the
        name ("Syrian"); else ``None``. ``source_after`` is the source text after the name's words.

        Only a people's name the engine wrote for a lower-case source word turns. A word it left as the source
        wrote it ("houthis", or "sont" from an engine that copies) may be a verb, so it stays where it is.
        """
        got = NEXT_WORD.match(after)
        source = NEXT_WORD.match(source_after)
        if got is None or source is None or not source.group("word").islower():
            return None
        word = got.group("word")
        people = PEOPLE.match(word)
        if people is None:
            return None
        return got.end(), word[: len(word) - len(people.group("plural"))]

    def agree(self, after: str, *, plural_name: bool, plural_source: bool) -> str:
        verb = VERB_AFTER.match(after)
        if verb and plural_name and not plural_source:
            return verb.group("space") + PLURAL_VERB[verb.group("verb")] + after[verb.end() :]
        return after


def _word_before(text: str) -> re.Match[str] | None:
    """``WORD_BEFORE.search(text)``, found from the end so a long sentence costs its last word, not its length."""
    end = _skip_space_back(text, len(text))
    if end and text[end - 1] in OPENING_QUOTES:
        end = _skip_space_back(text, end - 1)
    start = end
    while start > 0 and text[start - 1] in ASCII_LETTERS:
        start -= 1
    return WORD_BEFORE.match(text, start) if start < end else None


def _skip_space_back(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end
