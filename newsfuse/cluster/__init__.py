"""Cluster: near-duplicates and incremental same-event stories (docs/clustering.md).

Public API:
    cluster_items(articles, annotations) -> list[ClusterItem]
    StoryClusterer(state=None, settings=None).add(items) -> StoryAssignment
        .state_bytes() -> bytes; StoryClusterer(state) resumes exactly
        .resolve(story_id) -> str   # follows recorded merges
"""

from newsfuse.cluster.assign import StoryClusterer, story_id_for
from newsfuse.cluster.features import cluster_items, embedding_text

__all__ = ["StoryClusterer", "cluster_items", "embedding_text", "story_id_for"]
