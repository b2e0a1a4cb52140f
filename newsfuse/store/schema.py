"""The store's tables (SQLAlchemy Core), one definition for SQLite and PostgreSQL.

Rows keep the few columns the pages filter and sort on; the full objects live beside them as
JSON in the documented contract (newsfuse.render.contract), so a story page is one row read.
The full-text index is not here: it differs per database (see fts.py).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Select,
    String,
    Table,
    Text,
    select,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(40), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(64), primary_key=True),  # content hash: re-ingest never duplicates
    Column("path", Text, nullable=False, server_default=""),
    Column("source", String(300), nullable=False, server_default=""),
    Column("title", Text, nullable=False, server_default=""),
    Column("published", String(40)),  # ISO 8601; string order == time order
    Column("language", String(20)),
    Column("url", Text),
    Column("repair_count", Integer, nullable=False, server_default="0"),
    Column("added_at", String(40), nullable=False),
    Column("data", Text, nullable=False),  # contract.article_to_dict as JSON
)
Index("ix_articles_source", articles.c.source)
Index("ix_articles_published", articles.c.published)

annotations = Table(
    "annotations",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("data", Text, nullable=False),  # contract.annotations_to_dict as JSON
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text, nullable=False, server_default=""),
    Column("label", Text, nullable=False, server_default=""),
    Column("article_count", Integer, nullable=False, server_default="0"),
    Column("source_count", Integer, nullable=False, server_default="0"),
    Column("sources", Text, nullable=False, server_default="[]"),  # JSON list of outlets
    Column("first_published", String(40)),
    Column("last_published", String(40)),
    # sort key for "newest": last_published, else the time it was stored
    Column("sort_time", String(40), nullable=False),
    Column("corroborated", Integer, nullable=False, server_default="0"),
    Column("single_source", Integer, nullable=False, server_default="0"),
    Column("conflicting", Integer, nullable=False, server_default="0"),
    Column("top_entities", Text, nullable=False, server_default="[]"),  # JSON [[id, name], ...]
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("data", Text, nullable=False),  # contract.story_to_dict as JSON
    # bumped by every change to the row or to its members (story_articles triggers, see
    # migrations._v3_revisions): a story page rendered at revision N is current while it is N
    Column("revision", BigInteger, nullable=False, server_default="0"),
)
# the index page's orders, each walked in index order and stopped at the page (ties by id;
# article_count rides along so the "has articles" filter needs no table read for skipped rows)
Index("ix_stories_time_id", stories.c.sort_time, stories.c.id, stories.c.article_count)
Index("ix_stories_size_time_id", stories.c.article_count, stories.c.sort_time, stories.c.id)
Index("ix_stories_updated_id", stories.c.updated_at, stories.c.id, stories.c.article_count)
Index("ix_stories_first_published", stories.c.first_published)

# one story per article; the clusterer may move an article, the row follows it
story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", String(64), nullable=False),
    Column("position", Integer, nullable=False, server_default="0"),
)
Index("ix_story_articles_story", story_articles.c.story_id, story_articles.c.position)

# old story id -> the story that absorbed it (flattened: always one hop)
story_merges = Table(
    "story_merges",
    metadata,
    Column("old_id", String(64), primary_key=True),
    Column("new_id", String(64), nullable=False),
    Column("merged_at", String(40), nullable=False),
)
Index("ix_story_merges_new", story_merges.c.new_id)

# one row (id 1): ``revision`` goes up with every write transaction (Store._write), so a reader
# can tell with one primary-key read whether anything changed since it cached a page
store_state = Table(
    "store_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("revision", BigInteger, nullable=False, server_default="0"),
)

cluster_state = Table(
    "cluster_state",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("data", LargeBinary, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("norm", String(300), nullable=False),
    Column("type", String(40), nullable=False, server_default=""),
    Column("mentions", Integer, nullable=False, server_default="0"),
    Column("updated_at", String(40), nullable=False),
)
Index("ix_entities_norm", entities.c.norm)

# (entity, spelling, article) with its count: idempotent to re-save, sums to entity mentions
entity_aliases = Table(
    "entity_aliases",
    metadata,
    Column("entity_id", String(64), ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Column("alias", String(300), primary_key=True),
    Column("article_id", String(64), primary_key=True),
    Column("norm", String(300), nullable=False),
    Column("last_word", String(100), nullable=False),
    Column("count", Integer, nullable=False, server_default="0"),
)
Index("ix_entity_aliases_norm", entity_aliases.c.norm)
Index("ix_entity_aliases_last_word", entity_aliases.c.last_word)

entity_stories = Table(
    "entity_stories",
    metadata,
    Column("entity_id", String(64), ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", String(64), primary_key=True),
    Column("mentions", Integer, nullable=False, server_default="0"),
)
Index("ix_entity_stories_story", entity_stories.c.story_id)

# stories whose members changed but whose entities, claims and brief are not rebuilt yet
# (newsfuse.store.dirty): written in the same transaction as the articles that changed them
dirty_stories = Table(
    "dirty_stories",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("data", Text, nullable=False, server_default="{}"),  # JSON: duplicate_of, title, label
    Column("marked_at", String(40), nullable=False),
)

__all__ = [
    "metadata",
    "schema_version",
    "articles",
    "annotations",
    "stories",
    "story_articles",
    "story_merges",
    "cluster_state",
    "store_state",
    "entities",
    "entity_aliases",
    "entity_stories",
    "dirty_stories",
]


def story_members(story_id: str) -> Select:
    """The articles of one story in their story order (position, then id)."""
    return (
        select(story_articles.c.article_id)
        .where(story_articles.c.story_id == story_id)
        .order_by(story_articles.c.position, story_articles.c.article_id)
    )
