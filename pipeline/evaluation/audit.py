"""Audit normalised documents: what a news desk must be able to trust, counted per document.

``normalize eval --articles DIR`` needs no reference translation. It runs the
same stages as ``normalize run`` over whole articles and counts, per document
and in total, what the review pages would show a reviewer and what they must
never show:

- ``changes``: the glossary's changes (also per entry);
- ``loaded_renderings``: ``loaded-rendering`` findings, loaded words left in the
  English outside quotations;
- ``quoted_labels_rewritten``: a loaded label inside a quotation replaced by the
  standard name (the speaker's word, or its ``quoted_form``, must stay);
  ``quoted_changes`` counts every change inside a quotation that altered the
  engine's words, whatever the entry;
- ``mangled_names``: the engine's "the-X" / "to the-X" renderings of the Arabic
  article ("Bachar al-Assad" -> "Bachar to the-Assad"), found in the English;
  ``missing_names``: source names of the form al-X, el-X, ad-X, ... that appear in
  the English neither as written nor as the standard name of a hit covering them;
- ``collateral_edits``: words outside the changes that differ from the raw
  translation, in sentences that carry no ``retranslated`` finding (those, whose
  English came from a fallback translation, are counted in ``retranslated``).
  The English with each change's target span as one token is
  compared with the raw translation with each change's ``mt_span`` as the same
  token; what differs is collateral, except the grammar a change forces next to
  its span (``grammar_fixes``: an article dropped or added, a/an swapped, a verb
  made plural right after it). A change whose ``mt_span`` is unknown leaves its
  neighbourhood unmeasured: it is counted in ``unaligned_changes`` instead;
- ``unknown_words``: ``unknown-word`` findings (words the engine could not translate);
- ``findings``: every finding (also per check).

Like a sacrebleu score, the ``AuditReport`` renders as text or JSON and carries
the run's signature.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.engines.base import Engine
from pipeline.errors import ConfigError, NormalizeError, printable
from pipeline.glossary.load import Glossary
from pipeline.model import Change, Check, Document, Method, Segment, Span, TermHit
from pipeline.render.run_info import RunInfo

# The engine's rendering of the Arabic article: "à la" -> "to the", glued to the name ("to the-Assad").
# Inside a hyphenated word only before a capital: "Thonon-the-Baths" is mangled, "state-of-the-art" is English.
MANGLED = re.compile(r"(?:\b(?:[Tt]o|[Oo]f|[Aa]t|[Ff]rom|[Ii]n)\s+)?(?<!\w)(?:(?<!-)[Tt]he-\w|[Tt]he-[A-ZÀ-Ý])[\w'’-]*")
# Transliterated Arabic names with an article: al-Assad, el-Kantaoui, ad-Din, ach-Cham, ez-Zor ...
# Short prefixes that are also French words ("as-tu") need a capital after the hyphen.
ARABIC_NAME = re.compile(
    r"(?<![\w-])(?:(?i:al|el|ad|ach|ash|ech|ez|az|as|at|ar|an|ed|es)-[A-ZÀ-Ý]|(?i:al|el)-[a-zà-ÿ])[\w'’]*(?:-[A-ZÀ-Ý][\w'’]*)*"
)
TOKEN = re.compile(r"\w+|[^\w\s]")
ARTICLES = frozenset({"the", "a", "an"})
PLURAL_VERBS = {"is": "are", "has": "have", "was": "were", "does": "do"}
OPENING_BRACKETS, CLOSING_BRACKETS = "([", ")]"

# The headline figures, in the order the text table shows them: (field, column, legend).
COUNTERS: tuple[tuple[str, str, str], ...] = (
    ("changes", "changes", "glossary changes"),
    ("loaded_renderings", "loaded", "loaded renderings left outside quotations"),
    ("quoted_labels_rewritten", "q-label", "quoted loaded labels replaced by the standard name"),
    ("quoted_changes", "q-chg", "changes inside quotations that altered the engine's words (any entry)"),
    ("mangled_names", "the-X", "mangled names ('the-X' / 'to the-X' in the English)"),
    ("missing_names", "names", "source al-/el-/ad-... names not found in the English"),
    ("collateral_edits", "collat", "collateral edits outside the changes, with no warning to the reviewer"),
    ("retranslated", "retrans", "edits in sentences translated again and flagged 'retranslated'"),
    ("grammar_fixes", "grammar", "allowed grammar fixes next to a change"),
    ("unaligned_changes", "unalign", "changes with no mt span (neighbourhood unmeasured)"),
    ("unknown_words", "unknown", "words the engine could not translate"),
    ("findings", "findings", "findings of every check"),
)

# The lists behind the figures, in the same order (``changes`` and ``findings`` are counted per entry and check).
DETAILS = tuple(name for name, _, _ in COUNTERS[1:-1])


@dataclass(frozen=True)
class Note:
    """One counted thing in one segment: the English words (or the finding's message) and its entry."""

    segment: int
    text: str
    entry: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"segment": self.segment, "text": self.text}
        if self.entry is not None:
            out["entry"] = self.entry
        return out


