"""JSON Lines and CSV: one document per line or row, each bad one reported where it is."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO, Any, Iterator

import orjson

from dateline.errors import DocumentError, ErrorKind
from dateline.ingest.text import MAX_DOCUMENT_BYTES, checked, read_file_text
from dateline.records import DOCUMENT_FIELDS, Document

#: Bytes read at a time while passing over the rest of a line that is too long to keep.
_SKIP_CHUNK = 1 << 20
# csv refuses cells over 128 KB by default; an article may be longer, and one over the size
# limit is reported as too large by the pipeline, like any other document
csv.field_size_limit(MAX_DOCUMENT_BYTES)


def _bounded_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, bytes, length) of each line; bytes is None for a line over `limit` bytes,
    which is passed over without being held in memory whole."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield number, line, len(line)
            continue
        length = len(line)
        while not line.endswith(b"\n"):
            line = stream.readline(_SKIP_CHUNK)
            if not line:
                break
            length += len(line)
        yield number, None, length


def read_mapping(data: Any, origin: str) -> Document | DocumentError:
    """One record of a JSON Lines, CSV or Parquet input as a document, or the reason it is none."""
    if not isinstance(data, dict):
        return DocumentError(ErrorKind.MALFORMED, f"expected a JSON object, got {type(data).__name__}", origin)
    try:
        document = Document.from_mapping(data, origin=origin)
    except TypeError as error:
        return DocumentError(ErrorKind.MALFORMED, str(error), origin,
                             str(data["id"]) if data.get("id") not in (None, "") else None)
    return checked(document)


def read_jsonl_lines(lines: IO[bytes], name: str, encoding: str | None = None,
                     limit: int = MAX_DOCUMENT_BYTES) -> Iterator[Document | DocumentError]:
    """Stream documents from JSON Lines; blank lines are no documents, origin is "name:LINE".
    A line over `limit` bytes is reported as too large without being read into memory."""
    for number, raw, length in _bounded_lines(lines, limit):
        origin = f"{name}:{number}"
        if raw is None:
            yield DocumentError(ErrorKind.TOO_LARGE, f"line of {length:,} bytes is over the {limit:,}-byte limit",
                                origin)
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode(encoding or "utf-8")
        except (UnicodeDecodeError, LookupError) as error:
            yield DocumentError(ErrorKind.DECODING, f"not valid {encoding or 'UTF-8'}: {error.reason}", origin)
            continue
        if number == 1:
            line = line.lstrip("\ufeff")
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield DocumentError(ErrorKind.MALFORMED, f"invalid JSON: {error}", origin)
            continue
        yield read_mapping(data, origin)


def read_jsonl_file(path: Path, encoding: str | None = None) -> Iterator[Document | DocumentError]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield DocumentError(ErrorKind.UNREADABLE, error.strerror or str(error), str(path))
        return
    with handle:
        yield from read_jsonl_lines(handle, str(path), encoding)


def read_csv_file(path: Path, encoding: str | None = None) -> Iterator[Document | DocumentError]:
    """A header row, then one document per row; rows are numbered as in a spreadsheet
    (the header is row 1). A bad row is reported where it is and the rows after it are read."""
    origin = str(path)
    text = read_file_text(path, encoding)
    if isinstance(text, DocumentError):
        yield text
        return
    # strict: an unclosed quote is an error at the end, not a cell silently swallowing the rows below
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        yield DocumentError(ErrorKind.MALFORMED, f"unreadable CSV header: {error}", origin)
        return
    if not header:
        yield DocumentError(ErrorKind.EMPTY, "no header row", origin)
        return
    columns = [name.strip() for name in header]
    # the documented field names are matched whatever their case ("Text", "TITLE")
    columns = [name.lower() if name.lower() in DOCUMENT_FIELDS else name for name in columns]
    missing_text = None
    if "text" not in columns:
        missing_text = f"no 'text' column; the header has {', '.join(map(repr, columns)) or 'no names'}"
    row_number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row_number += 1
            yield DocumentError(ErrorKind.MALFORMED, f"bad CSV row: {error}", f"{origin}:{row_number}")
            continue
        row_number += 1
        row_origin = f"{origin}:{row_number}"
        if not any(cell.strip() for cell in row):
            continue
        if missing_text is not None:
            yield DocumentError(ErrorKind.MALFORMED, missing_text, row_origin)
        elif len(row) > len(columns):
            yield DocumentError(ErrorKind.MALFORMED,
                                f"{len(row)} fields but the header names {len(columns)}", row_origin)
        else:
            yield read_mapping(dict(zip(columns, row + [""] * (len(columns) - len(row)))), row_origin)
