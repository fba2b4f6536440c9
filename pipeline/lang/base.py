"""What a source language tells the shared stages: the data, never code paths per language.

Word lists are plain strings; the stages compile them into patterns from shared
templates (``pipeline.lang.speech`` for speakers), so a language states words, not
regular expressions. Conventions in the lists: ``'`` stands for both ``'`` and
``’``; a name particle ends with the character that joins it to the name (``"al-"``,
``"de "``, ``"d'"``). The few rules that no word list can say (French ``a-t-il``)
are regular expressions in the language's own module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Quotation:
    """How quotations are marked. The defaults are the marks common to most languages written in Latin script."""

    # (opening, closing) pairs; a mark may close one pair and open another (Russian „…“ and “…”).
    pairs: tuple[tuple[str, str], ...] = (("«", "»"), ("“", "”"), ('"', '"'), ("‘", "’"), ("‹", "›"))
    # Marks that are also apostrophes (French l’EI): quotation marks only as a pair inside one paragraph.
    apostrophes: str = "‘’"
    # Marks that, at the start of a paragraph, continue a quotation left open (French «, Spanish »), besides
    # the quotation's own opening mark.
    reopen: str = ""


@dataclass(frozen=True)
class Speech:
    """Who speaks: the words around a quotation that name its speaker. Empty lists find nobody (None)."""

    said: tuple[str, ...] = ()  # past verbs on their own: "dijo", "заявил"
    participles: tuple[str, ...] = ()  # past participles after an auxiliary: "déclaré", "dicho"
    auxiliaries: tuple[str, ...] = ()  # "a", "ont"; "ha", "han"
    present: tuple[str, ...] = ()  # present tense: before a quotation only with a colon ("X déclare : « … »")
    that: tuple[str, ...] = ()  # the conjunction between verb and quotation: "que"
    prepositions: tuple[str, ...] = ()  # to whom or where it was said: "a déclaré à l'AFP", "dijo a la prensa"
    # Articles: singular definite, plural definite, singular indefinite, plural indefinite, elided ("l").
    the: tuple[str, ...] = ()
    the_plural: tuple[str, ...] = ()
    a: tuple[str, ...] = ()
    some: tuple[str, ...] = ()
    elided: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # before a name: "le général X"
    particles: tuple[str, ...] = ()  # inside a name: "al-", "de ", "d'"
    role_adjectives: tuple[str, ...] = ()  # before a role noun: "haut responsable"
    role_nouns: tuple[str, ...] = ()  # a person by their role: "ministre", "portavoz", "министр"
    role_plural: str = ""  # the ending a role noun takes in the plural ("s": "responsables")
    role_end: tuple[str, ...] = ()  # words that end a role after the verb: "sur", "lundi"
    role_stop: tuple[str, ...] = ()  # words a role's trailing words never run over: "qui", "a"; "qu'" any elided form
    according_to: tuple[str, ...] = ()  # "selon X", "según X", "по словам X" (either case)
    according_to_opening: tuple[str, ...] = ()  # the same, only opening a sentence: "Pour X, « … »"
    according_to_after: tuple[str, ...] = ()  # after the quotation: "« … », según los fiscales"
    object_pronouns: tuple[str, ...] = ()  # "selon lui": the speaker last named
    pronouns: frozenset[str] = frozenset()  # subjects that name nobody: "il", "on", "él"
    back_pronouns: frozenset[str] = frozenset()  # "Il a déclaré : « … »": the speaker last named
    not_person: tuple[str, ...] = ()  # capitalised words that do not begin a person's name: "Le", "Selon"
    inverted_pronoun: str = ""  # regex (language-specific): "», a-t-il ajouté" is the speaker last named
    reflexive: str = ""  # regex (language-specific): "», s'est indigné X"
    verb_first: bool = False  # "Dijo el ministro: «…»", "Cuenta X, …:": the verb before its subject and a colon
    subjectless: bool = False  # the subject may be left out: "«…», añadió." is the speaker last named
    dash: bool = False  # a dash between the quotation and the verb: "«…», — сказал он", "«…» —dijo—"
    capitals: str = "A-ZÀ-Ý"  # character-class ranges of capital letters that begin a name
    lowercase: str = "a-zà-ÿ"  # ...and of lower-case ones that begin a role

    @property
    def any(self) -> bool:
        """Whether any verb introduces speech (else no speaker is ever found)."""
        return bool(self.said or self.participles or self.present)


@dataclass(frozen=True)
class Names:
    """Shapes of transliterated names that the names stage protects from the engine."""

    # The Arabic article in transliteration, joined by a hyphen to a capitalised word: "al-Bab", "ez-Zor".
    arabic_articles: tuple[str, ...] = ("al", "el", "ad", "ash", "as", "at", "ar", "az", "ez", "ed", "ul")
    lower_articles: tuple[str, ...] = ("al", "el")  # ...also before a lower-case word: "al-qaida"
    spaced_articles: tuple[str, ...] = ()  # ...joined by a space inside a name: Spanish "Bashar al Asad"
    not_after_spaced: frozenset[str] = frozenset()  # capitalised words that make it a contraction: "al Gobierno"
    kunyas: tuple[str, ...] = ("Abu", "Ibn", "Bin", "Ben", "Abdel", "Abdul", "Umm")  # "Abu Bakr"
    joins: tuple[str, ...] = ("ben", "bin", "ibn", "bint", "abu")  # lower-case links in a chain
    place_links: tuple[str, ...] = ()  # "Thonon-les-Bains": lower-case words between hyphens in a place name
    not_a_name: frozenset[str] = frozenset()  # capitalised words before a name that are not part of it (folded)
    capital_words: frozenset[str] = frozenset()  # words written in capitals in headlines, never an acronym
    # Titles before a person's name, as written without their full stop: "M", "Mme", "Sr". A title says the
    # capitalised words after it are a name ("M. Le Drian"); the target language's are what an engine writes for one.
    person_titles: tuple[str, ...] = ()
    # Articles and prepositions that, capitalised inside a sentence, begin a name: "Le Drian", "Le Figaro", "De Hoop".
    name_articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gloss:
    """How a text explains a word instead of using it: "Daech, acronyme arabe de l'EI", "el llamado Daesh"."""

    after: tuple[str, ...] = ()  # nouns after the word: "acronyme", "sigla"
    after_articles: tuple[str, ...] = ()  # before those nouns: "l'", "un"; "por sus"
    that: tuple[str, ...] = ()  # "qui", "que" ...
    that_verbs: tuple[str, ...] = ()  # ... "est", "signifie"
    before: tuple[str, ...] = ()  # words before the word: "appelé", "conocido como"


@dataclass(frozen=True)
class Renamed:
    """How a text says a group changed its name: "(EIIL, devenue État islamique)", "l'ex-Front al-Nosra".

    A group's former name there is kept as written (``pipeline.text.renamed``): written as the standard name,
    "(EIIL, devenue État islamique)" would read "(Islamic State, became Islamic State)".
    """

    before: tuple[str, ...] = ()  # right before a former name: "ex-", "anciennement", "antes conocido como"
    became: tuple[str, ...] = ()  # after a former name, before the new one: "devenu", "rebaptisé", "convertido en"
    after: tuple[str, ...] = ()  # right after a former name: Arabic "سابقا" ("جبهة النصرة سابقا")


class VariantForm(NamedTuple):
    """One form of a glossary variant, as a language's ``WordForms`` gives it to the matcher."""

    text: str  # the form's words as a text writes them ("террористической группировки", "والتكفيريين")
    plural: bool | None = None  # its number when the language can tell; None: as the variant says
    skip: int = 0  # letters at the start of the first word left out of the match (Arabic proclitics: و ب ...)
    capitals: tuple[int, ...] = ()  # words (0-based) that must begin with a capital letter in the text


