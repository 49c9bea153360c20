"""The analyst's workbench over HTTP: a FastAPI app serving the JSON API (`api.py`), the write
routes (uploads with progress, merge/split corrections), the page and its browser libraries.

Text from documents is untrusted, so every response carries a strict Content-Security-Policy and
the page builds its DOM from text nodes. The server listens on 127.0.0.1 by default; writes need
the token when one is set, and are refused when the server listens elsewhere without one.
Cross-site requests cannot write (the Origin must be the server itself), and a Host header other
than a loopback name is refused on a loopback server (DNS rebinding)."""
from __future__ import annotations

import asyncio
import getpass
import hmac
import ipaddress
import json
import os
import shutil
import tempfile
import time
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, StreamingResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..answer.ready import settle
from ..read.files import SUPPORTED
from ..workspace import open as open_workspace
from .api import answered, router
from .cache import DEFAULT_SIZE, Answers
from .jobs import Jobs
from .judging import judgement_router

LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"]
READS = {"GET", "HEAD", "OPTIONS"}
WORKER_SETTINGS = "ACTORGRAPH_SERVE_SETTINGS"
MAX_UPLOAD_BYTES = 20_000_000
# Requests a worker computes at once. They hold the GIL, so more threads only share it: 32 clients
# on two workers each waited for all 16 of their worker's requests to finish together (p95 1,375 ms
# at 40 req/s); taken two at a time in arrival order, 1,084 ms at the same rate.
REQUEST_THREADS = 2
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")
VENDOR = {"cytoscape.min.js": ("cytoscape", "dist/cytoscape.min.js"),
          "swagger-ui-bundle.js": ("swagger-ui-dist", "swagger-ui-bundle.js"),
          "swagger-ui.css": ("swagger-ui-dist", "swagger-ui.css")}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def web_file(name: str) -> Path:
    return Path(str(resources.files("actorgraph.serve").joinpath("web", name)))


def vendor_file(name: str) -> Path | None:
    """A browser library installed by `npm ci` (never copied into the repository): looked up in
    $ACTORGRAPH_NODE_MODULES, then in a node_modules beside the package or the working folder."""
    package, inner = VENDOR[name]
    roots = [Path(os.environ["ACTORGRAPH_NODE_MODULES"])] if os.environ.get("ACTORGRAPH_NODE_MODULES") else []
    roots += [parent / "node_modules" for parent in Path(__file__).resolve().parents] + [Path.cwd() / "node_modules"]
    return next((root / package / inner for root in roots if (root / package / inner).is_file()), None)


def require_write(request: Request) -> None:
    """Writes need the token when one is set, and a same-origin request from a browser."""
    state = request.app.state
    if not state.writes:
        raise HTTPException(403, f"writes are disabled: the server listens on {state.host} without a token "
                                 "(restart with --token or ACTORGRAPH_TOKEN)")
    if state.token is not None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), state.token.encode()):
            raise HTTPException(401, "a valid token is required: send 'Authorization: Bearer TOKEN'",
                                headers={"WWW-Authenticate": "Bearer"})
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, f"cross-site write refused (origin {origin})")


def create_app(db: str | None = None, *, host: str = "127.0.0.1", token: str | None = None,
               max_upload_bytes: int = MAX_UPLOAD_BYTES, create: bool = True, user: str | None = None,
               shared: Path | None = None, cache_size: int = DEFAULT_SIZE) -> FastAPI:
    """The app over one database; with `create=False` a SQLite file that does not exist is refused.
    `user` signs the judgements made on the page (default: the token's name when the token is
    NAME:SECRET, else the account running the server). `shared` is the folder the processes of
    `serve --workers N` share for upload jobs and news of each other's writes (see `jobs.py`).
    `cache_size` answers are kept until the database changes (0: none; see `cache.py`)."""
    workspace = open_workspace(db, create=create)
    jobs = Jobs(workspace, shared)
    url = workspace.store.engine.url
    answers = Answers(url.database if url.get_backend_name() == "sqlite" else None, cache_size,
                      on_change=workspace.store.forget_merges)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settle()
        to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        yield
        app.state.jobs.pool.shutdown(wait=True)
        answers.close()
        workspace.close()

    app = FastAPI(title="actorgraph", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Evidence-graded knowledge graph of armed-conflict actors.")
    app.state.__dict__.update(workspace=workspace, version=__version__, token=token or None, host=host,
                              writes=bool(token) or is_loopback(host), max_upload_bytes=max_upload_bytes,
                              cytoscape=vendor_file("cytoscape.min.js"), jobs=jobs, answers=answers,
                              user=user or (token.split(":", 1)[0] if token and ":" in token else getpass.getuser()))
    if is_loopback(host):
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_NAMES, host])

    @app.middleware("http")
    async def every_request(request: Request, call_next):
        """Other workers' (and programs') writes are caught up with before, this one's announced
        after; then the headers."""
        jobs.refresh()
        answers.refresh()
        response = await call_next(request)
        if request.method not in READS and response.status_code < 400:
            jobs.wrote()
        response.headers["Content-Security-Policy"] = DOCS_CSP if request.url.path == "/docs" else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    app.include_router(router)
    app.include_router(write_router())
    app.include_router(judgement_router(require_write))

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(web_file("index.html"), media_type="text/html")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = web_file(name)
        if "/" in name or name.startswith(".") or not path.is_file():
            raise HTTPException(404, f"no static file {name!r}")
        return FileResponse(path)

    @app.get("/vendor/{name}", include_in_schema=False)
    def vendor(name: str) -> FileResponse:
        path = vendor_file(name) if name in VENDOR else None
        if path is None:
            raise HTTPException(404, f"{name} is not installed: run `npm ci` in the repository (see README)")
        return FileResponse(path)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="actorgraph API",
                                   swagger_js_url="/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/vendor/swagger-ui.css", swagger_favicon_url="")

    return app


