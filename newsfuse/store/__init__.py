"""Persistence: SQLite (WAL) by default, PostgreSQL for a team, one code path.

    from newsfuse.store import open_store
    with open_store() as store:          # the per-user default SQLite file
        store.list_stories(limit=10)

See core.Store for the API, schema.py for the tables, migrations.py for schema versions and
fts.py for full-text search.
"""

from newsfuse.store.core import ORDERS, Store, norm_name, open_store
from newsfuse.store.models import SearchHit, StorySummary

__all__ = ["Store", "open_store", "StorySummary", "SearchHit", "norm_name", "ORDERS"]
