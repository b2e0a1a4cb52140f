"""Rich terminal summary of an Analysis."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsfuse.render.view import short_id, story_views
from newsfuse.types import Analysis

_BADGE = {
    "corroborated": ("corroborated", "bold green"),
    "single_source": ("single source", "bold blue"),
    "conflicting": ("CONFLICT", "bold red"),
}


def print_analysis(
    analysis: Analysis, console: Console | None = None, stored_in: str | None = None
) -> None:
    console = console or Console(highlight=False)
    views = story_views(analysis)
    repairs = sum(len(a.repairs) for a in analysis.articles)
    head = Text.assemble(
        (f"{len(views)} stories", "bold"),
        f" from {len(analysis.articles)} articles · {repairs} repairs",
    )
    if analysis.errors:
        head.append(f" · {len(analysis.errors)} inputs skipped", style="yellow")
    if analysis.timings:
        head.append(f" · {sum(analysis.timings.values()):.1f} s")
    if stored_in:
        head.append(f" · stored in {stored_in}", style="dim")
    console.print(head)
    for view in views:
        s = view.story
        parts: list[object] = []
        if s.label:
            parts.append(Text(s.label, style="italic"))
        outlets = sorted(set(view.sources.values()))
        parts.append(Text(f"{len(view.articles)} articles · {', '.join(outlets)}", style="dim"))
        if s.brief.sentences:
            brief = Text()
            for i, b in enumerate(s.brief.sentences, 1):
                brief.append(f"{i}. ", style="bold")
                brief.append(b.text)
                cites = ", ".join(
                    f"{view.sources.get(a, '?')} {short_id(a)}" for a in b.article_ids
                )
                brief.append(f"  [{cites}]\n", style="cyan")
            parts.append(brief)
        if s.claims:
            table = Table(show_header=True, header_style="bold", expand=True, box=None)
            table.add_column("status", no_wrap=True)
            table.add_column("claim", ratio=3)
            table.add_column("numbers", ratio=1)
            table.add_column("outlets", ratio=1)
            shown = 0
            for status in ("conflicting", "corroborated", "single_source"):
                for c in view.claims_by_status.get(status, []):
                    if shown >= 12:
                        break
                    label, style = _BADGE[status]
                    nums = "\n".join(
                        f"{n.text} ({n.source or view.sources.get(n.article_id, '')})"
                        for n in c.numbers
                    )
                    outlets_c = ", ".join(c.sources or view.outlets([e.article_id for e in c.evidence]))
                    table.add_row(Text(label, style=style), Text(c.text), Text(nums), Text(outlets_c))
                    shown += 1
            if len(s.claims) > shown:
                table.add_row("", Text(f"… {len(s.claims) - shown} more claims", style="dim"), "", "")
            parts.append(table)
        if view.quotes_by_speaker:
            quotes = Text()
            for speaker, qs in view.quotes_by_speaker[:6]:
                quotes.append(f"{speaker}: ", style="bold magenta")
                first = qs[0][1].text
                quotes.append(f"“{first[:160]}{'…' if len(first) > 160 else ''}”")
                if len(qs) > 1:
                    quotes.append(f" (+{len(qs) - 1} more)", style="dim")
                quotes.append("\n")
            parts.append(quotes)
        if s.brief.coverage:
            cov = Text()
            for outlet, note in sorted(s.brief.coverage.items()):
                cov.append(f"only {outlet}: ", style="bold")
                cov.append(f"{note}\n")
            parts.append(cov)
        console.print(
            Panel(Group(*parts), title=Text(s.title or s.id, style="bold"), subtitle=s.id,
                  subtitle_align="right")
        )
    for err in analysis.errors:
        console.print(Text(err.error, style="yellow"))