def app_from_env() -> FastAPI:
    """The app each process of `serve --workers N` builds: uvicorn starts several workers only from an
    import string, so `serve` hands them its `create_app` arguments as JSON in $ACTORGRAPH_SERVE_SETTINGS
    (the token included: the environment of one's own processes is no more public than their memory)."""
    settings = json.loads(os.environ[WORKER_SETTINGS])
    shared = settings.pop("shared", None)
    return create_app(**settings, shared=Path(shared) if shared else None)


def write_router() -> APIRouter:
    """Uploads, their progress, and the user's corrections of actor resolution."""
    writes = APIRouter(prefix="/api")

    @writes.post("/documents", status_code=202, dependencies=[Depends(require_write)])
    async def upload(request: Request, files: list[UploadFile] = File(...), source: str | None = Form(None),
                     published: str | None = Form(None)) -> dict:
        """Upload documents (.txt .md .html .htm .jsonl); they are ingested in the background with the
        ingest rules. Follow `/api/jobs/{id}/events` (server-sent events) or poll `/api/jobs/{id}`."""
        limit = request.app.state.max_upload_bytes
        if int(request.headers.get("content-length") or 0) > limit + 1_000_000:
            raise HTTPException(413, f"upload too large: the limit is {limit} bytes")
        folder = Path(tempfile.mkdtemp(prefix="actorgraph-upload-"))
        try:
            for number, upload_file in enumerate(files):
                name = Path(upload_file.filename or "").name
                if not name or Path(name).suffix.lower() not in SUPPORTED:
                    raise HTTPException(415, f"{name or 'a file without a name'}: unsupported type; "
                                             f"send {' '.join(SUPPORTED)}")
                data = await upload_file.read(limit + 1)
                if len(data) > limit:
                    raise HTTPException(413, f"{name}: larger than the upload limit of {limit} bytes")
                (folder / f"{number:04d}").mkdir()
                (folder / f"{number:04d}" / name).write_bytes(data)
        except HTTPException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        metadata = {k: v for k, v in {"source": source, "published": published}.items() if v}
        job = request.app.state.jobs.submit(folder, metadata)
        return {"job": job.id, "status": f"/api/jobs/{job.id}", "events": f"/api/jobs/{job.id}/events"}

    @writes.get("/jobs/{job_id}")
    def job_status(request: Request, job_id: str) -> dict:
        return _job(request, job_id)[1]

    @writes.get("/jobs/{job_id}/events")
    def job_events(request: Request, job_id: str) -> StreamingResponse:
        jobs = request.app.state.jobs
        _job(request, job_id)

        async def stream():
            """Polled on the event loop: an open stream holds none of the worker's few threads."""
            seen, deadline = -1, time.monotonic() + 3600
            while time.monotonic() < deadline:
                version, state = jobs.snapshot(job_id)
                if version != seen:
                    seen = version
                    yield f"data: {json.dumps(state)}\n\n"
                    if state["state"] in {"done", "failed"}:
                        return
                await asyncio.sleep(0.1)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @writes.post("/merge", dependencies=[Depends(require_write)])
    def merge(request: Request, body: dict) -> dict:
        """`{"keep": A, "other": B}`: B is the same actor as A (names, aliases or ids)."""
        keep, other = _field(body, "keep"), _field(body, "other")
        return _correct(request, lambda ws: ws.merge(keep, other))

    @writes.post("/split", dependencies=[Depends(require_write)])
    def split(request: Request, body: dict) -> dict:
        """`{"actor": ID}`: undo a merge and keep the two actors apart from then on."""
        actor = _field(body, "actor")
        return _correct(request, lambda ws: ws.split(actor))

    return writes


def _job(request: Request, job_id: str) -> tuple[int, dict]:
    """The job's version and state, from whichever worker took the upload."""
    found = request.app.state.jobs.snapshot(job_id)
    if found is None:
        raise HTTPException(404, f"no upload job {job_id!r}")
    return found


def _field(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise HTTPException(422, f"the JSON body needs a non-empty string field {name!r}")
    return value


def _correct(request: Request, change) -> dict:
    link = answered(change, request.app.state.workspace)
    return {"actor_id": link.actor_id, "into_id": link.into_id, "origin": link.origin, "reason": link.reason}
