"""The review pages as files: escaping, CSP, self-containment, and a details entry for every note.

These run the real pipeline with a copying test engine (fast and exact);
``test_browser.py`` drives the same pages, made with Apertium, in Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.model import Document
from pipeline.render.pieces import Piece, cut
from pipeline.run import RunResult
from pipeline.stages.names import UNKNOWN as UNKNOWN_NAME
from tests.conftest import ScriptedEngine
from tests.render_fixtures import (
    IMG,
    QUOTED_TEXT,
    SCRIPT,
    SEED,
    SVG,
    XSS_NAME,
    run_fixtures,
    write_inputs,
)

# Every element a review page may contain; anything else came from the input.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section", "aside", "h1", "h2", "h3",
    "p", "a", "span", "strong", "em", "small", "code", "kbd", "br", "div", "ul", "ol", "li", "dl", "dt", "dd", "table",
    "caption", "thead", "tbody", "tr", "th", "td", "input", "label", "button", "script",
    "details", "summary", "select", "option", "del", "ins",
}  # fmt: skip


class Page(HTMLParser):
    """The parts of a page the tests look at: tags, attributes, ids, inline blocks and text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: dict[str, dict[str, str]] = {}
        self.blocks: dict[str, list[str]] = {"script": [], "style": []}
        self.text: list[str] = []
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids[values["id"]] = values
        if tag in self.blocks:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.blocks[self._in].append(data)
        self.text.append(data)

    def meta_csp(self) -> str:
        return next(a["content"] for t, a in self.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")

    def attr_values(self, name: str) -> list[str]:
        return [a[name] for _, a in self.tags if name in a]


@dataclass
class Run:
    out: Path
    result: RunResult

    def html(self, name: str) -> str:
        return (self.out / f"{name}.html").read_text(encoding="utf-8")

    def doc(self, name: str) -> Document:
        return next(d for d in self.result.docs if d.name == name)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("in")
    files = write_inputs(folder)
    empty = folder / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    leftover = folder / "leftover.txt"  # an English rendering the French variants do not cover
    leftover.write_text("Le State Islamic a fui.\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    inputs = [SEED, files["xss"], files["quoted"], empty, leftover]
    return Run(out, run_fixtures(inputs, out, engine=ScriptedEngine()))


PAGES = [SEED.stem, XSS_NAME, "quoted", "leftover", "index"]


@pytest.mark.parametrize("name", PAGES)
def test_input_markup_is_text_not_tags(run: Run, name: str) -> None:
    text = run.html(name)
    page = Page(text)
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS
    assert [t for t, _ in page.tags].count("script") == 1
    assert not [k for _, attrs in page.tags for k in attrs if k.startswith("on")]
    for payload in (SCRIPT, IMG, SVG, "<img", "<svg", "</textarea"):
        assert payload not in text


def test_hostile_text_and_file_name_are_shown_literally(run: Run) -> None:
    page = Page(run.html(XSS_NAME))
    shown = "".join(page.text)
    for payload in (SCRIPT, IMG, SVG):  # the test engine upper-cases its "translation"
        # Moses punctuation normalisation spaces brackets before the engine: "alert(1)" -> "alert (1)".
        english = " ".join(payload.upper().replace("(", " (").replace(")", ") ").split())
        assert shown.count(payload) >= 1 and shown.count(english) >= 2  # source; English and raw MT
    assert XSS_NAME in shown
    index = Page(run.html("index"))
    assert XSS_NAME in "".join(index.text)
    assert any(href.endswith(".html") and "<" not in href and '"' not in href for href in index.attr_values("href"))


@pytest.mark.parametrize("name", PAGES)
def test_csp_allows_exactly_the_inline_script_and_style(run: Run, name: str) -> None:
    page = Page(run.html(name))
    directives = dict(d.strip().split(" ", 1) for d in page.meta_csp().split(";"))
    assert directives["default-src"] == "'none'"
    for kind, directive in (("script", "script-src"), ("style", "style-src")):
        (block,) = ["".join(page.blocks[kind])]
        digest = base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii")
        assert directives[directive] == f"'sha256-{digest}'"


@pytest.mark.parametrize("name", PAGES)
def test_page_names_no_other_address(run: Run, name: str) -> None:
    page = Page(run.html(name))
    assert not page.attr_values("src")
    for href in page.attr_values("href"):
        assert href.startswith("#") or re.fullmatch(r"[^/:]+\.html", href), href
    style = "".join(page.blocks["style"])
    assert "url(" not in style and "@import" not in style
    assert not [t for t, _ in page.tags if t in {"link", "img", "iframe", "object", "embed", "form"}]


@pytest.mark.parametrize("name", [SEED.stem, XSS_NAME, "quoted"])
def test_every_change_is_marked_on_both_sides_and_explained(run: Run, name: str) -> None:
    doc = run.doc(name)
    page = Page(run.html(name))
    changes = [c for seg in doc.segments for c in seg.changes]
    assert changes
    notes = [i for i in page.ids if re.fullmatch(r"note\d+", i)]
    text = run.html(name)
    for change in changes:
        n = next(int(i[4:]) for i in notes if f"“{change.source_text}” → {change.target_text}" in shown(text, i))
        details = shown(text, f"note{n}")
        expected_texts = [change.entry, change.mt_text, change.method]
        if change.entry != UNKNOWN_NAME:  # a protected name no glossary lists (names stage) has no entry to cite
            entry = run.result.info.glossary.entry(change.entry)
            expected_texts += [f"{entry.file}:{entry.line}", " ".join(entry.note.split())]
        for expected in expected_texts:
            assert expected in " ".join(details.split())
        # a loaded label kept in a quotation, only its spelling standardised ("Daech" -> "Daesh"), is drawn as kept
        quoted = any(
            f.check == "quoted-label" and f.source_span == change.source_span for seg in doc.segments for f in seg.findings
        )
        drawn = "hl quoted" if quoted else "hl change"
        assert drawn in page.ids[f"n{n}s"]["class"] and drawn in page.ids[f"n{n}t"]["class"]
        assert page.ids[f"n{n}s"]["href"] == f"#note{n}"


def test_seed_has_one_note_per_change(run: Run) -> None:
    doc = run.doc(SEED.stem)
    page = Page(run.html(SEED.stem))
    changes = sum(len(seg.changes) for seg in doc.segments)
    assert len([i for i in page.ids if re.fullmatch(r"note\d+", i)]) == changes
    assert len([i for i in page.ids if re.fullmatch(r"n\d+s", i)]) == changes


def test_quoted_labels_and_findings_are_marked_apart_from_changes(run: Run) -> None:
    page = Page(run.html("quoted"))
    classes = {i: a["class"] for i, a in page.ids.items() if re.fullmatch(r"n\d+[str]", i)}
    quoted = QUOTED_TEXT.index("terroristes de Daech")
    doc = run.doc("quoted")
    kinds = {(hit.start - doc.body_start): hit for seg in doc.segments for hit in seg.hits}
    assert kinds[quoted].in_quote
    assert classes["n0s"] == "hl quoted"  # « Les terroristes de Daech … », kept
    assert "hl finding" in classes.values()  # "attaque terroriste": an adjective, kept and flagged
    assert "hl change" in classes.values()
    leftover = Page(run.html("leftover"))
    # the leftover word is marked where it sits in the English (its finding has a target span)
    marked = [a for t, a in leftover.tags if t == "a" and a.get("class") == "hl finding" and a.get("id", "").endswith("t")]
    assert marked and "loaded-rendering" in "".join(leftover.text)


def test_raw_translation_is_in_the_page_without_script(run: Run) -> None:
    text = run.html(SEED.stem)
    body = text[text.index("<body") :]
    assert re.search(r'<input type="radio" name="view" id="show-mt" class="toggle">', body)
    assert (
        body.index('id="show-mt"') < body.index('for="show-mt"') < body.index("<main")
    )  # a sibling before <main>: the CSS toggle works
    style = "".join(Page(text).blocks["style"])
    assert "#show-mt:checked ~ main .raw, #show-diff:checked ~ main .diff { display: block; }" in style
    raw = shown(text, "raw")
    for seg in run.doc(SEED.stem).segments:
        assert " ".join(seg.mt.split()) in " ".join(raw.split())


def test_summary_names_engine_glossary_hashes_and_links_each_change(run: Run) -> None:
    text = run.html(SEED.stem)
    summary = text[text.index('class="summary"') : text.index("</details>", text.index('class="summary"'))]
    info = run.result.info
    assert "echo" in summary and info.engine_version in summary
    for path, sha in info.glossary.files.items():
        assert html.escape(path) in summary and sha in summary
    changes = sum(len(seg.changes) for seg in run.doc(SEED.stem).segments)
    assert len(re.findall(r'href="#n\d+s"', summary)) == changes


def test_index_lists_every_document_failures_with_errors_and_totals(run: Run) -> None:
    text = run.html("index")
    page = Page(text)
    rows = text[text.index("<tbody>") : text.index("</tbody>")].count("<tr")
    assert rows == len(run.result.docs)
    failed = next(d for d in run.result.docs if d.name == "empty")
    assert failed.error and failed.error in "".join(page.text)
    for entry, n in run.result.report["changes_per_entry"].items():
        assert re.search(rf"<code>{re.escape(entry)}</code></td><td>[^<]*</td><td class=\"num\">{n}</td>", text)
    assert page.ids["documents"]["class"] == "bitext sortable"


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("abcdef", [], [Piece("abcdef")]),
        ("abcdef", [(2, 4, "change", 0)], [Piece("ab"), Piece("cd", "change", 0), Piece("ef")]),
        ("abcdef", [(0, 6, "quoted", 1)], [Piece("abcdef", "quoted", 1)]),
        # overlapping and out-of-range spans are skipped, never cut twice
        (
            "abcdef",
            [(1, 4, "change", 0), (3, 5, "finding", 1), (5, 9, "change", 2)],
            [Piece("a"), Piece("bcd", "change", 0), Piece("ef")],
        ),
    ],
)
def test_cut(text: str, spans: list[tuple[int, int, str, int]], expected: list[Piece]) -> None:
    assert cut(text, 0, spans) == expected
    assert cut(text, 100, [(a + 100, b + 100, k, n) for a, b, k, n in spans]) == expected


