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


def render_mixed_index(rows: list[Row], languages: list[str]) -> str:
    """The overall index: one line per language (its own index and review folder), then every document."""
    env = environment()
    script = env.get_template("index.js").render()
    style = env.get_template("page.css").render()
    counts = Counter(r.language for r in rows if r.error is None)
    failed = [r for r in rows if r.error is not None]
    return env.get_template("mixed_index.html.j2").render(
        rows=sorted(rows, key=lambda r: (r.error is None, r.language, r.path, r.name)),
        languages=[(code, counts[code]) for code in languages],
        failed=failed,
        described=any(r.source.described for r in rows),
        script=script,
        style=style,
        csp=policy([script], style),
    )
