"""Score the raw machine translation and the normalised output against reference translations.

Glossary editors need to see what an entry does to real text that no one on
the team wrote: each source line is run through every stage as one
``Document``, then both the raw translation and the normalised English are
scored with sacrebleu (BLEU and chrF, with sacrebleu's signatures so figures
can be compared), and the result lists the glossary's changes, the loaded
renderings left outside quotations, the loaded-adjective findings and the lines
that changed. Like a sacrebleu score, the result renders as text or JSON.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF

from pipeline.chain import Chain
from pipeline.engines.base import Engine
from pipeline.errors import ConfigError, printable
from pipeline.evaluation.printing import counts_inline, counts_table
from pipeline.glossary.load import Glossary
from pipeline.model import Change, Finding, text_document
from pipeline.outputs.report import DocSummary, RunReport
from pipeline.render.run_info import RunInfo
from pipeline.stages.check import CheckStage

SYSTEMS = ("raw", "normalised")


@dataclass(frozen=True)
class Leftover:
    """A loaded rendering left in one output line, outside quotations and outside the glossary's changes."""

    line: int
    text: str
    entry: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "entry": self.entry}


@dataclass
class SystemScore:
    """One output (raw MT or normalised) scored against the references."""

    name: str
    bleu: float
    chrf: float
    bleu_text: str
    chrf_text: str
    leftovers: list[Leftover] = field(default_factory=list)

    def leftovers_per_rendering(self) -> dict[str, int]:
        return dict(sorted(Counter(x.text.lower() for x in self.leftovers).items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "bleu": round(self.bleu, 2),
            "chrf": round(self.chrf, 2),
            "bleu_score": self.bleu_text,
            "chrf_score": self.chrf_text,
            "leftover_renderings": self.leftovers_per_rendering(),
            "leftovers": [x.to_json() for x in self.leftovers],
        }


@dataclass(frozen=True)
class ChangedLine:
    """A line whose normalised English differs from the raw translation (1-based ``line``).

    Source spans of ``changes`` are offsets into ``source`` (the line); target spans into the sentence.
    """

    line: int
    source: str
    raw: str
    normalised: str
    reference: str
    changes: tuple[Change, ...]

    @property
    def entries(self) -> list[str]:
        return [c.entry for c in self.changes]

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "entries": self.entries,
            "source": self.source,
            "raw": self.raw,
            "normalised": self.normalised,
            "reference": self.reference,
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass
class EvalResult:
    """Everything ``evaluate`` measured, with the signatures needed to compare two evaluations."""

    info: RunInfo
    corpus: dict[str, str]
    lines: int
    outputs: dict[str, list[str]]
    scores: dict[str, SystemScore]
    bleu_signature: str
    chrf_signature: str
    changes_per_entry: dict[str, int]
    findings_per_check: dict[str, int]
    changed: list[ChangedLine]
    findings: list[tuple[int, Finding]]
    failed: dict[int, str]

    @property
    def loaded_adjectives(self) -> int:
        """Context-refused matches of loaded entries: adjectives the reviewer may want to look at."""
        return self.findings_per_check.get("loaded-adjective", 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "signature": self.info.signature_line(),
            **self.info.signature(),
            "corpus": {**self.corpus, "lines": self.lines},
            "sacrebleu": {"bleu": self.bleu_signature, "chrf": self.chrf_signature},
            "scores": {name: score.to_json() for name, score in self.scores.items()},
            "changes_per_entry": self.changes_per_entry,
            "findings_per_check": self.findings_per_check,
            "loaded_adjectives": self.loaded_adjectives,
            "changed_lines": [c.to_json() for c in self.changed],
            "findings": [{"line": n, **f.to_json()} for n, f in self.findings],
            "failed": [{"line": n, "error": e} for n, e in sorted(self.failed.items())],
        }

    def format(self, *, show: int = 10) -> str:
        """A plain-text report: scores, changes, leftovers, findings, then up to ``show`` changed lines."""
        raw, norm = self.scores["raw"], self.scores["normalised"]
        out = [
            f"normalize eval: {self.lines} lines of {self.corpus['source']} against {self.corpus['reference']}",
            f"  {self.info.signature_line()}",
            "",
            f"{'':12}{'BLEU':>8}{'chrF':>8}{'leftover':>10}",
            *(f"{s.name:12}{s.bleu:8.2f}{s.chrf:8.2f}{len(s.leftovers):10d}" for s in (raw, norm)),
            f"{'difference':12}{norm.bleu - raw.bleu:+8.2f}{norm.chrf - raw.chrf:+8.2f}"
            f"{len(norm.leftovers) - len(raw.leftovers):+10d}",
            "",
            f"  BLEU: {self.bleu_signature}",
            f"  chrF: {self.chrf_signature}",
            "",
            f"changes per entry ({sum(self.changes_per_entry.values())} in {len(self.changed)} lines):",
            *counts_table(self.changes_per_entry),
            "",
            "loaded renderings left outside quotations:",
            *(f"  {s.name}: " + (counts_inline(s.leftovers_per_rendering()) or "none") for s in (raw, norm)),
            *(f"    line {x.line}: {x.text!r} ({x.entry})" for x in norm.leftovers),
            "",
            f"loaded-adjective findings (kept, for review): {self.loaded_adjectives}",
            f"findings per check: {counts_inline(self.findings_per_check) or 'none'}",
        ]
        if self.failed:
            out += ["", f"failed lines ({len(self.failed)}):", *(f"  line {n}: {e}" for n, e in sorted(self.failed.items()))]
        if show > 0 and self.changed:
            shown = self.changed[:show]
            out += ["", f"changed lines ({len(shown)} of {len(self.changed)}; [-raw-] {{+normalised+}}):"]
            for c in shown:
                out += [
                    f"  line {c.line} ({', '.join(c.entries)})",
                    f"    src  {c.source}",
                    f"    diff {word_diff(c.raw, c.normalised)}",
                    f"    ref  {c.reference}",
                ]
        return "".join(printable(line) + "\n" for line in out)  # one line each: a name cannot forge another


def evaluate(
    source: Sequence[str],
    reference: Sequence[str],
    engine: Engine,
    glossary: Glossary,
    *,
    source_name: str = "source",
    reference_name: str = "reference",
) -> EvalResult:
    """Translate ``source`` lines, normalise them and score both outputs against ``reference`` (line-aligned).

    Each line is one document, so a sentence split inside a line never shifts the alignment.
    """
    if len(source) != len(reference):
        raise ConfigError(
            f"{source_name} has {len(source)} lines but {reference_name} has {len(reference)}; "
            "the files must be line-aligned translations of each other"
        )
    if not source:
        raise ConfigError(f"{source_name} is empty; give a file with one sentence per line")
    docs = [text_document(text, language=glossary.source, name=f"{source_name}:{n}") for n, text in enumerate(source, 1)]
    Chain(glossary, engine)(docs)
    info = RunInfo.of(engine, glossary)
    check = CheckStage(glossary)
    outputs: dict[str, list[str]] = {name: [] for name in SYSTEMS}
    leftovers: dict[str, list[Leftover]] = {name: [] for name in SYSTEMS}
    report = RunReport(info, docs=[DocSummary.of(doc) for doc in docs])  # the counts a run reports, counted alike
    findings: list[tuple[int, Finding]] = []
    changed: list[ChangedLine] = []
    for n, doc in enumerate(docs, 1):
        raw = " ".join(seg.mt for seg in doc.segments)
        norm = " ".join(seg.target for seg in doc.segments)
        outputs["raw"].append(raw)
        outputs["normalised"].append(norm)
        changes: list[Change] = []
        for seg in doc.segments:
            leftovers["raw"] += [Leftover(n, m.group(), check.entry_of(m)) for m in check.leftovers(seg.mt)]
            spans = [c.target_span for c in seg.changes]
            leftovers["normalised"] += [Leftover(n, m.group(), check.entry_of(m)) for m in check.leftovers(seg.target, spans)]
            changes += seg.changes
            findings += [(n, f) for f in seg.findings]
        if raw != norm:
            changed.append(ChangedLine(n, source[n - 1], raw, norm, reference[n - 1], tuple(changes)))
    bleu, chrf = BLEU(), CHRF()
    refs = [list(reference)]
    scores: dict[str, SystemScore] = {}
    for name in SYSTEMS:
        b = bleu.corpus_score(outputs[name], refs)
        c = chrf.corpus_score(outputs[name], refs)
        scores[name] = SystemScore(name, b.score, c.score, str(b), str(c), leftovers[name])
    return EvalResult(
        info=info,
        corpus={
            "source": source_name,
            "reference": reference_name,
            "source_sha256": _digest(source),
            "reference_sha256": _digest(reference),
        },
        lines=len(source),
        outputs=outputs,
        scores=scores,
        bleu_signature=str(bleu.get_signature()),
        chrf_signature=str(chrf.get_signature()),
        changes_per_entry=report.changes_per_entry,
        findings_per_check=report.findings_per_check,
        changed=changed,
        findings=findings,
        failed={n: summary.error or "" for n, summary in enumerate(report.docs, 1) if summary.failed},
    )


def word_diff(before: str, after: str) -> str:
    """``after`` with the words that differ from ``before`` marked ``[-old-]{+new+}`` (wdiff style)."""
    a, b = before.split(), after.split()
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.extend(a[i1:i2])
            continue
        old = f"[-{' '.join(a[i1:i2])}-]" if i2 > i1 else ""
        new = f"{{+{' '.join(b[j1:j2])}+}}" if j2 > j1 else ""
        parts.append(old + new)
    return " ".join(parts)


def _digest(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()

