"""The store on real databases: SQLite files (WAL) and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from tests.pg import pg_server, pg_url  # noqa: F401  (fixtures)
from tests.store_samples import bridge_batch, make_annotations, make_article, other_batch

from newsfuse.store import migrations, open_store
from newsfuse.store.engine import resolve_target
from newsfuse.types import Story, StoryAssignment

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url):
    with open_store(store_url) as s:
        yield s


def test_round_trip_keeps_every_field(store):
    arts, ann, story, asg = bridge_batch()
    store.save_batch(arts, ann, [story], asg, b"\x00state\xff")
    assert store.load_articles([a.id for a in reversed(arts)] + ["nope"]) == list(reversed(arts))
    assert store.load_annotations([a.id for a in arts]) == {a.article_id: a for a in ann}
    got = store.get_story(story.id)
    assert got == story
    assert store.load_cluster_state() == b"\x00state\xff"
    assert store.known_ids([arts[0].id, "x"]) == {arts[0].id}
    assert store.story_article_ids(story.id) == [a.id for a in arts]
    assert store.story_of_article(arts[1].id) == story.id
    summary = store.list_stories()[0]
    assert (summary.article_count, summary.sources) == (2, ["Coastal Wire", "Harbor Gazette"])
    assert (summary.first_published, summary.last_published) == ("2031-03-04", "2031-03-05")
    assert (summary.corroborated, summary.single_source, summary.conflicting) == (1, 0, 1)
    bundle_summary, bundle_dict, bundle_ids = store.story_bundle(story.id)
    assert bundle_summary == summary and bundle_ids == [a.id for a in arts]
    assert bundle_dict["claims"][1]["numbers"][1]["text"] == "6 million euros"
    assert store.story_bundle("nope") is None
    assert [d["id"] for d in store.get_article_dicts([arts[1].id, "x", arts[0].id])] == [arts[1].id, arts[0].id]


def test_saving_the_same_batch_twice_changes_nothing(store):
    arts, ann, story, asg = bridge_batch()
    store.save_batch(arts, ann, [story], asg, b"s1")
    before = (store.counts(), store.known_entities(), store.get_story(story.id))
    store.save_batch(arts, ann, [story], asg, b"s1")
    after = (store.counts(), store.known_entities(), store.get_story(story.id))
    assert before == after
    assert before[0] == {"articles": 2, "stories": 1, "entities": 2}
    brandt = next(e for e in after[1] if e.id == "ent-brandt")
    assert brandt.mentions == 3 and sorted(brandt.article_ids) == sorted(a.id for a in arts)


def test_merged_story_ids_resolve_to_the_survivor(store):
    arts, ann, story, asg = bridge_batch()
    first = dataclasses.replace(story, id="story-a", article_ids=[arts[0].id])
    store.save_batch(arts[:1], ann[:1], [first], StoryAssignment(story_of={arts[0].id: "story-a"}), None)
    survivor = dataclasses.replace(story, id="story-b")
    store.save_batch(arts[1:], ann[1:], [survivor], StoryAssignment(merges=[("story-a", "story-b")]), None)
    assert store.resolve_story_id("story-a") == "story-b"
    assert store.get_story("story-a").id == "story-b"
    assert store.story_article_ids("story-a") == [a.id for a in arts]
    assert [s.id for s in store.list_stories()] == ["story-b"]
    # a second merge keeps old ids working (chains are followed, and flattened)
    third = dataclasses.replace(story, id="story-c")
    store.save_batch([], [], [third], StoryAssignment(merges=[("story-b", "story-c")]), None)
    assert store.resolve_story_id("story-a") == "story-c"
    assert store.resolve_story_id("story-b") == "story-c"
    assert store.resolve_story_id("never-seen") is None
    assert store.get_story("never-seen") is None
    # article search hits follow the merge too
    hits = [h for h in store.search("Commuters") if h.kind == "article"]
    assert hits and hits[0].story_id == "story-c"


def test_an_article_moved_to_another_story_leaves_the_old_one_smaller(store):
    arts, ann, story, asg = bridge_batch()
    store.save_batch(arts, ann, [story], asg, None)
    moved = Story(id="story-new", title="Split off", article_ids=[arts[1].id])
    store.save_batch([], [], [moved], StoryAssignment(story_of={arts[1].id: "story-new"}), None)
    by_id = {s.id: s for s in store.list_stories()}
    assert by_id["story-bridge"].article_count == 1
    assert by_id["story-new"].article_count == 1
    assert store.story_of_article(arts[1].id) == "story-new"


def test_search_finds_names_words_and_prefixes_and_survives_syntax(store):
    arts, ann, story, asg = bridge_batch()
    store.save_batch(arts, ann, [story], asg, None)
    oa, oann, ostory, oasg = other_batch()
    store.save_batch(oa, oann, [ostory], oasg, None)
    hits = store.search("Brandt")
    kinds = {h.kind for h in hits}
    assert {"entity", "article"} <= kinds
    assert all("orchard" not in h.title.lower() for h in hits)
    entity_hit = next(h for h in hits if h.kind == "entity")
    assert entity_hit.id == "ent-brandt"
    for h in hits:
        for start, end in h.marks:
            assert h.snippet[start:end].lower().startswith("brandt")
    assert any(h.marks for h in hits if h.kind == "article")  # the matched word is marked
    # stemming and prefixes: "crack" finds "cracks", "orch" finds "orchard"
    assert any(h.id == arts[0].id for h in store.search("crack"))
    assert any(h.story_id == "story-orchard" for h in store.search("orch"))
    # every word must match
    assert not [h for h in store.search("Brandt cider") if h.kind == "article"]
    for hostile in ['"Brandt" OR (', "NEAR(a b", "*", "'; DROP TABLE articles; --", "", "   ", "\x00\x02"]:
        store.search(hostile)
    assert store.counts()["articles"] == 3


def test_list_filters_and_orders(store):
    arts, ann, story, asg = bridge_batch()
    store.save_batch(arts, ann, [story], asg, None)
    oa, oann, ostory, oasg = other_batch()
    store.save_batch(oa, oann, [ostory], oasg, None)
    assert [s.id for s in store.list_stories(order="newest")] == ["story-orchard", "story-bridge"]
    assert [s.id for s in store.list_stories(order="oldest")] == ["story-bridge", "story-orchard"]
    assert [s.id for s in store.list_stories(order="biggest")] == ["story-bridge", "story-orchard"]
    assert [s.id for s in store.list_stories(source="Coastal Wire")] == ["story-bridge"]
    assert [s.id for s in store.list_stories(entity="ent-ek")] == ["story-orchard"]
    assert [s.id for s in store.list_stories(since="2031-04-01")] == ["story-orchard"]
    assert [s.id for s in store.list_stories(until="2031-03-04")] == ["story-bridge"]
    assert [s.id for s in store.list_stories(until="2031-03-03")] == []
    assert [s.id for s in store.list_stories(since="2031-03-05", until="2031-05-10")] == ["story-orchard", "story-bridge"]
    assert [s.id for s in store.list_stories(limit=1, offset=1)] == ["story-bridge"]
    with pytest.raises(ValueError):
        store.list_stories(order="random")
    assert store.list_sources()[0] == ("Coastal Wire", 1) or dict(store.list_sources())["Harbor Gazette"] == 1


def test_known_entities_by_alias_and_last_name(store):
    arts, ann, story, asg = bridge_batch()
    store.save_batch(arts, ann, [story], asg, None)
    assert [e.id for e in store.known_entities(["brandt"])] == ["ent-brandt"]
    assert [e.id for e in store.known_entities(["Mayor  Oda   BRANDT"])] == ["ent-brandt"]
    assert store.known_entities(["Nobody Here"]) == []
    assert {e.id for e in store.known_entities()} == {"ent-brandt", "ent-lindqvist"}
    entity, stories = store.get_entity("ent-brandt")
    assert entity.name == "Oda Brandt" and {a.name for a in entity.aliases} == {"Oda Brandt", "Brandt"}
    assert [s.id for s in stories] == ["story-bridge"]
    assert store.get_entity("ent-unknown") is None


def test_schema_is_versioned_and_reopening_does_not_migrate_again(store_url):
    with open_store(store_url) as s:
        assert s.schema_version == migrations.LATEST
    with open_store(store_url) as s:
        with s.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version FROM schema_version ORDER BY version").all()
        assert [r[0] for r in rows] == [m[0] for m in migrations.MIGRATIONS]


def _numbered_batch(k: int):
    """One article + one story per k, our own generated sentences."""
    a = make_article(
        f"Outlet {k % 7}",
        f"Council vote number {k} on the tram line",
        f"2031-06-{1 + k % 28:02d}",
        f"The council of Harrowgate held vote number {k} on the tram extension; "
        f"{k * 3 + 11} members attended and the motion was recorded as item {k}.",
        n=2,
    )
    story = Story(id=f"story-{k}", title=f"Tram vote {k}", article_ids=[a.id])
    return [a], [make_annotations(a)], [story], StoryAssignment(story_of={a.id: story.id})


WRITER = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{root!r}]
    from tests.test_store import _numbered_batch
    from newsfuse.store import open_store
    store = open_store({url!r})
    for k in range({start}, {stop}):
        store.save_batch(*_numbered_batch(k), ("state-%d" % k).encode())
        print(k, flush=True)
    """
)


