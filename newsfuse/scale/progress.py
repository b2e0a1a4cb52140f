"""Per-stage article counts for a Ray run, printed on stderr while Ray Data draws its own bars.

Stages run in other processes (and other machines), so they report to one small named actor;
a daemon thread in the driver prints the counts every few seconds. Reporting is fire-and-forget:
a slow or missing counter never stalls a stage.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from typing import Any, TextIO

STAGE_ORDER = (
    "shards", "ingest", "skipped", "repair", "extract", "embed", "written", "errors",
    "known", "clustered", "stored", "stories",
)


class StageCounter:
    """Ray actor body: stage name -> articles that went through it."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def add(self, stage: str, n: int) -> None:
        self.counts[stage] = self.counts.get(stage, 0) + int(n)

    def add_time(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + float(seconds)

    def snapshot(self) -> dict[str, int]:
        return dict(self.counts)

    def busy_seconds(self) -> dict[str, float]:
        """Seconds spent inside each stage, summed over its workers (not wall time)."""
        return dict(self.seconds)


def start_counter() -> Any:
    """Create the run's counter actor (zero CPUs: it must never wait for a free core)."""
    import ray

    return ray.remote(num_cpus=0)(StageCounter).remote()


def stop_counter(counter: Any) -> None:
    import ray

    with contextlib.suppress(Exception):
        ray.kill(counter)


def report(counter: Any, stage: str, n: int) -> None:
    """Called from inside a stage; never raises (progress is not worth failing a batch)."""
    if counter is None or n <= 0:
        return
    try:
        counter.add.remote(stage, n)
    except Exception:  # noqa: BLE001 - best effort
        pass


def report_time(counter: Any, stage: str, seconds: float) -> None:
    if counter is None:
        return
    try:
        counter.add_time.remote(stage, seconds)
    except Exception:  # noqa: BLE001 - best effort
        pass


def format_counts(counts: dict[str, int], phase: str = "") -> str:
    names = [s for s in STAGE_ORDER if s in counts] + sorted(set(counts) - set(STAGE_ORDER))
    body = " · ".join(f"{s} {counts[s]:,}" for s in names) or "starting"
    return f"[newsfuse ray{(' ' + phase) if phase else ''}] {body}"


class ProgressPrinter:
    """Prints the counter's snapshot on stderr every ``interval`` seconds until stopped."""

    def __init__(
        self, counter: Any, *, interval: float = 5.0, enabled: bool = True, stream: TextIO | None = None
    ) -> None:
        self.counter = counter
        self.interval = interval
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.phase = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last = ""

    def __enter__(self) -> ProgressPrinter:
        if self.enabled:
            self._thread = threading.Thread(target=self._loop, name="newsfuse-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self.enabled:
            self.print_now(force=True)

    def counts(self) -> dict[str, int]:
        import ray

        try:
            return ray.get(self.counter.snapshot.remote(), timeout=10)
        except Exception:  # noqa: BLE001 - the run goes on without progress
            return {}

    def busy_seconds(self) -> dict[str, float]:
        import ray

        try:
            return ray.get(self.counter.busy_seconds.remote(), timeout=10)
        except Exception:  # noqa: BLE001
            return {}

    def print_now(self, force: bool = False) -> None:
        line = format_counts(self.counts(), self.phase)
        if force or line != self._last:
            self._last = line
            print(line, file=self.stream, flush=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.print_now()


def now() -> float:
    return time.perf_counter()
