"""What a reviewer types or selects in the page means those words, never glossary pattern syntax (issue 33, item 5).

"(s)" in a variant is an optional ending and "{group}" any group's name; a selection such as "État islamique (EI)"
or "a(s)" cannot mean its literal text to the matcher (it compares words, not brackets), so the page refuses it in
plain words and sends patterns to the YAML, where ``normalize glossary check`` explains them. Nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import ConfigError
from pipeline.review.literal import literal_words, same_slots
from tests.conftest import needs
from tests.review_fixtures import Served, http, serve_review

PATTERN = "the glossary reads as a pattern"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = serve_review(tmp_path_factory.mktemp("literal"))
    yield served
    served.stop()


def post(served: Served, data: dict[str, Any]) -> dict[str, Any]:
    headers = {"Origin": served.session.origin, "Content-Type": "application/json"}
    status, body = http(served.url("api/glossary"), method="POST", data=json.dumps(data).encode(), headers=headers)
    assert status == 200, body
    answer: dict[str, Any] = json.loads(body)
    return answer


@pytest.mark.parametrize(
    "words", ["a(s)", "jihadiste(s)", "État islamique (EI)", "{group} armé", "(rebaptisé Tahrir al-Cham)", "Daech}"]
)
def test_brackets_in_words_from_the_page_are_refused_in_plain_words(words: str) -> None:
    with pytest.raises(ConfigError) as refused:
        literal_words(words, Path("g/fr-en.yaml"))
    message = str(refused.value)
    assert PATTERN in message and "“(s)” marks an optional ending" in message and "g/fr-en.yaml by hand" in message
    assert literal_words("Tanzim Hurras", Path("g.yaml")) == "Tanzim Hurras"


def test_a_standard_name_keeps_the_slots_it_has_and_gains_none() -> None:
    assert same_slots("{group} fighters", "{group} militants", Path("g.yaml")) == "{group} fighters"
    assert same_slots("Islamic State (IS)", "Islamic State", Path("g.yaml")) == "Islamic State (IS)"  # brackets: text
    for standard, current in (("{group} fighters", "fighters"), ("fighters", "{group} fighters"), ("{grup} x", "")):
        with pytest.raises(ConfigError, match="slot such as “{group}”"):
            same_slots(standard, current, Path("g.yaml"))


@needs("apertium")
@pytest.mark.parametrize(
    "edit",
    [
        {"action": "add-variant", "entry": "militants", "words": "a(s)"},
        {"action": "add-variant", "entry": "militants", "words": "jihadiste(s) armés"},
        {"action": "add-variant", "entry": "islamic-state", "words": "{group} armé"},
        {"action": "create", "id": "tahrir", "standard": "Tahrir al-Sham", "words": "(rebaptisé Tahrir al-Cham)"},
        {"action": "create", "id": "tahrir", "standard": "{group} Tahrir", "words": "Tahrir al-Cham"},
        {"action": "edit-entry", "entry": "islamic-state", "standard": "{group} State"},
    ],
    ids=["one-letter", "optional-ending", "slot", "new-entry", "new-standard-slot", "edited-standard-slot"],
)
@pytest.mark.parametrize("preview", [True, False], ids=["preview", "save"])
def test_the_server_refuses_pattern_syntax_from_the_form_and_writes_nothing(
    served: Served, edit: dict[str, Any], preview: bool
) -> None:
    before = served.glossary.read_bytes()
    answer = post(served, {"doc": "tanzim", **edit, "preview": preview})
    assert answer["ok"] is False and ("pattern" in answer["error"] or "slot such as" in answer["error"]), answer
    assert "by hand" in answer["error"]
    assert served.glossary.read_bytes() == before


@needs("apertium")
def test_plain_words_a_bracketed_rendering_and_a_kept_slot_are_still_previewed(served: Served) -> None:
    before = served.glossary.read_bytes()
    plain = post(
        served, {"doc": "tanzim", "action": "add-variant", "entry": "hurras-al-din", "words": "Tanzim Hurras", "preview": True}
    )
    assert plain["ok"] and plain["count"] == 1, plain
    rendering = {"action": "add-variant", "entry": "islamic-state", "words": "Islamic State (IS)", "field": "renderings"}
    assert post(served, {"doc": "tanzim", **rendering, "preview": True})["ok"]
    slotted = next(e for e in served.workspace.glossary.entries if "{group}" in e.standard)
    kept = post(
        served,
        {"doc": "tanzim", "action": "edit-entry", "entry": slotted.id, "standard": slotted.standard + " x", "preview": True},
    )
    assert kept["ok"], kept
    assert served.glossary.read_bytes() == before
