"""Moses punctuation normalisation keeps every offset; detokenisation rejoins pieces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.translate import EngineView, join_pieces
from pipeline.text.punct import detokenise, normalise


def test_french_typography_becomes_what_engines_expect() -> None:
    text, _ = normalise("Il a dit\u00a0: « non » ; puis l’EI", "fr")
    assert text == 'Il a dit: " non "; puis l\'EI'


def test_offsets_still_point_at_the_same_words() -> None:
    source = "Selon lui : « les  takfiristes de l’EI » ont fui !"
    view = EngineView(source, "fr")
    for word in ("takfiristes", "EI", "fui", "Selon"):
        start = source.index(word)
        a, b = view.span(start, start + len(word))
        assert view.text[a:b] == word


def test_unchanged_text_maps_one_to_one() -> None:
    assert normalise("Les combattants ont fui.", "fr") == ("Les combattants ont fui.", list(range(25)))


@settings(deadline=None)
@given(st.text(alphabet="ab «»’':;!? \u00a0", max_size=600))
def test_the_map_is_monotonic_and_in_range(text: str) -> None:
    out, index = normalise(text, "fr")
    assert len(index) == len(text) + 1
    assert index == sorted(index)
    assert all(0 <= i <= len(out) for i in index)
    assert index[-1] == len(out)


def test_pieces_rejoin_without_space_before_punctuation() -> None:
    assert join_pieces(["The ZQAQ", ", said", "he", "."], "en") == "The ZQAQ, said he."
    assert detokenise(["in (the", ") town"], "en") == "in (the) town"
