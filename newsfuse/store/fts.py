"""Full-text search behind one interface: SQLite FTS5 or PostgreSQL tsvector + GIN.

The two databases differ here and only here. Each searchable thing (a story, an article, an
entity) is one document ``(kind, ref_id, story_id, title, body)`` in ``search_docs``; SQLite
mirrors it into an FTS5 table keyed by the same rowid, PostgreSQL keeps a generated
``tsvector`` column with a GIN index. User queries never reach either query language raw: they
are cut into word tokens first, so a query can not be a syntax error or an injection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection

# markers around matched words in snippets; stripped from indexed text so text can't fake them
MARK_START = "\x02"
MARK_END = "\x03"
_MARKERS = str.maketrans("", "", MARK_START + MARK_END)
_TOKEN = re.compile(r"\w{1,60}")
MAX_QUERY_TOKENS = 12
MAX_BODY_CHARS = 200_000
HEADLINE_CHARS = 2_000  # PostgreSQL: the part of a hit's body its snippet is cut from


@dataclass
class SearchDoc:
    kind: str  # "story" | "article" | "entity"
    ref_id: str
    story_id: str | None
    title: str
    body: str


@dataclass
class RawHit:
    kind: str
    ref_id: str
    story_id: str | None
    title: str
    snippet: str  # plain text
    marks: list[tuple[int, int]] = field(default_factory=list)  # spans of snippet to highlight


def query_tokens(query: str) -> list[str]:
    """Word tokens of a user query (at most 12), lower-cased; everything else is dropped."""
    return [t.lower() for t in _TOKEN.findall(query or "")][:MAX_QUERY_TOKENS]


def create(conn: Connection) -> None:
    """Create the search tables for this database (called by the first migration)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS search_docs ("
            " rowid INTEGER PRIMARY KEY,"
            " kind TEXT NOT NULL, ref_id TEXT NOT NULL, story_id TEXT, title TEXT NOT NULL,"
            " UNIQUE (kind, ref_id))"
        )
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
            " title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    else:
        conn.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS search_docs ("
            " id BIGSERIAL PRIMARY KEY,"
            " kind TEXT NOT NULL, ref_id TEXT NOT NULL, story_id TEXT,"
            " title TEXT NOT NULL, body TEXT NOT NULL,"
            " tsv tsvector GENERATED ALWAYS AS ("
            "   setweight(to_tsvector('english', title), 'A') ||"
            "   setweight(to_tsvector('english', body), 'B')) STORED,"
            " UNIQUE (kind, ref_id))"
        )
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_search_docs_tsv ON search_docs USING GIN (tsv)"
        )
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_search_docs_story ON search_docs (story_id)")


def _clean(s: str, limit: int) -> str:
    return (s or "")[:limit].translate(_MARKERS).replace("\x00", "")


def index_docs(conn: Connection, docs: Iterable[SearchDoc]) -> None:
    """Insert or replace documents (same kind and ref_id replaces), inside the caller's transaction."""
    sqlite = conn.dialect.name == "sqlite"
    for d in docs:
        title = _clean(d.title, 2_000)
        body = _clean(d.body, MAX_BODY_CHARS)
        params = {"kind": d.kind, "ref_id": d.ref_id, "story_id": d.story_id, "title": title, "body": body}
        if sqlite:
            rowid = conn.execute(
                text(
                    "INSERT INTO search_docs (kind, ref_id, story_id, title) VALUES (:kind, :ref_id, :story_id, :title)"
                    " ON CONFLICT (kind, ref_id) DO UPDATE SET story_id = excluded.story_id, title = excluded.title"
                    " RETURNING rowid"
                ),
                params,
            ).scalar_one()
            conn.execute(text("DELETE FROM search_fts WHERE rowid = :r"), {"r": rowid})
            conn.execute(
                text("INSERT INTO search_fts (rowid, title, body) VALUES (:r, :title, :body)"),
                {"r": rowid, "title": title, "body": body},
            )
        else:
            conn.execute(
                text(
                    "INSERT INTO search_docs (kind, ref_id, story_id, title, body)"
                    " VALUES (:kind, :ref_id, :story_id, :title, :body)"
                    " ON CONFLICT (kind, ref_id) DO UPDATE SET story_id = excluded.story_id,"
                    " title = excluded.title, body = excluded.body"
                ),
                params,
            )


