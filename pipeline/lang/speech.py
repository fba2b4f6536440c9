"""The speaker patterns of a language, compiled from its word lists by shared templates.

A language says which words introduce speech (``Speech``); the shapes are the same for
every language: a name or a role, a verb, then the quotation ("X a déclaré : « … »",
"El ministro dijo: «…»"); the quotation, a verb and its subject ("« … », a déclaré X",
"«…», dijo el portavoz"); "selon X" / "según X" before it; a pronoun, or no subject at
all, for the speaker last named. Patterns are compiled once per language
(``speech_patterns``), as spaCy compiles a language's punctuation into its tokenizer.
A list left empty compiles to no pattern: a language without speech verbs names no
speaker, which is the honest answer ("speaker not identified").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.lang.base import Language, Speech

PUNCT = ",.;:!?،؛؟"  # punctuation that ends a name or a role (Arabic comma, semicolon and question mark too)
MARKS = '«»\\"“”„'  # quotation marks that end one
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def alternation(words: Iterable[str], *, either_case: bool = False) -> str:
    """``(?:w1|w2|…)`` matching ``words`` literally, ``'`` as ``'`` or ``’``; with ``either_case`` the first letter
    may also be a capital, as at the start of a sentence. No words: a pattern that matches nothing."""
    parts = []
    for word in words:
        first, rest = re.escape(word[:1]), re.escape(word[1:])
        if either_case and word[:1].upper() != word[:1].lower():
            first = f"[{word[:1].upper()}{word[:1].lower()}]"
        parts.append((first + rest).replace("'", "['’]"))
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def one_of(*patterns: str) -> str:
    """``(?:p1|p2)`` of the patterns that are not empty; "" when all are."""
    kept = [p for p in patterns if p]
    return "(?:" + "|".join(kept) + ")" if kept else ""


def capitalised(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w[:1].upper() + w[1:] for w in words)


@dataclass(frozen=True)
class SpeechPatterns:
    """The compiled speaker patterns of one language; None where its lists make no such pattern."""

    before: re.Pattern[str] | None  # "X a déclaré :" ending the text before the quotation
    role_before: re.Pattern[str] | None  # "Un responsable a affirmé :"
    verb_first: re.Pattern[str] | None  # "Dijo el ministro:", "Cuenta X, …:", "قال مصدر … إن"
    after: re.Pattern[str] | None  # ", a déclaré X" / ", dijo el portavoz" opening the text after it
    according_after: re.Pattern[str] | None  # ", según los fiscales" opening the text after it
    same_after: re.Pattern[str] | None  # ", a-t-il ajouté" / ", añadió.": the speaker last named
    according: re.Pattern[str] | None  # "selon X" before the quotation
    according_role: re.Pattern[str] | None  # "selon un responsable de la sécurité,"
    according_pronoun: re.Pattern[str] | None  # "selon lui": the speaker last named
    person: re.Pattern[str]  # two capitalised words: someone else named between two quotations
    role_opening: re.Pattern[str] | None  # a role opening a sentence ("Un responsable"), to write in lower case
    the: re.Pattern[str] | None  # a definite article to take off a speaker ("le général X" -> "général X")


_cache: dict[Language, SpeechPatterns] = {}


def speech_patterns(language: Language) -> SpeechPatterns:
    """The patterns of ``language``, compiled on first use."""
    if language not in _cache:
        _cache[language] = _compile(language.speech)
    return _cache[language]


def _compile(s: Speech) -> SpeechPatterns:
    cap = f"[{s.capitals}]" if s.capitals else "(?!)"  # no capitals (Arabic): no name is ever found by its shape
    low = s.lowercase
    word = rf"{cap}[\w'’\-]+"
    elided = alternation(s.elided) + r"['’]" if s.elided else ""
    articles = (*s.the, *s.the_plural, *s.a, *s.some)
    the = one_of(alternation(s.the) if s.the else "", elided)
    title = rf"(?:{the}\s*{alternation(s.titles)}\s+)" if the else rf"(?:{alternation(s.titles)}\s+)"
    lead = one_of(title if s.titles else "", rf"{the}\s*" if the else "")
    name = rf"(?P<who>{lead}{'?' if lead else ''}{word}(?:\s+{_particles(s.particles)}{word}){{0,4}})"
    ends = rf"\s*(?:[{PUNCT}{MARKS}()\n]|$)"
    role_end = rf"(?={ends}|\s+{alternation(s.role_end)}\b)" if s.role_end else rf"(?={ends})"
    role_noun = rf"(?:{alternation(s.role_adjectives)}\s+)?{alternation(s.role_nouns)}" + (
        f"{s.role_plural}?" if s.role_plural else ""
    )
    stop = rf"(?!{_stop_words(s.role_stop)}(?![\w'’\-]))" if s.role_stop else ""
    role_words = rf"(?:\s+{stop}[^\s{PUNCT}{MARKS}()]+){{0,6}}"
    # Before the quotation or after "selon", only a person's role is taken ("Le général a affirmé :"), with a few
    # more words and no verb: "Un habitant a vu le général qui a déclaré :" names nobody.
    det_either = one_of(
        alternation(articles, either_case=True) + r"\s+" if articles else "",
        alternation(s.elided, either_case=True) + r"['’]\s*" if s.elided else "",
    )
    person_role = rf"(?P<role>(?<![\w'’\-]){det_either}{role_noun}(?![\w'’\-]){role_words})"
    # After the verb, a subject may also be any role: ", a tranché le ministre", ", dijo el portavoz".
    det = one_of(alternation(articles) + r"\s+" if articles else "", rf"{elided}\s*" if elided else "")
    role = rf"(?P<role>{det}[{low}][^{PUNCT}{MARKS}()\n]{{1,60}}?){role_end}" if det else person_role
    complement = _complement(s, cap, low, elided)
    past, present = _past(s), alternation(s.present) if s.present else ""
    that = rf"(?:{alternation(s.that)}\s*)?" if s.that else ""
    intro = one_of(past + complement + rf"\s*{that}:?" if past else "", present + complement + r"\s*:" if present else "")
    intro = r"(?:,[^,«“„\"]{1,80},)?\s+" + intro + r"\s*$" if intro else ""
    verbs = "|".join(v for v in (past, s.reflexive, present) if v)
    lead_after = r"^\s*[,،]?\s*" + (r"(?:[—–-]\s*)?" if s.dash else "")
    same = [rf"{lead_after}{s.inverted_pronoun}"] if s.inverted_pronoun else []
    if s.subjectless and verbs:
        back = rf"(?:\s+{alternation(sorted(s.back_pronouns))})?" if s.back_pronouns else ""
        same.append(rf"{lead_after}(?:{verbs}){complement}{back}\s*(?=[{PUNCT}—–\-]|$)")
    first_verbs = "|".join(v for v in (_past(s, either_case=True), alternation(s.present, either_case=True)) if v)
    opening = rf"(?:^|[.!?]\s+){alternation(s.according_to_opening)}" if s.according_to_opening else ""
    according = one_of(rf"\b{alternation(s.according_to, either_case=True)}" if s.according_to else "", opening)
    according_words = one_of(
        alternation(s.according_to, either_case=True) if s.according_to else "",
        alternation(s.according_to_opening) if s.according_to_opening else "",
    )
    not_person = rf"(?!{alternation(s.not_person)}\b)" if s.not_person else ""
    opening_role = one_of(
        alternation(capitalised(articles)) + r"\s+" if articles else "",
        alternation(capitalised(s.elided)) + r"['’]\s*" if s.elided else "",
    )
    strip_the = one_of(alternation(s.the) + r"\s+" if s.the else "", rf"{elided}\s*" if elided else "")
    return SpeechPatterns(
        before=_maybe(name + intro, intro),
        role_before=_maybe(person_role + intro, intro and s.role_nouns),
        verb_first=_maybe(
            rf"(?<![\w'’\-])(?:{first_verbs}){complement}\s+(?:{name}|{person_role})(?:\s*,[^:«“„\"]{{1,200}})?\s*"
            + (rf"(?::|{alternation(s.that)})\s*$" if s.that else r":\s*$"),
            s.verb_first and first_verbs,
        ),
        after=_maybe(rf"{lead_after}(?:{verbs}){complement}\s+(?:{name}|{role})", verbs),
        according_after=_maybe(
            rf"{lead_after}{alternation(s.according_to_after, either_case=True)}\s+(?:{name}|{role})", s.according_to_after
        ),
        same_after=_maybe("|".join(f"(?:{p})" for p in same), same),
        according=_maybe(rf"{according}\s+{name}", according),
        according_role=_maybe(rf"{according}\s+{person_role}\s*,", according and s.role_nouns),
        according_pronoun=_maybe(
            rf"\b{according_words}\s+{alternation(s.object_pronouns)}\b", according_words and s.object_pronouns
        ),
        person=re.compile(rf"\b{not_person}{cap}[\w’\-]+\s+{cap}[\w’\-]+"),
        role_opening=_maybe(rf"{opening_role}[{low}]", opening_role),
        the=_maybe("^" + strip_the, strip_the),
    )


def _maybe(pattern: str, wanted: object) -> re.Pattern[str] | None:
    return re.compile(pattern) if wanted else None


def _past(s: Speech, *, either_case: bool = False) -> str:
    """Past speech verbs: an auxiliary and a participle ("a déclaré", "ha dicho"), or a verb alone ("dijo")."""
    return one_of(
        rf"{alternation(s.auxiliaries, either_case=either_case)}\s+{alternation(s.participles)}"
        if s.auxiliaries and s.participles else "",
        alternation(s.said, either_case=either_case) if s.said else "",
    )


def _complement(s: Speech, cap: str, low: str, elided: str) -> str:
    """Up to two places the words were said, between a verb and a subject after it: "a déclaré à l'AFP", "dijo a la
    prensa". A run of capitalised words is taken whole ("à l'Agence France-Presse"), so a name after a capitalised
    outlet is not found rather than cut in two; so is an acronym after a noun ("a la emisora BBC el ministro")."""
    if not s.prepositions:
        return ""
    det = one_of(alternation((*s.the, *s.the_plural, *s.a)) + r"\s+" if s.the or s.the_plural or s.a else "",
                 rf"{elided}\s*" if elided else "")
    return (
        rf"(?:\s+{alternation(s.prepositions)}\s+{det}{'?' if det else ''}"
        rf"(?>[A-Z]{{2,}}(?![\w\-])|{cap}[\w\-]*(?:\s+{cap}[\w\-]*)*|[{low}][\w\-]*(?:\s+[A-Z]{{2,}}(?![\w\-]))?))"
        "{0,2}"
    )


def _particles(particles: tuple[str, ...]) -> str:
    """``(?:…)?`` for the particles inside a name, grouped by what joins them to the next word."""
    groups = []
    for joiner, pattern in (("-", "-"), (" ", r"\s+"), ("'", "['’]")):
        words = [p[:-1] for p in particles if p.endswith(joiner)]
        if words:
            groups.append(alternation(words) + pattern)
    return one_of(*groups) + "?" if groups else ""


def _stop_words(words: tuple[str, ...]) -> str:
    """Words a role never runs over; one ending in an apostrophe stands for every word it elides into ("qu'")."""
    return one_of(*(re.escape(w).replace("'", "['’]") + (r"\w*" if w.endswith("'") else "") for w in words))
