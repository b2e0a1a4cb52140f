"""``newsfuse serve``: the web app over the store."""

from __future__ import annotations

from typing import Annotated

import typer

from newsfuse.cli.common import DbOption


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    db: DbOption = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="NEWSFUSE_TOKEN",
            help="Bearer token for write endpoints (required when listening beyond loopback).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, max=64, help="Worker processes (default: one per CPU, at most 8)."),
    ] = None,
) -> None:
    """Serve the stories in the store: pages at /, JSON API at /api, OpenAPI at /docs."""
    import os

    from newsfuse.serve import run

    run(host=host, port=port, db=db, token=token, workers=workers or min(8, os.cpu_count() or 1))
