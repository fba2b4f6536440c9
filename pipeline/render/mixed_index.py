"""The index of a ``--source auto`` run: every document of every language, linked into its language's folder."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.render.html import SourceLine, environment, policy

if TYPE_CHECKING:
    from pipeline.outputs.report import DocSummary


@dataclass(frozen=True)
class Row:
    """One document: where its page is (``fr/NAME.html``), its language and figures, or why it failed."""

    language: str
    path: str
    name: str = ""
    error: str | None = None
    sentences: int = 0
    rewrites: int = 0
    findings: int = 0
    to_review: int = 0
    source: SourceLine = SourceLine()
    routed: bool = True  # False: no language's run took it (the reason is said once, above the table)

    @classmethod
    def of(cls, language: str, doc: DocSummary) -> Row:
        return cls(
            language=language,
            path=doc.path,
            name=doc.name,
            error=doc.error,
            sentences=doc.sentences,
            rewrites=doc.rewrite_count,
            findings=doc.finding_count,
            to_review=doc.to_review,
            source=SourceLine.of(dict(doc.metadata), doc.path),
        )

    @property
    def page(self) -> str:
        """The page's address relative to the overall index; "" for a document without one."""
        return "" if self.error is not None else f"{self.language}/{self.name}.html"


def render_mixed_index(rows: list[Row], languages: list[str], problems: list[tuple[str, str, list[str]]]) -> str:
    """The overall index: one line per language (its own index and review folder), the inputs no run took (by
    reason: a language without an engine is said once), then every document."""
    env = environment()
    script = env.get_template("index.js").render()
    style = env.get_template("page.css").render()
    counts = Counter(r.language for r in rows if r.error is None)
    failed = [r for r in rows if r.error is not None and r.routed]
    return env.get_template("mixed_index.html.j2").render(
        rows=sorted(rows, key=lambda r: (not r.routed, r.language, r.path, r.name)),
        languages=[(code, counts[code]) for code in languages],
        failed=failed,
        problems=problems,
        unrouted=sum(len(paths) for _, _, paths in problems),
        described=any(r.source.described for r in rows),
        script=script,
        style=style,
        csp=policy([script], style),
    )
