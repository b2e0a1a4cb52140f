"""Versioned schema: a ``schema_version`` table and forward-only migrations.

Each migration runs in its own transaction and records its number, so a crash mid-way leaves
the previous version intact and the next open finishes the job. Concurrent openers are
serialised (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: an advisory transaction lock), and the
version is re-read under that lock, so two processes never apply the same step twice.
To change the schema, append a function to ``MIGRATIONS``; never edit a released one.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.engine import Connection

from newsfuse.store import fts, schema

_LOCK_KEY = 0x6E6577  # PostgreSQL advisory lock id for schema changes ("new")


def _v1_initial(conn: Connection) -> None:
    """Articles, annotations, stories, merges, cluster state, entities and search."""
    for table in schema.metadata.sorted_tables:
        table.create(conn, checkfirst=True)
    fts.create(conn)


def _v2_dirty_stories(conn: Connection) -> None:
    """Stories waiting to be rebuilt (each is built once per run, not once per batch)."""
    schema.dirty_stories.create(conn, checkfirst=True)


_MEMBER_TRIGGERS_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS story_articles_rev_ins AFTER INSERT ON story_articles BEGIN"
    " UPDATE stories SET revision = revision + 1 WHERE id = NEW.story_id; END",
    "CREATE TRIGGER IF NOT EXISTS story_articles_rev_del AFTER DELETE ON story_articles BEGIN"
    " UPDATE stories SET revision = revision + 1 WHERE id = OLD.story_id; END",
    "CREATE TRIGGER IF NOT EXISTS story_articles_rev_upd AFTER UPDATE ON story_articles BEGIN"
    " UPDATE stories SET revision = revision + 1 WHERE id IN (OLD.story_id, NEW.story_id); END",
]
_MEMBER_TRIGGER_PG = [
    "CREATE OR REPLACE FUNCTION newsfuse_story_members_changed() RETURNS trigger AS $$"
    " BEGIN"
    "  IF TG_OP <> 'INSERT' THEN UPDATE stories SET revision = revision + 1 WHERE id = OLD.story_id; END IF;"
    "  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.story_id IS DISTINCT FROM OLD.story_id) THEN"
    "   UPDATE stories SET revision = revision + 1 WHERE id = NEW.story_id; END IF;"
    "  RETURN NULL;"
    " END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS story_articles_rev ON story_articles",
    "CREATE TRIGGER story_articles_rev AFTER INSERT OR UPDATE OR DELETE ON story_articles"
    " FOR EACH ROW EXECUTE FUNCTION newsfuse_story_members_changed()",
]


def _v3_revisions(conn: Connection) -> None:
    """Revisions for page caches, and index-page indexes that end in the id tie-break.

    ``stories.revision`` goes up whenever the row is saved (Store._save_story) or any of its
    ``story_articles`` rows is inserted, moved or deleted (database triggers, so every writer is
    covered, store/dirty.py's included); ``store_state.revision`` goes up with every write
    transaction. The web app keys cached pages on them (newsfuse/serve/cache.py).
    """
    columns = {c["name"] for c in inspect(conn).get_columns("stories")}
    if "revision" not in columns:
        conn.exec_driver_sql("ALTER TABLE stories ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
    schema.store_state.create(conn, checkfirst=True)
    if conn.execute(select(schema.store_state.c.id).where(schema.store_state.c.id == 1)).first() is None:
        conn.execute(schema.store_state.insert().values(id=1, revision=0))
    for stmt in _MEMBER_TRIGGERS_SQLITE if conn.dialect.name == "sqlite" else _MEMBER_TRIGGER_PG:
        conn.exec_driver_sql(stmt)
    for name in ("ix_stories_sort_time", "ix_stories_article_count", "ix_stories_updated_at"):
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    for index in schema.stories.indexes:
        index.create(conn, checkfirst=True)


def _v4_big_revisions(conn: Connection) -> None:
    """Revisions as 64-bit integers: a new story row starts at the store revision << 20."""
    if conn.dialect.name == "postgresql":  # SQLite integers are 64-bit already
        conn.exec_driver_sql("ALTER TABLE stories ALTER COLUMN revision TYPE BIGINT")
        conn.exec_driver_sql("ALTER TABLE store_state ALTER COLUMN revision TYPE BIGINT")


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema", _v1_initial),
    (2, "dirty stories", _v2_dirty_stories),
    (3, "story and store revisions for page caches; index-page indexes", _v3_revisions),
    (4, "64-bit revisions", _v4_big_revisions),
]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    schema.schema_version.create(conn, checkfirst=True)
    return conn.execute(select(func.coalesce(func.max(schema.schema_version.c.version), 0))).scalar_one()


def migrate(engine: Engine) -> int:
    """Bring the database up to ``LATEST``; returns the version it is at afterwards."""
    with engine.connect() as conn:
        # cheap check without the write lock: the usual case is "already current"
        if conn.dialect.name == "sqlite":
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
            ).first()
        else:
            exists = conn.exec_driver_sql("SELECT to_regclass('schema_version')").scalar()
        if exists:
            version = conn.execute(
                select(func.coalesce(func.max(schema.schema_version.c.version), 0))
            ).scalar_one()
            if version >= LATEST:
                conn.rollback()
                return version
        conn.rollback()
    for number, description, step in MIGRATIONS:
        with engine.connect().execution_options(newsfuse_write=True) as conn:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
                if current_version(conn) >= number:
                    continue
                step(conn)
                conn.execute(
                    schema.schema_version.insert().values(
                        version=number,
                        applied_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        description=description,
                    )
                )
    with engine.connect() as conn:
        return current_version(conn)
