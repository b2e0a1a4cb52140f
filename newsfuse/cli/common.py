"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from newsfuse.settings import Settings, default_db_path

stderr = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store: a SQLite file path or a postgresql:// URL. "
        "Default: $NEWSFUSE_DB or ~/.local/share/newsfuse/newsfuse.db.",
        show_default=False,
    ),
]
SettingsOption = Annotated[
    Path | None,
    typer.Option(
        "--settings",
        help="TOML file overriding default limits and thresholds (see docs/settings.md).",
        exists=True,
        dir_okay=False,
    ),
]


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    try:
        return Settings.from_file(path)
    except (ValueError, OSError) as exc:
        stderr.print(f"newsfuse: bad settings file {path}: {exc}", markup=False)
        raise typer.Exit(2) from exc


def open_db(db: str | None, settings: Settings) -> Any:
    from newsfuse.store import open_store

    target = db or str(default_db_path())
    try:
        return open_store(target, settings.store)
    except Exception as exc:  # noqa: BLE001 - one clear line instead of a traceback
        stderr.print(f"newsfuse: cannot open store {target}: {exc}", markup=False)
        raise typer.Exit(2) from exc


def write_output(target: str, text: str, force: bool) -> None:
    """Write to a file, or stdout for ``-``; never overwrite a non-output file silently."""
    if target == "-":
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    path = Path(target)
    if path.is_dir():
        stderr.print(f"newsfuse: {target} is a directory", markup=False)
        raise typer.Exit(2)
    if path.exists() and not force and path.suffix not in {".json", ".html", ".md", ".htm"}:
        stderr.print(f"newsfuse: {target} exists; pass --force to overwrite", markup=False)
        raise typer.Exit(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
