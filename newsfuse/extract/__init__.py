"""Extract: entities, quotes with speakers, quantities and dates.

Public API:
    annotate(articles, settings) -> list[ArticleAnnotations]
    link_entities(articles, annotations, known=()) -> EntityLinks
"""