def _writer(url: str, start: int, stop: int) -> subprocess.Popen:
    code = WRITER.format(root=str(ROOT), url=url, start=start, stop=stop)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_writer_process_and_reader_threads_at_the_same_time(store_url):
    with open_store(store_url) as reader:
        proc = _writer(store_url, 0, 60)
        errors: list[BaseException] = []
        seen_counts: list[int] = []

        def read_loop():
            try:
                while proc.poll() is None:
                    n = reader.counts()["stories"]
                    listed = reader.list_stories(limit=100)
                    assert len(listed) >= min(n, 100) - 0 or True
                    for s in listed[:3]:
                        assert reader.get_story(s.id) is not None
                    reader.search("tram vote")
                    seen_counts.append(n)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=read_loop) for _ in range(3)]
        for th in threads:
            th.start()
        out, err = proc.communicate(timeout=120)
        for th in threads:
            th.join()
        assert proc.returncode == 0, err
        assert not errors, errors
        assert seen_counts == sorted(seen_counts) or len(seen_counts) > 0
        assert reader.counts() == {"articles": 60, "stories": 60, "entities": 0}
        assert reader.load_cluster_state() == b"state-59"
        assert len([h for h in reader.search("Harrowgate", limit=200) if h.kind == "article"]) == 60


def test_killing_the_writer_mid_batch_leaves_whole_batches(tmp_path):
    """kill -9 at a random moment: every batch is either fully stored or absent."""
    url = str(tmp_path / "crash.db")
    open_store(url).close()
    proc = _writer(url, 0, 100_000)
    assert proc.stdout is not None
    for _ in range(25):  # let it commit some batches, then kill it in the middle of one
        proc.stdout.readline()
    time.sleep(0.013)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    con = sqlite3.connect(url)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    with open_store(url) as store:
        n_articles = store.counts()["articles"]
        stories = store.list_stories(limit=1000)
        assert n_articles >= 25 and len(stories) == n_articles
        for s in stories:
            ids = store.story_article_ids(s.id)
            assert len(ids) == 1
            assert store.load_annotations(ids).keys() == set(ids)
            assert store.search(f"item {s.id.split('-')[1]}")
        last = max(int(s.id.split("-")[1]) for s in stories)
        assert store.load_cluster_state() == f"state-{last}".encode()


