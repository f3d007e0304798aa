"""Bytes to text (UTF-8, else a detected encoding) and plain-text documents."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Iterator

import charset_normalizer

from dateline.errors import DocumentError, ErrorKind
from dateline.records import Document

#: One article is kilobytes; 20 MB of text is a dump or a wrong file, not a document.
MAX_DOCUMENT_BYTES = 20_000_000
#: NUL bytes in the first 8 KB mark a binary file (the same probe git and grep use).
BINARY_PROBE_BYTES = 8192

#: Text has few control characters (tabs and line breaks aside); more than 5% of them is binary data.
MAX_CONTROL_SHARE = 0.05

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: A well-formed UTF-8 sequence of two to four bytes: single-byte encodings (Windows-1252,
#: Latin-1) almost never produce one, so finding one among invalid bytes means mixed encodings.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _windows_1252(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 refused as Windows-1252 (Latin-1 for the five bytes it leaves out)."""
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error("dateline-cp1252", _windows_1252)


def _binary(text: str, origin: str) -> DocumentError | None:
    sample = text[:BINARY_PROBE_BYTES * 8]
    controls = len(_CONTROL.findall(sample))
    if sample and controls > MAX_CONTROL_SHARE * len(sample):
        return DocumentError(ErrorKind.UNREADABLE, f"binary data ({controls} control characters in the first "
                                                   f"{len(sample)}); expected text", origin)
    return None


def decode(data: bytes, origin: str, encoding: str | None = None) -> str | DocumentError:
    """Text of `data`: the given encoding, else UTF-8 (BOM stripped), else the encoding
    charset-normalizer finds. Line endings are kept, so offsets match the file."""
    if data.startswith(_UTF16_BOMS) and encoding is None:
        encoding = "utf-16"
    if encoding is None and b"\x00" in data[:BINARY_PROBE_BYTES]:
        return DocumentError(ErrorKind.UNREADABLE, "binary file (NUL bytes); expected text", origin)
    text = _decoded(data, origin, encoding)
    if isinstance(text, DocumentError):
        return text
    return _binary(text, origin) or text


def _decoded(data: bytes, origin: str, encoding: str | None) -> str | DocumentError:
    if encoding is not None:
        try:
            return data.decode(encoding)
        except LookupError:
            return DocumentError(ErrorKind.DECODING, f"unknown encoding {encoding!r}", origin)
        except UnicodeDecodeError as error:
            return DocumentError(
                ErrorKind.DECODING, f"not valid {encoding} at byte {error.start}", origin
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        first_bad = error.start
    if _UTF8_MULTIBYTE.search(data):
        # UTF-8 with pasted Windows-1252 passages (a common scrape): each byte read as what it is
        return data.decode("utf-8-sig", errors="dateline-cp1252")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return DocumentError(
            ErrorKind.DECODING,
            f"not UTF-8 (bad byte at {first_bad}) and no other encoding explains it; pass --encoding",
            origin,
        )
    return str(best)


def read_bytes(path: Path, origin: str) -> bytes | DocumentError:
    """The file's bytes, or why they cannot be had."""
    try:
        size = path.stat().st_size
        if size <= MAX_DOCUMENT_BYTES:
            # read at most one byte past the limit: a device or pipe has no size to trust
            with path.open("rb") as handle:
                data = handle.read(MAX_DOCUMENT_BYTES + 1)
            size = len(data)
        if size > MAX_DOCUMENT_BYTES:
            return DocumentError(
                ErrorKind.TOO_LARGE, f"{size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit", origin
            )
        return data
    except OSError as error:
        return DocumentError(ErrorKind.UNREADABLE, error.strerror or str(error), origin)


def checked(document: Document) -> Document | DocumentError:
    """The document, or an EMPTY error when it has nothing but white space to code."""
    if not document.text.strip():
        return DocumentError(ErrorKind.EMPTY, "no text", document.origin, document.id)
    return document


def from_text(text: str, doc_id: str, origin: str) -> Document | DocumentError:
    return checked(Document(id=doc_id, text=text, origin=origin))


def read_file_text(path: Path, encoding: str | None = None) -> str | DocumentError:
    """The decoded text of a whole file."""
    data = read_bytes(path, str(path))
    if isinstance(data, DocumentError):
        return data
    return decode(data, str(path), encoding)


def read_text_file(path: Path, encoding: str | None = None) -> Iterator[Document | DocumentError]:
    """A .txt file is one document: its whole decoded text, id = the file stem."""
    text = read_file_text(path, encoding)
    yield text if isinstance(text, DocumentError) else from_text(text, path.stem, str(path))
