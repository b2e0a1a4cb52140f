"""Synthetic news articles for stress and crash tests: many, unique, cheap, all our own words.

Each article is a few template sentences about an invented local event (towns, people,
numbers drawn from a seeded RNG), so ``n`` articles are ``n`` distinct texts with distinct
content ids, and groups of articles about the same (town, event) resemble a story.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

_TOWNS = ("Skarvik", "Port Alder", "Lindholm", "Brekkestad", "Varnes", "Oldmoor", "Kestrel Bay",
          "Thornby", "Ravensholt", "Millbrook", "Eastwick", "Sandvika")
_EVENTS = (
    ("ferry strike", "crews walked off the job over pay", "the ferry operator"),
    ("harbour fire", "a warehouse burned near the quay", "the fire service"),
    ("school closure", "the council voted to close the old school", "the education board"),
    ("bridge opening", "the new river bridge opened to traffic", "the roads agency"),
    ("flood warning", "the river rose above the warning mark", "the weather service"),
    ("power outage", "thousands of homes lost electricity", "the grid operator"),
)
_FIRST = ("Anja", "Mira", "Jonas", "Elin", "Tove", "Pavel", "Ruth", "Omar", "Lena", "Karl", "Ines", "Tariq")
_LAST = ("Holm", "Okafor", "Weber", "Sandvik", "Lindqvist", "Novak", "Berg", "Haddad", "Moreau", "Ilves")
_OUTLETS = ("Coast Herald", "Northern Wire", "Island Radio", "Valley Courier", "Harbour Times", "Evening Post")


@dataclass
class Synthetic:
    title: str
    text: str
    source: str
    published: str


def synthetic_article(index: int, seed: int = 0) -> Synthetic:
    """Article number ``index`` (deterministic for a seed; different indexes differ in text)."""
    rng = random.Random(seed * 1_000_003 + index)
    town = rng.choice(_TOWNS)
    event, what, agency = rng.choice(_EVENTS)
    person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    count = rng.randrange(20, 5000)
    money = rng.randrange(2, 90)
    day = rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"))
    sentences = [
        f"In {town}, {what} on {day}, according to {agency}.",
        f"{person}, a spokesperson for {agency}, said that {count} residents had been affected.",
        f"\u201cWe are doing everything we can,\u201d {person.split()[0]} said at a briefing in {town}.",
        f"Officials estimated the cost at about {money} million kroner.",
        f"Local businesses said the {event} had disrupted trade for several days.",
        f"The report number {index} was filed by the {rng.choice(_OUTLETS)} desk.",
    ]
    rng.shuffle(sentences[1:5])
    title = f"{event.title()} in {town}: {count} Affected"
    month = rng.randrange(1, 13)
    return Synthetic(title, " ".join(sentences), rng.choice(_OUTLETS), f"2025-{month:02d}-{rng.randrange(1, 28):02d}")


def write_synthetic_files(directory: str | os.PathLike[str], count: int, *, seed: int = 0,
                          start: int = 0) -> list[Path]:
    """Write ``count`` articles, cycling through .txt, .html, .jsonl and .rss, one article each."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        art = synthetic_article(i, seed)
        kind = i % 4
        if kind == 0:
            path = root / f"a{i:06d}.txt"
            path.write_text(f"{art.title}\n\n{art.text}\n", encoding="utf-8")
        elif kind == 1:
            path = root / f"a{i:06d}.html"
            path.write_text(
                f"<!DOCTYPE html><html><head><title>{art.title}</title>"
                f"<meta property='og:site_name' content='{art.source}'>"
                f"<meta property='article:published_time' content='{art.published}'></head>"
                f"<body><nav>Home | News</nav><article><h1>{art.title}</h1>"
                + "".join(f"<p>{s}.</p>" for s in art.text.split(". ") if s)
                + "</article></body></html>",
                encoding="utf-8",
            )
        elif kind == 2:
            path = root / f"a{i:06d}.jsonl"
            path.write_text(json.dumps({"title": art.title, "text": art.text, "source": art.source,
                                        "published": art.published}) + "\n", encoding="utf-8")
        else:
            path = root / f"a{i:06d}.rss"
            path.write_text(
                "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
                f"<title>{art.source}</title><item><title>{art.title}</title>"
                f"<pubDate>Mon, 10 Mar 2025 08:00:00 +0000</pubDate>"
                f"<description>{art.text}</description></item></channel></rss>",
                encoding="utf-8",
            )
        paths.append(path)
    return paths