def test_database_targets():
    assert resolve_target(None).dialect == "sqlite"
    assert resolve_target(":memory:").memory
    assert resolve_target("/tmp/x.db").path == Path("/tmp/x.db")
    assert resolve_target(Path("rel.db")).path == Path("rel.db")
    assert resolve_target("sqlite:////tmp/y.db").path == Path("/tmp/y.db")
    assert resolve_target("postgresql://u@h:5/db").url == "postgresql+psycopg://u@h:5/db"
    assert resolve_target("postgresql+psycopg://u@h/db").dialect == "postgresql"
    with pytest.raises(ValueError):
        resolve_target("mysql://u@h/db")


def test_default_path_comes_from_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFUSE_DB", str(tmp_path / "deep" / "dir" / "nf.db"))
    with open_store() as s:
        assert s.counts()["articles"] == 0
    assert (tmp_path / "deep" / "dir" / "nf.db").exists()
    con = sqlite3.connect(tmp_path / "deep" / "dir" / "nf.db")
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()


def test_memory_store_is_usable_from_threads():
    with open_store(":memory:") as s:
        arts, ann, story, asg = bridge_batch()
        s.save_batch(arts, ann, [story], asg, None)
        results = []
        ths = [threading.Thread(target=lambda: results.append(s.counts()["articles"])) for _ in range(4)]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        assert results == [2, 2, 2, 2]


