"""A review session for tests: a real run into a folder, then ``normalize review``'s server in a thread.

The glossary is a copy of the repository's, in the test's folder, so the
server's edits never touch ``glossaries/``.
"""

from __future__ import annotations

import shutil
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import uvicorn

from pipeline.engines.base import Engine
from pipeline.glossary.load import load_glossaries
from pipeline.review.server import Session, make_app, new_session, open_socket
from pipeline.review.workspace import Workspace
from pipeline.run import RunOptions, RunResult, run
from tests.browser_engine import known_words_only
from tests.conftest import FR_EN, SEED

# "Tanzim Hurras" is no variant of hurras-al-din yet (the review adds it); "Le Hamas": the engine already
# writes the standard name; "Gardiens de la religion" has no entry (the review creates one).
REVIEW_TEXT = (
    "Les combattants du Tanzim Hurras ont attaqué la ville. Le Hamas a salué l'accord.\n\n"
    "Les terroristes de Daech ont fui vers le nord. Les Gardiens de la religion ont revendiqué l'attaque.\n"
)

# A day's work in small (tests/test_browser_review.py): a loaded label kept in a quotation whose spelling is
# standardised ("Daech" -> "Daesh"), the same rewrite many times ("EI" -> "Islamic State"), in two documents.
WORKBENCH_TEXT = (
    "« Daech a perdu la bataille », a déclaré le général. Les combattants de l'EI ont quitté la ville. "
    "L'EI a revendiqué l'attaque.\n\n"
    "L'EI contrôle encore le désert. Les hommes de l'EI ont fui vers le nord.\n"
)
WORKBENCH_MORE = "Les combattants de l'EI ont attaqué la ville. L'EI a perdu du terrain.\n"


def workbench_inputs(folder: Path) -> tuple[Path, Path]:
    """Two documents for the workbench tests: ``workbench`` and ``workbench-2``."""
    folder.mkdir(parents=True, exist_ok=True)
    first, second = folder / "workbench.txt", folder / "workbench-2.txt"
    first.write_text(WORKBENCH_TEXT, encoding="utf-8")
    second.write_text(WORKBENCH_MORE, encoding="utf-8")
    return first, second


@dataclass
class Served:
    """A running review server over ``out``, with the files behind it."""

    out: Path
    inputs: list[Path]
    glossary: Path
    session: Session
    server: SignallingServer
    thread: threading.Thread
    known_words: bool = False  # Apertium's unknown-word spans dropped (see tests/browser_engine.py)

    @property
    def workspace(self) -> Workspace:
        return self.session.workspace

    def url(self, name: str, *, token: str | None = None) -> str:
        return f"{self.session.origin}/{self.session.token if token is None else token}/{quote(name)}"

    def page(self, name: str) -> str:
        return self.url(f"{name}.html")

    def rerun(self) -> RunResult:
        """The run again from the command line's code, into the same folder (as a user re-running `normalize run`)."""
        return run_into(self.inputs, self.out, self.glossary, known_words_only() if self.known_words else None)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.workspace.close()


class SignallingServer(uvicorn.Server):
    """uvicorn's server with an event set once its startup is over, so a test waits on it instead of polling."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:  # set on failure too: ``started`` then tells the waiter it failed
            self.ready.set()


def run_into(inputs: list[Path], out: Path, glossary: Path, engine: Engine | None = None) -> RunResult:
    options = RunOptions(
        inputs=inputs,
        out=out,
        glossary=load_glossaries([glossary], source="fr", target="en"),
        engine="apertium",
        formats=("html", "json", "xliff"),
        quiet=True,
    )
    return run(options, engine=engine)


def serve_review(folder: Path, extra: tuple[Path, ...] = (), *, known_words: bool = False) -> Served:
    """Run the seed, the review text and ``extra`` into ``folder/out``, then start the server on a free port."""
    (folder / "in").mkdir(parents=True, exist_ok=True)
    review = folder / "in" / "tanzim.txt"
    review.write_text(REVIEW_TEXT, encoding="utf-8")
    glossary = folder / "fr-en.yaml"
    shutil.copy(FR_EN, glossary)
    inputs = [SEED, review, *extra]
    out = folder / "out"
    run_into(inputs, out, glossary, known_words_only() if known_words else None)
    workspace = Workspace(out, engine=known_words_only() if known_words else None)
    session, server, thread = start_server(workspace)
    return Served(out, inputs, glossary, session, server, thread, known_words)


def start_server(workspace: Workspace, host: str = "127.0.0.1") -> tuple[Session, SignallingServer, threading.Thread]:
    """``normalize review``'s server over ``workspace``, on a free port of ``host``, in a thread."""
    sock = open_socket(host, 0)
    session = new_session(workspace, sock, host)
    server = SignallingServer(uvicorn.Config(make_app(session), log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    if not server.ready.wait(timeout=10) or not server.started:
        raise RuntimeError("the review server did not start")
    return session, server, thread


def http(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """(status, body) of one plain request, errors included."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8")
        exc.close()
        return exc.code, body
