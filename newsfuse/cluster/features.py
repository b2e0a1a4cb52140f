"""What the clusterer sees of an article: one vector, its names, its numbers, its date.

One embedding per article, of the cleaned title plus the lead (measured on the dev data:
title + first ~600 characters separates same-event from different-event pairs as well as
1,200 characters and costs half as much; the title alone is too short for AllSides leads).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from newsfuse.extract import split_sentences
from newsfuse.types import Article, ArticleAnnotations, ClusterItem

LEAD_CHARS = 600
# entity types that say *who* and *where*; dates, money and cardinals are numbers instead
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
_URLISH = re.compile(r"^\s*(?:https?\s*:|www\s*\.)", re.I)
_SITE_SUFFIX = re.compile(r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014-]{2,40}$")
_SPACE = re.compile(r"\s+")


def clean_title(title: str) -> str:
    """A title a reader would recognise: URL-like titles become their slug words, a trailing
    `` | Site`` / `` - Outlet`` is cut (only when what is left still reads as a title)."""
    title = _SPACE.sub(" ", (title or "")).strip()[:400]
    if _URLISH.match(title):
        parts = [p.strip() for p in re.split(r"\s*/\s*", title) if p.strip()]
        slugs = [p for p in parts[2:] if re.search(r"[A-Za-z]{3}", p) and "." not in p[-5:]]
        words = " ".join(slugs[-2:]).replace(" - ", " ").replace("-", " ").replace("_", " ")
        words = re.sub(r"\b(?:html?|php|aspx?|index)\b|\d{5,}", " ", words)
        title = _SPACE.sub(" ", words).strip()
        return title[:1].upper() + title[1:]
    cut = _SITE_SUFFIX.sub("", title)
    if len(cut.split()) >= 4:
        title = cut
    return title


def headline_of(title: str, text: str) -> str:
    """The article's title, or for an article without one its first real sentence (not a
    dateline or a byline; cut at a word near 160 characters): stories of untitled plain text
    still get a name a reader knows."""
    if title and title.strip():
        return title
    lead = (text or "")[:1200]
    for span in split_sentences(lead):
        sentence = _SPACE.sub(" ", lead[span.start : span.end]).strip()
        if sum(1 for w in sentence.split() if w.isalpha()) >= 5:
            if len(sentence) > 160:
                sentence = sentence[:160].rsplit(" ", 1)[0] + "\u2026"
            return sentence
    return ""


def embedding_text(title: str, text: str) -> str:
    """Title + lead, cut at a word boundary: the one text per article that gets embedded."""
    head = clean_title(title)
    body = _SPACE.sub(" ", text[: LEAD_CHARS + 80]).strip()
    if len(body) > LEAD_CHARS:
        body = body[:LEAD_CHARS].rsplit(" ", 1)[0]
    if head and body.startswith(head):
        return body
    return f"{head}. {body}" if head else body


def normalise_entity(name: str) -> str:
    """Case/punctuation-insensitive entity key (``the U.S.`` -> ``us``, ``Biden's`` -> ``biden``)."""
    name = name.replace("\u2019", "'").lower()
    name = re.sub(r"'s\b", "", name)
    name = re.sub(r"[^\w -]+", "", name)
    name = _SPACE.sub(" ", name.replace("-", " ")).strip()
    if name.startswith("the "):
        name = name[4:]
    return name


def entity_names(annotations: ArticleAnnotations | None) -> list[str]:
    """Entity names as written, one per mention (counts matter); a person also counts under
    the surname, which is how later mentions refer to them. The clusterer keys them with
    ``normalise_entity`` and shows the written form in labels."""
    names: list[str] = []
    if annotations is None:
        return names
    for m in annotations.mentions:
        if m.label not in ENTITY_LABELS:
            continue
        name = _SPACE.sub(" ", m.text).strip()
        key = normalise_entity(name)
        if not key or len(key) > 80 or key.isdigit():
            continue
        names.append(name)
        parts = name.split()
        if m.label == "PERSON" and len(parts) > 1 and normalise_entity(parts[-1]):
            names.append(parts[-1])
    return names


def numbers_of(annotations: ArticleAnnotations | None, limit: int = 60) -> list[float]:
    """Distinct numbers worth matching (magnitudes, tolls, years): 0-10 say nothing."""
    out: list[float] = []
    if annotations is None:
        return out
    seen: set[float] = set()
    for q in annotations.quantities:
        value = q.normalized if q.normalized is not None else q.value
        try:
            value = float(value)
        except (TypeError, ValueError):
            continue
        if value != value or abs(value) in (float("inf"),) or 0 <= value <= 10 and value == int(value):
            continue
        value = round(value, 3)
        if value not in seen:
            seen.add(value)
            out.append(value)
            if len(out) >= limit:
                break
    return out


def valid_date(published: str | None, now: datetime | None = None) -> str | None:
    """ISO date (YYYY-MM-DD) or None for missing, unparseable, pre-1900 or future dates
    (a date more than a day ahead is an error in the input, not an event in the future)."""
    if not published:
        return None
    text = str(published).strip()[:32]
    try:
        if len(text) >= 10:
            day = date.fromisoformat(text[:10])
        else:
            return None
    except ValueError:
        return None
    today = (now or datetime.now(UTC)).date()
    if day.year < 1900 or day > today + timedelta(days=1):
        return None
    return day.isoformat()


def cluster_items(
    articles: Sequence[Article], annotations: Sequence[ArticleAnnotations]
) -> list[ClusterItem]:
    """One ClusterItem per article, embeddings computed in one batch (the costly part)."""
    from newsfuse.embed import embed

    by_id = {a.article_id: a for a in annotations}
    texts = [embedding_text(a.title, a.text) for a in articles]
    vectors = embed(texts)
    items = []
    for article, vector in zip(articles, vectors):
        notes = by_id.get(article.id)
        items.append(
            ClusterItem(
                article_id=article.id,
                title=article.title,
                text=article.text,
                source=article.source,
                published=valid_date(article.published),
                embedding=vector,
                entities=entity_names(notes),
                numbers=numbers_of(notes),
            )
        )
    return items
