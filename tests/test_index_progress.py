"""The index counts the run's review progress on every page (issue 33, item 11): a reviewer on page 3 of a paginated
index sees how far the whole run is, the label notes apart from the engine's unknown words, in the files
``normalize run`` writes, in those the review server writes after a decision, and in the pages it serves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.glossary.load import Glossary
from pipeline.outputs import folder as outputs_folder
from pipeline.review.decisions import Decisions, Progress, review_keys
from pipeline.review.workspace import Workspace
from pipeline.run import RunOptions, RunResult, run
from tests.conftest import ScriptedEngine
from tests.review_fixtures import http, start_server
from tests.test_stream import corpus

PAGES = ["index.html", "index.2.html", "index.3.html"]


def progress_line(html: str) -> str:
    found = re.search(r'<p class="meta run-progress">(.*?)</p>', html, re.S)
    assert found, "no progress line"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def paginated_run(tmp_path: Path, glossary: Glossary) -> tuple[Path, Path, RunResult]:
    folder = corpus(tmp_path / "in", 25, sentences=1)
    out = tmp_path / "out"
    options = RunOptions(inputs=[folder], out=out, glossary=glossary, quiet=True)
    return folder, out, run(options, engine=ScriptedEngine())


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs_folder, "INDEX_PAGE_SIZE", 10)


def test_a_tally_counts_the_engines_unknown_words_apart_from_the_label_notes() -> None:
    keys = [
        "abc:0-10:change:isis:3-7:Islamic State",
        "abc:0-10:finding:unknown-word::12-18",
        "abc:0-10:finding:unknown-word::20-25",
        "abc:0-10:finding:loaded-rendering:isis:3-7",
    ]
    decisions = Decisions({keys[0]: {"status": "accepted"}, keys[1]: {"status": "resolved"}})
    tally = decisions.tally(keys)
    assert tally == Progress(decided=2, notes=4, noise_decided=1, noise_notes=2)
    assert (tally.label_decided, tally.label_notes) == (1, 2)
    assert tally + tally == Progress(4, 8, 2, 4)


def test_every_page_of_the_index_counts_the_whole_runs_progress(tmp_path: Path, fr_en: Glossary, small_pages: None) -> None:
    folder, out, result = paginated_run(tmp_path, fr_en)
    keys = [(d.name, k) for d in result.docs for k in review_keys(d)]
    assert len(keys) >= 25 and sorted(p.name for p in out.glob("index*.html")) == sorted(PAGES)
    for page in PAGES:
        line = progress_line((out / page).read_text(encoding="utf-8"))
        assert line.startswith(f"0 of {len(keys)} notes reviewed in the run: label notes 0 of {len(keys)}"), (page, line)
        assert "on this page" not in line
    # decisions on documents of the first page only; a resumed run reads them back from review.json
    chosen = keys[:3]
    Decisions({}, out / "review.json").with_decisions([(k, name) for name, k in chosen], "accepted").save()
    resumed = run(RunOptions(inputs=[folder], out=out, glossary=fr_en, quiet=True), engine=ScriptedEngine())
    assert resumed.report.skipped == 25 and resumed.report.progress.decided == 3
    for page in PAGES:
        assert progress_line((out / page).read_text(encoding="utf-8")).startswith(f"3 of {len(keys)} notes reviewed in the run")


def test_a_decision_in_review_updates_the_progress_on_every_written_and_served_page(
    tmp_path: Path, fr_en: Glossary, small_pages: None
) -> None:
    _, out, result = paginated_run(tmp_path, fr_en)
    total = sum(len(review_keys(d)) for d in result.docs)
    ws = Workspace(out, engine=ScriptedEngine())
    session, server, thread = start_server(ws)
    try:
        last = ws.docs[-1]  # on the last page
        ws.decide(last, review_keys(last)[0], "accepted", document=last.name)
        for page in PAGES:
            assert progress_line((out / page).read_text(encoding="utf-8")).startswith(f"1 of {total} notes reviewed in the run")
            status, html = http(f"{session.origin}/{session.token}/{page}")
            assert status == 200 and progress_line(html).startswith(f"1 of {total} notes reviewed in the run"), page
            assert html == (out / page).read_text(encoding="utf-8")  # served as written: same page, same documents
        assert http(f"{session.origin}/{session.token}/index.4.html")[0] == 404
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        ws.close()
