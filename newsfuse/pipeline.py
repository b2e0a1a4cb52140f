"""analyze(): run the stages in order over a batch of inputs, with a per-article error policy.

ingest -> repair -> extract -> cluster -> store, batch by batch; then (entity linking,
crosscheck, brief) once per changed story. Work is committed in batches
(``StoreSettings.batch_size`` articles); each batch is one store transaction holding the
articles, their story memberships, the cluster state and a "dirty" mark for every story the
batch changed (newsfuse/store/dirty.py). A story is built when it has stopped growing
(``IDLE_BATCHES`` batches without a new member) or at the end of the run, and saving it clears
its mark in the same transaction. So a killed run loses at most the batch in flight, a rerun
picks up where it stopped (articles already stored are recognised by their content-hash id) and
builds whatever is still dirty, and a big story is built once per run, not once per batch.

One bad article never sinks a batch: a stage that fails or overruns its time budget on one
article turns that article into an ``InputError`` and the rest go on.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from typing import Any, BinaryIO, Iterator

from newsfuse.errors import NewsfuseError
from newsfuse.limits import TimeBudgetExceeded, time_budget
from newsfuse.settings import Settings
from newsfuse.types import (
    Analysis,
    Article,
    ArticleAnnotations,
    InputError,
    Quote,
    Story,
    StoryAssignment,
)

# (stage, done, total) -> None; the CLI draws a progress bar from it, the library stays quiet
ProgressFn = Callable[[str, int, int], None]
# a dirty story untouched for this many batches is built before the run ends
IDLE_BATCHES = 3
STAGES = ("ingest", "repair", "extract", "cluster", "crosscheck", "brief", "store")


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - t0



def stream_order(article: Article) -> tuple[str, str]:
    """The order a run's new articles reach the clusterer: undated ones first, then by
    publication date, ties by id. Stories fall out of memory once the stream has moved two
    months on, so a folder read in file order (2021 after 2023) split its stories: AllSides
    shuffled scored BCubed 0.895 instead of 0.936. Undated articles go first because the
    stories they open are never archived, so the dated ones can still join them; last, they
    found their stories archived (docs/clustering.md, mixed dates). The ids make the order,
    and so the stories, the same whatever order the files came in; the Ray engine clusters in
    this order too."""
    return (article.published or "", article.id)


def outermost_quotes(quotes: list[Quote]) -> list[Quote]:
    """The story's who-said-what keeps a partial quote only when no other quote of the same
    speaker in the article holds it (``said the US is still “full stop” for NATO`` is one
    item, not two); the article's own annotations keep every quote."""
    reach: dict[str | None, int] = {}  # speaker -> furthest end of a quote started so far
    inside: set[int] = set()
    for i in sorted(range(len(quotes)), key=lambda i: (quotes[i].start, -quotes[i].end)):
        q = quotes[i]
        if reach.get(q.speaker, -1) >= q.end:
            inside.add(i)
        else:
            reach[q.speaker] = q.end
    return [q for i, q in enumerate(quotes) if i not in inside]


def article_error(article: Article, exc: BaseException, settings: Settings) -> InputError:
    """The per-article error policy: what a stage's failure on one article becomes."""
    if isinstance(exc, TimeBudgetExceeded):
        err = NewsfuseError(
            "NF014", f"over {settings.ingest.seconds_per_article:g} s", article.path
        )
    elif isinstance(exc, NewsfuseError):
        err = NewsfuseError(exc.code, exc.detail, exc.path or article.path)
    else:
        err = NewsfuseError("NF000", f"{type(exc).__name__}: {exc}", article.path)
    return InputError(path=article.path, error=err.line(), code=err.code)


