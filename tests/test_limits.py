"""newsfuse.limits: time budgets that really stop work, capped reads, capped decompression."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import threading
import time
import tracemalloc
import zipfile
import zlib

import pytest

from newsfuse.limits import (
    DecompressedTooLarge,
    InputTooLarge,
    TimeBudgetExceeded,
    compression_kind,
    decompress_capped,
    read_capped,
    read_stream_capped,
    time_budget,
    zip_members_capped,
)


# --------------------------------------------------------------------------- time budget
def test_budget_stops_a_catastrophic_regex():
    started = time.monotonic()
    with pytest.raises(TimeBudgetExceeded):
        with time_budget(0.3):
            re.match(r"(a+)+$", "a" * 40 + "b")  # exponential backtracking: hours unbounded
    assert time.monotonic() - started < 5


def test_budget_stops_a_python_loop_and_keeps_results_of_fast_blocks():
    with time_budget(2):
        value = sum(range(1000))
    assert value == 499500
    with pytest.raises(TimeBudgetExceeded) as info:
        with time_budget(0.2):
            while True:
                pass
    assert info.value.seconds == 0.2


def test_swallowed_timeout_is_raised_again():
    """Libraries that catch Exception (trafilatura does, around its fallbacks) cannot outrun
    the budget: the next step is interrupted too, and the block still ends as a timeout."""
    steps = []
    started = time.monotonic()
    with pytest.raises(TimeBudgetExceeded):
        with time_budget(0.2):
            for step in range(3):
                try:
                    while True:
                        pass
                except Exception:  # noqa: BLE001 - what a careless library does
                    steps.append(step)
    assert steps == [0, 1, 2]
    assert time.monotonic() - started < 5


def test_fully_swallowed_timeout_still_reported_on_exit():
    with pytest.raises(TimeBudgetExceeded):
        with time_budget(0.1):
            try:
                time.sleep(1)
            except Exception:  # noqa: BLE001
                pass


def test_nested_budgets_inner_fires_and_outer_survives():
    with time_budget(5) as outer:
        with pytest.raises(TimeBudgetExceeded) as info:
            with time_budget(0.2):
                while True:
                    pass
        assert info.value.seconds == 0.2
        assert outer.remaining() > 3
        time.sleep(0.3)  # the outer timer is re-armed, not fired by the inner one
    # the outer deadline caps an inner budget that asks for more
    with pytest.raises(TimeBudgetExceeded) as info:
        with time_budget(0.3):
            with time_budget(60):
                while True:
                    pass
    assert info.value.seconds == 0.3


def test_no_timer_left_behind():
    import signal

    with time_budget(1):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None, signal.default_int_handler)


def test_budget_in_a_thread_is_cooperative():
    outcome = {}

    def work():
        try:
            with time_budget(0.1) as budget:
                assert not budget.preemptive
                time.sleep(0.2)
        except TimeBudgetExceeded:
            outcome["timed_out"] = True

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert outcome == {"timed_out": True}


def test_zero_or_none_means_unlimited():
    for seconds in (None, 0, -1):
        with time_budget(seconds) as budget:
            time.sleep(0.01)
        assert budget.remaining() == float("inf")


# --------------------------------------------------------------------------- capped reads
def test_read_stream_capped():
    assert read_stream_capped(io.BytesIO(b"abc"), 3) == b"abc"
    with pytest.raises(InputTooLarge):
        read_stream_capped(io.BytesIO(b"abcd"), 3)


def test_read_capped_stats_before_reading(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(200_000_000)
    tracemalloc.start()
    with pytest.raises(InputTooLarge) as info:
        read_capped(big, 1_000_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert info.value.size == 200_000_000
    assert peak < 2_000_000
    small = tmp_path / "small.txt"
    small.write_bytes(b"hello")
    assert read_capped(small, 5) == b"hello"


# --------------------------------------------------------------------------- decompression
TEXT = ("Harbour news: the ferry runs again. " * 200).encode()


@pytest.mark.parametrize(
    "pack,kind",
    [(gzip.compress, "gzip"), (bz2.compress, "bz2"), (lzma.compress, "xz")],
)
def test_round_trip_and_cap(pack, kind):
    data = pack(TEXT)
    assert compression_kind(data) == kind
    assert decompress_capped(data, len(TEXT)) == TEXT
    with pytest.raises(DecompressedTooLarge):
        decompress_capped(data, len(TEXT) - 1)


def test_concatenated_gzip_members():
    data = gzip.compress(b"first part. ") + gzip.compress(b"second part.")
    assert decompress_capped(data, 1000) == b"first part. second part."


@pytest.mark.parametrize("pack", [gzip.compress, bz2.compress, lzma.compress])
def test_truncated_streams_are_value_errors(pack):
    data = pack(TEXT * 10)
    with pytest.raises(ValueError):
        decompress_capped(data[: len(data) // 2], 10**7)


def test_gzip_bomb_rejected_fast_and_small():
    """1 GiB of zeros in under 5 MB of gzip: refused within a second, well under 100 MB."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    member = b"".join(comp.compress(chunk) for _ in range(64)) + comp.flush()
    bomb = member * 16  # 16 concatenated gzip members of 64 MiB each (legal gzip)
    assert len(bomb) < 5_000_000  # about 1:230 here (level 1); real bombs reach 1:1000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DecompressedTooLarge):
        decompress_capped(bomb, 50_000_000)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 100_000_000, peak
    assert elapsed < 5  # generous on a loaded 2-core machine; bench shows the real figure


def test_zip_members_and_zip_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", TEXT)
        zf.writestr(".hidden", b"secret")
        zf.writestr("__MACOSX/._a.txt", b"resource fork")
        zf.writestr("dir/", b"")
        zf.writestr("dir/b.txt", b"second")
    members = list(zip_members_capped(buf.getvalue(), 10**6))
    assert [name for name, _ in members] == ["a.txt", "dir/b.txt"]
    assert members[0][1] == TEXT
    with pytest.raises(DecompressedTooLarge):
        list(zip_members_capped(buf.getvalue(), len(TEXT)))
    with pytest.raises(DecompressedTooLarge):
        list(zip_members_capped(buf.getvalue(), 10**6, max_members=1))
    with pytest.raises(ValueError):
        list(zip_members_capped(b"PK\x03\x04 not really a zip", 1000))


def test_text_is_not_mistaken_for_compressed_data():
    assert compression_kind(b"BZh is how a bz2 file starts, but this is text") is None
    assert compression_kind(b"Plain words") is None
    with pytest.raises(ValueError):
        decompress_capped(b"Plain words", 100)


def test_many_short_overruns_leave_no_stale_state():
    """Budgets that expire right as their block ends, over and over, must never leave a
    stale budget behind (which would time out every later block at once)."""
    import signal

    timeouts = 0
    for _ in range(40):
        try:
            with time_budget(0.01):
                try:
                    time.sleep(0.012)
                except Exception:  # noqa: BLE001
                    pass
        except TimeBudgetExceeded:
            timeouts += 1
    assert timeouts >= 1
    with time_budget(1):
        time.sleep(0.05)  # a fresh budget works normally afterwards
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
