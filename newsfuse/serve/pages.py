"""Server-rendered pages: stories index, story, article, entity, search, upload, API docs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsfuse.serve import cache, views
from newsfuse.serve.upload import MAX_FILES, UploadRejected, analyse_and_store, clean_name

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 30
STORY_ARTICLE_LIMIT = 300  # a story page loads at most this many articles
SEARCH_LIMIT = 50


def _cached_page(request: Request, key: tuple, revision: Any, render: Any) -> Response:
    """The page for ``key`` at ``revision``: 304 when the browser has it (ETag), else from the
    page cache, else ``render()`` (bytes) kept for the next request (serve/cache.py)."""
    state = request.app.state.nf
    tag = cache.etag(state.build, key[0], revision)
    headers = {"etag": tag, "cache-control": "no-cache"}
    if cache.not_modified(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    hit = state.pages.get(key, revision)
    if hit is None:
        body = render()
        state.pages.put(key, revision, body)
    else:
        body = hit[0]
    return HTMLResponse(body, headers=headers)


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    state = request.app.state.nf
    context.setdefault("counts", None)
    context["request"] = request
    context["writes_need_token"] = state.writes_need_token()
    return state.templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/", response_class=HTMLResponse)
async def index(
    request: Request,
    order: str = Query("newest", max_length=10),
    since: str | None = Query(None, max_length=40),
    until: str | None = Query(None, max_length=40),
    source: str | None = Query(None, max_length=300),
    entity: str | None = Query(None, max_length=64),
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    state = request.app.state.nf
    store = state.store
    if order not in ("newest", "oldest", "biggest", "updated"):
        order = "newest"
    since, until, source, entity = (v or None for v in (since, until, source, entity))
    revision = store.revision()

    def render() -> bytes:
        rows = store.list_stories(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, order=order, since=since,
                                  until=until, source=source, entity=entity)
        entity_name = None
        if entity:
            got = store.get_entity(entity, limit=1)
            entity_name = got[0].name if got else entity
        return state.render(
            "index.html",
            stories=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE, page=page, order=order, since=since or "",
            until=until or "", source=source or "", entity=entity or "", entity_name=entity_name,
            sources=state.cached("sources", store.list_sources, revision),
            counts=state.cached("counts", store.counts, revision),
        )

    return _cached_page(request, ("index", order, since, until, source, entity, page), revision, render)


def _story_html(state: Any, page: Any) -> bytes:
    story, summary, articles = page.story, page.summary, page.articles
    by_id = {a.id: a for a in articles}
    labels = views.source_labels(articles)
    entities = sorted(story.get("entities", []), key=lambda e: (-(e.get("mentions") or 0), e.get("name", "")))
    return state.render(
        "story.html",
        story=story, summary=summary, articles=articles, labels=labels,
        brief=views.brief_lines(story, by_id, labels),
        claims=views.claim_views(story, by_id, labels),
        quotes=views.quote_groups(story, labels),
        coverage=views.coverage(story, articles),
        timeline=story.get("timeline", []),
        entities=entities[:40],
        duplicates=story.get("duplicates", {}),
        hidden_articles=max(0, summary.article_count - len(articles)),
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(request: Request, story_id: str) -> Response:
    """One cheap query (the story's revision) decides: 304, the cached page, or a new render."""
    state = request.app.state.nf
    store = state.store
    key = ("story", story_id)
    kept = cache.story_revalidated(
        state, request.headers.get("if-none-match"), key, "story", story_id, "text/html; charset=utf-8"
    )
    if kept is not None:
        return kept
    page = store.story_page(story_id, STORY_ARTICLE_LIMIT)
    if page is None:
        raise HTTPException(404, "There is no story with this id.")
    if page.redirect:
        return RedirectResponse(f"/stories/{page.summary.id}", status_code=301)
    return _cached_page(request, key, page.revision, lambda: _story_html(state, page))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, s: str | None = None, e: str | None = None) -> HTMLResponse:
    store = request.app.state.nf.store
    found = store.load_articles([article_id])
    if not found:
        raise HTTPException(404, "There is no article with this id.")
    article = found[0]
    highlight = views.parse_span(s, e, len(article.text))
    garbled = [(g.start, g.end) for g in article.garbled]
    story_id = store.story_of_article(article.id)
    story = store.get_story_summary(story_id) if story_id else None
    repairs = [{"kind": r.kind, "start": r.start, "end": r.end, "original": r.original,
                "replacement": r.replacement} for r in article.repairs]
    return _render(
        request, "article.html",
        article=article, story=story, highlight=highlight,
        segments=views.text_segments(article.text, highlight, garbled),
        repair_segments=views.repair_segments(article.original_text, repairs),
        repair_kinds=sorted({r.kind for r in article.repairs}),
        extra={k: v for k, v in (article.extra or {}).items() if isinstance(v, (str, int, float)) and k != "n"},
    )


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str) -> HTMLResponse:
    store = request.app.state.nf.store
    got = store.get_entity(entity_id)
    if got is None:
        raise HTTPException(404, "There is no entity with this id.")
    entity, stories = got
    aliases: dict[str, int] = {}
    for a in entity.aliases:
        aliases[a.name] = aliases.get(a.name, 0) + (a.count or 0)
    return _render(request, "entity.html", entity=entity, stories=stories,
                   aliases=sorted(aliases.items(), key=lambda kv: (-kv[1], kv[0])))


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, q: str = Query("", max_length=500)) -> Response:
    state = request.app.state.nf
    store = state.store

    def render() -> bytes:
        hits = store.search(q, limit=SEARCH_LIMIT) if q.strip() else []
        groups: dict[str, list] = {"entity": [], "story": [], "article": []}
        for h in hits:
            groups.setdefault(h.kind, []).append(h)
        return state.render("search.html", q=q, hits=hits, groups=groups)

    return _cached_page(request, ("search", q), store.revision(), render)


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request) -> HTMLResponse:
    return _render(request, "upload.html", result=None, error=None)


