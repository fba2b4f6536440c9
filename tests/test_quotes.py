"""Quotations over the whole document, loaded variants, glosses, and addresses that are never matched (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.chain import Chain
from pipeline.errors import ConfigError
from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.lang import get_language
from pipeline.model import Check, Document, Quote, TermHit, text_document
from pipeline.stages.match import protected_spans
from pipeline.text.quotes import QuoteIndex, find_quotes, find_speaker, paragraph_spans, quote_spans
from tests.conftest import ScriptedEngine

FR = get_language("fr")


def quoted(text: str, quote: Quote) -> str:
    return text[quote.start : quote.end]


def tops(text: str) -> list[str]:
    return [quoted(text, q) for q in find_quotes(text, language=FR) if q.depth == 0]


# ---- the scan -------------------------------------------------------------


def test_guillemets_curly_and_straight_quotes_are_paired() -> None:
    text = "Il a dit « non », puis “peut-être”, enfin \"oui\" et \"jamais\"."
    assert tops(text) == ["« non »", "“peut-être”", '"oui"', '"jamais"']
    assert all(q.closed for q in find_quotes(text, language=FR))


def test_apostrophes_are_never_quotation_marks() -> None:
    text = "Aujourd’hui, l'EI n’a plus de territoire, d'après l’armée ; « l'EI reste actif », dit-il."
    assert tops(text) == ["« l'EI reste actif »"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Selon lui, les ‘terroristes’ ont fui vers le nord.", ["‘terroristes’"]),
        ("les ‘terroristes’ de l’EI", ["‘terroristes’"]),
        ("Il a parlé des ‘terroristes’, puis des ‹ bandits › et de ‘l’EI’.", ["‘terroristes’", "‹ bandits ›", "‘l’EI’"]),
        ("(‘jihadistes’) et ‘rebelles’.", ["‘jihadistes’", "‘rebelles’"]),
    ],
)
def test_single_curly_quotes_pair(text: str, found: list[str]) -> None:
    assert tops(text) == found
    assert all(q.closed for q in find_quotes(text, language=FR))


@pytest.mark.parametrize(
    "text",
    [
        "l’EI a dit qu’il n’a pas fui aujourd’hui, d’après l’armée.",
        "L’Etat islamique s’est replié jusqu’à l’Euphrate ; c’est l’avis d’experts qu’on n’a pas cités.",
        "les combattants’ armes",  # a closing mark with nothing open
        "l ‘EI a fui sans que personne ne l’arrête.",  # ‘ with no ’ before a non-letter: an apostrophe
        "l‘EI et d‘autres groupes.",  # ‘ after a letter: an apostrophe typed wrong
        "Il a dit ‘ rien.",  # ‘ before a space opens nothing
        "Le rock’n’roll d’aujourd’hui.",
    ],
)
def test_apostrophes_among_single_curly_quotes_open_nothing(text: str) -> None:
    assert find_quotes(text, language=FR) == []


def test_single_curly_quotes_nest_inside_guillemets_and_curly_doubles() -> None:
    text = "« Ils parlent des ‘terroristes’ de l’EI », dit Ali. “Les ‘rebelles’”, répond Omar."
    assert [(quoted(text, q), q.depth) for q in find_quotes(text, language=FR)] == [
        ("« Ils parlent des ‘terroristes’ de l’EI »", 0),
        ("‘terroristes’", 1),
        ("“Les ‘rebelles’”", 0),
        ("‘rebelles’", 1),
    ]


def test_a_single_curly_quote_closes_in_its_paragraph_or_is_no_quotation() -> None:
    text = "Il parle des ‘terroristes.\n\nLes combattants’ armes."
    assert find_quotes(text, language=FR) == []


def test_nested_quotations_have_depth() -> None:
    text = "« Ils nous traitent de “terroristes” et de \"bandits\" », a dit Ali."
    quotes = find_quotes(text, language=FR)
    assert [(quoted(text, q), q.depth) for q in quotes] == [
        ("« Ils nous traitent de “terroristes” et de \"bandits\" »", 0),
        ("“terroristes”", 1),
        ('"bandits"', 1),
    ]


def test_same_mark_nested_inside_itself() -> None:
    text = "« Il a crié « à l'aide » puis il est parti », raconte un témoin."
    assert [(quoted(text, q), q.depth) for q in find_quotes(text, language=FR)] == [
        ("« Il a crié « à l'aide » puis il est parti »", 0),
        ("« à l'aide »", 1),
    ]


def test_a_quotation_continues_into_a_paragraph_that_reopens_it() -> None:
    text = (
        "Le ministre a déclaré : « Nous poursuivrons la lutte.\n\n« Les terroristes seront jugés », a-t-il ajouté.\n\nLa suite."
    )
    quotes = find_quotes(text, language=FR)
    assert len(quotes) == 1
    q = quotes[0]
    assert quoted(text, q).startswith("« Nous poursuivrons") and quoted(text, q).endswith("jugés »")
    assert q.closed and q.depth == 0


def test_a_continued_quotation_spans_three_paragraphs() -> None:
    text = "« Un.\n\n« Deux.\n\n« Trois », a-t-il dit.\n\nFin « hors »."
    assert tops(text) == ["« Un.\n\n« Deux.\n\n« Trois »", "« hors »"]


def test_straight_quotes_continue_across_paragraphs_too() -> None:
    text = 'Il a dit : "Un.\n\n"Deux."\n\nPlus rien.'
    assert tops(text) == ['"Un.\n\n"Deux."']


def test_an_unclosed_mark_ends_with_its_paragraph() -> None:
    text = "Il a parlé de « terroristes sans finir.\n\nLes jihadistes sont partis. « Puis » rien."
    quotes = find_quotes(text, language=FR)
    assert [(quoted(text, q), q.closed) for q in quotes] == [("« terroristes sans finir.", False), ("« Puis »", True)]


def test_an_unclosed_mark_in_the_last_paragraph_ends_with_the_text() -> None:
    text = "Premier.\n\nIl a crié « au secours"
    assert [(quoted(text, q), q.closed) for q in find_quotes(text, language=FR)] == [("« au secours", False)]


def test_an_unclosed_inner_quotation_ends_with_the_outer_one() -> None:
    text = "« Il a dit “non et il est parti », raconte Ali."
    quotes = find_quotes(text, language=FR)
    assert [(quoted(text, q), q.depth, q.closed) for q in quotes] == [
        ("« Il a dit “non et il est parti »", 0, True),
        ("“non et il est parti »", 1, False),
    ]


def test_a_stray_closing_mark_is_ignored() -> None:
    text = "Rien » ici, puis « là »."
    assert tops(text) == ["« là »"]


def test_an_odd_straight_quote_does_not_swallow_the_next_paragraph() -> None:
    text = 'Un pouce de 2" de long.\n\nLes jihadistes sont partis.'
    quotes = find_quotes(text, language=FR)
    assert [(quoted(text, q), q.closed) for q in quotes] == [('" de long.', False)]


def test_paragraph_spans_skip_blank_lines_and_edges() -> None:
    text = "  Un.\n\n\n  Deux.  \n \nTrois"
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["Un.", "Deux.", "Trois"]


def test_given_paragraphs_are_used() -> None:
    text = "« a.\n« b »"  # one line break only: not a blank line, but the caller says they are two paragraphs
    one = find_quotes(text, language=FR)  # one paragraph: the second « opens a quotation inside the unclosed first one
    assert [(q.depth, q.closed) for q in one] == [(0, False), (1, True)]
    assert [quoted(text, q) for q in find_quotes(text, [(0, 4), (5, 10)], language=FR)] == ["« a.\n« b »"]


def test_quote_spans_gives_top_level_spans_in_a_range() -> None:
    text = "x « a “b” » y « c »"
    assert [text[a:b] for a, b in quote_spans(text)] == ["« a “b” »", "« c »"]
    assert [text[a:b] for a, b in quote_spans(text, 12)] == ["« c »"]
    assert list(quote_spans(text, 5, 5)) == []


def test_the_scan_is_linear_on_many_marks() -> None:
    text = "« a " * 20000 + "\n\n" + "“ b " * 20000 + "” " * 20000 + "» " * 20000
    quotes = find_quotes(text, language=FR)
    assert len(quotes) == 40000
    assert sum(q.closed for q in quotes) == 20000


# ---- speakers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("« Nous gagnerons », a déclaré Vladimir Poutine.", "Vladimir Poutine"),
        ("Le ministre Sergueï Lavrov a déclaré : « Ils partiront ».", "Sergueï Lavrov"),
        ("Selon Damas, il s'agit « d'un complot ».", "Damas"),
        ("« La lutte continue », ajoute Florence Parly.", "Florence Parly"),
        ("« Ils ont fui », a affirmé le général Vladimir Savtchenko.", "général Vladimir Savtchenko"),
        ("« Il n'y a pas de retour », a tranché le ministre.", "ministre"),
        ("« Rien ne change », précise l'exécutif, dans un communiqué.", "exécutif"),
        ("« C'est fini », déclare le président de la République à la journaliste.", "président de la République"),
        ("« C'est grave », s'alarme François Hollande dans les colonnes du Parisien.", "François Hollande"),
        ("« C'est grave », s'est indigné Jean Dupont.", "Jean Dupont"),
        ("Selon l'armée, dix morts. « Rien », dit un habitant.", "un habitant"),  # not "selon" of another sentence
        ("Il a déclaré : « Nous restons ».", None),  # a pronoun is not a name
        ("« Rien », dit-il.", None),
    ],
)
def test_speakers(text: str, who: str | None) -> None:
    quotes = find_quotes(text, language=FR)
    assert quotes[0].speaker == who


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Le général a affirmé : « Les terroristes sont en fuite. »", "général"),
        ("Selon le général, « les terroristes sont en fuite ».", "général"),
        ("Selon un responsable de la sécurité, les ‘terroristes’ ont fui.", "un responsable de la sécurité"),
        ("Un responsable de la sécurité a déclaré à l'AFP : « Ils ont fui ».", "un responsable de la sécurité"),
        ("La porte-parole du ministère affirme : « Rien ».", "porte-parole du ministère"),
        ("« Ils ont fui », a déclaré à l'AFP un responsable de la sécurité.", "un responsable de la sécurité"),
        ("« Ils ont fui », a déclaré à l'AFP un responsable militaire syrien.", "un responsable militaire syrien"),
        ("« Ils fuient », a déclaré à l'AFP un officier sous couvert d'anonymat.", "un officier"),
        ("« J'ai vu les terroristes », a raconté à la barre Laurent Sourisseau.", "Laurent Sourisseau"),
        ("« Rien », a confié devant les juges Jean Dupont.", "Jean Dupont"),
        ("« Rien », ont dit des habitants.", "des habitants"),
        # unsure: nobody rather than a wrong name
        ("Un habitant a vu le général qui a déclaré : « Ils ont fui ».", None),
        ("« Rien », a déclaré à l'Agence France-Presse Laurent Sourisseau.", None),  # outlet or name?
        ("« Rien », a dit au Monde Jean Dupont.", None),
        ("Selon les chiffres de l'ONU, « rien ».", None),
        ("« Rien », a déclaré à la presse.", None),
    ],
)
def test_introduced_and_inverted_speakers(text: str, who: str | None) -> None:
    assert find_quotes(text, language=FR)[0].speaker == who


def test_a_pronoun_takes_the_introduced_speaker_not_a_name_two_paragraphs_back() -> None:
    text = (
        "« Nous avons fui », raconte Fatima, 34 ans.\n\nLe général a affirmé : « Les terroristes sont en fuite.\n\n"
        "« Nous les poursuivrons », a-t-il ajouté."
    )
    assert [q.speaker for q in find_quotes(text, language=FR)] == ["Fatima", "général"]


def test_a_pronoun_takes_the_previous_quotation_in_the_same_or_previous_paragraph_only() -> None:
    previous = "Le général a affirmé : « Un. »\n\n« Deux », a-t-il ajouté."
    too_far = "« Un », a dit Ali.\n\nLa ville est calme.\n\n« Deux », a-t-il ajouté."
    unknown = "« Un », a dit Ali. « Les combattants sont partis hier soir. » « Deux », a-t-il ajouté."
    term = "« Un », a dit Ali. Les « terroristes » sont partis. « Deux », a-t-il ajouté."
    assert [q.speaker for q in find_quotes(previous, language=FR)] == ["général", "général"]
    assert [q.speaker for q in find_quotes(too_far, language=FR)] == ["Ali", None]
    assert [q.speaker for q in find_quotes(unknown, language=FR)] == ["Ali", None, None]  # the quotation before is nobody's
    assert [q.speaker for q in find_quotes(term, language=FR)] == ["Ali", None, "Ali"]  # a word in quotes is not speech


def test_selon_lui_refers_back_within_its_sentence() -> None:
    text = "« Un », a nuancé le porte-parole.\n\nSelon lui, les ‘terroristes’ ont fui. Les « rebelles » restent."
    assert [q.speaker for q in find_quotes(text, language=FR)] == ["porte-parole", "porte-parole", None]


def test_an_introduction_by_a_pronoun_is_the_previous_speaker() -> None:
    text = "« Un », a dit Mazloum Abdi.\n\nIl a ensuite déclaré : « Deux »."
    assert [q.speaker for q in find_quotes(text, language=FR)] == ["Mazloum Abdi", None]  # "ensuite": no introduction read
    text = "« Un », a dit Mazloum Abdi.\n\nIl a déclaré : « Deux »."
    assert [q.speaker for q in find_quotes(text, language=FR)] == ["Mazloum Abdi", "Mazloum Abdi"]


def test_the_speaker_of_a_continued_quotation_is_found_around_its_first_and_last_paragraphs() -> None:
    before = "Jean-Yves Le Drian a déclaré : « Un.\n\n« Deux », a-t-il ajouté."
    after = "« Un.\n\n« Deux », a déclaré Mazloum Abdi."
    assert find_quotes(before, language=FR)[0].speaker == "Jean-Yves Le Drian"
    assert find_quotes(after, language=FR)[0].speaker == "Mazloum Abdi"


def test_a_pronoun_refers_back_to_the_last_speaker_named() -> None:
    text = "« Un », a déclaré Mazloum Abdi. « Deux », a-t-il ajouté.\n\n« Trois », prévient-il."
    assert [q.speaker for q in find_quotes(text, language=FR)] == ["Mazloum Abdi"] * 3


def test_a_pronoun_is_not_resolved_past_another_name_or_too_far() -> None:
    other = "« Un », a déclaré Mazloum Abdi. Pour l'AFP Jean-Charles Brisard, c'est clair. « Deux », a-t-il ajouté."
    far = "« Un », a déclaré Mazloum Abdi. " + "Rien. " * 500 + "« Deux », a-t-il ajouté."
    first = "« Deux », a-t-il ajouté."
    assert [q.speaker for q in find_quotes(other, language=FR)] == ["Mazloum Abdi", None]
    assert [q.speaker for q in find_quotes(far, language=FR)] == ["Mazloum Abdi", None]
    assert [q.speaker for q in find_quotes(first, language=FR)] == [None]


def test_a_nested_quotation_inherits_its_speaker() -> None:
    text = "« Ils disent “Daech” pour nous insulter », a expliqué Ahmad Khaled."
    assert [q.speaker for q in find_quotes(text, language=FR)] == ["Ahmad Khaled", "Ahmad Khaled"]


def test_find_speaker_stays_inside_the_paragraphs_given() -> None:
    text = "Vladimir Poutine a déclaré :\n\n« Rien »."
    q = find_quotes(text, language=FR)[0]
    assert find_speaker(text, q.start, q.start, q.end, q.end, FR) is None


def test_a_paragraph_ending_with_a_colon_introduces_the_quotation_opening_the_next() -> None:
    assert find_quotes("Vladimir Poutine a déclaré :\n\n« Rien ».", language=FR)[0].speaker == "Vladimir Poutine"
    assert find_quotes("Vladimir Poutine a déclaré.\n\n« Rien ».", language=FR)[0].speaker is None


def test_quote_index_finds_the_innermost_quotation() -> None:
    text = "a « b “c” d » e « f »"
    index = QuoteIndex(find_quotes(text, language=FR))
    c, b, e, f = (text.index(w) for w in "cbef")
    inner = index.around(c, c + 1)
    outer = index.around(b, b + 1)
    assert inner is not None and inner.depth == 1 and quoted(text, inner) == "“c”"
    assert outer is not None and outer.depth == 0
    assert index.around(e, e + 1) is None
    last = index.around(f, f + 1)
    assert last is not None and quoted(text, last) == "« f »"
    assert index.around(0, 1) is None
    assert index.around(b, e + 1) is None  # runs out of the quotation


# ---- the match stage ------------------------------------------------------


def matched(glossary: Glossary, text: str) -> Document:
    doc = text_document(text, language="fr")
    Chain(glossary, ScriptedEngine(), order=("segment", "match"))([doc])
    assert doc.error is None
    return doc


def hits(doc: Document) -> list[TermHit]:
    return [h for seg in doc.segments for h in seg.hits]


def test_hits_in_a_continued_quotation_are_quoted_with_the_speaker(fr_en: Glossary) -> None:
    doc = matched(
        fr_en,
        "Le colonel Ivan Petrov a affirmé : « La ville est libérée.\n\n« Les daechistes ont fui. »\n\n"
        "Les jihadistes de Daech sont partis.",
    )
    assert [(h.text, h.in_quote, h.speaker) for h in hits(doc)] == [
        ("daechistes", True, "Ivan Petrov"),
        ("jihadistes de Daech", False, None),
    ]
    assert len(doc.quotes) == 1 and not doc.segments[0].hits


def test_document_quotes_are_written_for_the_page(fr_en: Glossary) -> None:
    doc = matched(fr_en, "Titre\n\n« Un “deux” », a dit Ali.")
    assert [(doc.text[q.start : q.end], q.depth) for q in doc.quotes] == [("« Un “deux” »", 0), ("“deux”", 1)]


def test_a_loaded_variant_is_loaded_and_carries_its_quoted_form(fr_en: Glossary) -> None:
    inside, outside = hits(matched(fr_en, "« DAECH sera vaincu », a déclaré Ali. Daech a fui."))
    assert (inside.loaded, inside.in_quote, inside.quoted_form, inside.replacement) == (True, True, "Daesh", "Daesh")
    assert (outside.loaded, outside.in_quote, outside.replacement) == (True, False, "Islamic State")


def test_a_plain_variant_of_the_same_entry_is_not_loaded(fr_en: Glossary) -> None:
    (hit,) = hits(matched(fr_en, "« L'EI sera vaincu », a déclaré Ali."))
    assert (hit.entry, hit.loaded, hit.quoted_form, hit.replacement) == ("islamic-state", False, None, "Islamic State")


def test_a_loaded_variant_in_a_group_slot_makes_the_match_loaded(tmp_path: Path) -> None:
    path = tmp_path / "fr-en.yaml"
    path.write_text(
        """source: fr
