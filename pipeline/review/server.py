"""``normalize review``: the review pages served on 127.0.0.1, with actions that write back.

Security model (the server can write the user's glossary, so a web page in
another tab must not be able to drive it):

- it binds 127.0.0.1 by default and answers only requests whose ``Host`` is its
  own address (no DNS rebinding);
- every URL starts with a random per-session token (``secrets.token_urlsafe``),
  compared in constant time; without it the answer is 403;
- a POST must come from the server's own origin (``Origin`` header, and
  ``Sec-Fetch-Site: same-origin`` when the browser sends it) with a JSON body,
  which a cross-site form cannot send without a CORS preflight the server never
  grants: so no cross-site request forgery;
- pages keep their Content-Security-Policy (only their own inline script and
  style, ``connect-src 'self'``), may not be framed, and send no referrer;
- a body is read up to 64 KiB and no further (a larger ``Content-Length`` is
  refused before reading, a stream without one is cut at the limit);
- only the run's own regular files are published: a name that is a symbolic
  link (or anything but a regular file) in the output folder is a 404,
  whatever it points at.

Every request first lets the workspace reload what changed on disk; every
action is made under the output lock, all or nothing, and a refusal or
failure is a JSON ``{"error": ...}`` in plain words, never a traceback.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import secrets
import socket
import stat
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline.errors import ConfigError, NormalizeError
from pipeline.render import FORMATS
from pipeline.render.html import ReviewMode, render_document
from pipeline.review import actions
from pipeline.review.workspace import Busy, Stale, Workspace, WriteFailed

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
MAX_BODY = 64 * 1024
INDEX_PAGE = re.compile(r"index(?:\.[1-9][0-9]*)?\.html")  # index.html, index.2.html … (``outputs.folder.index_names``)


@dataclass
class Session:
    """One review session: the workspace, the token and the address the server answers on."""

    workspace: Workspace
    token: str
    host: str
    port: int

    @property
    def netloc(self) -> str:
        """``host:port`` as a browser writes it in the address and the ``Host`` header (``[::1]:8000`` for IPv6)."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://{self.netloc}"

    @property
    def url(self) -> str:
        return f"{self.origin}/{self.token}/index.html"

    def allowed_hosts(self) -> set[str]:
        hosts = {self.netloc}
        if self.host in ("127.0.0.1", "::1"):  # the loopback address, reached by its name too
            hosts.add(f"localhost:{self.port}")
        return hosts

    def allowed_origins(self) -> set[str]:
        """The origins of the pages this server serves: one per host it answers to."""
        return {f"http://{host}" for host in self.allowed_hosts()}


def review_script() -> str:
    return resources.files("pipeline.render").joinpath("templates/review.js").read_text(encoding="utf-8")


def refuse(status: int, message: str) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=HEADERS)


