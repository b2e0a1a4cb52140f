"""Small hand-written articles and stories for the store and web tests (our own text)."""

from __future__ import annotations

import hashlib

from newsfuse.types import (
    Alias,
    Article,
    ArticleAnnotations,
    Brief,
    BriefSentence,
    Claim,
    Entity,
    Evidence,
    Mention,
    NumberRef,
    Quote,
    Repair,
    Span,
    Story,
    StoryAssignment,
    TimelineEntry,
)

BRIDGE_TEXTS = [
    (
        "Harbor Gazette",
        "Ferry bridge in Lindqvist closes after cracks found",
        "2031-03-04",
        "The Lindqvist ferry bridge was closed on Tuesday after inspectors found cracks in two "
        "support beams. Mayor Oda Brandt said the repairs would cost 4 million euros. "
        "\"We will not take risks with people's lives,\" Brandt said.",
    ),
    (
        "Coastal Wire",
        "Lindqvist shuts its ferry bridge",
        "2031-03-05",
        "Authorities in Lindqvist shut the ferry bridge after cracks were discovered in support "
        "beams. Mayor Brandt put the cost of repairs at 6 million euros. Commuters must use the "
        "northern ferry until summer.",
    ),
]

OTHER_TEXT = (
    "Valley Courier",
    "Orchard festival draws record crowd in Mirelle",
    "2031-05-10",
    "The Mirelle orchard festival drew a record crowd of 12,000 visitors on Saturday, organiser "
    "Tomas Ek said. Cider makers from nine villages took part.",
)


def make_article(source: str, title: str, published: str, text: str, n: int = 0) -> Article:
    aid = hashlib.sha256(text.encode()).hexdigest()[:16]
    original = text.replace("support beams", "support  beams beams") if n == 0 else text
    repairs = []
    if original != text:
        start = original.index("support  beams beams")
        repairs.append(Repair("loop", start, start + len("support  beams beams"), "support  beams beams", "support beams"))
    return Article(
        id=aid,
        path=f"{source.lower().replace(' ', '_')}.txt",
        source=source,
        title=title,
        text=text,
        original_text=original,
        published=published,
        language="en",
        repairs=repairs,
        garbled=[Span(0, 3)] if n == 1 else [],
        extra={"author": "Staff", "n": n},
    )


def make_annotations(a: Article) -> ArticleAnnotations:
    i = a.text.find("Brandt")
    mentions = [Mention("Brandt", i, i + 6, "PERSON", entity_id="ent-brandt")] if i >= 0 else []
    return ArticleAnnotations(article_id=a.id, sentences=[Span(0, a.text.find(".") + 1)], mentions=mentions)


def bridge_batch() -> tuple[list[Article], list[ArticleAnnotations], Story, StoryAssignment]:
    arts = [make_article(*x, n=k) for k, x in enumerate(BRIDGE_TEXTS)]
    ann = [make_annotations(a) for a in arts]
    a0, a1 = arts
    s0 = a0.text.index("The Lindqvist")
    e0 = a0.text.index(".") + 1
    cost0 = a0.text.index("Mayor Oda")
    cost0_end = a0.text.index("euros.") + 6
    cost1 = a1.text.index("Mayor Brandt")
    cost1_end = a1.text.index("euros.") + 6
    brandt = Entity(
        id="ent-brandt",
        name="Oda Brandt",
        type="PERSON",
        aliases=[Alias("Oda Brandt", a0.id, 1), Alias("Brandt", a0.id, 1), Alias("Brandt", a1.id, 1)],
        article_ids=[a0.id, a1.id],
        mentions=3,
    )
    lind = Entity(id="ent-lindqvist", name="Lindqvist", type="GPE", aliases=[Alias("Lindqvist", a0.id, 1), Alias("Lindqvist", a1.id, 1)], article_ids=[a0.id, a1.id], mentions=2)
    q_start = a0.text.index('"We')
    quote = Quote(a0.text[q_start + 1 : a0.text.index('," Brandt')], q_start + 1, a0.text.index('," Brandt'), "Brandt", speaker_entity_id="ent-brandt")
    claims = [
        Claim(
            "c1",
            "The ferry bridge was closed after cracks were found in support beams.",
            "corroborated",
            evidence=[Evidence(a0.id, a0.text[s0:e0], s0, e0, a0.source)],
            sources=[a0.source, a1.source],
        ),
        Claim(
            "c2",
            "The repairs will cost millions of euros.",
            "conflicting",
            evidence=[
                Evidence(a0.id, a0.text[cost0:cost0_end], cost0, cost0_end, a0.source),
                Evidence(a1.id, a1.text[cost1:cost1_end], cost1, cost1_end, a1.source),
            ],
            numbers=[NumberRef(4.0, "million EUR", "4 million euros", a0.id, a0.source), NumberRef(6.0, "million EUR", "6 million euros", a1.id, a1.source)],
            sources=[a0.source, a1.source],
            note="4 million vs 6 million euros",
        ),
    ]
    story = Story(
        id="story-bridge",
        title="Lindqvist ferry bridge closed over cracks",
        article_ids=[a0.id, a1.id],
        label="bridge closure, repair cost",
        entities=[brandt, lind],
        quotes=[(a0.id, quote)],
        claims=claims,
        brief=Brief(
            sentences=[BriefSentence("The Lindqvist ferry bridge was closed after cracks were found.", [a0.id, a1.id], ["c1"], [a0.source, a1.source])],
            timeline=[TimelineEntry("2031-03-04", "Bridge closed", [a0.id])],
            coverage={"Coastal Wire": "northern ferry until summer"},
        ),
    )
    assignment = StoryAssignment(story_of={a0.id: story.id, a1.id: story.id}, touched=[story.id], titles={story.id: story.title})
    return arts, ann, story, assignment


def other_batch(story_id: str = "story-orchard") -> tuple[list[Article], list[ArticleAnnotations], Story, StoryAssignment]:
    a = make_article(*OTHER_TEXT, n=2)
    ek = Entity(id="ent-ek", name="Tomas Ek", type="PERSON", aliases=[Alias("Tomas Ek", a.id, 1)], article_ids=[a.id], mentions=1)
    story = Story(id=story_id, title="Record crowd at Mirelle orchard festival", article_ids=[a.id], entities=[ek])
    return [a], [make_annotations(a)], story, StoryAssignment(story_of={a.id: story_id}, touched=[story_id])
