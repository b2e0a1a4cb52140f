"""The Store: articles, annotations, stories, merges, entities and search in one database.

One code path for SQLite and PostgreSQL (SQLAlchemy Core); the only dialect-specific pieces
are the insert-or-ignore/upsert constructs (same API in both dialects) and full-text search
(fts.py). Every ``save_batch`` is one transaction, and every insert in it is idempotent, so a
batch saved twice changes nothing and a process killed mid-batch leaves all or none of it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from newsfuse.render.contract import (
    annotations_from_dict,
    annotations_to_dict,
    article_from_dict,
    article_to_dict,
    story_from_dict,
    story_to_dict,
)
from newsfuse.settings import StoreSettings
from newsfuse.store import dirty, fts, migrations
from newsfuse.store import schema as t
from newsfuse.store.engine import SINGLE_READ_OPTION, WRITE_OPTION, Target, make_engine, resolve_target
from newsfuse.store.models import SearchHit, StoryPage, StorySummary
from newsfuse.types import Alias, Article, ArticleAnnotations, Entity, Story, StoryAssignment

log = logging.getLogger(__name__)

CHUNK = 500  # ids per IN (...) list: well under every driver's parameter limit
ORDERS = ("newest", "oldest", "biggest", "updated")
_MAX_MERGE_HOPS = 64
_REVISION_KEY = "newsfuse_store_revision"  # Connection.info: this write's store revision
STORY_REVISION_SHIFT = 20  # new story rows start at store revision << 20 (see _save_story)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def norm_name(name: str) -> str:
    """Lower-cased, whitespace-collapsed name: the key aliases are looked up by."""
    return " ".join((name or "").lower().split())[:300]


def _last_word(name: str) -> str:
    words = norm_name(name).split()
    return words[-1][:100] if words else ""


def _day_after(value: str) -> str | None:
    """'2031-03-04' -> '2031-03-05'; None when ``value`` is not a bare ISO date."""
    from datetime import date, timedelta

    try:
        return (date.fromisoformat(value) + timedelta(days=1)).isoformat() if len(value) == 10 else None
    except ValueError:
        return None


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in ids if i))


class Store:
    """A newsfuse store. Thread-safe; many processes may read while one writes."""

    def __init__(self, target: Target, settings: StoreSettings | None = None) -> None:
        self.settings = settings or StoreSettings()
        self.target = target
        self.dialect = target.dialect
        self.engine = make_engine(target, self.settings)
        # PostgreSQL reads run in autocommit: at READ COMMITTED every statement reads its own
        # snapshot anyway, so BEGIN/ROLLBACK around a read were two round trips for nothing
        self.read_engine = make_engine(target, self.settings, reads=True) if target.dialect == "postgresql" else self.engine
        # an in-memory SQLite database is one shared connection: serialise its users
        self._mem_lock = threading.RLock() if target.memory else None
        self._writer_thread_lock = threading.RLock()
        self._writer_depth = 0
        self.schema_version = migrations.migrate(self.engine)

    # ------------------------------------------------------------------ plumbing
    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        lock = self._mem_lock or contextlib.nullcontext()
        with lock, self.read_engine.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()

    def _scalar(self, stmt: Any, params: dict[str, Any] | None = None) -> Any:
        """One SELECT, one value: no transaction around it (a single statement reads one
        consistent snapshot anyway); the cheapest read, for the revision checks. Tried again
        once on a connection the server dropped (the read pool does not ping, engine.py)."""
        lock = self._mem_lock or contextlib.nullcontext()
        for attempt in (1, 2):
            try:
                with lock, self.read_engine.connect() as conn:
                    conn.execution_options(**{SINGLE_READ_OPTION: True})
                    try:
                        return conn.execute(stmt, params).scalar()
                    finally:
                        conn.rollback()
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        return None  # pragma: no cover - the loop returns or raises

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        lock = self._mem_lock or contextlib.nullcontext()
        with lock, self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                # first statement of every write: readers that cached something at the old
                # revision see the change with one primary-key read (revision())
                revision = conn.execute(
                    update(t.store_state).where(t.store_state.c.id == 1)
                    .values(revision=t.store_state.c.revision + 1).returning(t.store_state.c.revision)
                ).scalar()
                conn.info[_REVISION_KEY] = int(revision or 0)
                yield conn

    def _insert(self, table: Any) -> Any:
        if self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        return insert(table)

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Exclusive right to run ``load_cluster_state`` … ``save_batch`` as one ingest.

        Readers are never blocked. Two ingests at once would each extend the same cluster
        state and the second save would overwrite the first's; hold this around the whole
        ingest (SQLite: a lock file beside the database; PostgreSQL: an advisory lock).
        """
        with self._writer_thread_lock:
            self._writer_depth += 1
            try:
                if self._writer_depth > 1:  # re-entered by the same thread: already held
                    yield
                else:
                    with self._writer_lock_held():
                        yield
            finally:
                self._writer_depth -= 1

    @contextlib.contextmanager
    def _writer_lock_held(self) -> Iterator[None]:
        """The cross-process part of writer_lock."""
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": 0x6E6677})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": 0x6E6677})
                    conn.commit()
        elif self.target.path is not None:
            import fcntl

            lock_path = f"{self.target.path}.lock"  # one of Target.files
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        else:
            yield

    # ------------------------------------------------------------------ articles
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = _unique(ids)
        found: set[str] = set()
        with self._read() as conn:
            for chunk in _chunks(wanted):
                found.update(conn.execute(select(t.articles.c.id).where(t.articles.c.id.in_(chunk))).scalars())
        return found

    def load_articles(self, ids: Iterable[str]) -> list[Article]:
        """Articles in the order asked for; unknown ids are skipped."""
        wanted = _unique(ids)
        by_id: dict[str, Article] = {}
        with self._read() as conn:
            for chunk in _chunks(wanted):
                for aid, data in conn.execute(
                    select(t.articles.c.id, t.articles.c.data).where(t.articles.c.id.in_(chunk))
                ):
                    by_id[aid] = article_from_dict(json.loads(data))
        return [by_id[i] for i in wanted if i in by_id]

    def get_article_dict(self, article_id: str) -> dict[str, Any] | None:
        """The stored contract dict of one article (no dataclass round trip)."""
        with self._read() as conn:
            data = conn.execute(select(t.articles.c.data).where(t.articles.c.id == article_id)).scalar()
        return json.loads(data) if data else None

    def get_article_dicts(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """Stored contract dicts of many articles, in the order asked for (unknown ids skipped)."""
        wanted = _unique(ids)
        by_id: dict[str, dict[str, Any]] = {}
        with self._read() as conn:
            for chunk in _chunks(wanted):
                for aid, data in conn.execute(
                    select(t.articles.c.id, t.articles.c.data).where(t.articles.c.id.in_(chunk))
                ):
                    by_id[aid] = json.loads(data)
        return [by_id[i] for i in wanted if i in by_id]

    def load_annotations(self, ids: Iterable[str]) -> dict[str, ArticleAnnotations]:
        wanted = _unique(ids)
        out: dict[str, ArticleAnnotations] = {}
        with self._read() as conn:
            for chunk in _chunks(wanted):
                for aid, data in conn.execute(
                    select(t.annotations.c.article_id, t.annotations.c.data).where(
                        t.annotations.c.article_id.in_(chunk)
                    )
                ):
                    out[aid] = annotations_from_dict(json.loads(data))
        return out

    def story_of_article(self, article_id: str) -> str | None:
        with self._read() as conn:
            return conn.execute(
                select(t.story_articles.c.story_id).where(t.story_articles.c.article_id == article_id)
            ).scalar()

    # ------------------------------------------------------------------ the one write
    def save_batch(
        self,
        articles: Sequence[Article],
        annotations: Sequence[ArticleAnnotations],
        stories: Sequence[Story],
        assignment: StoryAssignment,
        cluster_state: bytes | None,
        pending: dirty.PendingStories | None = None,
    ) -> None:
        """Persist one analysed batch atomically (see the module docstring).

        ``pending``: members and notes of stories to rebuild later (store/dirty.py); a story
        saved here is whole, so its dirty mark goes in the same transaction.
        """
        now = _now()
        with self._write() as conn:
            new_ids = self._save_articles(conn, articles, now)
            self._save_annotations(conn, annotations)
            dirty.carry_merges(self, conn, assignment.merges, now)
            for old, new in assignment.merges:
                self._record_merge(conn, old, new, now)
            if pending is not None:
                dirty.mark(self, conn, pending, now)
            for story in stories:
                self._save_story(conn, story, now)
            dirty.clear(conn, [s.id for s in stories])
            self._save_entities(conn, stories, now)
            fts.index_docs(
                conn,
                (
                    fts.SearchDoc("article", a.id, assignment.story_of.get(a.id), a.title, a.text)
                    for a in articles
                    if a.id in new_ids
                ),
            )
            if cluster_state is not None:
                stmt = self._insert(t.cluster_state).values(id=1, data=cluster_state, updated_at=now)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[t.cluster_state.c.id],
                        set_={"data": stmt.excluded.data, "updated_at": stmt.excluded.updated_at},
                    )
                )

    def _save_articles(self, conn: Connection, articles: Sequence[Article], now: str) -> set[str]:
        """Insert-or-ignore; returns the ids that were not stored before."""
        ids = _unique(a.id for a in articles)
        existing: set[str] = set()
        for chunk in _chunks(ids):
            existing.update(conn.execute(select(t.articles.c.id).where(t.articles.c.id.in_(chunk))).scalars())
        rows = []
        seen: set[str] = set()
        for a in articles:
            if a.id in existing or a.id in seen:
                continue
            seen.add(a.id)
            rows.append(
                {
                    "id": a.id,
                    "path": a.path or "",
                    "source": (a.source or "")[:300],
                    "title": a.title or "",
                    "published": a.published[:40] if a.published else None,
                    "language": a.language[:20] if a.language else None,
                    "url": a.url,
                    "repair_count": len(a.repairs),
                    "added_at": now,
                    "data": _dumps(article_to_dict(a)),
                }
            )
        if rows:
            conn.execute(self._insert(t.articles).on_conflict_do_nothing(index_elements=[t.articles.c.id]), rows)
        return seen

    def _save_annotations(self, conn: Connection, annotations: Sequence[ArticleAnnotations]) -> None:
        rows = {a.article_id: _dumps(annotations_to_dict(a)) for a in annotations}
        if not rows:
            return
        stmt = self._insert(t.annotations)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=[t.annotations.c.article_id], set_={"data": stmt.excluded.data}),
            [{"article_id": k, "data": v} for k, v in rows.items()],
        )

    def _record_merge(self, conn: Connection, old: str, new: str, now: str) -> None:
        if not old or not new or old == new:
            return
        stmt = self._insert(t.story_merges).values(old_id=old, new_id=new, merged_at=now)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.story_merges.c.old_id],
                set_={"new_id": stmt.excluded.new_id, "merged_at": stmt.excluded.merged_at},
            )
        )
        # keep chains one hop long: whatever pointed at ``old`` now points at ``new``
        conn.execute(update(t.story_merges).where(t.story_merges.c.new_id == old).values(new_id=new))
        conn.execute(delete(t.story_merges).where(t.story_merges.c.old_id == new))
        conn.execute(update(t.story_articles).where(t.story_articles.c.story_id == old).values(story_id=new))
        conn.execute(delete(t.entity_stories).where(t.entity_stories.c.story_id == old))
        conn.execute(delete(t.stories).where(t.stories.c.id == old))
        fts.delete_docs(conn, "story", [old])
        fts.retarget_story(conn, old, new)

    def _save_story(self, conn: Connection, story: Story, now: str) -> None:
        sid = story.id
        conn.execute(delete(t.story_merges).where(t.story_merges.c.old_id == sid))  # it is alive
        member_ids = _unique(story.article_ids)
        present: set[str] = set()
        for chunk in _chunks(member_ids):
            present.update(conn.execute(select(t.articles.c.id).where(t.articles.c.id.in_(chunk))).scalars())
        missing = [i for i in member_ids if i not in present]
        if missing:
            log.warning("story %s lists %d article(s) not in the store; skipped", sid, len(missing))
        members = [i for i in member_ids if i in present]
        # stories that lose articles to this one get their counts refreshed below
        losers: set[str] = set()
        for chunk in _chunks(members):
            losers.update(
                conn.execute(
                    select(t.story_articles.c.story_id).where(
                        t.story_articles.c.article_id.in_(chunk), t.story_articles.c.story_id != sid
                    )
                ).scalars()
            )
        conn.execute(delete(t.story_articles).where(t.story_articles.c.story_id == sid))
        if members:
            stmt = self._insert(t.story_articles)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[t.story_articles.c.article_id],
                    set_={"story_id": stmt.excluded.story_id, "position": stmt.excluded.position},
                ),
                [{"article_id": aid, "story_id": sid, "position": n} for n, aid in enumerate(members)],
            )
            for chunk in _chunks(members):
                self._retarget_article_docs(conn, chunk, sid)
        agg = conn.execute(
            select(
                func.count(),
                func.min(t.articles.c.published),
                func.max(t.articles.c.published),
            )
            .select_from(t.story_articles.join(t.articles, t.articles.c.id == t.story_articles.c.article_id))
            .where(t.story_articles.c.story_id == sid)
        ).one()
        sources = sorted(
            s
            for s in conn.execute(
                select(t.articles.c.source)
                .distinct()
                .select_from(t.story_articles.join(t.articles, t.articles.c.id == t.story_articles.c.article_id))
                .where(t.story_articles.c.story_id == sid)
            ).scalars()
            if s
        )
        count, first_pub, last_pub = agg
        status = {"corroborated": 0, "single_source": 0, "conflicting": 0}
        for c in story.claims:
            if c.status in status:
                status[c.status] += 1
        top = sorted(story.entities, key=lambda e: (-(e.mentions or 0), e.name))[:6]
        data = story_to_dict(story)
        row = {
            "id": sid,
            "title": story.title or "",
            "label": story.label or "",
            "article_count": count,
            "source_count": len(sources),
            "sources": _dumps(sources),
            "first_published": first_pub,
            "last_published": last_pub,
            "sort_time": last_pub or now,
            "corroborated": status["corroborated"],
            "single_source": status["single_source"],
            "conflicting": status["conflicting"],
            "top_entities": _dumps([[e.id, e.name] for e in top]),
            "created_at": now,
            "updated_at": now,
            "data": _dumps(data),
            # a new row starts above every revision an earlier row under this id (merged away,
            # then re-created) can have reached, so a page cached for that one never matches
            "revision": conn.info.get(_REVISION_KEY, 0) << STORY_REVISION_SHIFT,
        }
        stmt = self._insert(t.stories).values(**row)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.stories.c.id],
                set_={**{k: getattr(stmt.excluded, k) for k in row if k not in ("id", "created_at", "revision")},
                      "revision": t.stories.c.revision + 1},
            )
        )
        for loser in losers - {sid}:
            n = conn.execute(
                select(func.count()).select_from(t.story_articles).where(t.story_articles.c.story_id == loser)
            ).scalar_one()
            conn.execute(update(t.stories).where(t.stories.c.id == loser)
                         .values(article_count=n, updated_at=now, revision=t.stories.c.revision + 1))
        # entity <-> story links are rewritten from the story's own entity list
        conn.execute(delete(t.entity_stories).where(t.entity_stories.c.story_id == sid))
        body = "\n".join(
            [story.label or ""]
            + [b.text for b in story.brief.sentences]
            + [c.text for c in story.claims]
            + [e.name for e in story.entities]
        )
        fts.index_docs(conn, [fts.SearchDoc("story", sid, sid, story.title or "", body)])

    def _retarget_article_docs(self, conn: Connection, article_ids: Sequence[str], story_id: str) -> None:
        conn.execute(
            text("UPDATE search_docs SET story_id = :s WHERE kind = 'article' AND ref_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"s": story_id, "ids": list(article_ids)},
        )

    def _save_entities(self, conn: Connection, stories: Sequence[Story], now: str) -> None:
        merged: dict[str, Entity] = {}
        links: dict[tuple[str, str], int] = {}
        for story in stories:
            for e in story.entities:
                if not e.id:
                    continue
                have = merged.setdefault(e.id, Entity(id=e.id, name=e.name, type=e.type))
                have.aliases.extend(e.aliases)
                have.name = e.name or have.name
                have.type = e.type or have.type
                key = (e.id, story.id)
                links[key] = links.get(key, 0) + int(e.mentions or 0)
        if not merged:
            return
        stmt = self._insert(t.entities)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.entities.c.id],
                set_={
                    "name": stmt.excluded.name,
                    "norm": stmt.excluded.norm,
                    "type": stmt.excluded.type,
                    "updated_at": stmt.excluded.updated_at,
                },
            ),
            [
                {"id": e.id, "name": e.name, "norm": norm_name(e.name), "type": e.type or "", "mentions": 0, "updated_at": now}
                for e in merged.values()
            ],
        )
        alias_rows: dict[tuple[str, str, str], int] = {}
        for e in merged.values():
            names = [(a.name, a.article_id or "", int(a.count or 0)) for a in e.aliases if a.name]
            names.append((e.name, "", 0))  # the canonical name is always findable
            for name, aid, count in names:
                key = (e.id, name[:300], aid)
                alias_rows[key] = max(alias_rows.get(key, 0), count)
        if alias_rows:
            stmt = self._insert(t.entity_aliases)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[t.entity_aliases.c.entity_id, t.entity_aliases.c.alias, t.entity_aliases.c.article_id],
                    set_={"count": stmt.excluded.count},
                ),
                [
                    {"entity_id": eid, "alias": name, "article_id": aid, "norm": norm_name(name), "last_word": _last_word(name), "count": n}
                    for (eid, name, aid), n in alias_rows.items()
                ],
            )
        if links:
            stmt = self._insert(t.entity_stories)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[t.entity_stories.c.entity_id, t.entity_stories.c.story_id],
                    set_={"mentions": stmt.excluded.mentions},
                ),
                [{"entity_id": eid, "story_id": sid, "mentions": n} for (eid, sid), n in links.items()],
            )
        ids = list(merged)
        for chunk in _chunks(ids):
            sums = dict(
                conn.execute(
                    select(t.entity_aliases.c.entity_id, func.sum(t.entity_aliases.c.count))
                    .where(t.entity_aliases.c.entity_id.in_(chunk))
                    .group_by(t.entity_aliases.c.entity_id)
                ).all()
            )
            for eid in chunk:
                conn.execute(update(t.entities).where(t.entities.c.id == eid).values(mentions=int(sums.get(eid) or 0)))
        docs = []
        for e in merged.values():
            aliases = conn.execute(
                select(t.entity_aliases.c.alias).distinct().where(t.entity_aliases.c.entity_id == e.id)
            ).scalars()
            docs.append(fts.SearchDoc("entity", e.id, None, e.name, " ".join(sorted(set(aliases))) + " " + (e.type or "")))
        fts.index_docs(conn, docs)

    # ------------------------------------------------------------------ cluster state
    def load_cluster_state(self) -> bytes | None:
        with self._read() as conn:
            data = conn.execute(select(t.cluster_state.c.data).where(t.cluster_state.c.id == 1)).scalar()
        return bytes(data) if data is not None else None

    # ------------------------------------------------------------------ stories
    def _resolve(self, conn: Connection, story_id: str) -> str | None:
        current = story_id
        for _ in range(_MAX_MERGE_HOPS):
            if conn.execute(select(t.stories.c.id).where(t.stories.c.id == current)).scalar():
                return current
            nxt = conn.execute(select(t.story_merges.c.new_id).where(t.story_merges.c.old_id == current)).scalar()
            if not nxt or nxt == current:
                return None
            current = nxt
        return None

    def resolve_story_id(self, story_id: str) -> str | None:
        """The id the story lives under now (merges followed); None if never stored."""
        with self._read() as conn:
            return self._resolve(conn, story_id)

    def story_article_ids(self, story_id: str) -> list[str]:
        with self._read() as conn:
            sid = self._resolve(conn, story_id)
            if sid is None:
                return []
            return list(conn.execute(t.story_members(sid)).scalars())

    def get_story_dict(self, story_id: str) -> dict[str, Any] | None:
        """The stored contract dict of a story (merges followed), without a dataclass round trip."""
        with self._read() as conn:
            sid = self._resolve(conn, story_id)
            if sid is None:
                return None
            data = conn.execute(select(t.stories.c.data).where(t.stories.c.id == sid)).scalar()
        return json.loads(data) if data else None

    def story_bundle(self, story_id: str) -> tuple[StorySummary, dict[str, Any], list[str]] | None:
        """Everything a story page needs in one read: summary, contract dict, member ids.

        Follows merges; None when the id was never stored.
        """
        with self._read() as conn:
            sid = self._resolve(conn, story_id)
            if sid is None:
                return None
            row = conn.execute(
                select(*self._summary_columns(), t.stories.c.data).where(t.stories.c.id == sid)
            ).one_or_none()
            if row is None:
                return None
            ids = list(conn.execute(t.story_members(sid)).scalars())
        return self._summary(row), json.loads(row.data), ids

    # ------------------------------------------------------------------ revisions, story page
    def revision(self) -> int:
        """The store's revision: it goes up with every write transaction (see _write)."""
        return int(self._scalar(_READS.store_revision) or 0)

    def story_revision(self, story_id: str) -> int | None:
        """The revision of the story stored under exactly this id (no merge lookup); None when
        there is no such row. It goes up whenever the story or its membership changes."""
        return self._scalar(_READS.story_revision, {"story_id": story_id})

    def story_page(self, story_id: str, article_limit: int | None = 300, *, parse: bool = True) -> StoryPage | None:
        """What a story page shows, in two reads when ``story_id`` is a live story: its row
        (summary, contract dict, revision) and its first ``article_limit`` members with their
        articles. A merged id answers the survivor's summary only (``redirect``); an unknown
        id, None. ``article_limit`` None: every member; ``parse`` False: articles as their stored
        contract dicts (the JSON API), not ``Article`` objects.
        """
        with self._read() as conn:
            row = conn.execute(_READS.story_row, {"story_id": story_id}).one_or_none()
            if row is None:
                sid = self._resolve(conn, story_id)
                if sid is None or sid == story_id:
                    return None
                return StoryPage(summary=self.get_story_summary(sid), story={}, articles=[], revision=0,
                                 redirect=True)  # type: ignore[arg-type]
            if article_limit is None:
                members = conn.execute(_READS.story_articles, {"story_id": story_id}).scalars().all()
            else:
                members = conn.execute(_READS.story_articles_limited,
                                       {"story_id": story_id, "limit": max(0, int(article_limit))}).scalars().all()
        dicts = [json.loads(d) for d in members]
        return StoryPage(summary=self._summary(row), story=json.loads(row.data),
                         articles=[article_from_dict(d) for d in dicts] if parse else dicts, revision=int(row.revision))

    def get_story(self, story_id: str) -> Story | None:
        d = self.get_story_dict(story_id)
        return story_from_dict(d) if d is not None else None

    def get_story_summary(self, story_id: str) -> StorySummary | None:
        with self._read() as conn:
            sid = self._resolve(conn, story_id)
            if sid is None:
                return None
            row = conn.execute(select(*self._summary_columns()).where(t.stories.c.id == sid)).one_or_none()
        return self._summary(row) if row is not None else None

    @staticmethod
    def _summary_columns() -> list[Any]:
        c = t.stories.c
        return [
            c.id, c.title, c.label, c.article_count, c.sources, c.first_published, c.last_published,
            c.created_at, c.updated_at, c.corroborated, c.single_source, c.conflicting, c.top_entities,
        ]

    @staticmethod
    def _summary(row: Any) -> StorySummary:
        return StorySummary(
            id=row.id,
            title=row.title,
            label=row.label,
            article_count=row.article_count,
            sources=json.loads(row.sources or "[]"),
            first_published=row.first_published,
            last_published=row.last_published,
            created_at=row.created_at,
            updated_at=row.updated_at,
            corroborated=row.corroborated,
            single_source=row.single_source,
            conflicting=row.conflicting,
            top_entities=[tuple(x) for x in json.loads(row.top_entities or "[]")],
        )

    def list_stories(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        order: str = "newest",
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        entity: str | None = None,
    ) -> list[StorySummary]:
        """Stories for the index page. ``since``/``until`` are ISO dates (inclusive)."""
        if order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}")
        c = t.stories.c
        # coalesce(): keep the planner off the article_count index for this always-true filter,
        # so "newest" walks the sort_time index and stops at ``limit`` instead of sorting all
        q = select(*self._summary_columns()).where(func.coalesce(c.article_count, 0) > 0)
        if since:
            q = q.where(c.sort_time >= since)  # sort_time is last_published, else the time stored
        if until:
            day_after = _day_after(until)  # a bare date covers its whole day
            started = func.coalesce(c.first_published, c.sort_time)
            q = q.where(started < day_after if day_after else started <= until)
        if source:
            q = q.where(
                c.id.in_(
                    select(t.story_articles.c.story_id)
                    .join(t.articles, t.articles.c.id == t.story_articles.c.article_id)
                    .where(t.articles.c.source == source)
                )
            )
        if entity:
            q = q.where(c.id.in_(select(t.entity_stories.c.story_id).where(t.entity_stories.c.entity_id == entity)))
        if order == "newest":
            q = q.order_by(c.sort_time.desc(), c.id.desc())  # each order is one index walked
        elif order == "oldest":  # one way or the other (schema.py), ties by id the same way
            q = q.order_by(c.sort_time.asc(), c.id.asc())
        elif order == "biggest":
            q = q.order_by(c.article_count.desc(), c.sort_time.desc(), c.id.desc())
        else:
            q = q.order_by(c.updated_at.desc(), c.id.desc())
        q = q.limit(max(0, min(int(limit), 1000))).offset(max(0, int(offset)))
        with self._read() as conn:
            return [self._summary(r) for r in conn.execute(q)]

    def list_sources(self, limit: int = 200) -> list[tuple[str, int]]:
        """Outlets with their article counts, most articles first (for the index filter)."""
        q = (
            select(t.articles.c.source, func.count())
            .where(t.articles.c.source != "")
            .group_by(t.articles.c.source)
            .order_by(func.count().desc(), t.articles.c.source)
            .limit(limit)
        )
        with self._read() as conn:
            return [(s, n) for s, n in conn.execute(q)]

    # ------------------------------------------------------------------ entities
    def _entities(self, conn: Connection, ids: Sequence[str]) -> list[Entity]:
        out: dict[str, Entity] = {}
        for chunk in _chunks(list(ids)):
            for row in conn.execute(select(t.entities).where(t.entities.c.id.in_(chunk))):
                out[row.id] = Entity(id=row.id, name=row.name, type=row.type, mentions=row.mentions)
            for eid, alias, aid, count in conn.execute(
                select(
                    t.entity_aliases.c.entity_id, t.entity_aliases.c.alias, t.entity_aliases.c.article_id, t.entity_aliases.c.count
                )
                .where(t.entity_aliases.c.entity_id.in_(chunk))
                .order_by(t.entity_aliases.c.entity_id, t.entity_aliases.c.alias, t.entity_aliases.c.article_id)
            ):
                e = out.get(eid)
                if e is None:
                    continue
                e.aliases.append(Alias(name=alias, article_id=aid, count=count))
                if aid and aid not in e.article_ids:
                    e.article_ids.append(aid)
        for e in out.values():
            # the canonical-name row (no article) only matters when no article uses that name
            used = {a.name for a in e.aliases if a.article_id}
            e.aliases = [a for a in e.aliases if a.article_id or a.name not in used]
        return [out[i] for i in ids if i in out]

    def known_entities(self, names: Iterable[str] | None = None) -> list[Entity]:
        """Stored entities, for linking a new batch against.

        With ``names``: the entities having an alias equal to one of them (case and spacing
        ignored) or sharing its last word ("Hegseth" finds "Pete Hegseth"); the linker decides.
        Without: every entity (fine for small stores; pass names for big ones).
        """
        with self._read() as conn:
            if names is None:
                ids = list(conn.execute(select(t.entities.c.id).order_by(t.entities.c.id)).scalars())
            else:
                norms = _unique(norm_name(n) for n in names)
                lasts = _unique(_last_word(n) for n in names)
                found: set[str] = set()
                for chunk in _chunks(norms):
                    found.update(
                        conn.execute(
                            select(t.entity_aliases.c.entity_id).where(t.entity_aliases.c.norm.in_(chunk))
                        ).scalars()
                    )
                for chunk in _chunks(lasts):
                    found.update(
                        conn.execute(
                            select(t.entity_aliases.c.entity_id).where(t.entity_aliases.c.last_word.in_(chunk))
                        ).scalars()
                    )
                ids = sorted(found)
            return self._entities(conn, ids)

    def get_entity(self, entity_id: str, *, limit: int = 200) -> tuple[Entity, list[StorySummary]] | None:
        with self._read() as conn:
            got = self._entities(conn, [entity_id])
        if not got:
            return None
        return got[0], self.list_stories(entity=entity_id, limit=limit, order="newest")

    # ------------------------------------------------------------------ search, counts
    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        with self._read() as conn:
            raw = fts.search(conn, query, limit)
        return [SearchHit(h.kind, h.ref_id, h.title, h.snippet, h.story_id, h.marks) for h in raw]

    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            return {
                "articles": conn.execute(select(func.count()).select_from(t.articles)).scalar_one(),
                "stories": conn.execute(
                    select(func.count()).select_from(t.stories).where(t.stories.c.article_count > 0)
                ).scalar_one(),
                "entities": conn.execute(select(func.count()).select_from(t.entities)).scalar_one(),
            }