@router.post("/upload", response_class=HTMLResponse)
async def upload_submit(request: Request) -> HTMLResponse:
    state = request.app.state.nf
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=20)
    except Exception:  # noqa: BLE001 - malformed multipart: a user error, not a crash
        return _render(request, "upload.html", status=400, result=None, error="The form could not be read.")
    token = form.get("token")
    state.check_write(request, token if isinstance(token, str) else None)
    inputs: list[tuple[bytes, str]] = []
    try:
        for value in form.getlist("file"):
            if hasattr(value, "read"):
                data = await value.read()
                if data:
                    inputs.append((data, clean_name(value.filename, value.content_type)))
        text = form.get("text")
        if isinstance(text, str) and text.strip():
            inputs.append((text.encode("utf-8"), clean_name("pasted.txt", "text/plain")))
    except UploadRejected as exc:
        return _render(request, "upload.html", status=exc.status, result=None, error=str(exc))
    if not inputs:
        return _render(request, "upload.html", status=422, result=None,
                       error="Paste an article or choose a file first.")
    overrides = {k: form.get(k) for k in ("source", "title") if isinstance(form.get(k), str)}
    from newsfuse.serve.api import ingest_request_inputs

    articles, errors = await run_in_threadpool(ingest_request_inputs, state, inputs, overrides)
    result = await run_in_threadpool(analyse_and_store, state, articles, errors)
    return _render(request, "upload.html", status=201 if result.uploaded_ids else 422, result=result, error=None)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference, rendered from the OpenAPI document (no CDN, no scripts)."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                 "description": p.get("description", ""),
                 "type": (p.get("schema") or {}).get("type") or ", ".join(
                     str(x.get("type")) for x in (p.get("schema") or {}).get("anyOf", []))}
                for p in op.get("parameters", [])
            ]
            endpoints.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                              "description": op.get("description", ""), "params": params,
                              "responses": sorted(op.get("responses", {}).items())})
    return _render(request, "docs.html", endpoints=endpoints, info=spec.get("info", {}))


def install_error_pages(app: FastAPI) -> None:
    """HTML error pages for browsers, JSON for /api."""
    from fastapi.exception_handlers import http_exception_handler

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return await http_exception_handler(request, exc)
        return _render(request, "error.html", status=exc.status_code, status_code=exc.status_code,
                       detail=str(exc.detail))


__all__ = ["router", "install_error_pages"]
