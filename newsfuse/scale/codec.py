"""Rows that travel between Ray stages and land in the annotated-articles Parquet files.

Flat columns for what is filtered, sorted or clustered on (id, input order, source, published,
the embedding and the clusterer's features); the full Article and ArticleAnnotations as JSON in
the documented contract (newsfuse.render.contract), so nothing is lost and no second schema
has to be kept in step with the dataclasses.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa

from newsfuse.render.contract import (
    annotations_from_dict,
    annotations_to_dict,
    article_from_dict,
    article_to_dict,
)
from newsfuse.types import Article, ArticleAnnotations, ClusterItem, InputError

EMBED_DIM = 384

# the annotated-articles Parquet schema (one row per article, written by the last stage)
ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("shard", pa.int64()),
        ("pos", pa.int64()),
        ("path", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("published", pa.string()),
        ("language", pa.string()),
        ("url", pa.string()),
        ("text", pa.string()),
        ("repair_count", pa.int32()),
        ("article", pa.string()),  # contract.article_to_dict as JSON (text included)
        ("annotations", pa.string()),  # contract.annotations_to_dict as JSON
        ("embedding", pa.list_(pa.float32(), EMBED_DIM)),
        ("ci_title", pa.string()),  # ClusterItem.title/text when they differ from the article's
        ("ci_text", pa.string()),
        ("ci_source", pa.string()),
        ("ci_published", pa.string()),  # the clusterer's date (validated), not Article.published
        ("ci_entities", pa.list_(pa.string())),
        ("ci_numbers", pa.list_(pa.float64())),
    ]
)

ERROR_SCHEMA = pa.schema(
    [("shard", pa.int64()), ("pos", pa.int64()), ("error_path", pa.string()), ("error", pa.string()),
     ("code", pa.string())]
)

# what the embed stage hands the writer: article rows and error rows in one table
OUTPUT_SCHEMA = pa.schema(
    list(ARTICLE_SCHEMA) + [("error_path", pa.string()), ("error", pa.string()), ("code", pa.string())]
)

# columns of the rows moving between stages before the final write
STAGE_COLUMNS = ("shard", "pos", "id", "article", "annotations", "error_path", "error", "code")


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def article_row(shard: int, pos: int, article: Article) -> dict[str, Any]:
    return {
        "shard": shard, "pos": pos, "id": article.id, "article": dumps(article_to_dict(article)),
        "annotations": None, "error_path": None, "error": None, "code": None,
    }


def error_row(shard: int, pos: int, err: InputError) -> dict[str, Any]:
    return {
        "shard": shard, "pos": pos, "id": None, "article": None, "annotations": None,
        "error_path": err.path, "error": err.error, "code": err.code,
    }


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Stage rows as an Arrow table with a fixed schema (also when ``rows`` is empty)."""
    schema = pa.schema(
        [("shard", pa.int64()), ("pos", pa.int64())]
        + [(c, pa.string()) for c in STAGE_COLUMNS[2:]]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def load_article(row: dict[str, Any]) -> Article:
    return article_from_dict(json.loads(row["article"]))


def load_annotations(row: dict[str, Any]) -> ArticleAnnotations:
    return annotations_from_dict(json.loads(row["annotations"]))


def dump_annotations(notes: ArticleAnnotations) -> str:
    return dumps(annotations_to_dict(notes))


def final_row(row: dict[str, Any], article: Article, item: ClusterItem) -> dict[str, Any]:
    """One annotated-articles Parquet row from a stage row and its ClusterItem."""
    vector = np.asarray(item.embedding, dtype=np.float32).reshape(-1)
    return {
        "id": article.id,
        "shard": row["shard"],
        "pos": row["pos"],
        "path": article.path,
        "source": article.source,
        "title": article.title,
        "published": article.published,
        "language": article.language,
        "url": article.url,
        "text": article.text,
        "repair_count": len(article.repairs),
        "article": row["article"],
        "annotations": row["annotations"],
        "embedding": vector.tolist(),
        "ci_title": None if item.title == article.title else item.title,
        "ci_text": None if item.text == article.text else item.text,
        "ci_source": item.source,
        "ci_published": item.published,
        "ci_entities": list(item.entities),
        "ci_numbers": [float(x) for x in item.numbers],
    }


def final_error_row(row: dict[str, Any]) -> dict[str, Any]:
    return {"shard": row["shard"], "pos": row["pos"], "error_path": row["error_path"],
            "error": row["error"], "code": row["code"]}


def cluster_item(row: dict[str, Any]) -> ClusterItem:
    """The ClusterItem the embed stage computed, rebuilt from its Parquet row."""
    return ClusterItem(
        article_id=row["id"],
        title=row["title"] if row["ci_title"] is None else row["ci_title"],
        text=row["text"] if row["ci_text"] is None else row["ci_text"],
        source=row["ci_source"],
        published=row["ci_published"],
        embedding=np.asarray(row["embedding"], dtype=np.float32),
        entities=list(row["ci_entities"] or []),
        numbers=list(row["ci_numbers"] or []),
    )
