"""The web app over a real SQLite store: pages, JSON API, security, limits."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from newsfuse.render.contract import schema as contract_schema
from newsfuse.render.contract import validate
from newsfuse.serve import create_app
from newsfuse.store import open_store
from newsfuse.types import Alias, Brief, BriefSentence, Entity, Story, StoryAssignment
from tests.store_samples import bridge_batch, make_annotations, make_article, other_batch

LOOPBACK = {"base_url": "http://127.0.0.1:8000", "client": ("127.0.0.1", 40000)}
HTML = {"accept": "text/html"}

HOSTILE_TITLE = '<script>window.pwned = "title"</script>Bridge <b>exclusive</b>'
HOSTILE_TEXT = (
    'Lindqvist council met again. <img src=x onerror="window.pwned=\'img\'"> The mayor spoke. '
    '<a href="javascript:window.pwned=\'link\'">click here</a> for more on the bridge. '
    '</textarea><script>window.pwned="body"</script> Repairs continue.'
)
HOSTILE_SOURCE = '"><svg onload="window.pwned=1">'


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def parsed_tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Elements as a browser's tokenizer sees them (escaped text yields none)."""
    collector = _TagCollector()
    collector.feed(page)
    return collector.tags


def hostile_batch():
    a = make_article(HOSTILE_SOURCE, HOSTILE_TITLE, "2031-03-06", HOSTILE_TEXT, n=2)
    a = dataclasses.replace(a, url="javascript:window.pwned='url'")
    evil = Entity(id="ent-evil", name='<script>window.pwned="entity"</script>', type="PERSON",
                  aliases=[Alias('<img src=x onerror="window.pwned=2">', a.id, 1)], article_ids=[a.id], mentions=1)
    story = Story(
        id="story-hostile",
        title='<script>window.pwned="story"</script>Council',
        label='<img src=x onerror="window.pwned=3">',
        article_ids=[a.id],
        entities=[evil],
        brief=Brief(sentences=[BriefSentence('<script>window.pwned="brief"</script> The mayor spoke.', [a.id])]),
    )
    return [a], [make_annotations(a)], story, StoryAssignment(story_of={a.id: story.id})


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "web.db") as s:
        arts, ann, story, asg = bridge_batch()
        s.save_batch(arts, ann, [story], asg, None)
        oa, oann, ostory, oasg = other_batch()
        s.save_batch(oa, oann, [ostory], oasg, None)
        ha, hann, hstory, hasg = hostile_batch()
        s.save_batch(ha, hann, [hstory], hasg, None)
        yield s


@pytest.fixture
def client(store):
    with TestClient(create_app(store=store, token=""), **LOOPBACK) as c:
        yield c


def test_index_lists_stories_with_badges_and_filters(client):
    r = client.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Lindqvist ferry bridge closed over cracks" in r.text
    assert "Record crowd at Mirelle orchard festival" in r.text
    assert "1 conflicting" in r.text and "1 corroborated" in r.text
    only = client.get("/", params={"source": "Valley Courier"}).text
    assert "Mirelle" in only and "Lindqvist ferry bridge closed" not in only
    biggest = client.get("/", params={"order": "biggest"}).text
    assert biggest.index("Lindqvist ferry bridge") < biggest.index("Mirelle orchard")
    by_entity = client.get("/", params={"entity": "ent-brandt"}).text
    assert "Lindqvist ferry bridge" in by_entity and "Mirelle orchard" not in by_entity
    assert "Oda Brandt" in by_entity


def test_story_page_has_brief_citations_passages_claims_and_quotes(client, store):
    r = client.get("/stories/story-bridge")
    assert r.status_code == 200
    page = r.text
    assert "The Lindqvist ferry bridge was closed after cracks were found." in page
    # one chip per cited outlet, each pointing at a passage on the same page
    anchors = re.findall(r'<a class="chip cite" href="#(c0-\d)"', page)
    assert len(anchors) == 2
    for anchor in anchors:
        assert f'id="{anchor}"' in page
    # conflicting numbers side by side
    assert "4 million euros" in page and "6 million euros" in page
    assert "badge-conflicting" in page and "badge-corroborated" in page
    assert "We will not take risks with people&#39;s lives" in page
    assert "Coverage by outlet" in page and "northern ferry until summer" in page
    assert 'href="/entities/ent-brandt"' in page


