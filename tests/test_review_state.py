"""``normalize review`` never works from stale state and never writes what it should not (issue 33).

Each test runs its own review server over its own run (the server of
``test_review.py`` is shared and must stay as it is): a run into the folder
behind the server's back, a hand edit of the glossary, a run holding the
output lock, a folder that cannot be written, a link where a page should be.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.outputs.lock import OutputLock
from pipeline.review.decisions import segment_keys
from pipeline.review.workspace import BUSY, Workspace
from tests.conftest import FR_EN, needs
from tests.review_fixtures import REVIEW_TEXT, Served, http, run_into, serve_review, start_server

runner = CliRunner()
OLD_NAME, NEW_NAME = "    standard: Islamic State\n", "    standard: Islamic State group\n"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Served]:
    served = serve_review(tmp_path)
    yield served
    served.stop()


def post(served: Served, path: str, data: object, **headers: str) -> tuple[int, dict[str, Any]]:
    sent = {"Origin": served.session.origin, "Content-Type": "application/json", **headers}
    status, body = http(served.url(path), method="POST", data=json.dumps(data).encode(), headers=sent)
    return status, json.loads(body)  # always JSON: never a traceback page


def a_change(served: Served, name: str = "tanzim", entry: str | None = None) -> str:
    doc = served.workspace.doc(name)
    assert doc is not None
    return next(
        k
        for s in doc.segments
        for k, kind in segment_keys(doc, s)
        if kind == "change" and (entry is None or f":change:{entry}:" in k)
    )


def accept(served: Served, key: str, name: str = "tanzim") -> tuple[int, dict[str, Any]]:
    return post(served, "api/decision", {"doc": name, "key": key, "status": "accepted"})


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file of the folder but the lock, byte for byte (temporaries included, so a leftover shows)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(out.iterdir())
        if p.is_file() and not p.is_symlink() and p.name != ".normalize.lock"
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rename_standard(glossary: Path) -> None:
    text = glossary.read_text(encoding="utf-8")
    assert text.count(OLD_NAME) == 1
    glossary.write_text(text.replace(OLD_NAME, NEW_NAME), encoding="utf-8")


@needs("apertium")
def test_a_run_behind_the_servers_back_is_served_and_an_accept_never_reverts_it(fresh: Served) -> None:
    assert "Islamic State group" not in http(fresh.page("tanzim"))[1]
    rename_standard(fresh.glossary)
    fresh.rerun()  # `normalize run` again, the server still running
    report = json.loads((fresh.out / "report.json").read_text(encoding="utf-8"))
    assert report["glossaries"][str(fresh.glossary)] == sha256(fresh.glossary)
    status, page = http(fresh.page("tanzim"))
    assert status == 200 and "Islamic State group" in page  # reloaded before answering
    status, result = accept(fresh, a_change(fresh, entry="group-militants"))
    assert status == 200 and result["ok"], result
    after = json.loads((fresh.out / "report.json").read_text(encoding="utf-8"))
    assert after["glossaries"] == report["glossaries"]  # the new file's sha256, not the one the server started with
    assert after["changes_per_entry"] == report["changes_per_entry"] and after["documents"] == report["documents"]
    assert "Islamic State group" in (fresh.out / "tanzim.html").read_text(encoding="utf-8")
    written = json.loads((fresh.out / "tanzim.json").read_text(encoding="utf-8"))
    assert "Islamic State group" in json.dumps(written, ensure_ascii=False)
    assert "glossary_fingerprint" in written and written["run_signature"]  # the next run can still resume it
    assert "Islamic State group" in (fresh.out / "index.html").read_text(encoding="utf-8")


@needs("apertium")
def test_a_hand_edit_of_the_glossary_is_seen_on_the_next_request(fresh: Served) -> None:
    rename_standard(fresh.glossary)
    assert "Islamic State group" in http(fresh.page("tanzim"))[1]
    assert fresh.workspace.reloads == 1
    assert "Islamic State group" in http(fresh.page("tanzim"))[1]
    assert fresh.workspace.reloads == 1  # nothing changed since: no second reload


@needs("apertium")
def test_an_invalid_glossary_on_disk_is_reported_and_nothing_is_written_meanwhile(fresh: Served) -> None:
    good = fresh.glossary.read_text(encoding="utf-8")
    fresh.glossary.write_text(good.replace(OLD_NAME, "    standard: [not, a, name]\n"), encoding="utf-8")
    before = snapshot(fresh.out)
    status, page = http(fresh.page("tanzim"))
    assert status == 503 and str(fresh.glossary) in page and "Traceback" not in page
    key = a_change(fresh)
    status, result = accept(fresh, key)
    assert status == 409 and not result["ok"] and str(fresh.glossary) in result["error"]
    assert snapshot(fresh.out) == before
    fresh.glossary.write_text(good, encoding="utf-8")
    assert http(fresh.page("tanzim"))[0] == 200
    assert accept(fresh, key)[0] == 200


@needs("apertium")
def test_a_decision_while_a_run_holds_the_lock_is_refused_and_not_saved(fresh: Served) -> None:
    key = a_change(fresh)
    before = snapshot(fresh.out)
    with OutputLock(fresh.out):  # what `normalize run` holds while it writes
        status, result = accept(fresh, key)
        assert status == 409 and result == {"ok": False, "error": BUSY}
        status, result = post(
            fresh, "api/glossary", {"doc": "tanzim", "action": "add-variant", "entry": "hurras-al-din", "words": "Tanzim Hurras"}
        )
        assert status == 409 and result["error"] == BUSY
    assert snapshot(fresh.out) == before and "- Tanzim Hurras\n" not in fresh.glossary.read_text(encoding="utf-8")
    assert key not in json.loads(http(fresh.url("review.json"))[1])["decisions"]
    assert accept(fresh, key)[0] == 200  # once the run is over
    assert key in json.loads((fresh.out / "review.json").read_text(encoding="utf-8"))["decisions"]


@needs("apertium")
@pytest.mark.parametrize("error", [errno.EROFS, errno.ENOSPC], ids=["read-only", "full"])
def test_a_folder_that_cannot_be_written_saves_nothing_and_says_why(
    fresh: Served, monkeypatch: pytest.MonkeyPatch, error: int
) -> None:
    key = a_change(fresh)
    before = snapshot(fresh.out)

    def refuse(path: Path, text: str) -> Path:
        raise OSError(error, os.strerror(error), str(path))

    monkeypatch.setattr("pipeline.review.writes.write_temporary", refuse)
    status, result = accept(fresh, key)
    assert status == 500 and not result["ok"] and "nothing was saved" in result["error"]
    assert os.strerror(error) in result["error"] and "Traceback" not in result["error"]
    assert snapshot(fresh.out) == before
    assert key not in json.loads(http(fresh.url("review.json"))[1])["decisions"]  # not even in memory
    glossary = fresh.glossary.read_bytes()
    status, result = post(
        fresh, "api/glossary", {"doc": "tanzim", "action": "add-variant", "entry": "hurras-al-din", "words": "Tanzim Hurras"}
    )
    assert status == 500 and "nothing was saved" in result["error"]
    assert fresh.glossary.read_bytes() == glossary and snapshot(fresh.out) == before
    monkeypatch.undo()
    assert accept(fresh, key)[0] == 200


@needs("apertium")
@pytest.mark.parametrize("error", [errno.EACCES, errno.ENOSPC], ids=["read-only", "full"])
def test_a_glossary_folder_that_cannot_be_written_is_an_answer_not_a_traceback(
    fresh: Served, monkeypatch: pytest.MonkeyPatch, error: int
) -> None:
    before, glossary = snapshot(fresh.out), fresh.glossary.read_bytes()
    real: Callable[..., tuple[int, str]] = tempfile.mkstemp

    def mkstemp(*args: Any, dir: str | None = None, **kwargs: Any) -> tuple[int, str]:  # noqa: A002 (tempfile's name)
        if dir is not None and Path(dir) == fresh.glossary.parent:
            raise OSError(error, os.strerror(error), dir)
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    status, result = post(
        fresh, "api/glossary", {"doc": "tanzim", "action": "add-variant", "entry": "hurras-al-din", "words": "Tanzim Hurras"}
    )
    assert status == 200 and result["ok"] is False and "nothing was saved" in result["error"]
    assert ("no space left" if error == errno.ENOSPC else "is writable") in result["error"]
    assert fresh.glossary.read_bytes() == glossary and snapshot(fresh.out) == before  # the pages are not re-run either
    assert "Tanzim Hurras" in http(fresh.page("tanzim"))[1] and 'data-entry="hurras-al-din"' not in http(fresh.page("tanzim"))[1]


@needs("apertium")
def test_a_read_only_glossary_file_is_refused_and_keeps_its_mode(fresh: Served) -> None:
    fresh.glossary.chmod(0o444)
    before, glossary = snapshot(fresh.out), fresh.glossary.read_bytes()
    status, result = post(
        fresh, "api/glossary", {"doc": "tanzim", "action": "add-variant", "entry": "hurras-al-din", "words": "Tanzim Hurras"}
    )
    assert status == 200 and result["ok"] is False and "read-only" in result["error"]
    assert fresh.glossary.read_bytes() == glossary and (fresh.glossary.stat().st_mode & 0o777) == 0o444
    assert snapshot(fresh.out) == before


@needs("apertium")
def test_a_link_in_the_output_folder_is_never_published_nor_written_through(fresh: Served, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not the run's\n", encoding="utf-8")
    assert http(fresh.page("tanzim"))[0] == 200
    page = fresh.out / "tanzim.html"
    page.unlink()
    page.symlink_to(secret)
    (fresh.out / "x.html").symlink_to("/etc/passwd")
    (fresh.out / "review.json").symlink_to(secret)
    for name in ("tanzim.html", "x.html", "review.json"):
        status, body = http(fresh.url(name))
        assert status == 404 and "not the run's" not in body and "root:" not in body, name
    status, result = accept(fresh, a_change(fresh))
    assert status == 500 and "symbolic link" in result["error"] and "nothing was saved" in result["error"].casefold()
    assert secret.read_text(encoding="utf-8") == "not the run's\n" and page.is_symlink()
    assert http(fresh.url("tanzim.json"))[0] == 200  # the document's other files are still its own


@needs("apertium")
def test_a_post_from_localhost_is_the_same_origin(fresh: Served) -> None:
    local = f"localhost:{fresh.session.port}"
    assert http(fresh.page("tanzim"), headers={"Host": local})[0] == 200
    status, result = post(fresh, "api/decision", {"doc": "tanzim", "key": a_change(fresh), "status": "accepted"}, Host=local, Origin=f"http://{local}")
    assert status == 200 and result["ok"]
    assert post(fresh, "api/decision", {"doc": "tanzim"}, Host=local, Origin="http://localhost:1")[0] == 403


@needs("apertium")
def test_a_server_on_the_ipv6_loopback_answers_its_own_address_and_localhost(fresh: Served) -> None:
    try:
        session, server, thread = start_server(fresh.workspace, "::1")
    except OSError as exc:  # only a machine without IPv6 is a reason; any other failure fails the test
        if exc.errno not in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            raise
        pytest.skip(f"no IPv6 loopback on this machine ({exc.strerror})")
    try:
        assert session.url.startswith(f"http://[::1]:{session.port}/")
        page = f"{session.origin}/{session.token}/tanzim.html"
        assert http(page)[0] == 200
        assert http(page, headers={"Host": f"localhost:{session.port}"})[0] == 200
        assert http(page, headers={"Host": f"evil.example:{session.port}"})[0] == 403
        for origin in (session.origin, f"http://localhost:{session.port}"):
            host = origin.removeprefix("http://")
            data = json.dumps({"doc": "tanzim", "key": a_change(fresh), "status": "accepted"}).encode()
            headers = {"Origin": origin, "Host": host, "Content-Type": "application/json"}
            status, body = http(f"{session.origin}/{session.token}/api/decision", method="POST", data=data, headers=headers)
            assert status == 200 and json.loads(body)["ok"], (origin, body)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def raw_post(served: Served, head: str, chunks: Iterator[bytes]) -> tuple[str, int]:
    """Send a POST by hand, body in ``chunks`` until the server answers; (status line, body bytes sent meanwhile)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", served.session.port), timeout=10) as sock:
        sock.sendall(head.encode())
        sock.setblocking(False)
        answer = b""
        for chunk in chunks:
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.settimeout(10)
        while b"\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    return answer.split(b"\r\n", 1)[0].decode(), sent