def delete_docs(conn: Connection, kind: str, ref_ids: Iterable[str]) -> None:
    for ref_id in ref_ids:
        if conn.dialect.name == "sqlite":
            rowid = conn.execute(
                text("DELETE FROM search_docs WHERE kind = :k AND ref_id = :r RETURNING rowid"),
                {"k": kind, "r": ref_id},
            ).scalar()
            if rowid is not None:
                conn.execute(text("DELETE FROM search_fts WHERE rowid = :r"), {"r": rowid})
        else:
            conn.execute(text("DELETE FROM search_docs WHERE kind = :k AND ref_id = :r"), {"k": kind, "r": ref_id})


def retarget_story(conn: Connection, old_story_id: str, new_story_id: str) -> None:
    """Point documents of a merged story's articles at the surviving story."""
    conn.execute(
        text("UPDATE search_docs SET story_id = :new WHERE story_id = :old AND kind <> 'story'"),
        {"new": new_story_id, "old": old_story_id},
    )


def _split_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Text with MARK_START/MARK_END around matches -> (plain text, [start, end) spans)."""
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    pos = 0
    for i, piece in enumerate(marked.split(MARK_START)):
        if i == 0:
            inside, after = "", piece
        else:
            inside, _, after = piece.partition(MARK_END)
            if MARK_END not in piece:  # an unclosed mark: keep the text, mark nothing
                inside, after = "", piece
        inside = inside.replace(MARK_END, "")
        after = after.replace(MARK_END, "")
        if inside:
            marks.append((pos, pos + len(inside)))
            out.append(inside)
            pos += len(inside)
        out.append(after)
        pos += len(after)
    return "".join(out), marks


_LEXEME = re.compile(r"'((?:[^']|'')+)'")
SNIPPET_CHARS = 200  # about the 24 words FTS5's snippet() gives SQLite hits
SNIPPET_LEAD_CHARS = 60  # kept before the first marked word


@dataclass
class QueryWords:
    """The words a PostgreSQL tsquery matches, for marking snippets: each lexeme is a stem
    (``evacu``, ``citi``), and a word matches when it starts with the stem (a stem's trailing
    ``i`` may be the word's ``y``). Close to the english configuration, and cheap: this runs
    for every hit of every uncached PostgreSQL search."""

    probes: list[tuple[str, bool]]  # (stem without a trailing "i", whether an "i"/"y" must follow)
    pattern: re.Pattern[str]

    def first(self, body: str) -> int:
        """Where the first matching word starts in ``body`` (-1: none). Plain ``str.find``
        over the lower-cased text (measured: about half the time of the regex over 2,000
        characters); the regex runs on the short snippet only."""
        lower = body.lower()
        best = -1
        for probe, iy in self.probes:
            at = lower.find(probe)
            while at != -1 and (best == -1 or at < best):
                starts_word = at == 0 or not (lower[at - 1].isalnum() or lower[at - 1] == "_")
                if starts_word and (not iy or lower[at + len(probe) : at + len(probe) + 1] in ("i", "y")):
                    best = at
                    break
                at = lower.find(probe, at + 1)
        return best


def lexeme_pattern(tsquery_text: str) -> QueryWords | None:
    """QueryWords of a tsquery as PostgreSQL prints it (``'evacu' & 'citi':*``); None when it
    holds no lexeme (a query of stop words)."""
    stems = sorted({lex.replace("''", "'").lower() for lex in _LEXEME.findall(tsquery_text or "")}, key=len, reverse=True)
    if not stems:
        return None
    probes = [(st[:-1], True) if st.endswith("i") and len(st) > 1 else (st, False) for st in stems]
    alternatives = [re.escape(probe) + ("[iy]" if iy else "") for probe, iy in probes]
    return QueryWords(probes, re.compile(r"\b(?:" + "|".join(alternatives) + r")\w*", re.I))


def headline(body: str, words: QueryWords | None) -> tuple[str, list[tuple[int, int]]]:
    """About SNIPPET_CHARS of ``body`` from a little before its first matching word, cut at
    spaces, and the spans of the matching words in it; the opening when nothing matches."""
    pos = max(words.first(body), 0) if words is not None else 0
    start = 0
    if pos > SNIPPET_LEAD_CHARS:
        start = body.find(" ", pos - SNIPPET_LEAD_CHARS, pos) + 1  # 0 (no space) keeps the word whole
        start = start or pos
    end = start + SNIPPET_CHARS
    if end >= len(body):
        end = len(body)
    else:
        cut = body.rfind(" ", max(pos, start) + 1, end)
        end = cut if cut > 0 else end
    snippet = ("…" if start > 0 else "") + " ".join(body[start:end].split()) + ("…" if end < len(body) else "")
    marks = [(m.start(), m.end()) for m in words.pattern.finditer(snippet)] if words is not None else []
    return snippet, marks


def search(conn: Connection, query: str, limit: int = 20) -> list[RawHit]:
    """Best documents for ``query`` (all words must match; the last one as a prefix)."""
    tokens = query_tokens(query)
    if not tokens:
        return []
    limit = max(1, min(int(limit), 200))
    if conn.dialect.name == "sqlite":
        return _search_sqlite(conn, tokens, limit)
    return _search_postgres(conn, tokens, limit)


def _search_sqlite(conn: Connection, tokens: list[str], limit: int) -> list[RawHit]:
    match = " ".join(f'"{t}"' for t in tokens[:-1]) + f' "{tokens[-1]}"*'
    # rank first, then cut snippets for the top ``limit`` only: in one SELECT, SQLite
    # computes snippet() (which re-tokenizes the whole body) for every match before sorting
    rows = conn.execute(
        text(
            "WITH top AS (SELECT rowid AS r, bm25(search_fts, 4.0, 1.0) AS score"
            "   FROM search_fts WHERE search_fts MATCH :m ORDER BY score LIMIT :n)"
            " SELECT d.kind, d.ref_id, d.story_id, d.title,"
            " snippet(search_fts, 1, char(2), char(3), '…', 24) AS snip"
            " FROM top JOIN search_fts ON search_fts.rowid = top.r JOIN search_docs d ON d.rowid = top.r"
            " WHERE search_fts MATCH :m"
            " ORDER BY top.score, top.r"
        ),
        {"m": match.strip(), "n": limit},
    ).all()
    return [RawHit(kind, ref_id, story_id, title, *_split_marks(snip or "")) for kind, ref_id, story_id, title, snip in rows]


def _search_postgres(conn: Connection, tokens: list[str], limit: int) -> list[RawHit]:
    tsq = " & ".join(tokens[:-1] + [tokens[-1] + ":*"])
    # ts_rank reads each match's tsvector once (ts_rank_cd also walks its positions). The
    # snippet is cut here (``headline``), not by ts_headline: re-parsing each hit's text made
    # ts_headline ~8 of the ~10 ms of an uncached search of 50 hits (docs/web.md, "Load"). The
    # query's own lexemes, as PostgreSQL stemmed them, say which words to mark.
    rows = conn.execute(
        text(
            "WITH q AS (SELECT to_tsquery('english', :q) AS q),"
            " top AS (SELECT d.id, d.kind, d.ref_id, d.story_id, d.title, d.body,"
            "   ts_rank(d.tsv, q.q) AS rank"
            "   FROM search_docs d, q WHERE d.tsv @@ q.q ORDER BY rank DESC, d.id LIMIT :n)"
            f" SELECT top.kind, top.ref_id, top.story_id, top.title, left(top.body, {HEADLINE_CHARS}),"
            "   q.q::text"
            " FROM top, q ORDER BY top.rank DESC, top.id"
        ),
        {"q": tsq, "n": limit},
    ).all()
    words = lexeme_pattern(rows[0][5]) if rows else None
    return [
        RawHit(kind, ref_id, story_id, title, *headline(body or "", words))
        for kind, ref_id, story_id, title, body, _ in rows
    ]
