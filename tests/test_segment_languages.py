"""Stage 2, segment: each language's own abbreviations and sentence openings (Spanish and Russian had French rules)."""

from __future__ import annotations

import pytest

from pipeline.stages.segment import abbreviations, sentences


def split(text: str, language: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text, 0, len(text), language)]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        pytest.param(
            "es",
            "La Sra. García llegó ayer. El Gral. Pérez no habló.",
            ["La Sra. García llegó ayer.", "El Gral. Pérez no habló."],
            id="es titles",
        ),
        pytest.param(
            "es",
            "¿Qué pasó en Alepo? Nadie lo sabe. ¡Basta! Los EE.UU. enviaron tropas.",
            ["¿Qué pasó en Alepo?", "Nadie lo sabe.", "¡Basta!", "Los EE.UU. enviaron tropas."],
            id="es inverted marks open sentences",
        ),
        pytest.param(
            "ru",
            "Боевики покинули город. Армия вошла в него.",
            ["Боевики покинули город.", "Армия вошла в него."],
            id="ru cyrillic capitals open sentences",
        ),
        pytest.param(
            "ru",
            "В 1990 г. Москва изменилась. Бои шли на ул. Ленина, т.е. В центре. В. В. Путин выступил.",
            ["В 1990 г. Москва изменилась.", "Бои шли на ул. Ленина, т.е. В центре.", "В. В. Путин выступил."],
            id="ru abbreviations and initials",
        ),
        pytest.param(
            "ru",
            "«Мы не сдадимся», — сказал он. „Посмотрим“. Всё.",
            ["«Мы не сдадимся», — сказал он.", "„Посмотрим“.", "Всё."],
            id="ru quotes",
        ),
        pytest.param(
            "en",
            "Mr. Smith arrived in Raqqa. Gen. Votel said the U.S. Army would stay. It left.",
            ["Mr. Smith arrived in Raqqa.", "Gen. Votel said the U.S. Army would stay.", "It left."],
            id="en titles and initials",
        ),
        pytest.param(
            "fr",
            "M. Hollande a rencontré le gén. Dupont. Mme Royal était là.",
            ["M. Hollande a rencontré le gén. Dupont.", "Mme Royal était là."],
            id="fr unchanged",
        ),
    ],
)
def test_sentences_per_language(language: str, text: str, expected: list[str]) -> None:
    assert split(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "La Sra. García llegó ayer."),  # French rules split Spanish titles: the old behaviour for es
        ("fr", "В 1990 г. Москва изменилась."),
        ("fr", "Mr. Smith arrived in Raqqa."),
    ],
)
def test_french_rules_would_split_other_languages(language: str, text: str) -> None:
    """The cases above really depend on the language's list."""
    assert len(split(text, language)) == 2


def test_a_language_without_a_list_uses_all_of_them() -> None:
    assert {"mme", "sra", "mr", "ул"} <= abbreviations("xx")
    assert abbreviations("es-MX") == abbreviations("es")
    assert split("La Sra. García y M. Dupont llegaron. Mr. Smith no.", "it") == [
        "La Sra. García y M. Dupont llegaron.",
        "Mr. Smith no.",
    ]
