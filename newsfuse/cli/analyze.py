"""``newsfuse analyze``: the main job."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from newsfuse.cli.common import (
    DbOption,
    SettingsOption,
    load_settings,
    open_db,
    stderr,
    write_output,
)


def analyze_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories (recursive), glob patterns, or - for stdin. Plain text, "
            "HTML, JSONL (title/text/url/source/published), RSS/Atom, gzip of those.",
            show_default=False,
        ),
    ],
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the JSON analysis here (- = stdout).")
    ] = None,
    html_out: Annotated[
        str | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    md_out: Annotated[
        str | None, typer.Option("--md", help="Write a Markdown report here (- = stdout).")
    ] = None,
    db: DbOption = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Analyze in memory; keep nothing.")
    ] = False,
    sentences: Annotated[
        int | None,
        typer.Option("--sentences", "-n", min=1, max=20, help="Brief length (default 5)."),
    ] = None,
    no_repair: Annotated[
        bool, typer.Option("--no-repair", help="Turn the repair stage off (text stays as given).")
    ] = False,
    settings_file: SettingsOption = None,
    engine: Annotated[
        str, typer.Option("--engine", help="local (one process) or ray (Ray Data).")
    ] = "local",
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="Ray cluster address (default: local).")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No terminal summary, only errors.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite output files.")] = False,
) -> None:
    """Analyze articles: stories, repaired text, entities, quotes, claims and cited briefs.

    Examples:

      newsfuse analyze examples/ --html brief.html --json brief.json

      newsfuse analyze feed.xml page.html more/*.txt

      cat articles.jsonl | newsfuse analyze - --json -

    Every run is stored (SQLite by default) so later runs join existing
    stories; ingesting the same article twice changes nothing.

    Bad inputs get one [NF0xx] line on stderr and the rest go on.
    Exit status: 0 all inputs read, 1 some skipped, 2 usage error.
    """
    settings = load_settings(settings_file)
    if no_repair:
        settings.repair.enabled = False
    if sentences:
        settings.brief.sentences = sentences
    if engine not in {"local", "ray"}:
        stderr.print(f"newsfuse: unknown engine {engine!r}: use local or ray", markup=False)
        raise typer.Exit(2)
    if inputs.count("-") > 1:
        stderr.print("newsfuse: stdin (-) can be given once", markup=False)
        raise typer.Exit(2)
    outputs = [o for o in (json_out, md_out) if o == "-"]
    if len(outputs) > 1:
        stderr.print("newsfuse: only one of --json/--md can write to stdout", markup=False)
        raise typer.Exit(2)

    show_progress = sys.stderr.isatty() and not quiet
    stdin = sys.stdin.buffer if "-" in inputs else None
    # reports written into the folder being read must not come back as articles next run
    reports = [o for o in (json_out, md_out, html_out) if o and o != "-"]
    if engine == "ray":
        analysis = _run_ray(inputs, db, no_store, settings, ray_address, show_progress, stdin, reports)
    else:
        from newsfuse.pipeline import analyze

        store = None if no_store else open_db(db, settings)
        try:
            with _progress(show_progress) as progress:
                analysis = analyze(
                    inputs, store=store, settings=settings, stdin=stdin, progress=progress,
                    exclude=reports,
                )
        except KeyboardInterrupt:
            stderr.print("newsfuse: interrupted; stored batches are kept, rerun to resume")
            raise typer.Exit(130) from None
        finally:
            if store is not None:
                store.close()

    for err in analysis.errors:
        stderr.print(err.error, markup=False)
    if analysis.outcomes and not quiet:
        o = analysis.outcomes
        stderr.print(
            f"newsfuse: {o.get('stored', 0) - o.get('already_stored', 0)} new, "
            f"{o.get('already_stored', 0)} already in the store, {o.get('rejected', 0)} rejected, "
            f"{o.get('timed_out', 0)} timed out",
            markup=False,
        )
        _note_other_languages(analysis, stderr)
        _note_one_outlet_files(analysis, stderr)

    from newsfuse.render import render_json, render_markdown

    if json_out:
        write_output(json_out, render_json(analysis), force)
    if md_out:
        write_output(md_out, render_markdown(analysis), force)
    if html_out:
        from newsfuse.render.html import render_html

        write_output(html_out, render_html(analysis), force)
    if not quiet and "-" not in outputs:
        from newsfuse.render.terminal import print_analysis

        print_analysis(analysis, stored_in=None if no_store else (db or "default store"))
    raise typer.Exit(1 if analysis.errors else 0)


def _note_other_languages(analysis: Any, stderr: Any) -> None:
    """Entities, quotes and claims come from an English spaCy model: say so when articles
    in other languages went through it, rather than let their poor names pass silently."""
    from collections import Counter

    other = Counter(a.language for a in analysis.articles if a.language and a.language != "en")
    if other:
        langs = ", ".join(f"{lang} {n}" for lang, n in other.most_common())
        stderr.print(
            f"newsfuse: note: {sum(other.values())} article(s) not in English ({langs}); "
            "names, quotes and claims are read with an English model and will be poor for them",
            markup=False,
        )


def _note_one_outlet_files(analysis: Any, stderr: Any) -> None:
    """Records of a JSONL file or feed with neither ``source`` nor ``url`` are all one outlet,
    named after the file: none of them can corroborate another. Say so, once per file, rather
    than let every claim read "single source" without a reason."""
    import re

    files: dict[str, list[str]] = {}  # file -> outlets of its records ("data.jsonl:3", "feed.xml#2")
    for a in analysis.articles:
        record = re.fullmatch(r"(.+)(?::\d+|#\d+)", a.path)
        if record and a.extra.get("source_from") == "file name":
            files.setdefault(record.group(1), []).append(a.source)
    for path, outlets in sorted(files.items()):
        if len(outlets) >= 2:
            count, outlet = len(outlets), outlets[0]
            stderr.print(
                f"newsfuse: note: {count} articles of {path} have no source or url, so they count as "
                f"one outlet ({outlet!r}) and none corroborates another; give each record a source",
                markup=False,
            )


class _progress:
    """A Rich progress bar on a terminal; nothing in pipes."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=stderr,
            transient=True,
        )
        self._bar.__enter__()
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        assert self._bar is not None
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total or None)
        self._bar.update(self._tasks[stage], completed=done, total=total or None)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def _run_ray(  # type: ignore[no-untyped-def]
    inputs: list[str], db: str | None, no_store: bool, settings, ray_address: str | None,
    show_progress: bool, stdin, reports: list[str],
):
    """Run the same stages on Ray Data; the stories are then read back from the store."""
    try:
        from newsfuse.scale import run_ray
    except ImportError as exc:
        stderr.print(
            f"newsfuse: the Ray engine needs Ray: pip install 'newsfuse[ray]' ({exc})",
            markup=False,
        )
        raise typer.Exit(2) from exc
    from newsfuse.settings import default_db_path

    try:
        result = run_ray(
            inputs,
            store_url=None if no_store else (db or str(default_db_path())),
            out_parquet=None,
            settings=settings,
            ray_address=ray_address,
            progress=show_progress,
            stdin=stdin,
            exclude=reports,
        )
    except ImportError as exc:
        stderr.print(f"newsfuse: the Ray engine needs Ray: pip install 'newsfuse[ray]' ({exc})",
                     markup=False)
        raise typer.Exit(2) from exc
    stderr.print(str(result), markup=False)
    return result.to_analysis()