def analyze(
    inputs: Sequence[str],
    *,
    store: Any = None,
    settings: Settings | None = None,
    stdin: BinaryIO | None = None,
    progress: ProgressFn | None = None,
    until: str = "brief",
    exclude: Sequence[str] = (),
) -> Analysis:
    """Analyze files, directories, globs or ``-`` (stdin) and return the touched stories.

    ``store`` is a ``newsfuse.store.Store`` (or a path/URL to open one); ``None`` uses a
    throwaway in-memory store, so library calls leave nothing behind. ``until="cluster"``
    stops after story assignment (evaluation uses it; the stories are the same).
    ``exclude``: more paths that are not inputs (the reports this run writes); the store's own
    files are never read as inputs, even inside a folder given as input.
    """
    from newsfuse.ingest import iter_inputs
    from newsfuse.store.engine import resolve_target

    settings = settings or Settings()
    if store is None:
        store_files: list[str] = []
    elif isinstance(store, str) or hasattr(store, "__fspath__"):
        store_files = resolve_target(store).files
    else:
        store_files = store.target.files
    timer = _Timer()
    articles: list[Article] = []
    errors: list[InputError] = []
    seen: set[str] = set()
    repeated = 0
    with timer.stage("ingest"):
        for item in iter_inputs(list(inputs), settings.ingest, stdin=stdin, exclude=[*store_files, *exclude]):
            if isinstance(item, InputError):
                errors.append(item)
            elif item.id not in seen:
                seen.add(item.id)
                articles.append(item)
            else:
                repeated += 1  # the same text twice in one run: stored once
            if progress:
                progress("ingest", len(articles) + len(errors), 0)
    analysis = analyze_articles(
        articles, store=store, settings=settings, progress=progress, until=until, timer=timer
    )
    analysis.errors = errors + analysis.errors
    analysis.outcomes["rejected"] = analysis.outcomes.get("rejected", 0) + len(errors)
    analysis.outcomes["repeated_in_input"] = repeated
    return analysis


def analyze_articles(
    articles: Sequence[Article],
    *,
    store: Any = None,
    settings: Settings | None = None,
    progress: ProgressFn | None = None,
    until: str = "brief",
    timer: _Timer | None = None,
) -> Analysis:
    """Run repair -> ... -> store on articles that are already ingested (web uploads, Ray)."""
    from newsfuse.store import open_store

    settings = settings or Settings()
    timer = timer or _Timer()
    own_store = store is None or isinstance(store, str) or hasattr(store, "__fspath__")
    if own_store:
        store = open_store(":memory:" if store is None else store, settings.store)
    try:
        # one ingest at a time per store: the cluster state is read, extended and written back
        with store.writer_lock():
            return _run(list(articles), store, settings, progress, until, timer)
    finally:
        if own_store:
            store.close()


def _run(
    articles: list[Article],
    store: Any,
    settings: Settings,
    progress: ProgressFn | None,
    until: str,
    timer: _Timer,
) -> Analysis:
    from newsfuse.cluster import StoryClusterer, cluster_items

    errors: list[InputError] = []
    known = store.known_ids([a.id for a in articles])
    new = sorted((a for a in articles if a.id not in known), key=stream_order)
    clusterer = StoryClusterer(store.load_cluster_state(), settings.cluster)

    touched_ids: list[str] = []
    story_of_new: dict[str, str] = {}
    fresh: dict[str, Article] = {}
    fresh_notes: dict[str, ArticleAnnotations] = {}
    last_touched: dict[str, int] = {}  # dirty story -> the batch that last changed it
    batch_size = max(1, settings.store.batch_size)
    done = 0
    for number, start in enumerate(range(0, len(new), batch_size)):
        batch = new[start : start + batch_size]
        batch, notes, batch_errors = _prepare(batch, settings, timer)
        errors.extend(batch_errors)
        if not batch:
            continue
        with timer.stage("cluster"):
            assignment = clusterer.add(cluster_items(batch, notes))
        story_of_new.update(assignment.story_of)
        for a, n in zip(batch, notes):
            fresh[a.id] = a
            fresh_notes[a.id] = n
        pending = pending_stories(assignment, clusterer.resolve)
        with timer.stage("store"):
            # members and dirty marks go in with the articles: the stories are built later,
            # once each, not again in every batch that touches them
            store.save_batch(batch, notes, [], assignment, clusterer.state_bytes(), pending=pending)
        for sid in assignment.touched:
            if sid not in touched_ids:
                touched_ids.append(sid)
        for old, _ in assignment.merges:
            last_touched.pop(old, None)
        for sid in pending.stories:
            last_touched[sid] = number
        if until != "cluster":
            # a story nobody added to for a while has probably stopped growing: build it now,
            # so a long run shows finished stories before it ends
            idle = sorted(sid for sid, n in last_touched.items() if number - n >= IDLE_BATCHES)
            build_dirty_stories(store, settings, idle, fresh, fresh_notes, timer)
            for sid in idle:
                last_touched.pop(sid, None)
        done += len(batch)
        if progress:
            progress("analyze", done, len(new))
    if until != "cluster":
        # everything still dirty, including what an interrupted earlier run left behind
        from newsfuse.store.dirty import dirty_ids

        build_dirty_stories(store, settings, dirty_ids(store), fresh, fresh_notes, timer)

    # the stories to report: those holding any input article, stored before or just now
    wanted: list[str] = []
    previous = [store.story_of_article(a.id) for a in articles if a.id in known]
    for sid in list(touched_ids) + [p for p in previous if p]:
        sid = store.resolve_story_id(sid) or clusterer.resolve(sid)
        if sid and sid not in wanted:
            wanted.append(sid)

    analysis = Analysis(errors=errors)
    if until == "cluster":
        from newsfuse.store.dirty import member_ids

        members: dict[str, list[str]] = defaultdict(list)
        for aid, sid in story_of_new.items():
            members[clusterer.resolve(sid)].append(aid)
        for sid in wanted:
            ids = list(dict.fromkeys(member_ids(store, sid) + members.get(sid, [])))
            if ids:
                analysis.stories.append(Story(id=sid, title="", article_ids=ids))
    else:
        for sid in wanted:
            story = store.get_story(sid)
            if story is not None:
                analysis.stories.append(story)

    # articles: every member of every reported story, plus inputs that failed nowhere
    wanted_articles: list[str] = []
    for s in analysis.stories:
        wanted_articles.extend(s.article_ids)
    loaded = {a.id: a for a in store.load_articles([i for i in wanted_articles if i not in fresh])}
    loaded.update(fresh)
    seen: set[str] = set()
    for aid in wanted_articles:
        if aid in loaded and aid not in seen:
            seen.add(aid)
            analysis.articles.append(loaded[aid])
    analysis.annotations = {aid: fresh_notes[aid] for aid in seen if aid in fresh_notes}
    analysis.timings = {k: round(v, 4) for k, v in timer.seconds.items()}
    analysis.outcomes = {
        "stored": len(articles) - len(errors),
        "already_stored": len(known),
        "rejected": sum(e.code != "NF014" for e in errors),
        "timed_out": sum(e.code == "NF014" for e in errors),
    }
    analysis.stories.sort(key=lambda s: (-len(s.article_ids), s.title))
    return analysis


