"""The FastAPI application: server-rendered pages and the JSON API over one store.

``create_app`` wires the store, the templates, the static files and the defences
(security.py). Page routes live in pages.py, API routes in api.py; both read the store through
the same ``Store`` object, and uploads run the same pipeline as the CLI
(``newsfuse.pipeline.analyze_articles``), so the web app adds no analysis of its own.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from newsfuse.serve import cache, security, views
from newsfuse.settings import Settings

HERE = Path(__file__).resolve().parent
DEFAULT_MAX_BODY = 10_000_000


class AppState:
    """What every route needs: the store, settings, the write policy and the templates."""

    def __init__(self, store: Any, settings: Settings, token: str | None, listen_host: str | None,
                 max_body_bytes: int, page_cache_bytes: int = cache.DEFAULT_MAX_BYTES) -> None:
        self.store = store
        self.settings = settings
        self.token = token or None
        self.listen_host = listen_host
        self.max_body_bytes = max_body_bytes
        self.ingest_lock = threading.Lock()  # one upload analysed at a time per process
        self._cache: dict[str, tuple[Any, Any]] = {}
        self.pages = cache.PageCache(page_cache_bytes)  # rendered pages by revision (cache.py)
        self.build = cache.build_id(HERE / "templates")
        env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(enabled_extensions=("html",), default=True),
            trim_blocks=True,
            auto_reload=False,  # templates ship with the package: no stat() per render
            lstrip_blocks=True,
        )
        env.filters["safe_url"] = security.safe_http_url
        env.filters["day"] = lambda v: (v or "")[:10]
        env.globals["snippet_parts"] = views.snippet_parts
        env.globals["status_label"] = {
            "corroborated": "corroborated",
            "single_source": "single source",
            "conflicting": "conflicting",
        }
        self.templates = Jinja2Templates(env=env)

    def cached(self, key: str, compute: Callable[[], Any], revision: Any) -> Any:
        """``compute()`` remembered while the store stays at ``revision`` (``Store.revision()``):
        store-wide aggregates (counts, outlet list) scan whole tables."""
        hit = self._cache.get(key)
        if hit is not None and hit[0] == revision:
            return hit[1]
        value = compute()
        self._cache[key] = (revision, value)
        return value

    def render(self, name: str, **context: Any) -> bytes:
        """A template rendered to bytes (for pages kept in ``self.pages``)."""
        context.setdefault("counts", None)
        context["writes_need_token"] = self.writes_need_token()
        return self.templates.env.get_template(name).render(context).encode("utf-8")

    def writes_need_token(self) -> bool:
        return self.token is not None or not security.is_loopback_host(self.listen_host or "127.0.0.1")

    def check_write(self, request: Request, form_token: str | None = None) -> None:
        """Raise 401/403 unless this request may write (see security.py)."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        if security.cross_site(headers, headers.get("host")):
            raise HTTPException(403, "cross-site write refused")
        if self.token is not None:
            given = security.bearer(headers.get("authorization")) or form_token
            if not security.token_matches(self.token, given):
                raise HTTPException(
                    401, "a token is required: send Authorization: Bearer <NEWSFUSE_TOKEN>",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            return
        if self.listen_host is not None and not security.is_loopback_host(self.listen_host):
            raise HTTPException(403, "writes are disabled: the server listens beyond loopback without NEWSFUSE_TOKEN")
        server = request.scope.get("server") or ("", 0)
        client = request.client.host if request.client else ""
        if not (security.is_loopback_host(server[0]) and security.is_loopback_host(client)):
            raise HTTPException(403, "writes without a token are accepted from loopback only; set NEWSFUSE_TOKEN")
        # DNS rebinding: a web page whose name now resolves to 127.0.0.1 is "same-origin" with
        # itself, but its Host header still carries its own name
        if not security.is_loopback_host(security.host_name(headers.get("host", ""))):
            raise HTTPException(403, "writes without a token need a loopback Host (127.0.0.1, localhost, [::1])")


def create_app(
    store_url: str | os.PathLike[str] | None = None,
    *,
    token: str | None = None,
    settings: Settings | None = None,
    store: Any = None,
    listen_host: str | None = None,
    max_body_bytes: int | None = None,
    page_cache_bytes: int = cache.DEFAULT_MAX_BYTES,
) -> FastAPI:
    """The web app over the store at ``store_url`` (None: the per-user default store).

    ``token``: required on write endpoints when given (default $NEWSFUSE_TOKEN). Without a token,
    writes are accepted only over loopback. ``listen_host``: the address the server binds (run()
    passes it); beyond loopback without a token, writes are refused outright. ``store``: an
    already open Store (tests, embedding); the app then does not close it.
    ``page_cache_bytes``: rendered pages kept per process, keyed by revision (serve/cache.py;
    0 turns the cache off).
    """
    from newsfuse.store import open_store

    settings = settings or Settings()
    token = token if token is not None else (os.environ.get("NEWSFUSE_TOKEN") or None)
    own_store = store is None
    if store is None:
        store = open_store(store_url, settings.store)
    limit = max_body_bytes or min(settings.ingest.max_input_bytes, DEFAULT_MAX_BODY)
    state = AppState(store, settings, token, listen_host, limit, page_cache_bytes)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if own_store:
                store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="newsfuse",
        version="1",
        summary="Cross-checked, cited news stories: pages and a JSON API over the newsfuse store.",
        docs_url=None,  # /docs is rendered by pages.py from openapi.json: no CDN scripts
        redoc_url=None,
    )
    app.state.nf = state

    from newsfuse.serve import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    pages.install_error_pages(app)
    app.add_middleware(security.SecurityHeaders)
    app.add_middleware(security.BodyLimit, max_bytes=limit)

    return app


