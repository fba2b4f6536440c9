"""Resume: which documents of a re-run are already up to date, and what their outputs depend on.

A document is skipped when its files are there from a run with the same
``run_signature`` (tool, engine and model, settings, pair, stage order), the
same source bytes, and the same ``GlossaryUse`` (what of the glossary it
depends on). Every executor asks the same two questions: ``unchanged`` as the
document is read (the same whole glossary: nothing to match), then, if the
glossary changed, ``up_to_date`` once the cheap stages have run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.glossary.load import Entry, Glossary
from pipeline.model import Document, TermHit

if TYPE_CHECKING:  # the stages are imported when a document is redone: a run that skips all never loads them
    from pipeline.outputs.folder import OutputFolder
    from pipeline.outputs.report import DocSummary
    from pipeline.render import RunInfo
    from pipeline.run import RunOptions
    from pipeline.stages.check import CheckStage


def resuming(options: RunOptions) -> bool:
    """Whether up-to-date documents are skipped: not with --force, nor with --no-cache ("translate everything again")."""
    return options.cache and not options.force


def run_signature(info: RunInfo, options: RunOptions) -> str:
    """A hash of what changes every document's outputs alike; a re-run skips documents written with the same one.

    The glossary is not in it: what of the glossary a document depends on is
    that document's own ``GlossaryUse``, so an edit redoes only the documents
    it changes. A skipped document's pages keep the glossary files' hashes
    they were written with (their provenance); report.json and the index
    name the files of this run.
    """
    from pipeline.chain import DEFAULT_ORDER

    data = {
        "tool": __version__,
        "engine": [info.engine, info.engine_version, info.pivot],
        "settings": options.engine_settings.get(info.engine, {}),
        "pair": [info.source, info.target],
        "stages": list(DEFAULT_ORDER),
        "part_chars": options.part_chars,
    }
    return _hash(data)


class GlossaryUse:
    """What of the glossary one document's outputs depend on, as two hashes, so resume redoes exactly what an edit changes.

    The stages after ``names`` see the glossary only through the hits and
    findings of the match and names stages, the entries those name (their
    renderings, standard names, note, file and line on the page), and the
    check stage's search of the English for every loaded entry's renderings.
    Hence:

    - ``matches(doc)``, right after the names stage (cheap, so a re-run
      computes it before translating anything): the hits and findings and the
      full definition of each entry they name. An entry that shapes a match
      without being named by it (a ``{group}`` in a slot, a chained label, a
      context rule, a longer variant that loses) changes the hash exactly when
      it changes what was found;
    - ``leftovers(targets)``, over the document's English: the loaded
      renderings the check stage finds there and their entries' definitions.
      A re-run computes it over the English stored in the JSON, which equal
      run signatures, sources and ``matches`` guarantee is what a fresh run
      would write.

    Examples are left out of a definition: no stage or page reads them.
    """

    def __init__(self, glossary: Glossary) -> None:
        self.entries = {e.id: e for e in glossary.entries}
        self.glossary = glossary
        self._definitions: dict[str, str] = {}
        self._check: CheckStage | None = None  # built on first use: it compiles every rendering into one pattern

    def matches(self, doc: Document) -> str:
        """The hash of a prepared document's hits and findings and of the entries they name."""
        results = [
            [seg.id, [_matched(h) for h in seg.hits], [f.to_json() for f in seg.findings]]
            for seg in doc.segments
            if seg.hits or seg.findings
        ]
        named = {h.entry for seg in doc.segments for h in seg.hits} | {
            f.entry for seg in doc.segments for f in seg.findings if f.entry
        }
        return _hash({"results": results, "entries": self._defined(named)})

    def leftovers(self, targets: Sequence[str]) -> str:
        """The hash of the loaded renderings the check stage finds in each segment's English, and of their entries."""
        if self._check is None:
            from pipeline.stages.check import CheckStage

            self._check = CheckStage(self.glossary)
        check = self._check
        found = [(i, m.start(), m.end(), check.entry_of(m)) for i, text in enumerate(targets) for m in check.leftovers(text)]
        return _hash({"found": found, "entries": self._defined({entry for *_, entry in found})})

    @cached_property
    def digest(self) -> str:
        """The hash of the whole glossary as the stages see it: with the same text, the same matches and English."""
        return _hash([self.glossary.source, self.glossary.target, [_definition(e) for e in self.glossary.entries]])

    def fingerprint(self, doc: Document, matches: str) -> dict[str, str]:
        """What a finished document's JSON records (``glossary_fingerprint``) for the next run to compare."""
        return {"matches": matches, "leftovers": self.leftovers([seg.target for seg in doc.segments]), "glossary": self.digest}

    def _defined(self, ids: set[str]) -> list[list[str]]:
        """(id, hash of its definition) of each of ``ids`` that is an entry (a protected name is not), sorted."""
        out = []
        for entry_id in sorted(ids):
            entry = self.entries.get(entry_id)
            if entry is None:
                continue
            if entry_id not in self._definitions:
                self._definitions[entry_id] = _hash(_definition(entry))
            out.append([entry_id, self._definitions[entry_id]])
        return out


def _matched(hit: TermHit) -> tuple[object, ...]:
    """What the match and names stages found (the translate stage's ``rendered`` is not theirs)."""
    return tuple(getattr(hit, f.name) for f in dataclasses.fields(hit) if f.name != "rendered")


def _definition(entry: Entry) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(entry).items() if k != "examples"}


def _hash(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def unchanged(folder: OutputFolder, doc: Document, info: RunInfo, options: RunOptions, use: GlossaryUse) -> DocSummary | None:
    """The summary of ``doc``, just read, if it was written from the same bytes by the same run with the same whole
    glossary: then it is up to date without running a stage (the cached re-run of a review loop)."""
    if not resuming(options) or doc.failed:
        return None

    def same_glossary(recorded: Mapping[str, str], targets: list[str]) -> bool:
        return recorded.get("glossary") == use.digest

    return folder.resumable(doc.name, doc.sha256, info.run_signature, same_glossary)


def up_to_date(
    folder: OutputFolder, doc: Document, info: RunInfo, options: RunOptions, use: GlossaryUse, matches: str
) -> DocSummary | None:
    """The summary of prepared ``doc`` if its outputs need no redoing (``matches``: ``use.matches(doc)``), else None."""
    if not resuming(options) or doc.failed:
        return None

    def same_use(recorded: Mapping[str, str], targets: list[str]) -> bool:
        # the English is searched only once the matches agree
        return recorded.get("matches") == matches and recorded.get("leftovers") == use.leftovers(targets)

    # up to date with this glossary: said in its JSON, so the next run with the same glossary skips it as it reads it
    return folder.resumable(doc.name, doc.sha256, info.run_signature, same_use, record={"glossary": use.digest})
