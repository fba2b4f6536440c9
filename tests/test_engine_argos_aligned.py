"""ArgosEngine.translate_aligned on the synthetic package: one decoding, valid spans, and the pipeline decoding once.

The model's weights are random, so where a span lands proves nothing about
quality; what is checked is the mechanics: offsets are valid and on word
boundaries, the text is the plain translation, and nothing is decoded twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.chain import Chain
from pipeline.engines.argos import ArgosEngine
from pipeline.engines.argos.alignment import Alignment, piece_spans, whole_words
from pipeline.glossary.load import Glossary
from pipeline.model import Method, text_document

SENTENCES = [
    "Les terroristes de Daech ont saisi du chlore appartenant aux qaïdistes.",
    "Lors d’une attaque contre les positions du Front Al-Nosra au nord de la Syrie.",
    "Les terroristes de Daech ont saisi du chlore appartenant aux qaïdistes.",
    "",
    "  Selon la Défense russe, les jihadistes ont fui.  ",
]
WORDS = re.compile(r"\w+(?:[-'’]\w+)*")


class CountingTranslator:
    """Stands in for a CTranslate2 translator: records every call's token lists, then passes them on."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[list[list[str]]] = []

    def translate_iterable(self, source: Iterable[list[str]], **options: Any) -> Any:
        self.calls.append(list(source))
        return self.inner.translate_iterable(self.calls[-1], **options)

    @property
    def inputs(self) -> int:
        return sum(len(call) for call in self.calls)


def counting(engine: ArgosEngine) -> CountingTranslator:
    (model,) = engine._loaded()
    model.translator = recorder = CountingTranslator(model.translator)
    return recorder


def word_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORDS.finditer(text)]


def each_word_alone(sentences: list[str]) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """Every word of every sentence as its own request (one span each), so no word can take another's place."""
    pairs = [(s, [span]) for s in sentences for span in word_spans(s)]
    return [s for s, _ in pairs], [spans for _, spans in pairs]


def test_aligned_text_is_the_plain_translation_and_spans_are_valid(argos_fr_en: Path) -> None:
    engine = ArgosEngine("fr", "en")
    spans = [word_spans(s) for s in SENTENCES]
    out = engine.translate_aligned(SENTENCES, spans)
    assert [o.text for o in out] == engine.translate(SENTENCES)
    assert out[0] == out[2]
    assert out[3].text == "" and out[3].spans == ()
    for o, asked in zip(out, spans, strict=True):
        assert len(o.spans) == len(asked)
        found = sorted(span for span in o.spans if span is not None)
        assert found or not asked, "no word of the sentence was placed"
        assert all(a[1] <= b[0] for a, b in zip(found, found[1:], strict=False)), "two words took the same target words"
        for a, b in found:
            assert 0 <= a < b <= len(o.text)
            assert o.text[a].isalnum() and o.text[b - 1].isalnum()
            assert (a == 0 or not o.text[a - 1].isalnum()) and (b == len(o.text) or not o.text[b].isalnum())
    texts, alone = each_word_alone([s for s in SENTENCES if s.strip()])
    assert all(o.spans[0] is not None for o in engine.translate_aligned(texts, alone))  # every word lands somewhere


def test_aligned_decodes_each_distinct_sentence_once(argos_fr_en: Path) -> None:
    engine = ArgosEngine("fr", "en")
    recorder = counting(engine)
    engine.translate_aligned(SENTENCES, [word_spans(s)[:2] for s in SENTENCES])
    assert len(recorder.calls) == 1
    assert recorder.inputs == len({s.strip() for s in SENTENCES if s.strip()})


def test_only_sentences_with_spans_keep_their_attention(argos_fr_en: Path) -> None:
    engine = ArgosEngine("fr", "en")
    (model,) = engine._loaded()
    texts = [SENTENCES[0], SENTENCES[1], " " + SENTENCES[0]]
    out = model.translate_aligned(texts, [False, True, False])
    assert [o.text for o in out] == engine.translate(texts)
    assert out[0].links == () and out[0].reverse == ()
    assert out[1].links and out[1].reverse
    both = model.translate_aligned(texts, [False, False, True])  # the same sentence, wanted once: aligned
    assert both[0].links and both[2].links


def test_long_sentence_split_into_pieces_keeps_offsets(argos_fr_en: Path) -> None:
    long_sentence = " ".join([SENTENCES[0], SENTENCES[1], SENTENCES[0]])
    engine = ArgosEngine("fr", "en", max_input_tokens=12)
    recorder = counting(engine)
    texts, alone = each_word_alone([long_sentence])
    out = engine.translate_aligned(texts, alone)
    assert len(recorder.calls) == 1 and len(recorder.calls[0]) > 3
    assert out[0].text == engine.translate([long_sentence])[0]
    for o in out:
        (span,) = o.spans
        assert span is not None and 0 <= span[0] < span[1] <= len(o.text)


def test_pivot_follows_spans_through_english(argos_fr_en: Path, argos_archives: dict[str, Path]) -> None:
    from pipeline.engines.argos.packages import install_file

    install_file(argos_archives["en-de"], argos_fr_en)
    engine = ArgosEngine("fr", "de")
    out = engine.translate_aligned(SENTENCES[:2], [word_spans(s) for s in SENTENCES[:2]])
    assert [o.text for o in out] == engine.translate(SENTENCES[:2])
    for o in out:
        assert any(span is not None for span in o.spans)
        for span in o.spans:
            assert span is None or 0 <= span[0] < span[1] <= len(o.text)


