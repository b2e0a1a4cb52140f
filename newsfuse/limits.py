"""Resource limits every caller gets: a per-article time budget, capped reads, capped decompression.

They live in the library (not the CLI) so the pipeline, the web app and the Ray engine all get
the same protection against hostile input (issue 9).

Time budget
    ``with time_budget(seconds): ...`` raises :class:`TimeBudgetExceeded` when the body runs
    longer than ``seconds``. In the main thread of a Unix process it is *preemptive*: a
    ``SIGALRM`` interval timer interrupts Python code, including a runaway ``re`` match (CPython's
    regex engine checks for signals) and trafilatura's pure-Python loops. A single C call that
    never returns to the interpreter (one huge lxml parse) is interrupted as soon as it returns.
    Elsewhere (a worker thread, Windows, or when C code owns SIGALRM) there is no safe way to
    interrupt, so the budget is *cooperative*: code may call ``budget.check()``, and leaving the
    block after the deadline raises ``TimeBudgetExceeded`` anyway, so the overrun is still
    reported as a timeout.
    Budgets nest: the inner deadline is capped by the outer one, and the outer timer is re-armed
    when the inner block ends.

    ``TimeBudgetExceeded`` is an ordinary ``Exception`` (callers catch it with their per-item
    error policy), but libraries such as trafilatura wrap steps in ``except Exception`` and
    swallow it. So once the deadline has passed the timer keeps firing every 50 ms until the
    block is left: a swallowed timeout is raised again in the next step, and the block ends.

Capped reads and decompression
    ``read_capped`` stats first and never reads more than ``limit + 1`` bytes, so a 100 MB file
    costs nothing to reject. ``decompress_capped`` streams gzip/bz2/xz/zip output in chunks and
    stops at ``limit`` bytes, so a compression bomb is refused after at most ``limit`` bytes of
    output (milliseconds, and memory of the order of ``limit``).
"""

from __future__ import annotations

import bz2
import io
import lzma
import os
import signal
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

__all__ = [
    "Budget",
    "DecompressedTooLarge",
    "InputTooLarge",
    "TimeBudgetExceeded",
    "compression_kind",
    "decompress_capped",
    "read_capped",
    "read_stream_capped",
    "time_budget",
    "zip_members_capped",
]


class TimeBudgetExceeded(Exception):
    """The block ran past its time budget (re-raised every 50 ms until the block is left)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"time budget of {seconds:g} s exceeded")


class InputTooLarge(Exception):
    """More bytes than allowed; ``size`` is what was seen (at least limit + 1)."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"{size} bytes > limit {limit}")


class DecompressedTooLarge(Exception):
    """Decompression would produce more than ``limit`` bytes (a possible compression bomb)."""

    def __init__(self, limit: int, kind: str) -> None:
        self.limit = limit
        self.kind = kind
        super().__init__(f"{kind} data decompresses to more than {limit} bytes")


# --------------------------------------------------------------------------- time budget
@dataclass
class Budget:
    """Handle for one ``time_budget`` block: ``remaining()`` and a cooperative ``check()``."""

    seconds: float
    deadline: float
    preemptive: bool
    _expired: bool = field(default=False, repr=False)
    _closing: bool = field(default=False, repr=False)  # its block is leaving: never raise for it

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        """Raise if the deadline has passed (for long loops when the budget is cooperative)."""
        if time.monotonic() >= self.deadline:
            self._expired = True
            raise TimeBudgetExceeded(self.seconds)


# innermost last; only touched from the main thread (signal handlers run there)
_active: list[Budget] = []