def test_article_page_shows_a_repaired_title_beside_the_published_one(client, store):
    from newsfuse.repair import repair_article

    a = make_article("Aceh Post", "6. 1 - magnitude quake hits <Aceh>", "2031-03-08", "A quake hit Aceh at dawn.", n=3)
    a = repair_article(a)
    story = Story(id="story-quake", title=a.title, article_ids=[a.id])
    store.save_batch([a], [make_annotations(a)], [story], StoryAssignment(story_of={a.id: story.id}), None)
    page = client.get(f"/articles/{a.id}").text
    assert "<h1>6.1 - magnitude quake hits &lt;Aceh&gt;</h1>" in page
    assert "Title as published: <del>6. 1 - magnitude quake hits &lt;Aceh&gt;</del>" in page
    assert client.get(f"/api/articles/{a.id}").json()["extra"]["original_title"] == "6. 1 - magnitude quake hits <Aceh>"


def test_article_page_shows_text_repairs_and_the_cited_passage(client, store):
    arts = store.load_articles(store.story_article_ids("story-bridge"))
    a = arts[0]
    start = a.text.index("Mayor")
    end = a.text.index("euros.") + 6
    page = client.get(f"/articles/{a.id}", params={"s": start, "e": end}).text
    assert f'<mark id="passage" class="cited">{a.text[start:end]}</mark>' in page
    assert "<del>support  beams beams</del><ins>support beams</ins>" in page
    assert client.get(f"/articles/{a.id}", params={"s": "x", "e": 10**9}).status_code == 200
    assert client.get("/articles/nope", headers=HTML).status_code == 404


def test_entity_and_search_pages(client):
    page = client.get("/entities/ent-brandt").text
    assert "Oda Brandt" in page and "Lindqvist ferry bridge closed over cracks" in page
    assert ">Brandt" in page  # an alias
    results = client.get("/search", params={"q": "Brandt"}).text
    assert 'href="/entities/ent-brandt"' in results
    assert "<mark>Brandt</mark>" in results
    assert "Mirelle" not in results
    assert client.get("/search", params={"q": '"unbalanced OR ('}).status_code == 200


