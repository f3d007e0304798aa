"""A million one-line documents stream through ingest and the run's accounting in flat memory.

What this covers: `ingest.read` over a 1,000,000-line JSONL file, and the run's pre-coding path
(`Manifest.fresh` with a real Store and the run's Ledger: ids, content hashes, stored-hash look-ups, skips and
failures written to the `not_coded` table and the report). It does not run spaCy on a million
documents (hours on a laptop CPU): coding itself is covered document by document by the catalogue.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dateline.ingest import read
from dateline.records import Document
from dateline.engine.manifest import Manifest
from dateline.run import Ledger, RunSummary
from dateline.store.duckdb import RunCounts, Store

LINES = 1_000_000
EMPTY_EVERY, MALFORMED_EVERY = 1000, 997


def _resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


@pytest.fixture(scope="module")
def million(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("million") / "million.jsonl"
    with path.open("wb") as handle:
        for i in range(LINES):
            if i % MALFORMED_EVERY == 1:
                handle.write(b'{"id": "broken-%d", "text": \n' % i)
            elif i % EMPTY_EVERY == 2:
                handle.write(b'{"id": "d%07d", "text": "  "}\n' % i)
            else:
                handle.write(b'{"id": "d%07d", "text": "Story %d: talks resumed in Geneva on Monday."}\n' % (i, i))
    return path


def _expected() -> tuple[int, int]:
    malformed = sum(1 for i in range(LINES) if i % MALFORMED_EVERY == 1)
    empty = sum(1 for i in range(LINES) if i % MALFORMED_EVERY != 1 and i % EMPTY_EVERY == 2)
    return malformed, empty


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="resident memory is read from /proc (Linux)")
def test_a_million_lines_are_read_one_at_a_time(million):
    before = peak = _resident_mb()
    count = documents = 0
    for item in read([str(million)]):
        count += 1
        documents += isinstance(item, Document)
        if count % 50_000 == 0:
            peak = max(peak, _resident_mb())
    malformed, empty = _expected()
    assert (count, documents) == (LINES, LINES - malformed - empty)
    # holding the documents would take hundreds of MB; streaming holds one line at a time
    assert peak - before < 50, f"resident memory grew {peak - before:.0f} MB while reading"


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="resident memory is read from /proc (Linux)")
def test_a_million_lines_are_all_accounted_for_before_coding(million, tmp_path):
    summary = RunSummary("million", RunCounts())
    with Store(tmp_path / "m.duckdb") as store, (tmp_path / "report.jsonl").open("wb") as report:
        ledger = Ledger(summary, store, report)
        before = peak = _resident_mb()
        to_code = 0
        for _ in Manifest(store, ledger).fresh(read([str(million)])):
            to_code += 1
            if to_code % 50_000 == 0:
                peak = max(peak, _resident_mb())
        ledger.flush()
        stored = dict(store.con.execute("SELECT kind, count(*) FROM not_coded WHERE run_id = 'million' "
                                        "GROUP BY kind").fetchall())
    counts = summary.counts
    malformed, empty = _expected()
    assert counts.given == LINES
    assert to_code + counts.skipped + counts.failed == counts.given
    assert (counts.failed, counts.skipped) == (malformed, empty)
    assert stored == {"malformed": malformed, "empty": empty}
    assert sum(1 for _ in (tmp_path / "report.jsonl").open("rb")) == malformed + empty
    # the run remembers each id it was given (about 150 bytes each, to tell an id given twice);
    # documents themselves are not held: they would take several times this
    assert peak - before < 300, f"resident memory grew {peak - before:.0f} MB before coding"
