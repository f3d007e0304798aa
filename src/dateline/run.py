"""A stored run: read inputs, skip what the store already holds unchanged, code, store in batches.

Coding happens in an engine (local worker processes, or Ray); this process is the one writer.
Each batch of `settings.store_batch` documents is one transaction together with the run's counts, so
a run killed at any point leaves whole batches, and the next run codes exactly the documents left.
Every input is accounted for: `Ledger` gives each one exactly one status (coded, skipped, failed),
stores each skip and failure in the `not_coded` table and writes it to the run's report file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterator, Sequence

from dateline.config import Settings
from dateline.engine.manifest import Manifest, given_fields
from dateline.errors import CODED, SKIPPED, DatelineError, DocumentError, ErrorKind
from dateline.ingest import read
from dateline.pipeline import Pipeline, Result
from dateline.store.clusters import ClusterRules
from dateline.store.clusters import rebuild as rebuild_clusters
from dateline.store.duckdb import RunCounts, Store
from dateline.store.writers import json_line

log = logging.getLogger(__name__)

#: The engines `dateline run --engine` knows.
ENGINES = ("local", "ray")
#: Skips and failures are stored this many rows at a time: a row each would cost a transaction
#: each, and a rerun of a million-document corpus has a million "unchanged" rows.
LEDGER_BATCH = 5000
#: The summary keeps this many skips and failures to show; the report file and store keep all.
SUMMARY_EXAMPLES = 50


def default_report_path(db: Path) -> Path:
    """Where a run's report goes unless told: beside the database ("dateline.duckdb" ->
    "dateline.report.jsonl"), replaced by each run."""
    return db.with_name(f"{db.stem}.report.jsonl")


@dataclass
class RunSummary:
    run_id: str
    counts: RunCounts
    failures: list[DocumentError] = field(default_factory=list)   # the first skips (not unchanged) and failures
    by_kind: Counter = field(default_factory=Counter)               # every skip and failure, by kind
    by_type: dict[str, int] = field(default_factory=dict)
    report: Path | None = None
    interrupted: list[str] = field(default_factory=list)     # earlier runs found killed
    clusters: dict[str, int] = field(default_factory=dict)   # event clusters after the run, when rebuilt

    @property
    def proceeded(self) -> bool:
        """False when the run had nothing to work on: every input was missing or unreadable
        (a path that does not exist, a binary file, a pattern matching nothing)."""
        unreadable = self.by_kind.get(ErrorKind.UNREADABLE.value, 0)
        return not (self.counts.given and unreadable == self.counts.given)


class Ledger:
    """Gives every input of a run one status, and keeps the books: the counts, the `not_coded`
    rows in the store (batched), the report file (one JSON line per skip or failure), and the
    caller's progress callback."""

    def __init__(self, summary: RunSummary, store: Store, report: IO[bytes] | None = None,
                 on_document: Callable[[str, str], None] | None = None):
        self.summary = summary
        self.counts = summary.counts
        self.store = store
        self.report = report
        self.on_document = on_document
        self._rows: list[dict] = []
        self._seq = 0

    def given(self) -> None:
        """One more input read (a document, or an input that could not become one)."""
        self.counts.given += 1

    def coded(self, document_id: str, event_types: Sequence[str] = ()) -> None:
        self.counts.coded += 1
        for name in event_types:
            self.summary.by_type[name] = self.summary.by_type.get(name, 0) + 1
        self._notify(document_id, CODED)

    def not_coded(self, error: DocumentError, *, stored: bool = False) -> None:
        """A skip or failure. `stored`: its document row (with the reason) is written by the
        caller's batch; otherwise a failed input is also kept in the `failures` table."""
        status = error.status
        if status == SKIPPED:
            self.counts.skipped += 1
            if error.kind is ErrorKind.UNCHANGED:
                self.counts.unchanged += 1
        else:
            self.counts.failed += 1
            if not stored:
                self.store.record_failure(error, self.summary.run_id)
        self.summary.by_kind[error.kind.value] += 1
        if error.kind is not ErrorKind.UNCHANGED and len(self.summary.failures) < SUMMARY_EXAMPLES:
            self.summary.failures.append(error)
        self._seq += 1
        row = {"run_id": self.summary.run_id, "seq": self._seq, **error.to_dict()}
        self._rows.append(row)
        if self.report is not None:
            self.report.write(json_line(row).encode())
        if len(self._rows) >= LEDGER_BATCH:
            self.flush()
        self._notify(error.document_id or error.origin or "?", "unchanged" if error.kind is ErrorKind.UNCHANGED
                     else status)

    def flush(self) -> None:
        self.store.record_not_coded(self._rows)
        self._rows = []
        if self.report is not None:
            self.report.flush()

    def close(self) -> None:
        """Store what is pending and check the books: coded + skipped + failed = given."""
        self.flush()
        counts = self.counts
        if not counts.accounted:  # a bug, never the input's fault: say so loudly
            log.error("run %s: %d given but %d coded + %d skipped + %d failed", self.summary.run_id,
                      counts.given, counts.coded, counts.skipped, counts.failed)

    def _notify(self, key: str, status: str) -> None:
        if self.on_document:
            self.on_document(key, status)