def test_merged_story_ids_redirect_to_the_survivor(store, client):
    arts, ann, story, asg = bridge_batch()
    survivor = dataclasses.replace(story, id="story-bridge-2")
    store.save_batch([], [], [survivor], StoryAssignment(merges=[("story-bridge", "story-bridge-2")]), None)
    r = client.get("/stories/story-bridge", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/stories/story-bridge-2"
    r = client.get("/api/stories/story-bridge", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/api/stories/story-bridge-2"
    assert client.get("/api/stories/story-bridge").json()["stories"][0]["id"] == "story-bridge-2"


def test_api_answers_in_the_documented_schema(client, store):
    doc = client.get("/api/stories/story-bridge").json()
    validate(doc)
    assert [a["id"] for a in doc["articles"]] == store.story_article_ids("story-bridge")
    assert doc["stories"][0]["claims"][1]["status"] == "conflicting"
    import jsonschema

    article_schema = dict(contract_schema(), **{"$ref": "#/$defs/article"})
    for key in ("required", "properties", "type"):
        article_schema.pop(key, None)
    aid = doc["articles"][0]["id"]
    article = client.get(f"/api/articles/{aid}").json()
    jsonschema.validate(article, article_schema)
    assert article["story_id"] == "story-bridge"
    listing = client.get("/api/stories", params={"limit": 2}).json()
    assert len(listing["stories"]) == 2 and listing["next_offset"] == 2
    assert {"id", "title", "article_count", "sources", "claims", "url"} <= set(listing["stories"][0])
    hits = client.get("/api/search", params={"q": "crack"}).json()["hits"]
    assert hits and all(h["snippet"][s:e].lower().startswith("crack") for h in hits for s, e in h["marks"])
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/api/stories", params={"order": "random"}).status_code == 422
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/search", "/api/articles"} <= set(spec["paths"])
    assert "/api/articles" in client.get("/docs").text


@pytest.mark.parametrize("path", ["/", "/stories/story-bridge", "/api/stories", "/static/style.css", "/nope", "/docs", "/search?q=x"])
def test_every_response_carries_the_security_headers(client, path):
    r = client.get(path, headers=HTML)
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"


def test_hostile_article_text_is_rendered_inert(client, store):
    aid = store.story_article_ids("story-hostile")[0]
    pages = [
        client.get("/").text,
        client.get("/stories/story-hostile").text,
        client.get(f"/articles/{aid}").text,
        client.get("/search", params={"q": "council"}).text,
        client.get("/entities/ent-evil").text,
        client.get("/", params={"source": HOSTILE_SOURCE}).text,
    ]
    for page in pages:
        tags = parsed_tags(page)
        names = {name for name, _ in tags}
        assert not names & {"script", "img", "svg", "iframe", "object", "b"}, names
        for name, attrs in tags:
            for key, value in attrs:
                assert not key.startswith("on"), (name, key)
                if key in ("href", "src", "action"):
                    assert not (value or "").strip().lower().startswith(("javascript:", "data:")), value
    story_page = pages[1]
    assert "&lt;script&gt;window.pwned=&#34;story&#34;&lt;/script&gt;Council" in story_page
    article_page = pages[2]
    assert "&lt;img src=x onerror=" in article_page
    assert "href=\"javascript" not in article_page and "source address:" in article_page


def test_writes_need_a_token_when_one_is_set(store):
    app = create_app(store=store, token="s3cret-token")
    with TestClient(app, **LOOPBACK) as c:
        assert c.post("/api/articles", content=b"text").status_code == 401
        assert c.post("/api/articles", content=b"text", headers={"authorization": "Bearer wrong"}).status_code == 401
        # the right token passes the check; an empty body is then the problem
        r = c.post("/api/articles", content=b"", headers={"authorization": "Bearer s3cret-token"})
        assert r.status_code == 422
        assert c.post("/upload", data={"text": "x"}).status_code == 401
        assert c.get("/upload").text.count('name="token"') == 1


def test_without_a_token_writes_are_loopback_only(store):
    app = create_app(store=store, token="")
    with TestClient(app, base_url="http://testserver", client=("203.0.113.9", 5000)) as c:
        assert c.post("/api/articles", content=b"text").status_code == 403
    with TestClient(app, **LOOPBACK) as c:
        assert c.post("/api/articles", content=b"").status_code == 422  # allowed, but empty
        r = c.post("/api/articles", content=b"x", headers={"origin": "http://evil.example"})
        assert r.status_code == 403
        r = c.post("/upload", data={"text": "x"}, headers={"sec-fetch-site": "cross-site"})
        assert r.status_code == 403
        r = c.post("/upload", data={"text": "x"}, headers={"sec-fetch-site": "same-site"})
        assert r.status_code == 403  # another port on this host is another origin
        r = c.post("/upload", data={"text": ""}, headers={"sec-fetch-site": "same-origin", "origin": "null"})
        assert r.status_code == 422  # our own form: allowed (then empty)
        # DNS rebinding: same-origin for the browser, but the Host is someone else's name
        r = c.post("/api/articles", content=b"", headers={"host": "rebind.example:8000", "origin": "http://rebind.example:8000"})
        assert r.status_code == 403
        assert c.post("/api/articles", content=b"", headers={"host": "localhost:8000"}).status_code == 422
    public = create_app(store=store, token="", listen_host="0.0.0.0")
    with TestClient(public, **LOOPBACK) as c:
        assert c.post("/api/articles", content=b"").status_code == 403
        assert c.get("/").status_code == 200  # reading stays open


def test_request_bodies_are_limited(store):
    app = create_app(store=store, token="", max_body_bytes=1000)
    with TestClient(app, **LOOPBACK) as c:
        r = c.post("/api/articles", content=b"a" * 5000, headers={"content-type": "text/plain"})
        assert r.status_code == 413
        assert r.headers["content-security-policy"]

        def chunks():  # no content-length: the limit is enforced while streaming
            for _ in range(10):
                yield b"b" * 400

        r = c.post("/api/articles", content=chunks(), headers={"content-type": "text/plain"})
        assert r.status_code == 413
        assert c.get("/").status_code == 200


def test_uploads_are_validated(client):
    r = client.post("/api/articles", files={"file": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert r.status_code == 415
    r = client.post("/api/articles", content=b"\x00\x01", headers={"content-type": "application/octet-stream"})
    assert r.status_code == 415
    r = client.post("/upload", files={"file": ("payload.exe", b"MZ", "application/octet-stream")}, headers=HTML)
    assert r.status_code == 415 and "unsupported file type" in r.text


UPLOAD_TEXT = (
    "Tram line to Harrowgate opens after six years of works\n\n"
    "The new tram line between Harrowgate and the airport opened on Monday morning, six years "
    "after construction began. Transport commissioner Lena Voss said 14,000 passengers had "
    "used the line by noon. \"This is the first tram in the region since 1962,\" Voss said. "
    "Tickets cost 2 euros for a single ride and trams run every eight minutes."
)


def test_posting_an_article_runs_the_pipeline_and_stores_it(client, store):
    r = client.post("/api/articles", content=UPLOAD_TEXT.encode(), params={"source": "Tram Times", "name": "tram.txt"},
                    headers={"content-type": "text/plain"})
    assert r.status_code == 201, r.text
    doc = r.json()
    validate(doc)
    assert len(doc["uploaded_ids"]) == 1 and doc["already_stored"] == []
    (article,) = [a for a in doc["articles"] if a["id"] == doc["uploaded_ids"][0]]
    assert article["source"] == "Tram Times"
    assert article["title"].startswith("Tram line to Harrowgate")
    story_id = next(s["id"] for s in doc["stories"] if article["id"] in s["article_ids"])
    assert list(doc["story_urls"]) == [story_id]
    assert article["id"] in store.story_article_ids(story_id)
    assert "Tram line to Harrowgate" in client.get(f"/stories/{story_id}").text
    assert any(h["id"] == article["id"] for h in client.get("/api/search", params={"q": "Harrowgate"}).json()["hits"])
    # the same article again changes nothing
    before = store.counts()
    again = client.post("/api/articles", content=UPLOAD_TEXT.encode(), headers={"content-type": "text/plain"})
    assert again.status_code == 201 and store.counts() == before
    assert again.json()["already_stored"] == [article["id"]]


def test_a_citation_opens_the_closest_sentence_when_the_brief_paraphrases():
    from newsfuse.serve.views import find_passage

    a = make_article(
        "Coastal Wire", "t", "2031-03-05",
        "Authorities shut the bridge on Tuesday. Mayor Brandt put the repair bill at 6 million euros. "
        "Commuters must use the northern ferry until summer.",
        n=2,
    )
    p = find_passage("c0-0", a, "Repairs will cost 6 million euros, mayor Brandt said.", [])
    assert p.text == "Mayor Brandt put the repair bill at 6 million euros." and not p.exact
    exact = find_passage("c0-1", a, "Commuters must use the northern ferry until summer.", [])
    assert exact.exact and exact.before.endswith("euros. ")
    unrelated = find_passage("c0-2", a, "Orchard festival draws crowds.", [])
    assert unrelated.text == "Authorities shut the bridge on Tuesday." and not unrelated.exact


def test_a_multipart_jsonl_upload_keeps_good_lines_and_reports_bad_ones(client, store):
    import json

    lines = [
        json.dumps({"title": "Ferry strike ends in Lindqvist", "source": "Harbor Gazette", "published": "2031-04-02",
                    "text": "Ferry crews in Lindqvist returned to work on Wednesday after a two-day strike over "
                            "night shifts. The union said 85 percent of members backed the new rota."}),
        "{this line is not json",
        json.dumps({"title": "Lindqvist ferries sail again", "source": "Coastal Wire", "published": "2031-04-02",
                    "text": "Ferries in Lindqvist were running again on Wednesday as a two-day strike by crews "
                            "ended. Union members voted for the new rota of night shifts."}),
    ]
    body = ("\n".join(lines) + "\n").encode()
    r = client.post("/api/articles", files={"file": ("ferries.jsonl", body, "application/x-ndjson")})
    assert r.status_code == 201, r.text
    doc = r.json()
    validate(doc)
    assert len(doc["uploaded_ids"]) == 2
    assert [e["code"] for e in doc["errors"]] == ["NF010"]
    sources = {a["source"] for a in doc["articles"] if a["id"] in doc["uploaded_ids"]}
    assert sources == {"Harbor Gazette", "Coastal Wire"}
    assert store.known_ids(doc["uploaded_ids"]) == set(doc["uploaded_ids"])
