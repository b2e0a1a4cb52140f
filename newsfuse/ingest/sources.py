"""Expand what the user typed (files, directories, globs, ``-``) into single inputs.

Directories are walked recursively in sorted order, skipping hidden files and directories
(names starting with ``.``) and not following directory symlinks (no loops). A pattern is
treated as a glob only when no file of that exact name exists. Every argument produces at least
one outcome: a path that matches nothing, an empty directory or a special file becomes an error
source, never silence. A file reached twice (a directory and a glob overlapping) is read once.

``exclude`` names paths that are never inputs: the store this run writes to and the reports it
writes (the caller knows them), and what lies under those that are directories. A directory walk
or a glob passes over them without a word; an argument naming one of them exactly gets an NF017
line.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from newsfuse.errors import NewsfuseError


@dataclass
class Source:
    """One input: ``path`` as the user should see it; ``fs_path`` None means standard input."""

    path: str
    fs_path: str | None
    error: NewsfuseError | None = None


def _hidden(name: str) -> bool:
    return name.startswith(".") and name not in (".", "..")


class _Excluded:
    """Paths that are never inputs, and everything under those that are directories."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.paths = {os.path.realpath(p) for p in paths}

    def names(self, path: str) -> bool:
        """``path`` is one of them (an argument naming a file under an excluded directory, say
        Ray's spooled stdin, is still read)."""
        return bool(self.paths) and os.path.realpath(path) in self.paths

    def __contains__(self, path: str) -> bool:
        if not self.paths:
            return False
        real = os.path.realpath(path)
        while True:
            if real in self.paths:
                return True
            parent = os.path.dirname(real)
            if parent == real:
                return False
            real = parent


def _walk(directory: str, excluded: _Excluded) -> Iterator[Source]:
    found = False
    for root, dirs, files in os.walk(directory, followlinks=False, onerror=None):
        dirs[:] = sorted(d for d in dirs if not _hidden(d) and os.path.join(root, d) not in excluded)
        for name in sorted(files):
            path = os.path.join(root, name)
            if _hidden(name) or path in excluded:
                continue
            found = True
            yield _file_source(path, in_directory=True)
    if not found:
        yield Source(directory, None, NewsfuseError("NF002", "directory holds no input files", directory))


def _file_source(path: str, in_directory: bool = False) -> Source:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if re.match(r"(?i)^(?:https?|ftp)://", path):
            # by design: no request ever leaves the machine (docs/errors.md)
            detail = "a URL, and newsfuse never fetches URLs; save the page and pass the file"
            return Source(path, None, NewsfuseError("NF001", detail, path))
        return Source(path, None, NewsfuseError("NF001", "no such file", path))
    except OSError as exc:
        return Source(path, None, NewsfuseError("NF015", exc.strerror or type(exc).__name__, path))
    if stat.S_ISREG(st.st_mode):
        return Source(path, path)
    # a named pipe or /dev/stdin given explicitly is read (with the size cap); inside a
    # directory walk it would block forever, so it is refused there
    if not in_directory and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        return Source(path, path)
    return Source(path, None, NewsfuseError("NF015", "not a regular file", path))


def expand_inputs(inputs: Sequence[str], exclude: Iterable[str | os.PathLike[str]] = ()) -> Iterator[Source]:
    """Yield one Source per file to read (or per argument that cannot be read)."""
    seen: set[str] = set()
    excluded = _Excluded(exclude)

    def once(source: Source) -> Iterator[Source]:
        if source.fs_path is None or source.error is not None:
            yield source
            return
        key = os.path.realpath(source.fs_path)
        if key not in seen:
            seen.add(key)
            yield source

    for raw in inputs:
        item = os.fspath(raw)
        if item == "-":
            yield Source("-", None)
            continue
        if os.path.lexists(item) and excluded.names(item):
            yield Source(item, None, NewsfuseError("NF017", "this run writes to it", item))
            continue
        if os.path.isdir(item):
            for source in _walk(item, excluded):
                yield from once(source)
            continue
        if os.path.lexists(item) or not glob.has_magic(item):
            yield from once(_file_source(item))
            continue
        matches = sorted(glob.glob(item, recursive=True))
        if not matches:
            yield Source(item, None, NewsfuseError("NF001", "no file matches this pattern", item))
            continue
        matches = [m for m in matches if m not in excluded]
        if not matches:
            yield Source(item, None, NewsfuseError("NF017", "the pattern matches only files this run writes to", item))
            continue
        for match in matches:
            if os.path.isdir(match):
                for source in _walk(match, excluded):
                    yield from once(source)
            else:
                yield from once(_file_source(match))