def cluster_rules(settings: Settings) -> ClusterRules:
    return ClusterRules(window_days=settings.cluster_window_days, distance_km=settings.cluster_distance_km,
                        match=settings.cluster_match)


def run(inputs: Sequence[str], settings: Settings, pipeline: Pipeline | None = None,
        on_document: Callable[[str, str], None] | None = None, output: Callable[[dict], None] | None = None,
        report: Path | None = None, engine: str = "local", address: str | None = None,
        parquet: str | None = None) -> RunSummary:
    """Code `inputs` into the database `settings.db`; unchanged documents are not coded again.

    `on_document(key, status)` is called once per input (status: coded, unchanged, skipped,
    failed) so a caller can draw progress; `output` receives every newly coded document; every
    skip and failure is written as a JSON line to `report` (default: `default_report_path`).
    `engine` is "local" (worker processes, `settings.n_process`) or "ray" (Ray Data at `address`,
    coded Parquet parts written under `parquet`).
    """
    if engine not in ENGINES:
        raise DatelineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "ray" and importlib.util.find_spec("ray") is None:
        raise DatelineError("the Ray engine needs Ray: pip install 'dateline[ray]'")
    if engine != "ray" and (address or parquet):
        raise DatelineError("--address and --parquet go with --engine ray")
    started = dt.datetime.now(dt.timezone.utc)
    run_id = hashlib.sha1(f"{started.isoformat()}|{' '.join(inputs)}".encode()).hexdigest()[:12]
    report = report or default_report_path(Path(settings.db))
    summary = RunSummary(run_id=run_id, counts=RunCounts(), report=report)
    counts = summary.counts
    with Store(settings.db) as store:
        try:
            report.parent.mkdir(parents=True, exist_ok=True)
            report_file = report.open("wb")
        except OSError as error:
            raise DatelineError(f"cannot write the report {report}: {error.strerror or error}") from error
        with report_file:
            summary.interrupted = store.start_run(run_id, inputs, {k: v for k, v in asdict(settings).items()
                                                                   if k != "extra"})
            ledger = Ledger(summary, store, report_file, on_document)
            manifest = Manifest(store, ledger)
            results = _coded(inputs, settings, manifest, pipeline, engine, address, parquet, run_id)
            _store(results, store, ledger, settings.store_batch, output)
            ledger.close()
        if counts.coded or counts.failed or summary.interrupted:
            # before the run counts as finished: a kill here leaves it interrupted, and the next run clusters
            summary.clusters = rebuild_clusters(store, cluster_rules(settings))
        store.finish_run(run_id, counts)
    return summary


def _coded(inputs: Sequence[str], settings: Settings, manifest: Manifest, pipeline: Pipeline | None, engine: str,
           address: str | None, parquet: str | None, run_id: str) -> Iterator[Result]:
    if engine == "ray":
        from dateline.engine.ray import code_ray

        # parts asked for are kept (to query in place); the default ones go once they are loaded
        return code_ray(inputs, settings, manifest, address=address, parts=parquet or f"{settings.db}.parts/{run_id}",
                        keep_parts=parquet is not None)
    from dateline.engine.local import code_local

    return code_local(manifest.fresh(read(inputs)), settings, pipeline)


def _store(results: Iterator[Result], store: Store, ledger: Ledger, batch_size: int,
           output: Callable[[dict], None] | None) -> None:
    """Store the coded documents `batch_size` at a time, each batch in one transaction with the
    run's counts, and each outcome in the ledger."""
    run_id = ledger.summary.run_id
    batch: list[tuple[dict, dict, DocumentError | None]] = []
    for result in results:
        document = result.document
        coded = result.coded.to_dict()
        batch.append((given_fields(document), coded, result.error))
        if result.error is not None:
            ledger.not_coded(result.error, stored=True)
        else:
            ledger.coded(document.id, [event["type"] for event in coded["events"]])
        if output:
            output(coded)
        if len(batch) >= batch_size:
            store.write_batch(batch, run_id, ledger.counts)
            batch = []
    store.write_batch(batch, run_id, ledger.counts)
