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

from sqlalchemy import Engine, func, select, text
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


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema", _v1_initial),
    (2, "dirty stories", _v2_dirty_stories),
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