def run(host: str = "127.0.0.1", port: int = 8000, db: str | os.PathLike[str] | None = None,
        token: str | None = None, reload: bool = False, workers: int = 1) -> None:
    """Serve with uvicorn. Beyond loopback without a token the app starts read-only.

    ``workers`` > 1 (or ``reload``) starts uvicorn with the ``app_from_env`` factory, which
    reads its settings from NEWSFUSE_SERVE_DB / NEWSFUSE_SERVE_HOST / NEWSFUSE_TOKEN.
    """
    import sys

    import uvicorn

    token = token if token is not None else (os.environ.get("NEWSFUSE_TOKEN") or None)
    if not security.is_loopback_host(host) and not token:
        print(
            f"newsfuse serve: listening on {host} without NEWSFUSE_TOKEN: uploads are disabled "
            "(set NEWSFUSE_TOKEN or --token to enable them)",
            file=sys.stderr,
        )
    if reload or workers > 1:
        os.environ["NEWSFUSE_SERVE_DB"] = os.fspath(db) if db is not None else ""
        os.environ["NEWSFUSE_SERVE_HOST"] = host
        if token:
            os.environ["NEWSFUSE_TOKEN"] = token
        uvicorn.run("newsfuse.serve.app:app_from_env", factory=True, host=host, port=port, reload=reload,
                    workers=None if reload else workers, reload_dirs=[str(HERE)] if reload else None,
                    server_header=False, log_level="warning")
        return
    app = create_app(db, token=token, listen_host=host)
    uvicorn.run(app, host=host, port=port, proxy_headers=False, server_header=False)


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory newsfuse.serve.app:app_from_env`` (several workers).

    NEWSFUSE_SERVE_DB: the store (empty: the default store); NEWSFUSE_SERVE_HOST: the address
    uvicorn binds (decides the loopback write policy); NEWSFUSE_TOKEN: the write token.
    """
    db = os.environ.get("NEWSFUSE_SERVE_DB") or None
    return create_app(db, listen_host=os.environ.get("NEWSFUSE_SERVE_HOST") or None)