@dataclass(frozen=True)
class Edit:
    """Words outside the changes that differ between the raw translation and the normalised English."""

    segment: int
    raw: str
    normalised: str

    def to_json(self) -> dict[str, Any]:
        return {"segment": self.segment, "raw": self.raw, "normalised": self.normalised}

    def __str__(self) -> str:
        """wdiff style, as ``normalize eval`` shows changed lines: ``[-raw-]{+normalised+}``."""
        return (f"[-{self.raw}-]" if self.raw else "") + (f"{{+{self.normalised}+}}" if self.normalised else "")


@dataclass
class DocumentAudit:
    """The audit of one document; a failed document has its ``error`` and nothing else."""

    name: str
    path: str
    segments: int = 0
    error: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # the article's title, date, site, URL … as its source says
    changes_per_entry: dict[str, int] = field(default_factory=dict)
    findings_per_check: dict[str, int] = field(default_factory=dict)
    loaded_renderings: list[Note] = field(default_factory=list)
    quoted_labels_rewritten: list[Note] = field(default_factory=list)
    quoted_changes: list[Note] = field(default_factory=list)
    mangled_names: list[Note] = field(default_factory=list)
    missing_names: list[Note] = field(default_factory=list)
    collateral_edits: list[Edit] = field(default_factory=list)
    retranslated: list[Edit] = field(default_factory=list)
    grammar_fixes: list[Edit] = field(default_factory=list)
    unaligned_changes: list[Note] = field(default_factory=list)
    unknown_words: list[Note] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The headline figures (see ``COUNTERS``)."""
        out = {name: len(getattr(self, name)) for name in DETAILS}
        return {"changes": sum(self.changes_per_entry.values()), **out, "findings": sum(self.findings_per_check.values())}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "path": self.path, "segments": self.segments}
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        if self.error is not None:
            return {**out, "error": self.error}
        details = {name: [x.to_json() for x in getattr(self, name)] for name in DETAILS}
        return {
            **out,
            "counts": self.counts(),
            "changes_per_entry": self.changes_per_entry,
            "findings_per_check": self.findings_per_check,
            **details,
        }


@dataclass
class AuditReport:
    """Per-document audits and their totals, with the signature of the run that produced the documents."""

    documents: list[DocumentAudit]
    info: RunInfo | None = None
    corpus: str = ""

    @property
    def done(self) -> list[DocumentAudit]:
        return [d for d in self.documents if d.error is None]

    @property
    def failed(self) -> list[DocumentAudit]:
        return [d for d in self.documents if d.error is not None]

    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter({name: 0 for name, _, _ in COUNTERS})
        for doc in self.done:
            total.update(doc.counts())
        return {name: total[name] for name, _, _ in COUNTERS}

    def changes_per_entry(self) -> dict[str, int]:
        return _sum_counts(d.changes_per_entry for d in self.done)

    def findings_per_check(self) -> dict[str, int]:
        return _sum_counts(d.findings_per_check for d in self.done)

    def to_json(self) -> dict[str, Any]:
        signature = {"signature": self.info.signature_line(), **self.info.signature()} if self.info else {}
        return {
            **signature,
            "corpus": {"articles": self.corpus, "documents": len(self.documents), "failed": len(self.failed)},
            "totals": self.totals(),
            "changes_per_entry": self.changes_per_entry(),
            "findings_per_check": self.findings_per_check(),
            "documents": [d.to_json() for d in self.documents],
        }

    def format(self, *, show: int = 10) -> str:
        """A plain-text report: a table of the figures per document and in total, then up to ``show`` examples of each."""
        name_width = max([len("total"), *(len(d.name) for d in self.documents)])
        header = f"{'document':{name_width}}" + "".join(f"{col:>9}" for _, col, _ in COUNTERS)
        out = [f"normalize eval: audit of {len(self.documents)} documents in {self.corpus or 'the input'}"]
        if self.info is not None:
            out.append(f"  {self.info.signature_line()}")
        out += ["", header]
        out += [f"{d.name:{name_width}}" + "".join(f"{v:9d}" for v in d.counts().values()) for d in self.done]
        out.append(f"{'total':{name_width}}" + "".join(f"{v:9d}" for v in self.totals().values()))
        out += ["", *(f"  {col:>8}  {legend}" for _, col, legend in COUNTERS)]
        out += ["", "changes per entry:", *_lines(self.changes_per_entry())]
        out += ["", f"findings per check: {_inline(self.findings_per_check()) or 'none'}"]
        if self.done:
            out += ["", "changes per entry, per document:"]
            out += [f"  {d.name}: {_inline(d.changes_per_entry) or 'none'}" for d in self.done]
        described = [d for d in self.documents if set(d.metadata) - {"date", "record"}]
        if described:
            out += ["", "articles (as their sources describe them):"]
            out += [f"  {d.name}: {_described(d.metadata)}" for d in described]
        if show > 0:
            legends = {name: legend for name, _, legend in COUNTERS}
            for name in DETAILS:
                items = [(d.name, x) for d in self.done for x in getattr(d, name)]
                if items:
                    out += ["", f"{legends[name]} ({min(show, len(items))} of {len(items)}):"]
                    out += [f"  {doc} segment {x.segment}: {_describe(x)}" for doc, x in items[:show]]
        if self.failed:
            out += ["", f"failed documents ({len(self.failed)}):", *(f"  {d.path}: {d.error}" for d in self.failed)]
        return "".join(printable(line) + "\n" for line in out)  # one line each: a name cannot forge another


def audit(docs: Sequence[Document], *, info: RunInfo | None = None, corpus: str = "") -> AuditReport:
    """Audit documents that went through every stage (``normalize run``'s pipeline)."""
    return AuditReport([audit_document(doc) for doc in docs], info=info, corpus=corpus)


def audit_document(doc: Document) -> DocumentAudit:
    out = DocumentAudit(
        name=doc.name, path=str(doc.path), segments=len(doc.segments), error=doc.error, metadata=dict(doc.metadata)
    )
    if doc.failed:
        return out
    changes: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for seg in doc.segments:
        changes.update(c.entry for c in seg.changes)
        findings.update(str(f.check) for f in seg.findings)
        for f in seg.findings:
            if f.check in (Check.LOADED_RENDERING, Check.UNKNOWN_WORD):
                words = seg.target[f.target_span[0] : f.target_span[1]] if f.target_span else f.message
                target = out.loaded_renderings if f.check == Check.LOADED_RENDERING else out.unknown_words
                target.append(Note(seg.id, words, f.entry))
        _audit_quotes(seg, out)
        out.mangled_names += [Note(seg.id, m.group()) for m in MANGLED.finditer(seg.target)]
        out.missing_names += [Note(seg.id, name) for name in missing_names(seg)]
        collateral, grammar, unaligned = collateral_edits(seg)
        flagged = any(f.check == Check.RETRANSLATED for f in seg.findings)
        (out.retranslated if flagged else out.collateral_edits).extend(collateral)
        out.grammar_fixes += grammar
        out.unaligned_changes += [Note(seg.id, c.target_text, c.entry) for c in unaligned]
    out.changes_per_entry = dict(sorted(changes.items()))
    out.findings_per_check = dict(sorted(findings.items()))
    return out


def _audit_quotes(seg: Segment, out: DocumentAudit) -> None:
    hits = {(h.entry, h.start, h.end): h for h in seg.hits}
    for change in seg.changes:
        hit = hits.get((change.entry, *change.source_span))
        if hit is None or not hit.in_quote:
            continue
        written = _bare(change.target_text)
        if hit.quoted_form is not None and written == _bare(hit.quoted_form):
            continue  # the speaker's word in English spelling ("Daech" -> "Daesh"): as it should be
        if hit.loaded and written == _bare(hit.standard):
            out.quoted_labels_rewritten.append(Note(seg.id, f"{hit.text} -> {change.target_text}", hit.entry))
        if _bare(change.mt_text) != written:
            out.quoted_changes.append(Note(seg.id, f"{hit.text} -> {change.target_text}", hit.entry))


def _bare(text: str) -> str:
    """Text compared without case, surrounding space or a leading "the" (enforce may add one)."""
    return re.sub(r"^the\s+", "", text.strip().casefold())


def missing_names(seg: Segment) -> list[str]:
    """Source names of the form al-X (el-X, ad-X, ...) that the English has neither as written nor standardised.

    A name inside a glossary hit (a names-glossary entry, or a group such as
    "Front al-Nosra") may appear as that hit's standard name or replacement instead.
    """
    english = _fold(seg.target)
    missing = []
    for m in ARABIC_NAME.finditer(seg.source):
        start, end = seg.start + m.start(), seg.start + m.end()
        forms = [m.group()] + [f for h in seg.hits if h.start <= start and end <= h.end for f in _hit_forms(h)]
        if not any(re.search(r"(?<![\w-])" + re.escape(_fold(f)) + r"(?!\w)", english) for f in forms):
            missing.append(m.group())
    return missing


def _hit_forms(hit: TermHit) -> list[str]:
    return [hit.standard, hit.replacement]


def _fold(text: str) -> str:
    return text.casefold().replace("’", "'")


def collateral_edits(seg: Segment) -> tuple[list[Edit], list[Edit], list[Change]]:
    """(collateral edits, allowed grammar fixes, changes whose mt span is unknown) in one segment.

    Each change is one opaque token on both sides (its target span in the
    English, its ``mt_span`` in the raw translation), so the comparison is
    anchored at the changes and counts only the words around them.
    """
    labels: dict[Span, str] = {}  # target span -> its token; a merged change shares its neighbour's span
    mt_spans: dict[Span, str] = {}
    unaligned: list[Change] = []
    unknown: set[str] = set()
    for change in seg.changes:
        label = labels.setdefault(change.target_span, f"\0{len(labels)}")
        if change.mt_span is None:
            unaligned.append(change)
            unknown.add(label)
        else:
            mt_spans[_merged_region(seg, change.mt_span) if change.method == Method.MERGED else change.mt_span] = label
    raw, normalised = _tokens(seg.mt, mt_spans), _tokens(seg.target, labels)
    a, b = [t for t, _ in raw], [t for t, _ in normalised]
    collateral: list[Edit] = []
    grammar: list[Edit] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal" or unknown.intersection(a[max(i1 - 1, 0) : i2 + 1] + b[max(j1 - 1, 0) : j2 + 1]):
            continue  # in or beside a change with no mt span: its own words cannot be told from their neighbours
        old = [t for t in a[i1:i2] if not _is_label(t)]
        new = [t for t in b[j1:j2] if not _is_label(t)]
        if not old and not new:
            continue  # only change tokens (a merged abbreviation said once)
        edit = Edit(seg.id, _words(seg.mt, raw[i1:i2]), _words(seg.target, normalised[j1:j2]))
        beside = _is_label_at(a, i1 - 1) or _is_label_at(a, i2) or _is_label_at(b, j1 - 1) or _is_label_at(b, j2)
        after = _is_label_at(b, j1 - 1)
        (grammar if beside and _forced(old, new, after=after) else collateral).append(edit)
    return collateral, grammar, unaligned


def _forced(old: list[str], new: list[str], *, after: bool) -> bool:
    """Whether replacing ``old`` words by ``new`` beside a change is grammar the change forces."""
    o, n = [w.lower() for w in old], [w.lower() for w in new]
    if (len(o), len(n)) in ((1, 0), (0, 1)):
        return (o or n)[0] in ARTICLES  # the article dropped or added
    if len(o) == len(n) == 1:
        if {o[0], n[0]} == {"a", "an"}:
            return True
        return after and PLURAL_VERBS.get(o[0]) == n[0]  # "... Western governments has" -> "have"
    return False


def _tokens(text: str, spans: dict[Span, str]) -> list[tuple[str, Span]]:
    """Word and punctuation tokens of ``text``; the tokens touching a span become that span's label, once."""
    ordered = sorted(spans.items())
    out: list[tuple[str, Span]] = []
    k = 0
    for m in TOKEN.finditer(text):
        while k < len(ordered) and ordered[k][0][1] <= m.start():
            k += 1
        if k < len(ordered) and ordered[k][0][0] < m.end():
            (start, end), label = ordered[k]
            if not out or out[-1][0] != label:
                out.append((label, (start, end)))
            continue
        out.append((m.group(), m.span()))
    return out


def _merged_region(seg: Segment, span: Span) -> Span:
    """What the enforce stage removed with a merged name: " (EI)" whole, or "HTS, " of "(HTS, ex-branche …)"."""
    for (a, b), _ in seg.translation.edits or ():
        if a <= span[0] and span[1] <= b:
            return a, b
    return _with_brackets(seg.mt, span)


def _with_brackets(text: str, span: Span) -> Span:
    """``span`` widened over the brackets around it: a merged "(EI)" loses them too."""
    a, b = span
    while a > 0 and text[a - 1] in OPENING_BRACKETS + " ":
        a -= 1
    while b < len(text) and text[b] in CLOSING_BRACKETS:
        b += 1
    return a, b


def _is_label(token: str) -> bool:
    return token.startswith("\0")


def _is_label_at(tokens: list[str], i: int) -> bool:
    return 0 <= i < len(tokens) and _is_label(tokens[i])


def _words(text: str, tokens: list[tuple[str, Span]]) -> str:
    return text[tokens[0][1][0] : tokens[-1][1][1]] if tokens else ""


def _describe(item: Note | Edit) -> str:
    if isinstance(item, Edit):
        return str(item)
    return f"{item.text!r}" + (f" ({item.entry})" if item.entry else "")


def _sum_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    return dict(sorted(total.items()))


def _described(meta: dict[str, str]) -> str:
    """``“Title” — site, date, by author, url`` from what a document's source says of it."""
    title = f"“{meta['title']}”" if meta.get("title") else "untitled"
    rest = [meta.get("site", ""), meta.get("date", ""), f"by {meta['author']}" if meta.get("author") else "", meta.get("url", "")]
    return " — ".join([title, ", ".join(x for x in rest if x)]) if any(rest) else title


def _lines(counts: dict[str, int]) -> list[str]:
    if not counts:
        return ["  none"]
    width = max(map(len, counts))
    return [f"  {name:{width}}  {count}" for name, count in counts.items()]


def _inline(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items())


def process_articles(folder: Path, glossary: Glossary, engine: Engine) -> list[Document]:
    """Read every article under ``folder`` (``*.txt``, web pages, feeds, exports …: ``pipeline.readers``) and run
    ``normalize run``'s stages over them (no files written).

    The one place the audit builds documents, so it follows the run's pipeline when that changes.
    """
    from pipeline.chain import Chain
    from pipeline.outputs.names import ItemNames, output_names
    from pipeline.readers.files import collect_inputs, read_documents

    if not folder.is_dir():
        raise ConfigError(f"--articles {folder} is not a folder; give a folder of .txt articles")
    paths = collect_inputs([folder])
    if not paths:
        raise ConfigError(f"no .txt files found in {folder} (nor web pages, feeds or exports); give a folder of .txt articles")
    docs: list[Document] = []
    names = output_names(paths)
    taken = {n.casefold() for n in names}
    for path, name in zip(paths, names, strict=True):
        try:
            docs.extend(read_documents(path, language=glossary.source, name=path.stem if path.suffix == ".txt" else name,
                                       root=folder, item_name=ItemNames(name, path, taken)))
        except Exception as exc:  # NormalizeError: the file's reason; anything else: a reader's bug, this file only
            reason = str(exc) if isinstance(exc, NormalizeError) else f"cannot read ({type(exc).__name__}: {exc})"
            docs.append(Document(path=path, name=path.stem, text="", language=glossary.source, sha256="", error=reason))
    return list(Chain(glossary, engine)(docs))
