"""Test support that ships with the library: hostile inputs with their expected outcomes.

It lives in the package (not tests/) so the CLI tests, the web tests, the stress benchmark
and the fuzzing harness all use the same cases.
"""

from newsfuse.testing.hostile import HostileCase, belongs_to, compare, outcome_label, write_hostile_corpus

__all__ = ["HostileCase", "belongs_to", "compare", "outcome_label", "write_hostile_corpus"]
