"""Rich terminal summary of an Analysis."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
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
            claims = Text()
            shown = 0
            for status in ("conflicting", "corroborated", "single_source"):
                for c in view.claims_by_status.get(status, []):
                    if shown >= 12:
                        break
                    label, style = _BADGE[status]
                    claims.append(f"{label:<14}", style=style)
                    claims.append(c.text)
                    outlets_c = ", ".join(c.sources or view.outlets([e.article_id for e in c.evidence]))
                    claims.append(f"  — {outlets_c}\n", style="dim")
                    if c.numbers and status != "single_source":
                        nums = "; ".join(
                            f"{n.text} ({n.source or view.sources.get(n.article_id, '')})"
                            for n in c.numbers
                        )
                        claims.append(f"{'':<14}numbers: {nums}\n", style="yellow")
                    if c.note and status == "conflicting":
                        claims.append(f"{'':<14}{c.note}\n", style="red")
                    shown += 1
            if len(s.claims) > shown:
                claims.append(f"… {len(s.claims) - shown} more claims (see --html/--json)\n", style="dim")
            parts.append(claims)
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
