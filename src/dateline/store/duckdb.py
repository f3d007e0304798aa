"""The embedded store: documents, events, actors, places, timexes, quotes and runs in one DuckDB file.

Ids come from content, and each batch is written in one transaction that first removes the rows of
the documents it rewrites: running twice adds nothing, and a killed run leaves whole batches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb
import orjson
import pyarrow as pa

from dateline.errors import DatelineError, DocumentError
from dateline.store.rows import EVENT_COLUMNS, document_hash, event_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id VARCHAR PRIMARY KEY, hash VARCHAR, origin VARCHAR, title VARCHAR, published VARCHAR,
    source VARCHAR, url VARCHAR, text VARCHAR, status VARCHAR, reason VARCHAR, warnings VARCHAR[],
    coded JSON, run_id VARCHAR, coded_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY, document_id VARCHAR, type VARCHAR, mode VARCHAR, contexts VARCHAR,
    cameo VARCHAR, quad VARCHAR, intensity DOUBLE, modality VARCHAR, confidence DOUBLE,
    source_text VARCHAR, source_name VARCHAR, source_country VARCHAR, source_sectors VARCHAR,
    target_text VARCHAR, target_name VARCHAR, target_country VARCHAR, target_sectors VARCHAR,
    date VARCHAR, date_precision VARCHAR, date_text VARCHAR,
    location_text VARCHAR, location_name VARCHAR, location_country VARCHAR, location_admin1 VARCHAR,
    lat DOUBLE, lon DOUBLE, geonameid BIGINT, attribution VARCHAR, attribution_country VARCHAR,
    dead INTEGER, injured INTEGER, arrested INTEGER, trigger VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    sentence_start INTEGER, sentence_end INTEGER, sentence VARCHAR, evidence VARCHAR);
CREATE TABLE IF NOT EXISTS event_actors (
    event_id VARCHAR, document_id VARCHAR, role VARCHAR, text VARCHAR, name VARCHAR, country VARCHAR,
    sectors VARCHAR, wikidata VARCHAR, start_char INTEGER, end_char INTEGER);
CREATE TABLE IF NOT EXISTS places (
    document_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, name VARCHAR, country VARCHAR,
    admin1 VARCHAR, lat DOUBLE, lon DOUBLE, geonameid BIGINT, feature VARCHAR);
CREATE TABLE IF NOT EXISTS timexes (
    document_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, value VARCHAR, precision VARCHAR);
CREATE TABLE IF NOT EXISTS quotes (
    document_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, speaker_text VARCHAR,
    speaker_name VARCHAR, speaker_country VARCHAR, speaker_sectors VARCHAR);
CREATE TABLE IF NOT EXISTS failures (
    id VARCHAR PRIMARY KEY, document_id VARCHAR, origin VARCHAR, kind VARCHAR, reason VARCHAR,
    run_id VARCHAR, failed_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, inputs VARCHAR, given INTEGER,
    coded INTEGER, unchanged INTEGER, failed INTEGER, events INTEGER, settings JSON, status VARCHAR);
ALTER TABLE runs ADD COLUMN IF NOT EXISTS skipped INTEGER;
CREATE TABLE IF NOT EXISTS not_coded (
    run_id VARCHAR, seq BIGINT, document_id VARCHAR, origin VARCHAR, status VARCHAR, kind VARCHAR,
    reason VARCHAR, PRIMARY KEY (run_id, seq));
-- one real-world event and the coded events that report it (store/clusters.py)
CREATE TABLE IF NOT EXISTS event_clusters (
    cluster_id VARCHAR PRIMARY KEY, type VARCHAR, quad VARCHAR, cameo VARCHAR, date VARCHAR,
    first_date VARCHAR, last_date VARCHAR, source_country VARCHAR, target_country VARCHAR,
    location_name VARCHAR, location_country VARCHAR, lat DOUBLE, lon DOUBLE, mentions INTEGER,
    articles INTEGER, sources INTEGER, first_event_id VARCHAR);
CREATE TABLE IF NOT EXISTS cluster_mentions (cluster_id VARCHAR, event_id VARCHAR, document_id VARCHAR);
-- a store made before runs had a status gets the column (NULL for its old, finished runs)
ALTER TABLE runs ADD COLUMN IF NOT EXISTS status VARCHAR;
"""

#: DuckDB column types as Arrow types, for bulk inserts from Arrow tables.
ARROW_TYPES = {"VARCHAR": pa.string(), "JSON": pa.string(), "DOUBLE": pa.float64(), "INTEGER": pa.int32(),
               "BIGINT": pa.int64(), "TIMESTAMP": pa.timestamp("us"), "VARCHAR[]": pa.list_(pa.string())}
