"""Cached pages are never stale: a change made by another process (here: another Store on the
same SQLite file, as the CLI ingest would be) shows on the next request; ETags revalidate."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsfuse.serve import create_app
from newsfuse.store import open_store
from tests.store_samples import bridge_batch, other_batch

LOOPBACK = {"base_url": "http://127.0.0.1:8000", "client": ("127.0.0.1", 40000)}
HTML = {"accept": "text/html"}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cache.db"
    with open_store(path) as s:
        arts, ann, story, asg = bridge_batch()
        s.save_batch(arts, ann, [story], asg, None)
        oa, oann, ostory, oasg = other_batch()
        s.save_batch(oa, oann, [ostory], oasg, None)
    return path


@pytest.fixture
def client(db):
    with TestClient(create_app(db, token=""), **LOOPBACK) as c:
        yield c


def other_process(db: Path, code: str) -> None:
    """Run ``code`` with ``store`` open on ``db`` in a separate Python process."""
    script = "import dataclasses\nfrom newsfuse.store import open_store\nfrom newsfuse.types import Story, StoryAssignment\n" \
             "from tests.store_samples import *\n" \
             f"with open_store({str(db)!r}) as store:\n" + textwrap.indent(textwrap.dedent(code), "    ")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)


def test_a_story_updated_by_another_process_is_rendered_again(client, db):
    app_state = client.app.state.nf
    first = client.get("/stories/story-bridge", headers=HTML)
    assert first.status_code == 200 and "Lindqvist ferry bridge closed over cracks" in first.text
    hits = app_state.pages.hits
    again = client.get("/stories/story-bridge", headers=HTML)
    assert again.text == first.text and app_state.pages.hits == hits + 1  # served from the cache

    other_process(db, """
        arts, ann, story, asg = bridge_batch()
        store.save_batch([], [], [dataclasses.replace(story, title="Bridge reopens after repairs")], asg, None)
    """)
    fresh = client.get("/stories/story-bridge", headers=HTML)
    assert "Bridge reopens after repairs" in fresh.text
    assert "Lindqvist ferry bridge closed over cracks" not in fresh.text
    # the JSON document follows the same revision
    assert client.get("/api/stories/story-bridge").json()["stories"][0]["title"] == "Bridge reopens after repairs"


def test_an_article_taken_by_another_story_leaves_the_cached_page(client, db):
    arts, *_ = bridge_batch()
    assert client.get("/stories/story-bridge", headers=HTML).text.count(f"/articles/{arts[1].id}") >= 1
    client.get("/stories/story-bridge", headers=HTML)  # cached now
    other_process(db, f"""
        store.save_batch([], [], [Story(id="story-split", title="Split off", article_ids=[{arts[1].id!r}])],
                         StoryAssignment(story_of={{{arts[1].id!r}: "story-split"}}), None)
    """)
    page = client.get("/stories/story-bridge", headers=HTML).text
    assert f"/articles/{arts[1].id}" not in page and f"/articles/{arts[0].id}" in page
    assert "Story · 1 article from" in page


def test_merged_story_redirects_even_after_its_page_was_cached(client, db):
    client.get("/stories/story-bridge", headers=HTML)
    other_process(db, """
        arts, ann, story, asg = bridge_batch()
        store.save_batch([], [], [dataclasses.replace(story, id="story-final")],
                         StoryAssignment(story_of={a.id: "story-final" for a in arts},
                                         merges=[("story-bridge", "story-final")]), None)
    """)
    r = client.get("/stories/story-bridge", headers=HTML, follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/stories/story-final"


def test_etag_answers_304_until_the_story_changes(client, db):
    r = client.get("/stories/story-bridge", headers=HTML)
    tag = r.headers["etag"]
    assert r.headers["cache-control"] == "no-cache"
    same = client.get("/stories/story-bridge", headers={**HTML, "if-none-match": tag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == tag
    assert "content-security-policy" in same.headers
    assert client.get("/stories/story-bridge", headers={**HTML, "if-none-match": '"other"'}).status_code == 200
    other_process(db, """
        arts, ann, story, asg = bridge_batch()
        store.save_batch([], [], [dataclasses.replace(story, label="new label")], asg, None)
    """)
    changed = client.get("/stories/story-bridge", headers={**HTML, "if-none-match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag and "new label" in changed.text


def test_search_and_index_see_new_articles_at_once(client, db):
    assert "Quillon" not in client.get("/search?q=Quillon", headers=HTML).text.split("</header>", 2)[-1]
    assert client.get("/api/search?q=Quillon").json()["hits"] == []
    index_before = client.get("/", headers=HTML).text
    assert "Quillon" not in index_before
    client.get("/", headers=HTML)  # cached
    other_process(db, """
        a = make_article("Hill Post", "Quillon pass reopens", "2031-06-01",
                         "The Quillon mountain pass reopened on Monday after snow clearing.", n=2)
        store.save_batch([a], [make_annotations(a)], [Story(id="story-quillon", title="Quillon pass reopens", article_ids=[a.id])],
                         StoryAssignment(story_of={a.id: "story-quillon"}), None)
    """)
    page = client.get("/search?q=Quillon", headers=HTML).text
    assert "/stories/story-quillon" in page
    assert [h["kind"] for h in client.get("/api/search?q=Quillon").json()["hits"]]
    assert "/stories/story-quillon" in client.get("/", headers=HTML).text


def test_the_cache_is_bounded_and_can_be_off(db):
    with TestClient(create_app(db, token="", page_cache_bytes=0), **LOOPBACK) as c:
        a = c.get("/stories/story-bridge", headers=HTML)
        b = c.get("/stories/story-bridge", headers=HTML)
        assert a.text == b.text and len(c.app.state.nf.pages) == 0
    with TestClient(create_app(db, token="", page_cache_bytes=60_000), **LOOPBACK) as c:
        for path in ("/stories/story-bridge", "/stories/story-orchard", "/", "/search?q=bridge", "/search?q=orchard"):
            assert c.get(path, headers=HTML).status_code == 200
        pages = c.app.state.nf.pages
        assert 0 < pages.size_bytes <= 60_000
