"""Ingest: paths, directories, globs or stdin in; Documents (or the reason why not) out, in order."""

from __future__ import annotations

import glob
import io
import sys
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from dateline.errors import DocumentError, ErrorKind
from dateline.ingest.feeds import read_feed_file
from dateline.ingest.html import read_html_file
from dateline.ingest.tabular import read_csv_file, read_jsonl_file, read_jsonl_lines
from dateline.ingest.text import MAX_DOCUMENT_BYTES, decode, from_text, read_text_file
from dateline.records import Document, content_id

Reader = Callable[[Path, "str | None"], Iterator["Document | DocumentError"]]

#: How each file extension is read. A directory yields only files with these extensions.
READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".text": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl_file,
    ".ndjson": read_jsonl_file,
    ".csv": read_csv_file,
    ".rss": read_feed_file,
    ".atom": read_feed_file,
    ".xml": read_feed_file,
}

STDIN = "-"
STDIN_ORIGIN = "<stdin>"
#: Bytes of standard input read to tell JSON Lines from one plain-text document.
STDIN_PROBE_BYTES = 65536
_GLOB_CHARS = set("*?[")

__all__ = ["READERS", "read", "read_path"]


def _reader(path: Path) -> Reader | None:
    return READERS.get(path.suffix.lower())


def read_path(path: Path, encoding: str | None = None) -> Iterator[Document | DocumentError]:
    """Documents of one file; a file with an unknown extension is read as plain text."""
    yield from (_reader(path) or read_text_file)(path, encoding)


def _directory_files(directory: Path) -> list[Path]:
    # sorted by path for a deterministic order; hidden files and folders are not documents
    return sorted(
        path for path in directory.rglob("*")
        if path.is_file() and _reader(path) is not None
        and not any(part.startswith(".") for part in path.relative_to(directory).parts)
    )


class _Rejoined(io.RawIOBase):
    """A stream whose first bytes were already read: those bytes, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._head[:len(buffer)] if self._head else self._rest.read(len(buffer))
        self._head = self._head[len(data):]
        buffer[:len(data)] = data
        return len(data)


def read_stdin(stream: IO[bytes], encoding: str | None = None) -> Iterator[Document | DocumentError]:
    """JSON Lines when the first character is "{" (streamed line by line), else the whole stream
    is one text document (up to the size limit)."""
    head = stream.read(STDIN_PROBE_BYTES)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        yield from read_jsonl_lines(io.BufferedReader(_Rejoined(head, stream)), STDIN_ORIGIN, encoding)
        return
    data = head + stream.read(MAX_DOCUMENT_BYTES + 1 - len(head))
    if len(data) > MAX_DOCUMENT_BYTES:
        yield DocumentError(ErrorKind.TOO_LARGE, f"over the {MAX_DOCUMENT_BYTES:,}-byte limit", STDIN_ORIGIN)
        return
    text = decode(data, STDIN_ORIGIN, encoding)
    yield text if isinstance(text, DocumentError) else from_text(text, content_id(text), STDIN_ORIGIN)


def read(
    inputs: Iterable[str], *, encoding: str | None = None, stdin: IO[bytes] | None = None
) -> Iterator[Document | DocumentError]:
    """Stream documents from paths, directories (recursive), globs or "-" (stdin), in the order
    given. Never raises for a bad input: it yields a DocumentError and goes on."""
    if isinstance(inputs, str):
        inputs = [inputs]  # one path, not its characters
    for item in inputs:
        if item == STDIN:
            yield from read_stdin(stdin if stdin is not None else sys.stdin.buffer, encoding)
            continue
        path = Path(item)
        if path.is_dir():
            files = _directory_files(path)
            if not files:
                yield DocumentError(ErrorKind.UNREADABLE,
                                    f"directory has no {'/'.join(sorted(READERS))} files", item)
            for file in files:
                yield from read_path(file, encoding)
        elif path.exists():
            yield from read_path(path, encoding)
        elif _GLOB_CHARS & set(item):
            matches = sorted(Path(match) for match in glob.glob(item, recursive=True))
            # like a directory, a pattern picks out the files of known formats
            files = [match for match in matches if match.is_file() and _reader(match) is not None]
            if not files:
                yield DocumentError(ErrorKind.UNREADABLE, "no file of a known format matches this pattern", item)
            for file in files:
                yield from read_path(file, encoding)
        else:
            yield DocumentError(ErrorKind.UNREADABLE, "no such file or directory", item)