#: Tables holding rows per document: all of them are rewritten together when a document changes.
DOCUMENT_TABLES = ("events", "event_actors", "places", "timexes", "quotes")


@dataclass
class RunCounts:
    """What became of a run's inputs: every one is coded, skipped or failed (`unchanged` is the
    part of `skipped` already stored with the same content)."""

    given: int = 0
    coded: int = 0
    skipped: int = 0
    unchanged: int = 0
    failed: int = 0
    events: int = 0

    @property
    def accounted(self) -> bool:
        return self.coded + self.skipped + self.failed == self.given


class Store:
    """A DuckDB file holding coded documents. Use as a context manager."""

    def __init__(self, path: Path | str, read_only: bool = False):
        self.path = Path(path)
        try:
            if read_only and not self.path.exists():
                raise DatelineError(f"no database at {self.path}: run `dateline run CORPUS --db {self.path}` first")
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as error:
            raise DatelineError(f"cannot open database {self.path}: {error}") from error
        if not read_only:
            self.con.execute(SCHEMA)
        self._schemas: dict[str, pa.Schema] = {}

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # -- reading -------------------------------------------------------------------------------

    def known_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        rows = self.con.execute("SELECT id, hash FROM documents WHERE id IN (SELECT unnest(?)) AND status = 'coded'",
                                [list(ids)]).fetchall()
        return dict(rows)

    def coded_document(self, doc_id: str) -> tuple[dict, str] | None:
        row = self.con.execute("SELECT coded, text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            row = self.con.execute("SELECT coded, text FROM documents WHERE id LIKE ? ORDER BY id LIMIT 1",
                                   [doc_id + "%"]).fetchone()
        return (orjson.loads(row[0]), row[1]) if row and row[0] else None

    def has_table(self, name: str) -> bool:
        return bool(self.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                     [name]).fetchone()[0])

    def counts(self) -> dict[str, int]:
        return {table: self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("documents", "events", "event_actors", "places", "timexes", "quotes", "failures",
                              "event_clusters", "cluster_mentions")}

    # -- writing -------------------------------------------------------------------------------

    def write_batch(self, items: Iterable[tuple[dict, dict, DocumentError | None]], run_id: str,
                    counts: RunCounts | None = None) -> int:
        """Store (input document, coded document, error) triples in one transaction; returns events written.

        `counts`, the run's totals including this batch, are written to its `runs` row in the same
        transaction, so a killed run's row counts exactly what it committed.
        """
        items = list(items)
        if not items:
            return 0
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        ids = [coded["id"] for _, coded, _ in items]
        documents, events, actors, places, timexes, quotes, failures = [], [], [], [], [], [], []
        for given, coded, error in items:
            text = given.get("text")
            documents.append({
                "id": coded["id"], "hash": document_hash(given), "origin": given.get("origin"),
                "title": coded.get("title"), "published": coded.get("published"), "source": coded.get("source"),
                "url": coded.get("url"), "text": text, "status": error.status if error else "coded",
                "reason": str(error.reason) if error else None, "warnings": coded.get("warnings") or [],
                "coded": orjson.dumps(coded).decode(), "run_id": run_id, "coded_at": now})
            if error is not None:
                failures.append(_failure_row(error, run_id, now))
            events.extend(event_rows(coded, text))
            for event in coded.get("events") or []:
                for role in ("source", "target"):
                    actor = event.get(role)
                    if actor:
                        actors.append({"event_id": event["id"], "document_id": coded["id"], "role": role,
                                       "text": actor.get("text"), "name": actor.get("name"),
                                       "country": actor.get("country"), "sectors": "|".join(actor.get("sectors") or []),
                                       "wikidata": actor.get("wikidata"), "start_char": actor.get("start"),
                                       "end_char": actor.get("end")})
            for place in coded.get("places") or []:
                places.append({"document_id": coded["id"], "start_char": place.get("start"), "end_char": place.get("end"),
                               **{k: place.get(k) for k in ("text", "name", "country", "admin1", "lat", "lon",
                                                            "geonameid", "feature")}})
            for timex in coded.get("timexes") or []:
                timexes.append({"document_id": coded["id"], "start_char": timex["start"], "end_char": timex["end"],
                                "text": timex["text"], "value": timex.get("value"), "precision": timex.get("precision")})
            for quote in coded.get("quotes") or []:
                speaker = quote.get("speaker") or {}
                quotes.append({"document_id": coded["id"], "start_char": quote["start"], "end_char": quote["end"],
                               "text": quote["text"], "speaker_text": speaker.get("text"),
                               "speaker_name": speaker.get("name"), "speaker_country": speaker.get("country"),
                               "speaker_sectors": "|".join(speaker.get("sectors") or [])})
        con = self.con
        with self._transaction():
            id_list = [ids]
            # new documents (the usual case) have no rows to remove: one look-up instead of six deletes
            if con.execute("SELECT count(*) FROM documents WHERE id IN (SELECT unnest(?))", id_list).fetchone()[0]:
                for table in DOCUMENT_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE document_id IN (SELECT unnest(?))", id_list)
                con.execute("DELETE FROM documents WHERE id IN (SELECT unnest(?))", id_list)
            # a duplicate-id report concerns another input than the one stored here: keep it
            con.execute("DELETE FROM failures WHERE document_id IN (SELECT unnest(?)) AND kind <> 'duplicate_id'",
                        id_list)
            self._insert("documents", documents)
            self._insert("events", [{k: row[k] for k in row if k not in ("title", "published", "source", "url")}
                                    for row in events])
            self._insert("event_actors", actors)
            self._insert("places", places)
            self._insert("timexes", timexes)
            self._insert("quotes", quotes)
            self._insert("failures", failures)
            if counts is not None:
                counts.events += len(events)
                self._set_counts(run_id, counts)
        return len(events)

    def write_clusters(self, clusters: list[dict[str, Any]], mentions: list[dict[str, Any]]) -> None:
        """Replace every event cluster and its mentions in one transaction."""
        with self._transaction():
            self.con.execute("DELETE FROM cluster_mentions")
            self.con.execute("DELETE FROM event_clusters")
            self._insert("event_clusters", clusters)
            self._insert("cluster_mentions", mentions)

    def record_failure(self, error: DocumentError, run_id: str) -> None:
        """An input that never became a document (unreadable file, malformed line)."""
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        row = _failure_row(error, run_id, now)
        with self._transaction():
            self.con.execute("DELETE FROM failures WHERE id = ?", [row["id"]])
            self._insert("failures", [row])

    def record_not_coded(self, rows: Sequence[dict[str, Any]]) -> None:
        """Rows of the `not_coded` table: run_id, seq, document_id, origin, status, kind, reason."""
        self._insert("not_coded", list(rows))

    def start_run(self, run_id: str, inputs: Sequence[str], settings: dict[str, Any]) -> list[str]:
        """Record a new run; returns the ids of earlier runs that never finished (killed), now marked
        `interrupted`: only one process writes a store at a time, so none of them is still going."""
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        with self._transaction():
            interrupted = [row[0] for row in self.con.execute(
                "SELECT id FROM runs WHERE finished IS NULL AND coalesce(status, 'running') = 'running' "
                "ORDER BY started").fetchall()]
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE id IN (SELECT unnest(?))", [interrupted])
            self._insert("runs", [{"id": run_id, "started": now, "finished": None, "inputs": " ".join(inputs),
                                   "given": 0, "coded": 0, "skipped": 0, "unchanged": 0, "failed": 0, "events": 0,
                                   "settings": orjson.dumps(settings, default=str).decode(), "status": "running"}])
        return interrupted

    def finish_run(self, run_id: str, counts: RunCounts) -> None:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        with self._transaction():
            self._set_counts(run_id, counts)
            self.con.execute("UPDATE runs SET finished = ?, status = 'finished' WHERE id = ?", [now, run_id])

    def _set_counts(self, run_id: str, counts: RunCounts) -> None:
        self.con.execute("UPDATE runs SET given = ?, coded = ?, skipped = ?, unchanged = ?, failed = ?, events = ? "
                         "WHERE id = ?", [counts.given, counts.coded, counts.skipped, counts.unchanged, counts.failed,
                                          counts.events, run_id])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def _insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        schema = self._arrow_schema(table)
        data = pa.Table.from_pylist([{c: row.get(c) for c in schema.names} for row in rows], schema=schema)
        self.con.register("_incoming", data)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    def _arrow_schema(self, table: str) -> pa.Schema:
        """The table's columns as an Arrow schema, in table order (read once per store)."""
        if table not in self._schemas:
            described = self.con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                         "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
            self._schemas[table] = pa.schema([(name, ARROW_TYPES[kind]) for name, kind in described])
        return self._schemas[table]


def _failure_row(error: DocumentError, run_id: str, now: dt.datetime) -> dict[str, Any]:
    key = f"{error.document_id}|{error.origin}|{error.kind.value}|{error.reason}"
    return {"id": hashlib.sha1(key.encode()).hexdigest()[:16], "document_id": error.document_id,
            "origin": error.origin, "kind": error.kind.value, "reason": error.reason, "run_id": run_id, "failed_at": now}


__all__ = ["Store", "RunCounts", "EVENT_COLUMNS"]
