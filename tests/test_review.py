"""``normalize review`` without a browser: glossary edits, decisions, XLIFF state and the server's refusals.

The browser side (clicks, selections, layout) is in ``test_browser.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.errors import ConfigError
from pipeline.glossary.load import load_glossary_file
from pipeline.review.decisions import Decisions, segment_keys
from pipeline.review.glossary_edit import add_words, create_entry, entry_blocks
from tests.conftest import FR_EN, GLOSSARIES, needs
from tests.review_fixtures import Served, http, serve_review

runner = CliRunner()
GLOSSARY_FILES = sorted(GLOSSARIES.glob("*.yaml"))


def without(text: str, block: tuple[int, int]) -> list[str]:
    lines = text.splitlines(keepends=True)
    return lines[: block[0]] + lines[block[1] :]


def check(path: Path) -> None:
    result = runner.invoke(app, ["glossary", "check", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("source", GLOSSARY_FILES, ids=lambda p: p.name)
def test_adding_a_variant_changes_only_that_entry(tmp_path: Path, source: Path) -> None:
    path = tmp_path / source.name
    shutil.copy(source, path)
    original = path.read_text(encoding="utf-8")
    blocks = entry_blocks(original, path)
    assert len(blocks) >= 3
    for entry_id in [*blocks][:: max(1, len(blocks) // 4)]:  # a few entries, first and flow-style ones among them
        before = path.read_text(encoding="utf-8")
        add_words(path, entry_id, f"mot nouveau {entry_id}")
        after = path.read_text(encoding="utf-8")
        assert without(before, entry_blocks(before, path)[entry_id]) == without(after, entry_blocks(after, path)[entry_id])
        assert f"mot nouveau {entry_id}" in after
    check(path)
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in path.read_text(encoding="utf-8").splitlines() for line in comments)


def test_a_rendering_and_a_new_entry_pass_glossary_check(tmp_path: Path) -> None:
    path = tmp_path / "fr-en.yaml"
    shutil.copy(FR_EN, path)
    original = path.read_text(encoding="utf-8")
    add_words(path, "hurras-al-din", "Guardians of Religion", field="renderings")
    create_entry(
        path,
        entry_id="guardians",
        standard="Hurras al-Din fighters",
        words="Gardiens de la religion",
        kind="members",
        loaded=True,
    )
    text = path.read_text(encoding="utf-8")
    check(path)
    assert text.startswith(original[: original.index("  - id: hurras-al-din")])
    # The new entry follows the last entry of its kind (its section), not the end of the file.
    kinds = [(e.id, e.kind) for e in load_glossary_file(path).entries]
    at = [i for i, _ in kinds].index("guardians")
    assert kinds[at - 1][1] == "members" and all(kind != "members" for _, kind in kinds[at + 1 :])
    assert "variants:\n      - Gardiens de la religion\n\n  - id: " in text
    assert "    loaded: true\n" in text[text.index("id: guardians") :]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: add_words(p, "al-nusra-front", "Daech"), "already claimed by 'islamic-state'"),
        (lambda p: add_words(p, "islamic-state", "Daech"), "already in islamic-state.variants"),
        (lambda p: add_words(p, "no-such-entry", "mot"), "no entry 'no-such-entry'"),
        (lambda p: add_words(p, "islamic-state", "   "), "selection is empty"),
        (lambda p: create_entry(p, entry_id="Bad Id", standard="x", words="mot"), "must match pattern"),
        (lambda p: create_entry(p, entry_id="islamic-state", standard="x", words="mot inédit"), "duplicate id 'islamic-state'"),
        (lambda p: create_entry(p, entry_id="fine", standard="", words="mot inédit"), "standard"),
    ],
)
def test_an_invalid_edit_is_refused_and_the_file_untouched(tmp_path: Path, edit: object, message: str) -> None:
    path = tmp_path / "fr-en.yaml"
    shutil.copy(FR_EN, path)
    before = path.read_bytes()
    with pytest.raises(ConfigError, match=re.escape(message)):
        edit(path)  # type: ignore[operator]
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = serve_review(tmp_path_factory.mktemp("tanzim"))
    yield served
    served.stop()


def post(served: Served, path: str, data: object, **headers: str) -> tuple[int, str]:
    sent = {"Origin": served.session.origin, "Content-Type": "application/json", **headers}
    return http(served.url(path), method="POST", data=json.dumps(data).encode(), headers={k: v for k, v in sent.items() if v})


def _one_character_off(token: str) -> str:
    """The token with its first character changed: always a different, equally long token."""
    return ("y" if token[0] == "x" else "x") + token[1:]


@needs("apertium")
def test_requests_without_the_token_or_from_another_origin_are_refused(served: Served) -> None:
    doc = served.workspace.doc("tanzim")
    assert doc is not None
    key = next(k for s in doc.segments for k, kind in segment_keys(doc, s) if kind == "change")
    decision = {"doc": "tanzim", "key": key, "status": "accepted"}
    origin = served.session.origin
    assert http(served.url("index.html"))[0] == 200
    refused = [
        http(f"{origin}/index.html"),
        http(served.url("index.html", token=_one_character_off(served.session.token))),
        http(served.url("index.html"), headers={"Host": "evil.example:80"}),
        http(served.url("index.html"), headers={"Sec-Fetch-Site": "cross-site"}),
        post(served, "api/decision", decision, Origin="http://evil.example"),
        post(served, "api/decision", decision, Origin=""),
        post(served, "api/decision", decision, **{"Content-Type": "text/plain"}),
        post(served, "api/decision", decision, **{"Sec-Fetch-Site": "cross-site"}),
        http(
            served.url("api/decision", token="wrong"),
            method="POST",
            data=b"{}",
            headers={"Origin": origin, "Content-Type": "application/json"},
        ),
    ]
    assert [status for status, _ in refused] == [403] * len(refused)
    assert "session token" in refused[0][1]
    assert Decisions.load(served.out).get(key) is None  # nothing refused was recorded
    status, body = post(served, "api/decision", decision)
    assert status == 200 and json.loads(body)["status"] == "accepted"
    assert Decisions.load(served.out).status(key) == "accepted"


@needs("apertium")
def test_decisions_are_checked_against_the_page(served: Served) -> None:
    doc = served.workspace.doc("tanzim")
    assert doc is not None
    change = next(k for s in doc.segments for k, kind in segment_keys(doc, s) if kind == "change")
    assert post(served, "api/decision", {"doc": "tanzim", "key": "made-up", "status": "accepted"})[0] == 409
    assert post(served, "api/decision", {"doc": "tanzim", "key": change, "status": "resolved"})[0] == 400
    assert post(served, "api/decision", {"doc": "nope", "key": change, "status": "accepted"})[0] == 404
    assert post(served, "api/glossary", {"action": "drop-table"})[0] == 400


@needs("apertium")
def test_a_sentence_fully_accepted_is_final_in_xliff_and_shown_in_the_index(served: Served) -> None:
    doc = served.workspace.doc(served.workspace.docs[0].name)
    assert doc is not None
    seg = next(s for s in doc.segments if len(s.changes) >= 2)
    for key, kind in segment_keys(doc, seg):
        decision = "accepted" if kind == "change" else "resolved"
        assert post(served, "api/decision", {"doc": doc.name, "key": key, "status": decision, "comment": "vérifié"})[0] == 200
    status, xliff = http(served.url(f"{doc.name}.xlf"))
    assert status == 200
    unit = xliff[xliff.index(f'<unit id="s{seg.id}"') :]
    assert re.search(r'<segment state="final"', unit[: unit.index("</unit>")])
    assert "accepted" in unit[: unit.index("</unit>")] and "vérifié" in unit[: unit.index("</unit>")]
    assert xliff.count('state="final"') == 1
    written = (served.out / f"{doc.name}.xlf").read_text(encoding="utf-8")
    assert written.count('state="final"') == 1  # the file next to the outputs too
    index = (served.out / "index.html").read_text(encoding="utf-8")
    row = index[index.index(f'data-doc="{doc.name}"') :]
    decided, total = served.workspace.decisions.progress(doc)
    assert decided == len(list(segment_keys(doc, seg)))
    assert f">{total - decided} <small>({decided} reviewed)</small>" in row[: row.index("</tr>")]
    saved = json.loads((served.out / "review.json").read_text(encoding="utf-8"))
    assert all(v["comment"] == "vérifié" for k, v in saved["decisions"].items() if k.startswith(doc.sha256 + f":{seg.start}-"))


@needs("apertium")
def test_a_glossary_edit_reruns_the_document_from_the_cache_in_under_a_second(served: Served) -> None:
    page = http(served.page("tanzim"))[1]
    assert "Tanzim Hurras" in page and "hurras-al-din" not in re.sub(r"<select.*?</select>", "", page, flags=re.S)
    status, body = post(
        served, "api/glossary", {"doc": "tanzim", "action": "add-variant", "entry": "hurras-al-din", "words": "Tanzim Hurras"}
    )
    assert status == 200, body
    result = json.loads(body)
    assert result["rerun"] == ["tanzim"] and result["file"] == str(served.glossary)
    # The edit's re-run asks the engine once, for the new words alone; every sentence comes from the cache.
    # Once those words are cached too, re-running the document takes matching and splicing only.
    started = time.perf_counter()
    served.workspace.rerun(["tanzim"])
    assert time.perf_counter() - started < 1.0
    doc = served.workspace.doc("tanzim")
    assert doc is not None
    assert [c.target_text for s in doc.segments for c in s.changes if c.entry == "hurras-al-din"] == ["Hurras al-Din"]
    check(served.glossary)
    status, body = post(
        served, "api/glossary", {"doc": "tanzim", "action": "create", "id": "Not An Id", "standard": "x", "words": "la ville"}
    )
    assert status == 200 and json.loads(body)["ok"] is False and "must match pattern" in json.loads(body)["error"]


@needs("apertium")
def test_review_pages_carry_the_actions_and_a_connect_policy_for_the_server_only(served: Served) -> None:
    page = http(served.page("tanzim"))[1]
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp and csp.count("'sha256-") == 3
    assert 'data-status="accepted"' in page and 'id="add-term"' in page
    static = (served.out / "tanzim.html").read_text(encoding="utf-8")
    assert "connect-src" not in static and "data-status" not in static and 'id="add-term"' not in static


def test_cli_review_refuses_a_folder_without_a_run(tmp_path: Path) -> None:
    result = runner.invoke(app, ["review", str(tmp_path)])
    assert result.exit_code == 2
    assert "run `normalize run" in result.output
    assert "--port" in runner.invoke(app, ["review", "--help"]).output
