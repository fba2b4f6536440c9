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
  style, ``connect-src 'self'``), may not be framed, and send no referrer.
"""

from __future__ import annotations

import hmac
import json
import secrets
import socket
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

from pipeline.errors import ConfigError
from pipeline.render import FORMATS
from pipeline.render.html import ReviewMode, render_document
from pipeline.review import glossary_edit
from pipeline.review.decisions import STATUSES, segment_keys
from pipeline.review.workspace import Workspace

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
MAX_BODY = 64 * 1024


@dataclass
class Session:
    """One review session: the workspace, the token and the address the server answers on."""

    workspace: Workspace
    token: str
    host: str
    port: int

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/{self.token}/index.html"

    def allowed_hosts(self) -> set[str]:
        hosts = {f"{self.host}:{self.port}"}
        if self.host == "127.0.0.1":
            hosts.add(f"localhost:{self.port}")
        return hosts


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
        Route("/{token}/{path:path}", pages.page, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(Guard, session=session)
    return app


class Pages:
    """The session's endpoints: pages rendered from the workspace, and the two POST actions."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.script = review_script()

    def review_mode(self) -> ReviewMode:
        glossary = self.session.workspace.glossary
        return ReviewMode(
            script=self.script,
            entries=tuple((e.id, e.standard) for e in glossary.entries),
            files=tuple(str(p) for p in self.session.workspace.record.glossaries),
        )

    def page(self, request: Request) -> Response:
        path = request.path_params["path"]
        if path == "":
            return RedirectResponse(f"/{self.session.token}/index.html", headers=HEADERS)
        ws = self.session.workspace
        with ws.lock:
            if path == "index.html":
                return self._index(ws)
            if path == "review.json":
                return JSONResponse({"decisions": ws.decisions.items}, headers=HEADERS)
            return self._file(ws, path)

    def _index(self, ws: Workspace) -> Response:
        from pipeline.outputs import DocSummary, RunReport, index_html

        report = RunReport(ws.info, [DocSummary.of(d, ws.info.reviews) for d in ws.docs])
        return Response(index_html(report, report.failed + report.done), media_type="text/html", headers=HEADERS)

    def _file(self, ws: Workspace, path: str) -> Response:
        for fmt, (suffix, renderer) in FORMATS.items():
            doc = ws.doc(path[: -len(suffix)]) if path.endswith(suffix) else None
            if doc is None:
                continue
            if fmt == "html":
                return Response(render_document(doc, ws.info, review=self.review_mode()), media_type="text/html", headers=HEADERS)
            media = {"json": "application/json", "tmx": "application/xml", "xliff": "application/xliff+xml"}[fmt]
            return Response(renderer(doc, ws.info), media_type=media, headers=HEADERS)
        return refuse(404, "no such page in this review session")

    async def decision(self, request: Request) -> Response:
        return await self._post(request, decide)

    async def glossary(self, request: Request) -> Response:
        return await self._post(request, edit_glossary)

    async def _post(self, request: Request, action: Callable[[Workspace, dict[str, Any]], tuple[dict[str, Any], int]]) -> Response:
        try:
            data = await _body(request)
        except ValueError as exc:
            return JSONResponse({"error": f"bad request: {exc}"}, status_code=400, headers=HEADERS)
        # A re-run takes a moment: off the event loop, so pages keep loading meanwhile.
        return JSONResponse(*(await run_in_threadpool(action, self.session.workspace, data)), headers=HEADERS)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ValueError("request too large")
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


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
        if request.headers.get("origin") != session.origin:
            return "request from another origin"
        if fetch_site not in (None, "same-origin"):
            return "request from another site"
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return "expected a JSON body"
        return None


def decide(ws: Workspace, data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Record one decision; the document's files and the index are rewritten with it."""
    doc = ws.doc(str(data.get("doc", "")))
    key, status = str(data.get("key", "")), data.get("status") or None
    comment = " ".join(str(data.get("comment", "")).split())[:2000]
    if doc is None:
        return {"error": "no such document in this session"}, 404
    notes = {k: kind for seg in doc.segments for k, kind in segment_keys(doc, seg)}
    if key not in notes:
        return {"error": "this note is no longer on the page; reload it"}, 409
    if status is not None and (status not in STATUSES or (status == "resolved") != (notes[key] == "finding")):
        allowed = "resolved" if notes[key] == "finding" else "accepted or rejected"
        return {"error": f"a {notes[key]} can be {allowed}, not {status!r}"}, 400
    with ws.lock:
        ws.decisions.decide(key, status, comment=comment, document=doc.name, about=str(data.get("about", ""))[:300])
        ws.write([doc])
        decided, total = ws.decisions.progress(doc)
    return {"ok": True, "key": key, "status": status, "comment": comment, "decided": decided, "total": total}, 200


def edit_glossary(ws: Workspace, data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Add a variant (or rendering) to an entry, or create one; then re-run the documents it can change."""
    action, words = data.get("action"), str(data.get("words", ""))
    files = ws.record.glossaries
    try:
        with ws.lock:
            if action == "add-variant":
                entry_id = str(data.get("entry", ""))
                field = "renderings" if data.get("field") == "renderings" else "variants"
                path = next((p for p in files if any(e.id == entry_id and e.file == str(p) for e in ws.glossary.entries)), None)
                if path is None:
                    return {"error": f"no entry {entry_id!r} in this run's glossaries"}, 400
                edit = glossary_edit.add_words(path, entry_id, words, field=field, others=files)
            elif action == "create":
                chosen = str(data.get("file") or files[0])
                path = next((p for p in files if str(p) == chosen), None)
                if path is None:
                    return {"error": "that file is not one of this run's glossaries"}, 400
                edit = glossary_edit.create_entry(
                    path,
                    entry_id=str(data.get("id", "")),
                    standard=str(data.get("standard", "")),
                    words=words,
                    kind=str(data.get("kind", "label")),
                    loaded=bool(data.get("loaded")),
                    others=files,
                )
            else:
                return {"error": "action must be add-variant or create"}, 400
            # New source words can only change documents that contain them; a new rendering, those the entry matched.
            names = ws.affected(edit.words, edit.entry if data.get("field") == "renderings" else None)
            page = str(data.get("doc", ""))
            if ws.doc(page) is not None and page not in names:
                names.append(page)
            seconds = ws.rerun(names)
    except ConfigError as exc:  # an expected answer (the reviewer fixes the form), not a failed request
        return {"ok": False, "error": str(exc)}, 200
    return {"ok": True, **glossary_edit.edit_summary(edit), "rerun": names, "seconds": round(seconds, 3)}, 200


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
    if not (path / "report.json").is_file():
        raise ConfigError(f"{path} has no report.json; run `normalize run INPUTS --out {path}` first")
    return path