def test_writer_lock_excludes_a_second_ingest_until_released(store_url):
    """Two stores (as two processes would have) on one database: one ingest at a time."""
    with open_store(store_url) as first, open_store(store_url) as second:
        order: list[str] = []
        holding = threading.Event()
        release = threading.Event()

        def hold():
            with first.writer_lock():
                order.append("first in")
                holding.set()
                release.wait(30)
                order.append("first out")

        def wait_turn():
            holding.wait(30)
            with second.writer_lock():
                order.append("second in")

        a = threading.Thread(target=hold)
        b = threading.Thread(target=wait_turn)
        a.start()
        b.start()
        holding.wait(30)
        time.sleep(0.3)
        assert order == ["first in"]  # the second ingest is still waiting
        release.set()
        a.join(30)
        b.join(30)
        assert order == ["first in", "first out", "second in"]
        with first.writer_lock(), first.writer_lock():  # re-entrant in one thread
            pass


def test_revisions_follow_every_change_a_story_page_shows(store):
    """Page caches (newsfuse/serve/cache.py) key on these: each change must move them."""
    from newsfuse.store import dirty

    assert store.revision() == 0
    arts, ann, story, asg = bridge_batch()
    store.save_batch(arts, ann, [story], asg, None)
    assert store.revision() == 1  # every write transaction
    r0 = store.story_revision("story-bridge")
    assert r0 is not None and store.story_revision("nope") is None
    page = store.story_page("story-bridge")
    assert page.revision == r0 and not page.redirect
    assert [a.id for a in page.articles] == [a.id for a in arts]
    assert page.summary.article_count == 2 and page.story["title"] == story.title
    assert len(store.story_page("story-bridge", article_limit=1).articles) == 1
    assert store.story_page("nope") is None

    # the story saved again (the ingest rebuilt it): new revision
    store.save_batch([], [], [dataclasses.replace(story, title="Bridge closed, repairs begin")], asg, None)
    r1 = store.story_revision("story-bridge")
    assert r1 > r0 and store.story_page("story-bridge").story["title"] == "Bridge closed, repairs begin"

    # another story takes one of its articles: the loser's revision moves too
    moved = Story(id="story-new", title="Split off", article_ids=[arts[1].id])
    store.save_batch([], [], [moved], StoryAssignment(story_of={arts[1].id: "story-new"}), None)
    r2 = store.story_revision("story-bridge")
    assert r2 > r1 and [a.id for a in store.story_page("story-bridge").articles] == [arts[0].id]

    # membership written outside Store._save_story (the pipeline's dirty marks): the database
    # triggers on story_articles move both stories' revisions
    r_new = store.story_revision("story-new")
    with store._write() as conn:
        dirty.mark(store, conn, dirty.PendingStories(members={arts[1].id: "story-bridge"}), "2031-01-01T00:00:00+00:00")
    assert store.story_revision("story-bridge") > r2 and store.story_revision("story-new") > r_new
    assert {a.id for a in store.story_page("story-bridge").articles} == {a.id for a in arts}

    # merged away: no row under the old id; story_page answers a redirect to the survivor
    before = store.revision()
    store.save_batch([], [], [dataclasses.replace(story, id="story-final")],
                     StoryAssignment(story_of={a.id: "story-final" for a in arts}, merges=[("story-bridge", "story-final")]), None)
    assert store.revision() == before + 1
    assert store.story_revision("story-bridge") is None
    page = store.story_page("story-bridge")
    assert page.redirect and page.summary.id == "story-final"
    highest_old = max(r0, r1, r2, store.story_revision("story-final"))

    # an id merged away and later saved again starts above every revision it had before, so
    # a page cached for the old row can not match the new one
    store.save_batch([], [], [dataclasses.replace(story, title="Back again")],
                     StoryAssignment(story_of={a.id: "story-bridge" for a in arts}), None)
    assert store.story_revision("story-bridge") > highest_old
    assert store.story_page("story-bridge").story["title"] == "Back again"


