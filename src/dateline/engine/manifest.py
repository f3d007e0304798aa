"""The manifest: which documents a run must code, from the ids and content hashes already stored.

The manifest is the `documents` table itself (id, hash, status, run_id): a document's row is
written in the same transaction as its events, so the manifest can neither claim a document whose
rows are missing nor miss one whose rows are there. After a kill, the next run skips every
document of a committed batch and codes the rest: each document is coded into the store once.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from dateline.errors import DocumentError, ErrorKind
from dateline.records import Document
from dateline.store.duckdb import RunCounts, Store
from dateline.store.rows import document_hash

#: Documents looked up in the store at once when deciding what is new.
LOOKUP_BATCH = 64


def given_fields(document: Document) -> dict:
    """The input fields stored with a document; `document_hash` of these decides "unchanged"."""
    return {"id": document.id, "text": document.text, "title": document.title, "published": document.published,
            "source": document.source, "url": document.url, "origin": document.origin}


class Manifest:
    """Decides, input by input, what a run codes; counts the inputs it does not pass on.

    `on_document(document_id, status)` hears of every input it settles (unchanged, failed);
    `on_failure(error)` of every input that failed before coding.
    """

    def __init__(self, store: Store, counts: RunCounts, on_document: Callable[[str, str], None] | None = None,
                 on_failure: Callable[[DocumentError], None] | None = None):
        self.store = store
        self.counts = counts
        self.on_document = on_document or (lambda _id, _status: None)
        self.on_failure = on_failure or (lambda _error: None)
        self.seen: dict[str, str] = {}          # id -> content hash, for the documents given in this run

    def fresh(self, items: Iterable[Document | DocumentError]) -> Iterator[Document]:
        """The documents of `items` that are new or changed, in input order, looked up in batches."""
        pending: list[Document] = []
        for item in items:
            document = self.admit(item)
            if document is None:
                continue
            pending.append(document)
            if len(pending) >= LOOKUP_BATCH:
                yield from self._unstored(pending)
                pending = []
        yield from self._unstored(pending)

    def admit(self, item: Document | DocumentError, content: str | None = None) -> Document | None:
        """The document if this run should code it as far as the run itself knows (the store is asked
        by `fresh`): ingest errors and repeats of an id are counted and settled here."""
        self.counts.given += 1
        if isinstance(item, DocumentError):
            self._fail(item, item.origin or "?")
            return None
        content = content or document_hash(given_fields(item))
        earlier = self.seen.get(item.id)
        if earlier is None:
            self.seen[item.id] = content
            return item
        if earlier == content:
            self._unchanged(item.id)            # the very same document twice: stored once
        else:
            self._fail(DocumentError(ErrorKind.DUPLICATE_ID, "this id was given earlier in the run with different "
                                     "content; the first one is kept", item.origin, item.id), item.id)
        return None

    def stored_hashes(self) -> dict[str, str]:
        """Every coded document's content hash: what a remote engine needs to skip unchanged ones."""
        return dict(self.store.con.execute("SELECT id, hash FROM documents WHERE status = 'coded'").fetchall())

    def settle_unchanged(self, document_id: str) -> None:
        self._unchanged(document_id)

    def _unstored(self, documents: list[Document]) -> Iterator[Document]:
        known = self.store.known_hashes([d.id for d in documents])
        for document in documents:
            if known.get(document.id) == self.seen[document.id]:
                self._unchanged(document.id)
            else:
                yield document

    def _unchanged(self, document_id: str) -> None:
        self.counts.unchanged += 1
        self.on_document(document_id, "unchanged")

    def _fail(self, error: DocumentError, where: str) -> None:
        self.counts.failed += 1
        self.on_failure(error)
        self.on_document(where, "failed")
