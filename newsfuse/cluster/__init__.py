"""Cluster: near-duplicates and incremental same-event stories.

Public API:
    StoryClusterer(state=None, settings=...).add(items) -> StoryAssignment
"""
