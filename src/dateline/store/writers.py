"""Output writers: coded documents as JSON lines, or flat event rows as CSV or Parquet."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO, Any, Iterable

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from dateline.store.rows import EVENT_COLUMNS, event_rows

FORMATS = ("jsonl", "events", "csv", "parquet")
#: Parquet row groups of this many events keep memory flat on large corpora.
PARQUET_ROWS_PER_GROUP = 10_000
#: Characters JSON lets stand unescaped inside strings that Python's str.splitlines and JavaScript
#: read as line breaks: escaped, one JSON line stays one line for every reader.
_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(record: dict[str, Any]) -> str:
    """One record as one JSON line, whatever line-break characters its strings hold."""
    return orjson.dumps(record).decode().translate(_LINE_BREAKS) + "\n"


class Writer:
    """Streams coded documents to one sink; `close()` flushes."""

    def __init__(self, fmt: str, out: IO[Any] | None = None, path: Path | None = None):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if fmt == "parquet" and path is None:
            raise ValueError("--format parquet needs --output FILE (Parquet is not written to a terminal)")
        self.fmt = fmt
        self.path = path
        self._owned = None
        if path is not None and fmt != "parquet":
            self._owned = out = open(path, "w", encoding="utf-8", newline="")
        self.out = out
        self._csv: csv.DictWriter | None = None
        self._rows: list[dict[str, Any]] = []
        self._parquet: pq.ParquetWriter | None = None

    def write(self, coded: dict[str, Any], text: str | None = None) -> None:
        if self.fmt == "jsonl":
            self.out.write(json_line(coded))
            return
        rows = list(event_rows(coded, text))
        if self.fmt in ("events", "csv"):
            if self._csv is None:
                self._csv = csv.DictWriter(self.out, fieldnames=list(EVENT_COLUMNS))
                self._csv.writeheader()
            self._csv.writerows(rows)
        else:
            self._rows.extend(rows)
            if len(self._rows) >= PARQUET_ROWS_PER_GROUP:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        schema = pa.schema([(name, pa.float64() if name in ("intensity", "confidence", "lat", "lon")
                             else pa.int64() if name in ("geonameid", "dead", "injured", "arrested", "trigger_start",
                                                         "trigger_end", "sentence_start", "sentence_end")
                             else pa.string()) for name in EVENT_COLUMNS])
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(str(self.path), schema)
        self._parquet.write_table(pa.Table.from_pylist(self._rows, schema=schema))
        self._rows = []

    def close(self) -> None:
        if self.fmt == "parquet":
            if self._rows or self._parquet is None:
                self._flush_parquet()
            self._parquet.close()
        elif self.fmt in ("events", "csv") and self._csv is None:
            csv.DictWriter(self.out, fieldnames=list(EVENT_COLUMNS)).writeheader()
        if self._owned is not None:
            self._owned.close()
        elif self.out is not None and hasattr(self.out, "flush"):
            self.out.flush()


def write_all(coded_documents: Iterable[dict[str, Any]], fmt: str) -> str:
    """The text of a whole output, for tests and small jobs."""
    buffer = io.StringIO()
    writer = Writer(fmt, buffer)
    for coded in coded_documents:
        writer.write(coded)
    writer.close()
    return buffer.getvalue()