class WordForms(Protocol):
    """How the glossary matcher reads a language whose words folding alone does not match (``Language.word_forms``)."""

    def forms(self, variant: str, *, numbers: bool) -> tuple[VariantForm, ...]:
        """Every form of one written variant: its inflections, clitics... (``numbers``: both numbers, else the written one)."""
        ...

    def key(self, word: str) -> str:
        """A folded word of a text or a variant -> what the matcher compares (Arabic: spelling normalised)."""
        ...

    def start(self, word: str, skip: int) -> int:
        """How many characters of ``word``, as the text writes it, come before its letter number ``skip``."""
        ...


@dataclass(frozen=True)
class Language:
    """One source language's rules, read by the stages through ``get_language(doc.language)``.

    Every field has a neutral default, so a language module states only what it knows.
    """

    code: str
    name: str
    # Words that are never a glossary variant on their own ("de", "la", "el", "и", "في"): a variant made
    # only of these would rewrite ordinary text everywhere. Lower-case.
    function_words: frozenset[str] = frozenset()
    # Abbreviations that a full stop does not end a sentence after, lower-case, without the final stop.
    abbreviations: frozenset[str] = frozenset()
    quotes: Quotation = field(default_factory=Quotation)
    speech: Speech = field(default_factory=Speech)
    names: Names = field(default_factory=Names)
    gloss: Gloss = field(default_factory=Gloss)
    renamed: Renamed = field(default_factory=Renamed)
    # Elided words and their full form ("l" -> "le"): a placeholder after "l'" would read "l'__T0__".
    elision: tuple[tuple[str, str], ...] = ()
    # Endings of a plural word ("s", "x"); none known: a name's verb is left as the engine wrote it.
    plural_endings: tuple[str, ...] = ()
    # Conjunctions between equivalent names in one bracket: "Daech (État islamique ou EI)".
    bracket_fillers: tuple[str, ...] = ()
    # How the glossary matcher reads this language beyond folding case and accents: Russian case forms
    # (pipeline/lang/ru/morphology.py), Arabic spelling and clitics (pipeline/lang/ar/normalize.py). None: folding only.
    word_forms: WordForms | None = None

    def only_function_words(self, form: str) -> bool:
        """Whether every word of ``form`` is a function word (a variant that must be refused)."""
        words = WORD.findall(form.casefold())
        return bool(words) and all(w in self.function_words for w in words)

    def plural(self, form: str) -> bool | None:
        """Whether ``form`` reads as plural by its ending; None when the language gives no rule."""
        if not self.plural_endings:
            return None
        return form.lower().endswith(self.plural_endings)


NEUTRAL = Language(code="xx", name="a language without rules of its own")
