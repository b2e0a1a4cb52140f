"""Open a database URL as a SQLAlchemy engine with the settings newsfuse relies on.

SQLite: WAL (readers never block the writer), ``busy_timeout`` (a second writer waits instead
of failing), foreign keys on, ``synchronous=NORMAL`` (durable across a process kill; only a
power cut can lose the last commits). pysqlite's own transaction handling is switched off and
we emit ``BEGIN`` ourselves, ``BEGIN IMMEDIATE`` for writes, so a writer takes the write lock
up front instead of failing half-way on a lock upgrade.
PostgreSQL: psycopg 3, pooled, READ COMMITTED.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from newsfuse.settings import StoreSettings, default_db_path

WRITE_OPTION = "newsfuse_write"
SINGLE_READ_OPTION = "newsfuse_single_read"  # SQLite: no BEGIN for a lone SELECT


@dataclass
class Target:
    url: str  # SQLAlchemy URL
    dialect: str  # "sqlite" | "postgresql"
    path: Path | None = None  # SQLite file, None for memory / PostgreSQL
    memory: bool = False

    @property
    def files(self) -> list[str]:
        """What a SQLite store keeps on disk (the database, its WAL, shared-memory and rollback
        files, the writer lock); none for memory or PostgreSQL. An ingest never reads these as
        articles, even when the store sits inside the folder it reads."""
        if self.path is None or self.memory:
            return []
        base = os.path.abspath(os.fspath(self.path))
        return [base + suffix for suffix in ("", "-wal", "-shm", "-journal", ".lock")]


def resolve_target(url: str | os.PathLike[str] | None) -> Target:
    """Turn what the user gave (nothing, a path, a URL) into a concrete database target."""
    if url is None:
        path = default_db_path()
        return Target(f"sqlite+pysqlite:///{path}", "sqlite", path=path)
    if isinstance(url, os.PathLike):
        url = os.fspath(url)
    url = str(url)
    if url in (":memory:", "sqlite://", "sqlite:///:memory:"):
        return Target("sqlite+pysqlite://", "sqlite", memory=True)
    if url.startswith(("postgresql://", "postgres://")):
        rest = url.split("://", 1)[1]
        return Target(f"postgresql+psycopg://{rest}", "postgresql")
    if url.startswith("postgresql+"):
        return Target(url, "postgresql")
    if url.startswith("sqlite"):
        path_part = url.split(":///", 1)[1] if ":///" in url else ""
        if not path_part or path_part == ":memory:":
            return Target("sqlite+pysqlite://", "sqlite", memory=True)
        path = Path(path_part)
        return Target(f"sqlite+pysqlite:///{path}", "sqlite", path=path)
    if "://" in url:
        raise ValueError(f"unsupported database URL (use a path, sqlite:/// or postgresql://): {url.split('://')[0]}://…")
    path = Path(url).expanduser()
    return Target(f"sqlite+pysqlite:///{path}", "sqlite", path=path)


def make_engine(target: Target, settings: StoreSettings, reads: bool = False) -> Engine:
    """``reads``: PostgreSQL only, a second pool in autocommit for Store._read (no BEGIN and
    ROLLBACK round trips around each read; READ COMMITTED gives a statement no more anyway)."""
    if target.dialect == "postgresql":
        return create_engine(
            target.url,
            pool_size=10,
            max_overflow=30,
            # writes ping a pooled connection before using it (a transaction should not fail
            # half-way on a connection the server dropped); the read pool does not: the ping
            # was a round trip and ~0.4 ms of client CPU before every page's reads (the web
            # app's main cost on PostgreSQL, docs/web.md). A read on a dropped connection
            # fails once, and invalidates the pool, so the next read reconnects (Store._scalar
            # retries by itself).
            pool_pre_ping=not reads,
            pool_timeout=max(1.0, settings.busy_timeout_ms / 1000),
            **({"isolation_level": "AUTOCOMMIT"} if reads else {}),
        )
    if target.memory:
        engine = create_engine(
            target.url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        assert target.path is not None
        target.path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            target.url,
            pool_size=8,
            max_overflow=40,
            pool_timeout=max(1.0, settings.busy_timeout_ms / 1000),
            connect_args={
                "check_same_thread": False,
                "timeout": max(0.1, settings.busy_timeout_ms / 1000),
            },
        )
    busy_ms = int(settings.busy_timeout_ms)
    memory = target.memory

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        dbapi_conn.isolation_level = None  # we send BEGIN ourselves (see module docstring)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        options = conn.get_execution_options()
        if options.get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(SINGLE_READ_OPTION):  # one SELECT is consistent without BEGIN
            conn.exec_driver_sql("BEGIN")

    return engine
