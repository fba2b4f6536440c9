"""The stage contract: a chain is checked when built, stages are looked up by name, hooks have defaults."""

from __future__ import annotations

import pytest

from pipeline.chain import DEFAULT_ORDER, STAGES, Chain, check_order
from pipeline.errors import ConfigError
from pipeline.glossary.load import Glossary
from pipeline.model import Document, text_document
from pipeline.stages.base import DocumentStage, StageContext
from tests.conftest import ScriptedEngine


def test_every_registered_stage_states_its_contract() -> None:
    assert list(STAGES) == list(DEFAULT_ORDER)
    for name, cls in STAGES.items():
        assert cls.name == name and cls.requires and cls.assigns
    check_order(DEFAULT_ORDER)


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (
            ("enforce", "translate"),
            "stage 'enforce' needs translations, which no stage before it assigns; put 'translate' before it",
        ),
        (("segment", "check"), "stage 'check' needs target, which no stage before it assigns; put 'enforce' before it"),
        (("match",), "stage 'match' needs segments, which no stage before it assigns; put 'segment' before it"),
        (("segment", "spell"), "unknown stage 'spell': choose one of language, segment, match"),
    ],
)
def test_a_misordered_chain_is_refused_when_built(fr_en: Glossary, order: tuple[str, ...], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Chain(fr_en, ScriptedEngine(), order)
    assert str(refused.value).startswith(message)


def test_a_chain_that_goes_on_from_earlier_stages_says_which(fr_en: Glossary) -> None:
    Chain(fr_en, None, ("enforce", "check"), after=("language", "segment", "match", "names", "translate"))


def test_a_chain_without_translation_needs_no_engine(fr_en: Glossary) -> None:
    doc = text_document("Les djihadistes de Daech ont fui.", language="fr")
    Chain(fr_en, None, ("segment", "match", "names"))([doc])
    assert [h.entry for s in doc.segments for h in s.hits]
    with pytest.raises(ValueError, match="build its chain with an engine"):
        Chain(fr_en, None, ("segment", "translate"))


class Shout(DocumentStage):
    """A stage added by name, without touching the chain: it needs only the hooks' defaults."""

    name = "shout"
    requires = frozenset({"segments"})
    assigns = frozenset({"target"})

    @classmethod
    def from_context(cls, context: StageContext) -> Shout:
        return cls()

    def __call__(self, doc: Document) -> Document:
        for seg in doc.segments:
            seg.target = seg.source.upper()
        return doc


def test_a_new_stage_registers_by_name(fr_en: Glossary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(STAGES, Shout.name, Shout)
    doc = text_document("Une phrase.", language="fr")
    chain = Chain(fr_en, None, ("segment", "shout", "check"))
    chain.remember()
    chain([doc])
    assert [s.target for s in doc.segments] == ["UNE PHRASE."]