def shown(text: str, element_id: str) -> str:
    """The text a reader sees in a details entry (``note3``) or in the raw translations (``raw``)."""
    if element_id == "raw":
        parts = re.findall(r'<div class="raw">(.*?)</div>', text, re.DOTALL)
    else:
        at = text.index(f'<li id="{element_id}"')
        parts = [text[at : text.index("</li>\n", at)]]
    return "".join("".join(Page(part).text) for part in parts)


def test_every_kind_of_finding_has_its_plain_words() -> None:
    from pipeline.model import Check
    from pipeline.render.notes import PLAIN

    assert set(PLAIN) == set(Check) and all(text.endswith(".") for text in PLAIN.values())


class OldNew(HTMLParser):
    """Each sentence of the "Old → new" view read two ways: without its new words, and without its struck-out ones."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.old: dict[int, str] = {}
        self.new: dict[int, str] = {}
        self.struck: list[str] = []
        self._open: list[str] = []  # tags inside the view, from its <div class="diff">
        self._seg: int | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if not self._open and not (tag == "div" and values.get("class") == "diff"):
            return
        if tag == "span" and "data-seg" in values and not self._seg_open():
            self._seg = int(values["data-seg"])
            self.old.setdefault(self._seg, "")
            self.new.setdefault(self._seg, "")
        self._open.append("flag" if "flag" in values.get("class", "").split() else tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()
            if not self._seg_open():
                self._seg = None

    def handle_data(self, data: str) -> None:
        if self._seg is None or "flag" in self._open:
            return  # a flag ("⚑ …") is the page's, not the English
        if "del" in self._open:
            self.struck.append(data)
        if "ins" not in self._open:
            self.old[self._seg] += data
        if "del" not in self._open:
            self.new[self._seg] += data

    def _seg_open(self) -> bool:
        return "span" in self._open[1:2]


@pytest.mark.parametrize("name", [SEED.stem, XSS_NAME, "quoted"])
def test_old_to_new_strikes_every_word_the_normalisation_removed(run: Run, name: str) -> None:
    """Read without its new words, each sentence of the view is the raw translation; without its struck-out words,
    the English: so no word the engine said (a dropped "the", a merged "(EI)") disappears unseen."""
    view = OldNew(run.html(name))
    doc = run.doc(name)
    for seg in doc.segments:
        assert view.old[seg.id] == seg.mt
        assert view.new[seg.id] == seg.target
    assert any(seg.mt != seg.target for seg in doc.segments) and view.struck
