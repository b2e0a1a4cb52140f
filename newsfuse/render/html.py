"""One self-contained HTML report: inline CSS, no scripts, no external assets.

Public API:
    render_html(analysis, *, title="newsfuse report") -> str

Article text is hostile. Everything a source wrote reaches the page through Jinja2's
autoescape, or through ``markupsafe.escape`` where this module builds the marked-up article
body itself (cited-sentence anchors, repairs as struck-through original + inserted
replacement, garbled spans). Links are only in-page ``#anchors`` whose ids this module makes
from counters, never from article data; article URLs are shown as text, not as links.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape

from newsfuse.crosscheck.statements import repair_offsets
from newsfuse.render.view import quotes_by_speaker
from newsfuse.types import Analysis, Article, Claim, Quote, Story

STATUS_LABEL = {
    "corroborated": "corroborated",
    "single_source": "single source",
    "conflicting": "conflicting",
}


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("newsfuse.render", "templates"),
        autoescape=select_autoescape(["html", "j2", "html.j2"], default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class Cite:
    outlet: str
    anchor: str  # in-page id, built from counters
    short_id: str


@dataclass
class ArticleBlock:
    anchor: str
    article: Article
    body: Markup
    repairs_listed: list  # repairs that could not be placed inline
    duplicate_of: str | None
    cited: int


@dataclass
class StoryPage:
    anchor: str
    story: Story
    brief: list[tuple[str, list[Cite], list[str]]]  # text, citations, claim ids
    claims: list[tuple[Claim, list[tuple[Cite, str]], list[tuple[str, list[str]]]]]
    counts: dict[str, int]
    speakers: list[tuple[str, list[tuple[Quote, Cite]]]]
    numbers: list[tuple[Claim, dict[str, list[str]]]]
    number_outlets: list[str]
    coverage: list[tuple[str, str]]
    timeline: list[tuple[str, str, list[Cite]]]
    entities: list
    articles: list[ArticleBlock] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)


class _Anchors:
    """Maps (article id, start, end) spans to in-page ids; one article section per story."""

    def __init__(self, story_no: int, articles: Sequence[Article]):
        self.story_no = story_no
        self.article_no = {a.id: n for n, a in enumerate(articles)}
        self.articles = {a.id: a for a in articles}
        self.spans: dict[str, dict[tuple[int, int], str]] = {a.id: {} for a in articles}
        self.quote_spans: set[str] = set()  # anchors made for quotes (styled more lightly)

    def article(self, article_id: str) -> str:
        return f"s{self.story_no}-a{self.article_no.get(article_id, 0)}"

    def span(self, article_id: str, start: int, end: int, quote: bool = False) -> str:
        if article_id not in self.spans:
            return f"s{self.story_no}"
        table = self.spans[article_id]
        key = (start, end)
        if key not in table:
            table[key] = f"{self.article(article_id)}-x{len(table)}"
            if quote:
                self.quote_spans.add(table[key])
        elif not quote:
            self.quote_spans.discard(table[key])
        return table[key]

    def find(self, article_id: str, text: str) -> str:
        """Anchor of a sentence given by its text (brief sentences are whitespace-normalised)."""
        article = self.articles.get(article_id)
        if article is None:
            return f"s{self.story_no}"
        at = article.text.find(text)
        if at >= 0:
            return self.span(article_id, at, at + len(text))
        words = text.split()
        if words:
            head = " ".join(words[:6])
            flat = " ".join(article.text.split())
            if head in flat:  # locate through the whitespace-normalised text
                return self._flat_span(article, text)
        return self.article(article_id)

    def _flat_span(self, article: Article, text: str) -> str:
        raw = article.text
        mapping = []  # flat index -> raw index
        flat_chars = []
        prev_space = True
        for i, ch in enumerate(raw):
            if ch.isspace():
                if not prev_space:
                    flat_chars.append(" ")
                    mapping.append(i)
                prev_space = True
            else:
                flat_chars.append(ch)
                mapping.append(i)
                prev_space = False
        flat = "".join(flat_chars)
        at = flat.find(" ".join(text.split()))
        if at < 0:
            return self.article(article.id)
        end = at + len(" ".join(text.split())) - 1
        return self.span(article.id, mapping[at], mapping[end] + 1)


def _article_body(
    article: Article, anchors: dict[tuple[int, int], str], quote_anchors: set[str] = frozenset()
) -> tuple[Markup, list]:
    """Escaped article text with cited sentences marked and repairs shown inline."""
    text = article.text
    placed = repair_offsets(article)
    repairs = placed or []
    listed = [] if placed is not None else list(article.repairs)
    spans = []
    last_end = -1
    for (s, e), anchor in sorted(anchors.items()):
        if s >= last_end and 0 <= s < e <= len(text):  # overlapping anchors: first one wins
            spans.append((s, e, anchor))
            last_end = e
    garbled = [(g.start, g.end) for g in article.garbled if 0 <= g.start < g.end <= len(text)]
    cuts = {0, len(text)}
    for s, e, _ in spans:
        cuts.update((s, e))
    for s, e, _r in repairs:
        cuts.update((min(s, len(text)), min(e, len(text))))
    for s, e in garbled:
        cuts.update((s, e))
    points = sorted(cuts)
    deletions: dict[int, list] = {}
    for s, e, r in repairs:
        deletions.setdefault(min(s, len(text)), []).append(r)
    out: list[str] = []
    span_i = 0
    open_anchor = None
    for a, b in zip(points, points[1:] + [None]):
        # close an anchor that ends here, open one that starts here
        if open_anchor is not None and a >= open_anchor[1]:
            out.append("</mark>")
            open_anchor = None
        while span_i < len(spans) and spans[span_i][1] <= a:
            span_i += 1
        if open_anchor is None and span_i < len(spans) and spans[span_i][0] == a:
            s, e, anchor = spans[span_i]
            kind = "quoted" if anchor in quote_anchors else "cited"
            out.append(f'<mark class="{kind}" id="{anchor}">')
            open_anchor = (s, e)
        for r in deletions.pop(a, []):
            if r.original:
                out.append(f'<del title="repair: {escape(r.kind)}">{escape(r.original)}</del>')
        if b is None:
            break
        chunk = escape(text[a:b])
        inside_repair = any(s <= a and b <= e and e > s for s, e, _r in repairs)
        inside_garbled = any(s <= a and b <= e for s, e in garbled)
        if inside_repair:
            chunk = Markup(f"<ins>{chunk}</ins>")
        if inside_garbled:
            chunk = Markup(f'<span class="garbled" title="flagged as garbled by repair">{chunk}</span>')
        out.append(str(chunk))
    if open_anchor is not None:
        out.append("</mark>")
    return Markup("".join(out)), listed


def _story_page(story_no: int, story: Story, by_id: dict[str, Article]) -> StoryPage:
    articles = [by_id[i] for i in story.article_ids if i in by_id]
    anchors = _Anchors(story_no, articles)
    outlet = {a.id: (a.source or "unknown outlet") for a in articles}

    def cite_span(article_id: str, start: int, end: int, source: str = "", quote: bool = False) -> Cite:
        anchor = anchors.span(article_id, start, end, quote=quote)
        return Cite(source or outlet.get(article_id, "?"), anchor, article_id[:8])

    claims_by_id = {c.id: c for c in story.claims}
    brief = []
    for b in story.brief.sentences:
        cites: list[Cite] = []
        seen: set[str] = set()
        for aid in b.article_ids:
            if aid in seen:
                continue
            seen.add(aid)
            anchor = None
            for cid in b.claim_ids:
                for e in claims_by_id.get(cid, Claim("", "", "single_source")).evidence:
                    if e.article_id == aid:
                        anchor = anchors.span(aid, e.start, e.end)
                        break
                if anchor:
                    break
            if anchor is None:
                anchor = anchors.find(aid, b.text)
            cites.append(Cite(outlet.get(aid, "?"), anchor, aid[:8]))
        brief.append((b.text, cites, b.claim_ids))

    order = {"conflicting": 0, "corroborated": 1, "single_source": 2}
    claims = []
    counts = {k: 0 for k in order}
    numbers = []
    number_outlets: list[str] = []
    for c in sorted(story.claims, key=lambda c: order.get(c.status, 3)):
        counts[c.status] = counts.get(c.status, 0) + 1
        evidence = [(cite_span(e.article_id, e.start, e.end, e.source), e.sentence) for e in c.evidence]
        per_outlet: dict[str, list[str]] = {}
        for n in c.numbers:
            name = n.source or outlet.get(n.article_id, "?")
            per_outlet.setdefault(name, []).append(n.text)
            if name not in number_outlets:
                number_outlets.append(name)
        claims.append((c, evidence, list(per_outlet.items())))
        if c.numbers:
            numbers.append((c, per_outlet))

    speaker_list = [
        (who, [(q, cite_span(aid, q.start, q.end, quote=True)) for aid, q in quotes])
        for who, quotes in quotes_by_speaker(story)
    ]

    timeline = [
        (t.date, t.text, [Cite(outlet.get(a, "?"), anchors.find(a, t.text.rstrip("…")), a[:8]) for a in t.article_ids])
        for t in story.brief.timeline
    ]
    entities = sorted(story.entities, key=lambda e: (-e.mentions, e.name))
    page = StoryPage(
        anchor=f"s{story_no}",
        story=story,
        brief=brief,
        claims=claims,
        counts=counts,
        speakers=speaker_list,
        numbers=numbers,
        number_outlets=number_outlets,
        coverage=list(story.brief.coverage.items()),
        timeline=timeline,
        entities=entities,
        outlets=list(dict.fromkeys(outlet.values())),
    )
    # every cited span is known now: build the article sections last
    for a in articles:
        body, listed = _article_body(a, anchors.spans.get(a.id, {}), anchors.quote_spans)
        page.articles.append(
            ArticleBlock(
                anchor=anchors.article(a.id),
                article=a,
                body=body,
                repairs_listed=listed,
                duplicate_of=story.duplicate_of.get(a.id),
                cited=len(anchors.spans.get(a.id, {})),
            )
        )
    return page


def render_html(analysis: Analysis, *, title: str = "newsfuse report") -> str:
    """The whole analysis as one HTML document a person can open anywhere, offline."""
    by_id = {a.id: a for a in analysis.articles}
    pages = [_story_page(n, s, by_id) for n, s in enumerate(analysis.stories)]
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        pages=pages,
        analysis=analysis,
        status_label=STATUS_LABEL,
        n_articles=len(analysis.articles),
        timings=analysis.timings,
    )