def _can_preempt() -> bool:
    """SIGALRM is ours to use: Unix, main thread, and no handler installed from C (a fuzzer or
    an embedding application) that we could not put back afterwards."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    return _active != [] or signal.getsignal(signal.SIGALRM) is not None


def _on_alarm(signum: int, frame: object) -> None:
    now = time.monotonic()
    # raise for the outermost expired budget: its block must end, inner ones with it
    for budget in _active:
        if not budget._closing and now >= budget.deadline - 1e-4:
            budget._expired = True
            raise TimeBudgetExceeded(budget.seconds)
    open_budgets = [b for b in _active if not b._closing]
    if open_budgets:  # woke early (timer granularity): re-arm for the nearest deadline
        _arm(min(b.deadline for b in open_budgets))


_REPEAT = 0.05  # seconds between re-raises once a deadline has passed


def _arm(deadline: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-4), _REPEAT)


@contextmanager
def time_budget(seconds: float | None) -> Iterator[Budget]:
    """Limit the wall time of the block to ``seconds`` (None or <= 0: no limit)."""
    if seconds is None or seconds <= 0 or seconds == float("inf"):
        yield Budget(float("inf"), float("inf"), preemptive=False)
        return
    now = time.monotonic()
    deadline = now + seconds
    if _can_preempt() and _active:
        deadline = min(deadline, _active[-1].deadline)
    preemptive = _can_preempt()
    budget = Budget(seconds, deadline, preemptive)
    if not preemptive:
        yield budget
        if time.monotonic() >= budget.deadline:
            raise TimeBudgetExceeded(seconds)
        return

    outermost = not _active
    previous_handler = signal.getsignal(signal.SIGALRM) if outermost else None
    previous_timer = signal.getitimer(signal.ITIMER_REAL) if outermost else (0.0, 0.0)
    if outermost:
        signal.signal(signal.SIGALRM, _on_alarm)
    _active.append(budget)
    _arm(deadline)
    try:
        yield budget
    finally:
        # an alarm may still arrive while we clean up: _closing makes the handler ignore this
        # budget, and the nested finally guarantees the bookkeeping is restored regardless
        budget._closing = True
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            if budget in _active:
                _active.remove(budget)
            if outermost:
                signal.signal(signal.SIGALRM, previous_handler or signal.SIG_DFL)
                if previous_timer[0] > 0:  # someone else's timer: give back what it had left
                    signal.setitimer(signal.ITIMER_REAL, *previous_timer)
        if not outermost and _active:
            outer = _active[-1]
            if time.monotonic() >= outer.deadline:
                outer._expired = True
                raise TimeBudgetExceeded(outer.seconds)
            _arm(outer.deadline)
    if budget._expired:  # the body swallowed every timeout and finished late: still a timeout
        raise TimeBudgetExceeded(seconds)


# --------------------------------------------------------------------------- capped reads
_CHUNK = 1 << 20


def read_stream_capped(stream: BinaryIO, limit: int) -> bytes:
    """Read at most ``limit`` bytes; raise InputTooLarge if the stream holds more."""
    buf = bytearray()
    while len(buf) <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - len(buf)))
        if not chunk:
            return bytes(buf)
        buf += chunk
    raise InputTooLarge(len(buf), limit)


def read_capped(path: str | os.PathLike[str], limit: int) -> bytes:
    """Read a file of at most ``limit`` bytes: stat first, then a capped read (pipes, /proc)."""
    with open(path, "rb") as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
        except OSError:
            size = 0
        if size > limit:
            raise InputTooLarge(size, limit)
        return read_stream_capped(fh, limit)


# --------------------------------------------------------------------------- decompression
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # empty archive
)


def compression_kind(data: bytes) -> str | None:
    """'gzip', 'bz2', 'xz' or 'zip' from the magic number, else None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if kind == "bz2" and not (len(data) > 3 and data[3:4] in b"123456789"):
                continue  # "BZh" followed by the block size digit, else it is text
            return kind
    return None


def _stream(decompressor: object, data: bytes, limit: int, kind: str) -> bytes:
    out = bytearray()
    pending = data
    while True:
        # max_length bounds each step's output, so a bomb never expands past limit + 1 chunk
        chunk = decompressor.decompress(pending, min(_CHUNK, limit + 1 - len(out)))  # type: ignore[attr-defined]
        pending = b""
        out += chunk
        if len(out) > limit:
            raise DecompressedTooLarge(limit, kind)
        if getattr(decompressor, "eof", False):
            rest = getattr(decompressor, "unused_data", b"")
            if kind == "gzip" and rest.lstrip(b"\x00"):
                # concatenated gzip members are legal (gzip a b > c.gz): keep going
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
                pending = rest
                continue
            return bytes(out)
        if not chunk:
            if kind == "gzip":
                tail = decompressor.unconsumed_tail  # type: ignore[attr-defined]
                if tail:
                    pending = tail
                    continue
            elif not getattr(decompressor, "needs_input", True):
                continue
            raise ValueError(f"truncated {kind} data")
        if kind == "gzip":
            pending = decompressor.unconsumed_tail  # type: ignore[attr-defined]


def decompress_capped(data: bytes, limit: int, kind: str | None = None) -> bytes:
    """Decompress gzip/bz2/xz (the first member of a zip) with at most ``limit`` bytes out.

    Raises DecompressedTooLarge past the limit and ValueError on corrupt or truncated data.
    """
    kind = kind or compression_kind(data)
    if kind == "gzip":
        return _stream(zlib.decompressobj(16 + zlib.MAX_WBITS), data, limit, kind)
    if kind == "bz2":
        try:
            return _stream(bz2.BZ2Decompressor(), data, limit, kind)
        except OSError as exc:
            raise ValueError(f"corrupt bz2 data: {exc}") from None
    if kind == "xz":
        try:
            return _stream(lzma.LZMADecompressor(), data, limit, kind)
        except lzma.LZMAError as exc:
            raise ValueError(f"corrupt xz data: {exc}") from None
    if kind == "zip":
        for _, content in zip_members_capped(data, limit, max_members=1):
            return content
        return b""
    raise ValueError("not compressed data")


def zip_members_capped(
    data: bytes, limit: int, max_members: int = 10_000
) -> Iterator[tuple[str, bytes]]:
    """Yield (name, bytes) for the regular, non-hidden members; ``limit`` caps the total output.

    The declared sizes in a zip are not trusted: each member is read in chunks and the running
    total is checked, so a zip bomb stops at the cap.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError(f"corrupt zip: {exc}") from None
    total = 0
    seen = 0
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            base = info.filename.rsplit("/", 1)[-1]
            if not base or base.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue
            seen += 1
            if seen > max_members:
                raise DecompressedTooLarge(limit, "zip (too many members)")
            buf = bytearray()
            try:
                with archive.open(info) as member:
                    while True:
                        chunk = member.read(min(_CHUNK, limit + 1 - total))
                        if not chunk:
                            break
                        buf += chunk
                        total += len(chunk)
                        if total > limit:
                            raise DecompressedTooLarge(limit, "zip")
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
                raise ValueError(f"corrupt zip member {info.filename}: {exc}") from None
            yield info.filename, bytes(buf)