target: en
entries:
  - id: islamic-state
    kind: group
    standard: Islamic State
    variants: [Daech, EI]
    loaded_variants: {Daech: Daesh}
  - id: fighters
    kind: members
    standard: "{group} fighter"
    plural: "{group} fighters"
    variants: ["combattant(s) de {group}"]
""",
        encoding="utf-8",
    )
    glossary = load_glossary_file(path)
    daech, ei = hits(matched(glossary, "« Les combattants de Daech et les combattants de l'EI », dit Ali."))
    assert (daech.loaded, daech.quoted_form, daech.replacement) == (True, "Daesh fighters", "Daesh fighters")
    assert (ei.loaded, ei.quoted_form, ei.replacement) == (False, None, "Islamic State fighters")


@pytest.mark.parametrize(
    "text",
    [
        "Daech (acronyme arabe de l'EI) a perdu.",
        "Daech, acronyme arabe de l'Etat islamique, a perdu.",
        "Daech, qui est l'acronyme arabe de l'EI, a perdu.",
        "Le terme Daech est employé par ses ennemis.",
    ],
)
def test_a_gloss_keeps_the_word_being_explained(fr_en: Glossary, text: str) -> None:
    found = hits(matched(fr_en, text))
    daech = next(h for h in found if h.text == "Daech")
    assert daech.mention and not daech.in_quote and daech.replacement == "Daesh"
    assert all(not h.mention for h in found if h is not daech)  # the explanation itself is normalised


def test_a_plain_use_is_not_a_gloss(fr_en: Glossary) -> None:
    (hit,) = hits(matched(fr_en, "Daech, chassé de Raqqa, a perdu son dernier bastion."))
    assert not hit.mention and hit.replacement == "Islamic State"


@pytest.mark.parametrize(
    "text",
    [
        "Lire https://www.exemple.org/daech-revendique-l-attaque.",
        "Lire www.exemple.org/Daech.",
        "Le site exemple.fr/jihadistes est fermé.",
        "Écrivez à signalement.daech@exemple.org pour signaler.",
        "Le compte @Daech est suspendu.",
        "Le mot-dièse #Daech circule.",
        "Le mot-dièse #EI circule.",
    ],
)
def test_addresses_handles_and_hashtags_are_never_matched(fr_en: Glossary, text: str) -> None:
    assert hits(matched(fr_en, text)) == []


def test_the_words_around_an_address_are_still_matched(fr_en: Glossary) -> None:
    found = hits(matched(fr_en, "Daech (https://exemple.org/daech) a revendiqué ; #Daech. Les jihadistes sont partis."))
    assert [h.text for h in found] == ["Daech", "jihadistes"]


def test_glued_sentences_are_not_a_domain() -> None:
    assert protected_spans("Ils ont fui Daech.De nombreux civils") == []
    assert protected_spans("Voir lemonde.fr, puis @afpfr.") == [(5, 15), (22, 28)]


# ---- check and enforce, end to end on the echo engine ----------------------


def run(glossary: Glossary, text: str) -> Document:
    doc = text_document(text, language="fr")
    Chain(glossary, ScriptedEngine())([doc])
    assert doc.error is None
    return doc


def test_a_quoted_loaded_variant_is_written_in_its_quoted_form_and_flagged(fr_en: Glossary) -> None:
    doc = run(fr_en, "« Daech sera vaincu », a déclaré Florence Parly. Daech a fui.")
    seg, narration = doc.segments
    assert [(c.source_text, c.target_text) for c in seg.changes] == [("Daech", "Daesh")]
    assert [(c.source_text, c.target_text) for c in narration.changes] == [("Daech", "Islamic State")]
    assert not [f for f in narration.findings if f.check == Check.QUOTED_LABEL]
    (finding,) = [f for f in seg.findings if f.check == Check.QUOTED_LABEL]
    assert "Florence Parly" in finding.message and "“Daesh”" in finding.message and finding.source_span == (2, 7)
    assert finding.target_span is not None and seg.target[slice(*finding.target_span)] == "Daesh"
    assert not [f for f in seg.findings if f.check == Check.LOADED_RENDERING]


def test_a_label_in_single_curly_quotes_is_kept_and_flagged(fr_en: Glossary) -> None:
    doc = run(fr_en, "Selon le général, les ‘terroristes’ de l’EI ont fui. Les terroristes sont partis.")
    seg, narration = doc.segments
    assert [(h.text, h.in_quote, h.speaker) for h in hits(doc)] == [
        ("terroristes", True, "général"),  # not "terroristes’ de l’EI", half in and half out of the quotation
        ("EI", False, None),
        ("terroristes", False, None),
    ]
    assert [c.source_text for c in seg.changes] == ["EI"]
    assert [c.source_text for c in narration.changes] == ["terroristes"]
    (finding,) = [f for f in seg.findings if f.check == Check.QUOTED_LABEL]
    assert "said by général" in finding.message
    assert finding.target_span is not None and seg.target[slice(*finding.target_span)] == "TERRORISTES"  # the echo engine
    assert not [f for f in seg.findings if f.check == Check.LOADED_RENDERING]


def test_a_gloss_is_flagged_as_the_explained_word(fr_en: Glossary) -> None:
    doc = run(fr_en, "Daech (acronyme arabe de l'EI) a perdu.")
    seg = doc.segments[0]
    assert [(c.source_text, c.target_text) for c in seg.changes] == [("Daech", "Daesh"), ("EI", "Islamic State")]
    (finding,) = [f for f in seg.findings if f.check == Check.QUOTED_LABEL]
    assert "explained by the text" in finding.message
    assert not [f for f in seg.findings if f.check == Check.LOADED_RENDERING]


def test_a_loaded_variant_with_no_quoted_form_is_kept_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "fr-en.yaml"
    path.write_text(
        "source: fr\ntarget: en\nentries:\n  - id: islamic-state\n    standard: Islamic State\n"
        "    variants: [Daech, EI]\n    loaded_variants: {Daech: ~}\n    renderings: [Daech]\n",
        encoding="utf-8",
    )
    glossary = load_glossary_file(path)
    doc = run(glossary, "« Daech sera vaincu », a dit Ali.")
    seg = doc.segments[0]
    assert seg.changes == [] and "DAECH" in seg.target
    (finding,) = [f for f in seg.findings if f.check == Check.QUOTED_LABEL]
    assert "said by Ali" in finding.message and "kept as the speaker said it" in finding.message


def test_a_rendering_inside_an_address_in_the_english_is_not_a_leftover(fr_en: Glossary) -> None:
    doc = run(fr_en, "Le mot-dièse #Daech circule sur https://exemple.org/daech.")
    seg = doc.segments[0]
    assert seg.changes == []
    assert [f for f in seg.findings if f.check == Check.LOADED_RENDERING] == []


# ---- the glossary field ---------------------------------------------------


def test_loaded_variants_load_as_pairs(fr_en: Glossary) -> None:
    entry = fr_en.entry("islamic-state")
    assert entry.quoted_forms()["Daech"] == "Daesh"
    assert "EI" not in entry.quoted_forms()


def test_a_loaded_variant_must_be_a_variant(tmp_path: Path) -> None:
    path = tmp_path / "fr-en.yaml"
    path.write_text(
        "source: fr\ntarget: en\nentries:\n  - id: islamic-state\n    standard: Islamic State\n"
        "    variants: [Daech]\n    loaded_variants: {Daesh: Daesh}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"fr-en\.yaml:4: loaded variant 'Daesh' of 'islamic-state' is not one of its variants"):
        load_glossary_file(path)


def test_a_quoted_form_must_be_text_or_null(tmp_path: Path) -> None:
    path = tmp_path / "fr-en.yaml"
    path.write_text(
        "source: fr\ntarget: en\nentries:\n  - id: islamic-state\n    standard: Islamic State\n"
        "    variants: [Daech]\n    loaded_variants: {Daech: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"fr-en\.yaml:7:"):
        load_glossary_file(path)