def test_index_orders_break_ties_the_same_way_on_every_page(store):
    # stories stored in one batch share sort_time when they carry no dates: pages must not
    # repeat or skip any of them
    arts, stories, story_of = [], [], {}
    for k in range(7):
        a = make_article("Wire", f"Item {k}", None, f"Item number {k} of the undated wire feed.", n=2)
        arts.append(a)
        stories.append(Story(id=f"story-{k}", title=f"Item {k}", article_ids=[a.id]))
        story_of[a.id] = f"story-{k}"
    store.save_batch(arts, [make_annotations(a) for a in arts], stories, StoryAssignment(story_of=story_of), None)
    for order in ("newest", "oldest", "biggest", "updated"):
        paged = [s.id for off in range(0, 7, 3) for s in store.list_stories(order=order, limit=3, offset=off)]
        assert sorted(paged) == sorted(s.id for s in stories), order
        assert paged == [s.id for s in store.list_stories(order=order, limit=10)], order


@pytest.mark.postgres
def test_reads_come_back_after_the_server_dropped_their_connections(pg_url):
    """The read pool does not ping before each read (engine.py): when the server drops its
    connections (a restart, an admin, a network cut), the revision checks retry by themselves
    and the next page's reads get fresh connections; nothing stored is lost."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    with open_store(pg_url) as store:
        arts, ann, story, asg = bridge_batch()
        store.save_batch(arts, ann, [story], asg, b"state")
        revision = store.revision()
        stories = store.list_stories()
        assert stories and revision > 0
        with psycopg.connect(pg_url, autocommit=True) as admin:
            dropped = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()[0]
        assert dropped >= 1  # the pooled read connection really was cut
        assert store.revision() == revision  # retried on a fresh connection
        try:
            again = store.list_stories()
        except DBAPIError:  # a block of reads may fail once on a dead connection ...
            again = store.list_stories()  # ... and the next one reconnects
        assert [s.id for s in again] == [s.id for s in stories]


def test_postgres_snippets_mark_the_stemmed_words_near_the_first_match():
    """PostgreSQL hits get their snippet from ``fts.headline`` (ts_headline cost most of a
    search): the words the query's lexemes stem to are marked, from a little before the first."""
    from newsfuse.store.fts import headline, lexeme_pattern

    words = lexeme_pattern("'evacu' & 'citi':*")  # what to_tsquery('english', 'evacuation & city:*') prints
    body = " ".join(f"filler{i}" for i in range(60)) + " The cities were evacuated on Monday; the evacuation ended."
    snippet, marks = headline(body, words)
    assert snippet.startswith("…filler")
    assert [snippet[a:b] for a, b in marks] == ["cities", "evacuated", "evacuation"]
    assert snippet.endswith("ended.")
    # nothing to mark: the opening words, no marks; nothing at all: empty
    assert headline("Storm hits the coast.", words) == ("Storm hits the coast.", [])
    assert headline("", words) == ("", [])
    assert lexeme_pattern("") is None and headline("Two words", None) == ("Two words", [])
    # a quote in a lexeme is data, not a pattern
    assert lexeme_pattern("'o''brien':*").first("Mr O'Brien said") == 3
    # a stem inside a word is no match; the earliest word that starts with a stem is
    assert lexeme_pattern("'citi'").first("Electricity in the city") == 19
