"""Extract: entities, quotes with speakers, quantities and dates; entity linking.

Public API (the pipeline calls these):
    annotate(articles, settings=None) -> list[ArticleAnnotations]
    link_entities(articles, annotations, known=()) -> EntityLinks
    parse_quantities(text, offset=0) -> list[Quantity]
    find_dates(text, published=None, offset=0) -> list[DateMention]
    split_sentences(text) -> list[Span]
"""

from newsfuse.extract.annotate import annotate
from newsfuse.extract.dates import find_dates
from newsfuse.extract.linking import link_entities
from newsfuse.extract.quantities import parse_quantities
from newsfuse.extract.sentences import split_sentences

__all__ = ["annotate", "find_dates", "link_entities", "parse_quantities", "split_sentences"]
