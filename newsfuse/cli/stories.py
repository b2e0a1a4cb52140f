"""``newsfuse stories`` and ``newsfuse show``: read the store."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from newsfuse.cli.common import DbOption, open_db, stderr, write_output
from newsfuse.settings import Settings


def stories_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many stories.")] = 30,
    order: Annotated[str, typer.Option("--order", help="newest or biggest.")] = "newest",
    source: Annotated[str | None, typer.Option("--source", help="Only stories from this outlet.")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="Only stories naming this entity.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the stories in the store, newest first."""
    from rich.console import Console
    from rich.table import Table

    if order not in {"newest", "biggest"}:
        stderr.print("newsfuse: --order is newest or biggest", markup=False)
        raise typer.Exit(2)
    with open_db(db, Settings()) as store:
        rows = store.list_stories(limit=limit, order=order, source=source, entity=entity)
        counts = store.counts()
    if as_json:
        import dataclasses

        print(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table(
        title=f"{counts.get('stories', 0)} stories, {counts.get('articles', 0)} articles",
        title_justify="left",
    )
    table.add_column("story id", no_wrap=True, style="cyan")
    table.add_column("articles", justify="right")
    table.add_column("title")
    table.add_column("outlets")
    for r in rows:
        table.add_row(
            r.id, str(r.article_count), r.title, ", ".join(getattr(r, "sources", []) or [])
        )
    Console().print(table)


def show_command(
    story_id: Annotated[str, typer.Argument(help="A story id from `newsfuse stories`.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the story as JSON.")] = False,
    md: Annotated[bool, typer.Option("--md", help="Print the story as Markdown.")] = False,
    html_out: Annotated[str | None, typer.Option("--html", help="Write an HTML report here.")] = None,
) -> None:
    """Print one story: brief with citations, claims, who said what, timeline."""
    from newsfuse.render import render_json, render_markdown
    from newsfuse.types import Analysis

    with open_db(db, Settings()) as store:
        resolved = store.resolve_story_id(story_id)
        story = store.get_story(resolved) if resolved else None
        if story is None:
            stderr.print(f"newsfuse: no story {story_id!r} (see `newsfuse stories`)", markup=False)
            raise typer.Exit(1)
        articles = store.load_articles(story.article_ids)
    analysis = Analysis(articles=articles, stories=[story])
    if resolved != story_id:
        stderr.print(f"story {story_id} was merged into {resolved}", markup=False)
    if as_json:
        write_output("-", render_json(analysis), False)
    elif md:
        write_output("-", render_markdown(analysis), False)
    else:
        from newsfuse.render.terminal import print_analysis

        print_analysis(analysis)
    if html_out:
        from newsfuse.render.html import render_html

        write_output(html_out, render_html(analysis), True)
