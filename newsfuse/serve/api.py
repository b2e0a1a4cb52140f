"""The JSON API. Stories and articles come out in the documented contract
(``newsfuse.analysis/1``, docs/schema.md): ``GET /api/stories/{id}`` and ``POST /api/articles``
answer whole analysis documents that validate against newsfuse/data/schema.json.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from newsfuse.render.contract import SCHEMA, analysis_to_dict
from newsfuse.serve import cache
from newsfuse.serve.upload import MAX_FILES, UploadRejected, analyse_and_store, clean_name, ingest_bytes

router = APIRouter(prefix="/api", tags=["api"])


# --------------------------------------------------------------------------- response models
class StorySummaryOut(BaseModel):
    id: str
    title: str
    label: str
    article_count: int
    sources: list[str]
    first_published: str | None
    last_published: str | None
    created_at: str
    updated_at: str
    claims: dict[str, int] = Field(description="claim counts by status")
    top_entities: list[dict[str, str]]
    url: str


class StoryListOut(BaseModel):
    stories: list[StorySummaryOut]
    limit: int
    offset: int
    next_offset: int | None


class SearchHitOut(BaseModel):
    kind: Literal["story", "article", "entity"]
    id: str
    title: str
    snippet: str = Field(description="plain text around the match")
    marks: list[list[int]] = Field(description="[start, end) spans of snippet that matched")
    story_id: str | None
    url: str


class SearchOut(BaseModel):
    query: str
    hits: list[SearchHitOut]


class AnalysisOut(BaseModel):
    """A ``newsfuse.analysis/1`` document (see docs/schema.md)."""

    model_config = {"extra": "allow"}
    schema_: str = Field(alias="schema")
    articles: list[dict[str, Any]]
    stories: list[dict[str, Any]]
    errors: list[dict[str, Any]]


def summary_out(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "label": s.label,
        "article_count": s.article_count,
        "sources": s.sources,
        "first_published": s.first_published,
        "last_published": s.last_published,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "claims": {"corroborated": s.corroborated, "single_source": s.single_source, "conflicting": s.conflicting},
        "top_entities": [{"id": i, "name": n} for i, n in s.top_entities],
        "url": f"/stories/{s.id}",
    }


def _json(obj: Any) -> bytes:
    """The same bytes JSONResponse would send."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def hit_url(kind: str, ref_id: str) -> str:
    return {"story": "/stories/", "article": "/articles/", "entity": "/entities/"}[kind] + ref_id


