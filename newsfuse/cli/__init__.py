"""The ``newsfuse`` command: one Typer app, one module per subcommand.

Exit status: 0 when every input was read, 1 when some were skipped, 2 for usage errors.
Logs, progress and error lines go to stderr; stdout carries only what was asked for.
"""

from __future__ import annotations

import sys

import typer

from newsfuse.cli import analyze, eval_cmd, serve, stories

app = typer.Typer(
    name="newsfuse",
    help=(
        "Turn a pile of news articles into cross-checked stories: which articles tell the "
        "same story, what each really says (repaired), where the outlets agree, where only "
        "one says it, where they conflict, and a brief whose every sentence cites its sources."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
app.command("analyze")(analyze.analyze_command)
app.command("stories")(stories.stories_command)
app.command("show")(stories.show_command)
app.command("serve")(serve.serve_command)
app.add_typer(eval_cmd.app, name="eval")


def main() -> None:
    from newsfuse.embed import configured_backend

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        configured_backend()  # a bad $NEWSFUSE_EMBED_BACKEND stops every command here, not mid-run
    except ValueError as exc:
        print(f"newsfuse: {exc}", file=sys.stderr)
        sys.exit(2)
    app()
