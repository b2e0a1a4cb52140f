"""The run summary of issue 9: every input ends stored, rejected (a coded error) or timed out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsfuse.types import Article, InputError

TIMED_OUT = "NF014"


@dataclass(frozen=True)
class OutcomeCounts:
    stored: int = 0
    rejected: int = 0
    timed_out: int = 0

    def line(self) -> str:
        """One line for the terminal, e.g. ``12 stored, 3 rejected, 1 timed out``."""
        return f"{self.stored} stored, {self.rejected} rejected, {self.timed_out} timed out"


def count_outcomes(outcomes: Iterable[Article | InputError]) -> OutcomeCounts:
    """Count Articles as stored, NF014 errors as timed out and every other error as rejected."""
    stored = rejected = timed_out = 0
    for outcome in outcomes:
        if isinstance(outcome, Article):
            stored += 1
        elif outcome.code == TIMED_OUT:
            timed_out += 1
        else:
            rejected += 1
    return OutcomeCounts(stored, rejected, timed_out)