# --------------------------------------------------------------------------- reads
@router.get("/stories", response_model=StoryListOut, summary="List stories")
async def list_stories(
    request: Request,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
    order: Literal["newest", "oldest", "biggest", "updated"] = "newest",
    since: str | None = Query(None, max_length=40, description="ISO date: stories reported on or after"),
    until: str | None = Query(None, max_length=40, description="ISO date: stories reported on or before"),
    source: str | None = Query(None, max_length=300, description="only stories this outlet covered"),
    entity: str | None = Query(None, max_length=64, description="only stories mentioning this entity id"),
) -> dict[str, Any]:
    store = request.app.state.nf.store
    rows = store.list_stories(limit=limit + 1, offset=offset, order=order, since=since, until=until,
                              source=source, entity=entity)
    more = len(rows) > limit
    return {
        "stories": [summary_out(s) for s in rows[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


@router.get("/stories/{story_id}", response_model=AnalysisOut, response_model_by_alias=True,
            summary="One story with its articles, as a newsfuse.analysis/1 document")
async def get_story(request: Request, story_id: str) -> Any:
    state = request.app.state.nf
    store = state.store
    key = ("api story", story_id)
    kept = cache.story_revalidated(
        state, request.headers.get("if-none-match"), key, "api-story", story_id, "application/json"
    )
    if kept is not None:
        return kept
    page = store.story_page(story_id, None, parse=False)  # the revision comes with the row
    if page is None:
        raise HTTPException(404, "no such story")
    if page.redirect:
        return RedirectResponse(f"/api/stories/{page.summary.id}", status_code=308)
    body = _json({"schema": SCHEMA, "articles": page.articles, "stories": [page.story], "errors": []})
    state.pages.put(key, page.revision, body)
    tag = cache.etag(state.build, "api-story", page.revision)
    return Response(body, media_type="application/json", headers={"etag": tag, "cache-control": "no-cache"})


@router.get("/articles/{article_id}", summary="One article (contract article object plus story_id)")
def get_article(request: Request, article_id: str) -> Any:
    store = request.app.state.nf.store
    article = store.get_article_dict(article_id)
    if article is None:
        raise HTTPException(404, "no such article")
    article["story_id"] = store.story_of_article(article_id)
    return JSONResponse(article)


@router.get("/search", response_model=SearchOut, summary="Full-text search over stories, articles, entities")
async def search(request: Request, q: str = Query(..., max_length=500), limit: int = Query(20, ge=1, le=100)) -> Any:
    state = request.app.state.nf
    store = state.store
    key = ("api search", q, limit)
    revision = store.revision()  # read before the search: a write after it makes the next one miss
    hit = state.pages.get(key, revision)
    if hit is not None:
        return Response(hit[0], media_type="application/json")
    hits = store.search(q, limit=limit)
    body = _json({
        "query": q,
        "hits": [
            {"kind": h.kind, "id": h.id, "title": h.title, "snippet": h.snippet, "marks": [list(m) for m in h.marks],
             "story_id": h.story_id, "url": hit_url(h.kind, h.id)}
            for h in hits
        ],
    })
    state.pages.put(key, revision, body)
    return Response(body, media_type="application/json")


# --------------------------------------------------------------------------- the write
async def _request_inputs(request: Request) -> tuple[list[tuple[bytes, str]], dict[str, str], str | None]:
    """(data, name) pairs from the body or multipart files, field overrides, form token."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    overrides = {k: v for k, v in (("source", request.query_params.get("source")),
                                    ("title", request.query_params.get("title"))) if v}
    if ctype == "multipart/form-data":
        form = await request.form(max_files=MAX_FILES, max_fields=20)
        inputs: list[tuple[bytes, str]] = []
        for key, value in form.multi_items():
            if hasattr(value, "read"):
                data = await value.read()
                if data:
                    inputs.append((data, clean_name(value.filename, value.content_type)))
        text = form.get("text")
        if isinstance(text, str) and text.strip():
            inputs.append((text.encode("utf-8"), clean_name(form.get("name") if isinstance(form.get("name"), str) else None, "text/plain")))
        for k in ("source", "title"):
            v = form.get(k)
            if isinstance(v, str) and v.strip():
                overrides[k] = v
        token = form.get("token")
        return inputs, overrides, token if isinstance(token, str) else None
    if ctype not in ("text/plain", "text/markdown", "text/html", "application/xhtml+xml", "application/json",
                     "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/xml",
                     "text/xml", "application/rss+xml", "application/atom+xml", "application/gzip", ""):
        raise UploadRejected(415, f"unsupported content type: {ctype}")
    data = await request.body()
    name = clean_name(request.query_params.get("name"), ctype or "text/plain")
    return ([(data, name)] if data else []), overrides, None


def ingest_request_inputs(state: Any, inputs: list[tuple[bytes, str]], overrides: dict[str, str]):
    articles, errors = [], []
    for data, name in inputs:
        a, e = ingest_bytes(data, name, state.settings, overrides)
        articles += a
        errors += e
    unique = list({a.id: a for a in articles}.values())
    return unique, errors


@router.post("/articles", response_model=AnalysisOut, status_code=201,
             summary="Ingest text, HTML, JSON(L), RSS/Atom (raw body or multipart files) and analyse it",
             responses={401: {"description": "token required"}, 403: {"description": "writes not allowed"},
                        413: {"description": "body too large"}, 415: {"description": "unsupported type"},
                        422: {"description": "nothing usable in the input"}})
async def post_articles(request: Request) -> Any:
    from starlette.concurrency import run_in_threadpool

    state = request.app.state.nf
    state.check_write(request)  # bearer token / loopback check before reading the body
    try:
        inputs, overrides, _ = await _request_inputs(request)
    except UploadRejected as exc:
        raise HTTPException(exc.status, str(exc)) from None
    if not inputs:
        raise HTTPException(422, "empty request: send article text, HTML, JSONL or a feed")
    articles, errors = await run_in_threadpool(ingest_request_inputs, state, inputs, overrides)
    result = await run_in_threadpool(analyse_and_store, state, articles, errors)
    doc = analysis_to_dict(result.analysis)
    doc["uploaded_ids"] = result.uploaded_ids
    doc["already_stored"] = result.already_stored
    doc["story_urls"] = {s.id: f"/stories/{s.id}" for s in result.stories}
    return JSONResponse(doc, status_code=201 if result.uploaded_ids else 422)


__all__ = ["router", "summary_out", "hit_url"]
