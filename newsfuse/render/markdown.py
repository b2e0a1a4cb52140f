"""Markdown report: the brief with citations, claims, quotes, timeline, per story."""

from __future__ import annotations

from newsfuse.render.view import short_id, story_views
from newsfuse.types import Analysis

_STATUS = {
    "corroborated": "Corroborated",
    "single_source": "Single source",
    "conflicting": "Conflicting",
}


def _md(text: str) -> str:
    """Neutralise Markdown/HTML control characters in article text."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def render_markdown(analysis: Analysis) -> str:
    lines: list[str] = ["# newsfuse report", ""]
    lines.append(
        f"{len(analysis.stories)} stories from {len(analysis.articles)} articles"
        + (f"; {len(analysis.errors)} inputs skipped" if analysis.errors else "")
        + "."
    )
    for view in story_views(analysis):
        s = view.story
        lines += ["", f"## {_md(s.title or s.id)}", ""]
        if s.label:
            lines += [f"_{_md(s.label)}_", ""]
        lines.append(
            f"Story `{s.id}` · {len(view.articles)} articles · outlets: "
            + ", ".join(_md(o) for o in sorted(set(view.sources.values())))
        )
        lines += ["", "### Brief", ""]
        for b in s.brief.sentences:
            cites = ", ".join(
                f"{_md(view.sources.get(a, '?'))} `{short_id(a)}`" for a in b.article_ids
            )
            lines.append(f"- {_md(b.text)} [{cites}]")
        if view.story.claims:
            lines += ["", "### Claims", ""]
            lines.append("| status | claim | outlets | numbers |")
            lines.append("|---|---|---|---|")
            for status in ("conflicting", "corroborated", "single_source"):
                for c in view.claims_by_status.get(status, []):
                    nums = "; ".join(
                        f"{_md(n.text)} ({_md(n.source or view.sources.get(n.article_id, ''))})"
                        for n in c.numbers
                    )
                    outlets = ", ".join(
                        _md(o) for o in (c.sources or view.outlets([e.article_id for e in c.evidence]))
                    )
                    lines.append(f"| {_STATUS[status]} | {_md(c.text)} | {outlets} | {nums} |")
        if view.quotes_by_speaker:
            lines += ["", "### Who said what", ""]
            for speaker, quotes in view.quotes_by_speaker:
                lines.append(f"- **{_md(speaker)}**")
                for aid, q in quotes:
                    lines.append(f"  - “{_md(q.text)}” ({_md(view.sources.get(aid, '?'))})")
        if s.brief.coverage:
            lines += ["", "### Coverage", ""]
            for outlet, note in sorted(s.brief.coverage.items()):
                lines.append(f"- **{_md(outlet)}**: {_md(note)}")
        if s.brief.timeline:
            lines += ["", "### Timeline", ""]
            for t in s.brief.timeline:
                lines.append(f"- {_md(t.date)}: {_md(t.text)}")
        if s.entities:
            lines += ["", "### Entities", ""]
            for e in sorted(s.entities, key=lambda e: -e.mentions)[:20]:
                aliases = sorted({a.name for a in e.aliases} - {e.name})
                extra = f" (also: {', '.join(_md(a) for a in aliases)})" if aliases else ""
                lines.append(f"- {_md(e.name)} · {e.type} · {e.mentions} mentions{extra}")
    if analysis.errors:
        lines += ["", "## Skipped inputs", ""]
        for err in analysis.errors:
            lines.append(f"- {_md(err.error)}")
    return "\n".join(lines) + "\n"