def pending_stories(assignment: StoryAssignment, resolve: Callable[[str], str]) -> Any:
    """A batch's assignment as store rows: each new article's (surviving) story, and per
    touched story the near-duplicate pairs, title and label its rebuild will need."""
    from newsfuse.store.dirty import PendingStories

    pending = PendingStories(members={aid: resolve(sid) for aid, sid in assignment.story_of.items()})
    for sid in dict.fromkeys([resolve(s) for s in assignment.touched] + list(pending.members.values())):
        pending.stories[sid] = {
            "duplicate_of": {},
            "title": assignment.titles.get(sid, ""),
            "label": assignment.labels.get(sid, ""),
        }
    for aid, original in assignment.duplicate_of.items():
        sid = pending.members.get(aid)
        if sid is not None:
            pending.stories[sid]["duplicate_of"][aid] = original
    return pending


def build_dirty_stories(
    store: Any,
    settings: Settings,
    story_ids: Sequence[str],
    fresh: dict[str, Article] | None = None,
    fresh_notes: dict[str, ArticleAnnotations] | None = None,
    timer: _Timer | None = None,
) -> list[str]:
    """Build these dirty stories and save them (each save clears its mark); returns the ids
    saved. Saved in groups of about ``store.batch_size`` articles, one transaction each."""
    from newsfuse.store.dirty import drop

    batch: list[Story] = []
    in_batch = 0
    saved: list[str] = []
    empty: list[str] = []
    timer = timer or _Timer()

    def flush() -> None:
        nonlocal in_batch
        if batch:
            with timer.stage("store"):
                store.save_batch([], [], list(batch), StoryAssignment(), None)
            saved.extend(s.id for s in batch)
            batch.clear()
            in_batch = 0

    for sid in story_ids:
        story = build_story(sid, store, settings, fresh, fresh_notes, timer)
        if story is None:
            continue
        if not story.article_ids:
            empty.append(sid)
            continue
        batch.append(story)
        in_batch += len(story.article_ids)
        if in_batch >= max(1, settings.store.batch_size):
            flush()
    flush()
    if empty:
        drop(store, empty)
    return saved