def open_store(url: str | os.PathLike[str] | None = None, settings: StoreSettings | None = None) -> Store:
    """Open (and create or migrate) a store: None = the per-user default SQLite file."""
    return Store(resolve_target(url), settings)


class _HotReads:
    """The statements of the reads every page request makes, built once: building a SELECT
    and its cache key costs more CPU in SQLAlchemy than SQLite takes to run it (~0.3 ms of the
    ~1.4 ms a story page's reads took), and a built statement keeps its cache key."""

    def __init__(self) -> None:
        c, sa, a = t.stories.c, t.story_articles, t.articles
        story_id = bindparam("story_id")
        self.store_revision = select(t.store_state.c.revision).where(t.store_state.c.id == 1)
        self.story_revision = select(c.revision).where(c.id == story_id)
        self.story_row = select(*Store._summary_columns(), c.data, c.revision).where(c.id == story_id)
        self.story_articles = (
            select(a.c.data)
            .select_from(sa.join(a, a.c.id == sa.c.article_id))
            .where(sa.c.story_id == story_id)
            .order_by(sa.c.position, sa.c.article_id)
        )
        self.story_articles_limited = self.story_articles.limit(bindparam("limit"))


_READS = _HotReads()

__all__ = ["Store", "open_store", "StorySummary", "SearchHit", "norm_name", "ORDERS"]
