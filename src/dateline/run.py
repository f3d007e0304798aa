"""A stored run: read inputs, skip what the database already holds unchanged, code, store in batches.

Every input is accounted for: `Ledger` gives each one exactly one status (coded, skipped, failed),
stores each skip and failure in the `not_coded` table and writes it to the run's report file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterator, Sequence

import orjson

from dateline.config import Settings
from dateline.errors import CODED, FAILED, SKIPPED, DatelineError, DocumentError, ErrorKind
from dateline.ingest import read
from dateline.pipeline import Pipeline
from dateline.records import Document
from dateline.store.duckdb import RunCounts, Store
from dateline.store.rows import document_hash

log = logging.getLogger(__name__)

#: Documents per database transaction: a killed run loses at most this many documents' work.
STORE_BATCH = 64
#: Documents whose stored hashes are looked up in one query: one query per 64 documents made a
#: million-document run spend half a minute on look-ups alone.
LOOKUP_BATCH = 1024
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
            self.report.write(orjson.dumps(row) + b"\n")
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


def _given(document: Document) -> dict:
    return {"id": document.id, "text": document.text, "title": document.title, "published": document.published,
            "source": document.source, "url": document.url, "origin": document.origin}


def run(inputs: Sequence[str], settings: Settings, pipeline: Pipeline | None = None,
        on_document: Callable[[str, str], None] | None = None, output: Callable[[dict], None] | None = None,
        report: Path | None = None) -> RunSummary:
    """Code `inputs` into the database `settings.db`; unchanged documents are not coded again.

    `on_document(key, status)` is called once per input (status: coded, unchanged, skipped,
    failed) so a caller can draw progress; `output` receives every newly coded document; every
    skip and failure is written as a JSON line to `report` (default: `default_report_path`).
    """
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
            store.start_run(run_id, inputs, {k: v for k, v in asdict(settings).items() if k != "extra"})
            pipeline = pipeline or Pipeline.load(settings)
            ledger = Ledger(summary, store, report_file, on_document)
            _code_and_store(inputs, pipeline, store, ledger, output)
            ledger.close()
        store.finish_run(run_id, counts)
    return summary


def _fresh(inputs: Sequence[str], store: Store, ledger: Ledger) -> Iterator[Document]:
    """Documents that are new or changed. Inputs that never became a document, ids repeated in
    the run and documents stored unchanged are accounted here and go no further."""
    # id -> the first 60 bits of the content hash of each document given in this run: the one
    # thing a run holds per document (about 150 bytes), to tell an id given twice
    seen: dict[str, int] = {}
    pending: list[tuple[Document, str]] = []

    def flush() -> Iterator[Document]:
        known = store.known_hashes([document.id for document, _ in pending])
        for document, content in pending:
            if known.get(document.id) == content:
                ledger.not_coded(DocumentError(ErrorKind.UNCHANGED, "already stored with the same content",
                                               document.origin, document.id))
            else:
                yield document
        pending.clear()

    for item in read(inputs):
        ledger.given()
        if isinstance(item, DocumentError):
            ledger.not_coded(item)
            continue
        content = document_hash(_given(item))
        short = int(content[:15], 16)
        if item.id in seen:
            if seen[item.id] == short:
                ledger.not_coded(DocumentError(ErrorKind.UNCHANGED, "the same document was given earlier in "
                                               "this run; it is stored once", item.origin, item.id))
            else:
                ledger.not_coded(DocumentError(ErrorKind.DUPLICATE_ID, "this id was given earlier in the run with "
                                               "different content; the first one is kept", item.origin, item.id))
            continue
        seen[item.id] = short
        pending.append((item, content))
        if len(pending) >= LOOKUP_BATCH:
            yield from flush()
    yield from flush()


def _code_and_store(inputs: Sequence[str], pipeline: Pipeline, store: Store, ledger: Ledger,
                    output: Callable[[dict], None] | None) -> None:
    """Code the fresh documents and store them STORE_BATCH at a time, each outcome in the ledger."""
    batch: list[tuple[dict, dict, DocumentError | None]] = []
    for result in pipeline.code(_fresh(inputs, store, ledger)):
        document = result.document
        coded = result.coded.to_dict()
        batch.append((_given(document), coded, result.error))
        if result.error is not None:
            ledger.not_coded(result.error, stored=True)
        else:
            ledger.coded(document.id, [event["type"] for event in coded["events"]])
        if output:
            output(coded)
        if len(batch) >= STORE_BATCH:
            ledger.counts.events += store.write_batch(batch, ledger.summary.run_id)
            batch = []
    ledger.counts.events += store.write_batch(batch, ledger.summary.run_id)