def build_story(
    story_id: str,
    store: Any,
    settings: Settings,
    fresh: dict[str, Article] | None = None,
    fresh_notes: dict[str, ArticleAnnotations] | None = None,
    timer: _Timer | None = None,
) -> Story | None:
    """Assemble one dirty story from all its members: entities, claims, brief.

    Reads the members and the notes the batches left (store/dirty.py) and the story's stored
    row, if any; ``fresh``/``fresh_notes`` are articles this process still holds (saves
    decoding them again). None when the story is not dirty (built already, or merged away).
    """
    from newsfuse.store.dirty import load

    pending = load(store, story_id)
    if pending is None:
        return None
    fresh = fresh or {}
    fresh_notes = fresh_notes or {}
    member_ids = pending.member_ids
    need = [i for i in member_ids if i not in fresh or i not in fresh_notes]
    arts = {a.id: a for a in store.load_articles(need)}
    notes = store.load_annotations(need)
    arts.update({i: fresh[i] for i in member_ids if i in fresh})
    notes.update({i: fresh_notes[i] for i in member_ids if i in fresh_notes})
    members = [arts[i] for i in member_ids if i in arts and i in notes]
    if not members:
        return Story(id=story_id, title=pending.title)
    previous = store.get_story(story_id)
    duplicate_of = dict(previous.duplicate_of) if previous else {}
    duplicate_of.update(pending.duplicate_of)
    duplicate_of = {a: b for a, b in duplicate_of.items() if a in arts and b in arts}
    return assemble_story(
        story_id,
        members,
        notes,
        duplicate_of=duplicate_of,
        title=pending.title or (previous.title if previous else ""),
        label=pending.label or (previous.label if previous else ""),
        known_entities=store.known_entities(_mention_names(notes[a.id] for a in members)),
        settings=settings,
        timer=timer,
    )


def _prepare(
    batch: list[Article], settings: Settings, timer: _Timer
) -> tuple[list[Article], list[ArticleAnnotations], list[InputError]]:
    """Repair and extract one batch; an article that fails or overruns becomes an error."""
    from newsfuse.extract import annotate
    from newsfuse.repair import repair_article

    from newsfuse.extract.nlp import get_nlp

    get_nlp(settings.extract.spacy_model)  # loading the model is not any article's fault
    errors: list[InputError] = []
    budget = settings.ingest.seconds_per_article
    repaired: list[Article] = []
    with timer.stage("repair"):
        for a in batch:
            try:
                with time_budget(budget):
                    repaired.append(repair_article(a, settings.repair))
            except Exception as exc:  # noqa: BLE001 - per-article error policy
                errors.append(article_error(a, exc, settings))
    with timer.stage("extract"):
        try:
            with time_budget(budget * max(1, len(repaired))):
                notes = annotate(repaired, settings.extract)
            return repaired, notes, errors
        except Exception:  # noqa: BLE001 - find the culprit article by article
            pass
        kept: list[Article] = []
        notes = []
        for a in repaired:
            try:
                with time_budget(budget):
                    notes.extend(annotate([a], settings.extract))
                kept.append(a)
            except Exception as exc:  # noqa: BLE001
                errors.append(article_error(a, exc, settings))
    return kept, notes, errors


def _mention_names(notes: Iterable[ArticleAnnotations]) -> list[str]:
    return sorted({m.text for n in notes for m in n.mentions})


def assemble_story(
    story_id: str,
    articles: Sequence[Article],
    annotations: dict[str, ArticleAnnotations],
    *,
    duplicate_of: dict[str, str] | None = None,
    title: str = "",
    label: str = "",
    known_entities: Sequence[Any] = (),
    settings: Settings | None = None,
    timer: _Timer | None = None,
) -> Story:
    """Entity linking, crosscheck and brief over one story's articles (no store needed)."""
    from newsfuse.brief import write_brief
    from newsfuse.crosscheck import crosscheck
    from newsfuse.extract import link_entities

    settings = settings or Settings()
    timer = timer or _Timer()
    duplicate_of = duplicate_of or {}
    ordered = sorted(articles, key=lambda a: (a.published or "", a.id))
    notes_list = [annotations[a.id] for a in ordered]
    with timer.stage("extract"):
        links = link_entities(ordered, notes_list, known=known_entities)
    with timer.stage("crosscheck"):
        claims = crosscheck(ordered, annotations, links.entities, duplicate_of, settings.crosscheck)
    with timer.stage("brief"):
        brief = write_brief(
            ordered, annotations, claims, links.entities, duplicate_of, settings.brief
        )
    quotes = [(a.id, q) for a in ordered for q in outermost_quotes(annotations[a.id].quotes)]
    return Story(
        id=story_id,
        title=title or (ordered[0].title if ordered else ""),
        label=label,
        article_ids=[a.id for a in ordered],
        entities=links.entities,
        quotes=quotes,
        claims=claims,
        brief=brief,
        duplicate_of=duplicate_of,
        candidate_links=links.candidates,
    )