def make_app(session: Session) -> Starlette:
    """The Starlette application of one session."""
    pages = Pages(session)
    routes = [
        Route("/{token}/api/decision", pages.decision, methods=["POST"]),
        Route("/{token}/api/glossary", pages.glossary, methods=["POST"]),
        Route("/{token}/api/batch", pages.batch, methods=["POST"]),
        Route("/{token}/api/entry", pages.entry, methods=["POST"]),
        Route("/{token}/{path:path}", pages.page, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(Guard, session=session)
    return app


class Pages:
    """The session's endpoints: pages rendered from the workspace, and the POST actions (``actions``)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.script = review_script()

    def review_mode(self) -> ReviewMode:
        glossary = self.session.workspace.glossary
        return ReviewMode(
            script=self.script,
            entries=tuple((e.id, e.standard) for e in glossary.entries),
            files=tuple(self.session.workspace.record.glossary_labels),
        )

    def page(self, request: Request) -> Response:
        path = request.path_params["path"]
        if path == "":
            return RedirectResponse(f"/{self.session.token}/index.html", headers=HEADERS)
        ws = self.session.workspace
        if not published(ws, path):
            return refuse(404, "no such page in this review session")
        with ws.lock:
            try:
                ws.refresh(None if INDEX_PAGE.fullmatch(path) else [n for n in [document_of(path)] if n is not None])
            except Stale as exc:
                return refuse(503, str(exc))
            if INDEX_PAGE.fullmatch(path):
                return self._index(ws, path)
            if path == "review.json":
                return JSONResponse({"decisions": ws.decisions.items}, headers=HEADERS)
            return self._file(ws, path)

    def _index(self, ws: Workspace, path: str) -> Response:
        """One page of the index as the run writes it (``index.html``, ``index.2.html`` …), from the workspace's state:
        the same pages, the same documents on each, the run-wide progress."""
        from pipeline.outputs.folder import index_html, index_pages
        from pipeline.outputs.report import DocSummary, RunReport

        report = RunReport(ws.info, [DocSummary.of(d, ws.info.reviews) for d in ws.docs])
        pages = index_pages(report)
        for number, (name, docs) in enumerate(pages, start=1):
            if name == path:
                return Response(index_html(report, docs, page=number, pages=len(pages)), media_type="text/html", headers=HEADERS)
        return refuse(404, "no such page in this review session")

    def _file(self, ws: Workspace, path: str) -> Response:
        for fmt, (suffix, renderer) in FORMATS.items():
            doc = ws.doc(path[: -len(suffix)]) if path.endswith(suffix) and fmt in ws.record.formats else None
            if doc is None:
                continue
            if fmt == "html":
                return Response(render_document(doc, ws.info, review=self.review_mode()), media_type="text/html", headers=HEADERS)
            media = {"json": "application/json", "tmx": "application/xml", "xliff": "application/xliff+xml"}[fmt]
            return Response(renderer(doc, ws.info), media_type=media, headers=HEADERS)
        return refuse(404, "no such page in this review session")

    async def decision(self, request: Request) -> Response:
        return await self._post(request, actions.decide)

    async def batch(self, request: Request) -> Response:
        return await self._post(request, actions.decide_batch)

    async def glossary(self, request: Request) -> Response:
        return await self._post(request, actions.edit_glossary)

    async def entry(self, request: Request) -> Response:
        return await self._post(request, actions.entry_fields)

    async def _post(
        self, request: Request, action: Callable[[Workspace, dict[str, Any]], tuple[dict[str, Any], int]]
    ) -> Response:
        try:
            data = await _body(request)
        except TooLarge as exc:
            return JSONResponse({"error": str(exc)}, status_code=413, headers={**HEADERS, "Connection": "close"})
        except ValueError as exc:
            return JSONResponse({"error": f"bad request: {exc}"}, status_code=400, headers=HEADERS)
        # A re-run takes a moment: off the event loop, so pages keep loading meanwhile.
        return JSONResponse(*(await run_in_threadpool(answer, action, self.session.workspace, data)), headers=HEADERS)


class TooLarge(ValueError):
    """A body over ``MAX_BODY``: refused without reading the rest."""


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object of a POST, read up to ``MAX_BODY`` bytes and never further."""
    declared = request.headers.get("content-length")
    too_large = f"request too large: at most {MAX_BODY // 1024} KiB"
    if declared is not None:
        if not declared.strip().isdigit():
            raise ValueError("bad Content-Length")
        if int(declared) > MAX_BODY:
            raise TooLarge(too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge(too_large)
        chunks.append(chunk)
    try:
        data = json.loads(b"".join(chunks))
    except ValueError:
        raise ValueError("the body is not JSON") from None
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def answer(
    action: Callable[[Workspace, dict[str, Any]], tuple[dict[str, Any], int]], ws: Workspace, data: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    """Run an action; a refusal or failure is an error message in plain words (nothing was changed), never a traceback."""
    try:
        return action(ws, data)
    except (Busy, Stale) as exc:
        return {"ok": False, "error": str(exc)}, 409
    except WriteFailed as exc:
        return {"ok": False, "error": str(exc)}, 500
    except NormalizeError as exc:
        return {"ok": False, "error": str(exc)}, 500
    except Exception as exc:  # a bug: say so plainly; the action wrote nothing it had not finished
        return {
            "ok": False,
            "error": f"the server failed ({type(exc).__name__}: {exc}); nothing was saved; please report this",
        }, 500


def document_of(path: str) -> str | None:
    """The document a page name is one of the files of (``NAME.html`` -> ``NAME``)."""
    return next(
        (path[: -len(suffix)] for suffix, _ in FORMATS.values() if path.endswith(suffix) and len(path) > len(suffix)), None
    )


def published(ws: Workspace, path: str) -> bool:
    """Whether ``path`` names one of the output folder's own regular files (never through a link, never outside).

    ``review.json`` may be absent (no decision yet); every other page must be on disk as the run wrote it.
    """
    if not path or "/" in path or "\\" in path or "\x00" in path or path.startswith("."):
        return False
    try:
        st = os.lstat(ws.out / path)
    except FileNotFoundError:
        return path == "review.json"
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode)


class Guard:
    """ASGI middleware: right host, right token, and for POSTs the server's own origin and a JSON body."""

    def __init__(self, app: Callable[..., Awaitable[None]], session: Session) -> None:
        self.app = app
        self.session = session

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self.check(Request(scope))
        if problem is not None:
            if scope.get("method") == "POST":  # the page's script shows a JSON error in plain words
                answer = JSONResponse({"ok": False, "error": f"refused: {problem}"}, status_code=403, headers=HEADERS)
                await answer(scope, receive, send)
            else:
                await refuse(403, f"refused: {problem}")(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def check(self, request: Request) -> str | None:
        session = self.session
        if request.headers.get("host", "") not in session.allowed_hosts():
            return "unknown host"
        first, _, _ = request.url.path.lstrip("/").partition("/")
        if not hmac.compare_digest(first.encode(), session.token.encode()):
            return "this address needs the session token printed by `normalize review`"
        fetch_site = request.headers.get("sec-fetch-site")
        if request.method == "GET":
            return "request from another site" if fetch_site in ("cross-site", "same-site") else None
        if request.method != "POST":
            return "method not allowed"
        if request.headers.get("origin") not in session.allowed_origins():
            return "request from another origin"
        if fetch_site not in (None, "same-origin"):
            return "request from another site"
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return "expected a JSON body"
        return None


def open_socket(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); pick another --port") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def new_session(ws: Workspace, sock: socket.socket, host: str) -> Session:
    return Session(workspace=ws, token=secrets.token_urlsafe(24), host=host, port=int(sock.getsockname()[1]))


def serve(session: Session, sock: socket.socket, *, log_level: str = "warning") -> None:
    """Run the server until interrupted (Ctrl-C)."""
    import uvicorn

    config = uvicorn.Config(make_app(session), log_level=log_level, access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def output_folder(path: Path) -> Path:
    if not path.exists():
        raise ConfigError(f"{path} does not exist; give the output folder of a `normalize run` (its --out)")
    if not path.is_dir():
        raise ConfigError(f"{path} is not a folder; give the output folder of a `normalize run` (its --out)")
    if not (path / "report.json").is_file():
        raise ConfigError(f"{path} has no report.json; run `normalize run INPUTS --out {path}` first")
    return path
