"""newsfuse: news articles in, cross-checked and cited stories out.

    from newsfuse import analyze
    analysis = analyze(["articles/"])            # in-memory store
    analysis = analyze(["feed.xml"], store="news.db")
"""

from newsfuse.pipeline import analyze, analyze_articles, assemble_story
from newsfuse.settings import Settings
from newsfuse.types import (
    Analysis,
    Article,
    ArticleAnnotations,
    Brief,
    Claim,
    Entity,
    InputError,
    Quote,
    Repair,
    Story,
)

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "ArticleAnnotations",
    "Brief",
    "Claim",
    "Entity",
    "InputError",
    "Quote",
    "Repair",
    "Settings",
    "Story",
    "analyze",
    "analyze_articles",
    "assemble_story",
]
