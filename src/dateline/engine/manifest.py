"""The manifest: which documents a run must code, from the ids and content hashes already stored.

The manifest is the `documents` table itself (id, hash, status, run_id): a document's row is
written in the same transaction as its events, so the manifest can neither claim a document whose
rows are missing nor miss one whose rows are there. After a kill, the next run skips every
document of a committed batch and codes the rest: each document is coded into the store once.
Every input it does not pass on (unreadable, repeated, unchanged) is settled in the run's ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from dateline.errors import DocumentError, ErrorKind
from dateline.records import Document
from dateline.store.duckdb import Store
from dateline.store.rows import document_hash

if TYPE_CHECKING:
    from dateline.run import Ledger

#: Documents whose stored hashes are looked up in one query: one query per 64 documents made a
#: million-document run spend half a minute on look-ups alone.
LOOKUP_BATCH = 1024


def given_fields(document: Document) -> dict:
    """The input fields stored with a document; `document_hash` of these decides "unchanged"."""
    return {"id": document.id, "text": document.text, "title": document.title, "published": document.published,
            "source": document.source, "url": document.url, "origin": document.origin}


def _short(content: str) -> int:
    """The first 60 bits of a content hash: all a run holds per document given (about 150 bytes
    with its id), enough to tell an id given twice with other content."""
    return int(content[:15], 16)


class Manifest:
    """Decides, input by input, what a run codes; settles in `ledger` every input it does not pass on."""

    def __init__(self, store: Store, ledger: "Ledger"):
        self.store = store
        self.ledger = ledger
        self.seen: dict[str, int] = {}          # id -> short content hash, for the documents given in this run

    def fresh(self, items: Iterable[Document | DocumentError]) -> Iterator[Document]:
        """The documents of `items` that are new or changed, in input order, looked up in batches."""
        pending: list[tuple[Document, str]] = []
        for item in items:
            content = None if isinstance(item, DocumentError) else document_hash(given_fields(item))
            if self.admit(item, content) is None:
                continue
            pending.append((item, content))
            if len(pending) >= LOOKUP_BATCH:
                yield from self._unstored(pending)
                pending = []
        yield from self._unstored(pending)

    def admit(self, item: Document | DocumentError, content: str | None = None) -> Document | None:
        """The document if this run should code it as far as the run itself knows (the store is asked
        by `fresh`): ingest errors and repeats of an id are settled here."""
        self.ledger.given()
        if isinstance(item, DocumentError):
            self.ledger.not_coded(item)
            return None
        short = _short(content or document_hash(given_fields(item)))
        earlier = self.seen.get(item.id)
        if earlier is None:
            self.seen[item.id] = short
            return item
        if earlier == short:
            self.ledger.not_coded(DocumentError(ErrorKind.UNCHANGED, "the same document was given earlier in this "
                                                "run; it is stored once", item.origin, item.id))
        else:
            self.ledger.not_coded(DocumentError(ErrorKind.DUPLICATE_ID, "this id was given earlier in the run with "
                                                "different content; the first one is kept", item.origin, item.id))
        return None

    def stored_hashes(self) -> dict[str, str]:
        """Every coded document's content hash: what a remote engine needs to skip unchanged ones."""
        return dict(self.store.con.execute("SELECT id, hash FROM documents WHERE status = 'coded'").fetchall())

    def settle_unchanged(self, document: Document) -> None:
        """A document a remote engine found stored with the same content."""
        self.ledger.not_coded(DocumentError(ErrorKind.UNCHANGED, "already stored with the same content",
                                            document.origin, document.id))

    def _unstored(self, pending: list[tuple[Document, str]]) -> Iterator[Document]:
        known = self.store.known_hashes([document.id for document, _ in pending])
        for document, content in pending:
            if known.get(document.id) == content:
                self.settle_unchanged(document)
            else:
                yield document