@needs("apertium")
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_huge_body_is_refused_without_being_read(fresh: Served, chunked: bool) -> None:
    target = f"/{fresh.session.token}/api/decision"
    common = f"Host: 127.0.0.1:{fresh.session.port}\r\nOrigin: {fresh.session.origin}\r\nContent-Type: application/json\r\n"
    size = 300 * 1024 * 1024
    piece = b"x" * 65536
    if chunked:
        head = f"POST {target} HTTP/1.1\r\n{common}Transfer-Encoding: chunked\r\n\r\n"
        chunks = (b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(size // len(piece)))
    else:
        head = f"POST {target} HTTP/1.1\r\n{common}Content-Length: {size}\r\n\r\n"
        chunks = (piece for _ in range(size // len(piece)))
    status, sent = raw_post(fresh, head, chunks)
    assert status.startswith("HTTP/1.1 413"), status
    assert sent < 32 * 1024 * 1024  # answered long before the 300 MB were sent, let alone read
    assert http(fresh.page("tanzim"))[0] == 200  # and the server goes on


def test_cli_review_of_a_missing_folder_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["review", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in result.output and "report.json" not in result.output


def test_cli_review_escapes_the_folder_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out\x1b]0;owned\x07\x1b[31m"
    out.mkdir()
    (out / "report.json").write_text("{}", encoding="utf-8")

    class Quiet:
        docs: list[object] = []

        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def close(self) -> None:
            pass

    monkeypatch.setattr("pipeline.review.workspace.Workspace", Quiet)
    monkeypatch.setattr("pipeline.review.server.serve", lambda session, sock: None)
    result = runner.invoke(app, ["review", str(out), "--no-open"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "out\\x1b]0;owned\\x07\\x1b[31m/" in result.output


@needs("apertium")
def test_relative_paths_of_the_run_are_resolved_against_its_folder_not_the_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, other = tmp_path / "project", tmp_path / "other"
    for root in (project, other):
        (root / "glossaries").mkdir(parents=True)
        (root / "in").mkdir()
        shutil.copy(FR_EN, root / "glossaries" / "fr-en.yaml")
        (root / "in" / "tanzim.txt").write_text(REVIEW_TEXT, encoding="utf-8")
    monkeypatch.chdir(project)
    run_into([Path("in/tanzim.txt")], Path("out"), Path("glossaries/fr-en.yaml"))
    report = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
    assert list(report["glossaries"]) == ["glossaries/fr-en.yaml"]  # the run records what it was given
    monkeypatch.chdir(other)  # `normalize review /path/to/project/out` from another project
    workspace = Workspace(project / "out")
    assert workspace.record.glossaries == [project / "glossaries" / "fr-en.yaml"]
    session, server, thread = start_server(workspace)
    served = Served(
        project / "out", [project / "in" / "tanzim.txt"], project / "glossaries" / "fr-en.yaml", session, server, thread
    )
    try:
        untouched = (other / "glossaries" / "fr-en.yaml").read_bytes()
        status, result = post(
            served, "api/glossary", {"doc": "tanzim", "action": "add-variant", "entry": "hurras-al-din", "words": "Tanzim Hurras"}
        )
        assert status == 200 and result["ok"], result
        assert "      - Tanzim Hurras\n" in (project / "glossaries" / "fr-en.yaml").read_text(encoding="utf-8")
        assert (other / "glossaries" / "fr-en.yaml").read_bytes() == untouched
        after = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
        assert list(after["glossaries"]) == ["glossaries/fr-en.yaml"]  # the pages keep the run's own paths
        assert after["documents"]["done"][0]["path"] == "in/tanzim.txt"
        assert 'data-entry="hurras-al-din"' in (project / "out" / "tanzim.html").read_text(encoding="utf-8")
    finally:
        served.stop()


def test_the_run_folder_must_hold_the_glossary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    report = {
        "engine": {"name": "apertium"},
        "glossaries": {"glossaries/none.yaml": "0" * 64},
        "documents": {"done": [], "failed": []},
    }
    (out / "report.json").write_text(json.dumps(report), encoding="utf-8")
    result = runner.invoke(app, ["review", str(out)])
    assert result.exit_code == 2 and "glossaries/none.yaml" in result.output and "relative to the folder" in result.output


