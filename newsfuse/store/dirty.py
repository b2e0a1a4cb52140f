"""Stories waiting to be rebuilt: membership now, entities/claims/brief once, later.

An ingest batch changes which articles belong to which story. Rebuilding every touched story
(entity linking, crosscheck, brief) in every batch made long runs rebuild their big stories
over and over. Instead a batch records, in its own transaction:

- each new article's story in ``story_articles`` (a story that has never been built has no
  ``stories`` row yet, so nothing lists it, but its members are known), and
- a ``dirty_stories`` row per touched story, carrying what the rebuild needs that only the
  batch knew: near-duplicate pairs, the clusterer's title and label.

Merges move the merged story's notes (its pending ones and the near-duplicate pairs of its
stored row, which the merge deletes) onto the survivor. Saving a built story clears its row in
the same transaction. A crash therefore never loses the need to rebuild: the next run (any
engine) builds whatever is still dirty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from newsfuse.store import schema as t

CHUNK = 500


@dataclass
class PendingStories:
    """What one batch changed: new members and, per touched story, its notes."""

    members: dict[str, str] = field(default_factory=dict)  # article id -> story id
    # story id -> {"duplicate_of": {article: original}, "title": str, "label": str}
    stories: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class DirtyStory:
    """A story to rebuild: its members (stored order) and the notes batches left for it."""

    story_id: str
    member_ids: list[str]
    duplicate_of: dict[str, str]
    title: str
    label: str


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _merge_notes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """``new`` over ``old``: pairs are united, the later title and label win when given."""
    out = {
        "duplicate_of": {**dict(old.get("duplicate_of") or {}), **dict(new.get("duplicate_of") or {})},
        "title": new.get("title") or old.get("title") or "",
        "label": new.get("label") or old.get("label") or "",
    }
    return out


def _notes(conn: Connection, story_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(dict.fromkeys(story_ids))):
        for sid, data in conn.execute(
            select(t.dirty_stories.c.story_id, t.dirty_stories.c.data).where(t.dirty_stories.c.story_id.in_(chunk))
        ):
            out[sid] = json.loads(data or "{}")
    return out


def _upsert(store: Any, conn: Connection, notes: Mapping[str, Mapping[str, Any]], now: str) -> None:
    """Merge ``notes`` into the rows of those stories (creating them)."""
    if not notes:
        return
    have = _notes(conn, list(notes))
    rows = [
        {
            "story_id": sid,
            "data": json.dumps(_merge_notes(have.get(sid, {}), n), ensure_ascii=False, separators=(",", ":")),
            "marked_at": now,
        }
        for sid, n in notes.items()
    ]
    stmt = store._insert(t.dirty_stories)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[t.dirty_stories.c.story_id],
            set_={"data": stmt.excluded.data, "marked_at": stmt.excluded.marked_at},
        ),
        rows,
    )


def carry_merges(store: Any, conn: Connection, merges: Sequence[tuple[str, str]], now: str) -> None:
    """Before ``old`` is merged away: its notes and stored near-duplicate pairs go to ``new``."""
    for old, new in merges:
        if not old or not new or old == new:
            continue
        notes = _notes(conn, [old]).get(old, {})
        stored = conn.execute(select(t.stories.c.data).where(t.stories.c.id == old)).scalar()
        pairs = dict(json.loads(stored).get("duplicates") or {}) if stored else {}
        pairs.update(notes.get("duplicate_of") or {})
        _upsert(store, conn, {new: {"duplicate_of": pairs}}, now)
        conn.execute(delete(t.dirty_stories).where(t.dirty_stories.c.story_id == old))


def mark(store: Any, conn: Connection, pending: PendingStories, now: str) -> None:
    """Record new members (``story_articles``) and mark their stories dirty."""
    if pending.members:
        stmt = store._insert(t.story_articles)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.story_articles.c.article_id],
                set_={"story_id": stmt.excluded.story_id},
            ),
            [{"article_id": aid, "story_id": sid, "position": 0} for aid, sid in pending.members.items()],
        )
    notes = {sid: dict(n) for sid, n in pending.stories.items()}
    for sid in pending.members.values():
        notes.setdefault(sid, {})
    _upsert(store, conn, notes, now)


def clear(conn: Connection, story_ids: Sequence[str]) -> None:
    """These stories were just saved whole."""
    for chunk in _chunks(list(dict.fromkeys(story_ids))):
        conn.execute(delete(t.dirty_stories).where(t.dirty_stories.c.story_id.in_(chunk)))


# --------------------------------------------------------------------------- reads
def dirty_ids(store: Any) -> list[str]:
    """Every story waiting to be rebuilt, oldest mark first (ties by id)."""
    with store._read() as conn:
        return list(
            conn.execute(
                select(t.dirty_stories.c.story_id).order_by(t.dirty_stories.c.marked_at, t.dirty_stories.c.story_id)
            ).scalars()
        )


def member_ids(store: Any, story_id: str) -> list[str]:
    """The story's articles as ``story_articles`` has them (also for a never-built story)."""
    with store._read() as conn:
        return list(conn.execute(t.story_members(story_id)).scalars())


def load(store: Any, story_id: str) -> DirtyStory | None:
    """What rebuilding ``story_id`` needs; None when it is not dirty (or was merged away)."""
    with store._read() as conn:
        notes = _notes(conn, [story_id]).get(story_id)
    if notes is None:
        return None
    return DirtyStory(
        story_id=story_id,
        member_ids=member_ids(store, story_id),
        duplicate_of=dict(notes.get("duplicate_of") or {}),
        title=notes.get("title") or "",
        label=notes.get("label") or "",
    )


def drop(store: Any, story_ids: Sequence[str]) -> None:
    """Forget dirty rows that have nothing left to build (no members)."""
    with store._write() as conn:
        clear(conn, story_ids)