def test_locate_takes_the_heaviest_run_and_whole_words() -> None:
    text = "the fighters of Islamic State left"
    alignment = Alignment(
        text,
        links=(
            ((0, 3), (0, 3), 0.9),
            ((4, 8), (4, 15), 0.4),  # "figh" of "fighters", from source "terroristes"
            ((8, 12), (4, 15), 0.5),
            ((16, 23), (19, 24), 0.2),
            ((24, 29), (19, 24), 0.3),
            ((30, 34), (4, 15), 0.1),  # a stray link, lighter than the run
        ),
        reverse=(((25, 30), (30, 34), 0.6),),
    )
    assert alignment.locate((4, 15)) == (4, 12)
    assert alignment.locate((19, 24)) == (16, 29)
    assert alignment.locate((25, 30)) == (30, 34)  # no target token chose it: the reverse link
    assert alignment.locate((40, 45)) is None
    assert whole_words(text, 5, 6) == (4, 12)
    assert whole_words("« » ,", 0, 5) is None


def test_piece_spans_find_pieces_and_skip_what_the_normaliser_changed() -> None:
    assert piece_spans("Les jihadistes", ["▁Le", "s", "▁jihad", "istes"]) == [(0, 2), (2, 3), (4, 9), (9, 14)]
    assert piece_spans("a ﬁn b", ["▁a", "▁fin", "▁b"]) == [(0, 1), (1, 1), (5, 6)]


def test_piece_spans_step_over_zero_width_characters_sentencepiece_drops() -> None:
    # Scraped pages leave runs of U+200B between sentences; a piece after them is still found where it is.
    text = 'cause"\u200b\u200b\u200b\u200b"Nous'
    assert piece_spans(text, ["▁cause", '"', '▁"', "Nous"]) == [(0, 5), (5, 6), (10, 11), (11, 15)]


def test_pipeline_decodes_each_sentence_once_when_the_engine_aligns(argos_fr_en: Path, fr_en: Glossary) -> None:
    """One hit per sentence, so the random model cannot align two hits to one word: every hit is aligned,
    the hit words are never translated alone, and no sentence is translated a second time with placeholders."""
    engine = ArgosEngine("fr", "en")
    recorder = counting(engine)
    text = "\n\n".join(ONE_HIT_EACH + ONE_HIT_EACH[:2])  # repeated paragraphs decoded once too
    doc = text_document(text, language="fr", name="one-hit-each")
    Chain(fr_en, engine)([doc])
    assert not doc.error
    assert [len(seg.hits) for seg in doc.segments] == [1] * (len(ONE_HIT_EACH) + 2)
    assert all(h.rendered is not None and h.rendered.method == Method.ALIGNED for seg in doc.segments for h in seg.hits)
    assert len(recorder.calls) == 1
    assert recorder.inputs == len(ONE_HIT_EACH)
    assert sum(map(len, recorder.calls[0])) == sum(len(engine._loaded()[0]._encode(s)) for s in ONE_HIT_EACH)
    changes = [change for seg in doc.segments for change in seg.changes]
    assert changes and all(change.method == Method.ALIGNED for change in changes)


ONE_HIT_EACH = [
    "Les terroristes ont attaqué la ville pendant la nuit.",
    "Daech a revendiqué l'attentat dans un communiqué.",
    "Le Front Al-Nosra contrôle encore la région.",
    "Selon la police, des jihadistes se cachaient dans le quartier.",
]


def test_a_span_landing_on_an_earlier_ones_words_tries_its_reverse_link() -> None:
    text = "the militants of Islamic State"
    alignment = Alignment(
        text,
        links=(((4, 13), (0, 11), 0.5), ((4, 13), (12, 23), 0.4), ((17, 24), (27, 32), 0.9)),
        reverse=(((12, 23), (25, 30), 0.3),),
    )
    assert alignment.locate((12, 23)) == (4, 13)  # alone, it would take the first hit's word
    assert alignment.locate_all([(0, 11), (12, 23), None]) == [(4, 13), (25, 30), None]


def test_a_span_whose_words_were_taken_takes_its_next_run_or_a_free_token_of_its_own() -> None:
    text = "the militants of Islamic State and Nusra"
    alignment = Alignment(
        text,
        links=(
            ((4, 13), (0, 11), 0.5),
            ((4, 13), (12, 23), 0.6),  # both hits' heaviest runs land on "militants"
            ((35, 40), (30, 35), 0.9),  # "Nusra", another hit's own word
            ((17, 24), (12, 23), 0.2),  # the second hit's lighter run
        ),
        reverse=(((40, 45), (35, 40), 0.7), ((40, 45), (25, 30), 0.4), ((40, 45), (14, 16), 0.1)),
    )
    assert alignment.locate_all([(0, 11), (12, 23)]) == [(4, 13), (17, 24)]
    # no run of its own left: the best free target token not linked into another hit's words
    assert alignment.locate((40, 45), taken=[(4, 13)], others=[(30, 35)]) == (25, 30)
    assert alignment.locate((40, 45), taken=[(4, 13), (25, 30), (14, 16)], others=[(30, 35)]) is None
