"""A cheap stand-in for the pipeline, for the tests about the store and the run only (not coding).

It codes each line of a document into one event with a source, a target, a place and a date, so
every table of the store gets rows, at a millisecond per document: a run takes seconds, and twenty
runs can be killed at random points within a test's budget.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from dateline.config import Settings
from dateline.errors import DocumentError
from dateline.pipeline import Result
from dateline.records import Actor, CodedDocument, Document, Event, Place, Span, Timex

TYPES = ("ASSAULT", "PROTEST", "CONSULT", "AGREE")


class LineCoder:
    """One event per line of text, its type from the line's hash; `started` (an Event) is set when
    the first document is coded, which is after the run has recorded itself."""

    def __init__(self, started=None):
        self.started = started

    def code(self, items: Iterable[Document | DocumentError]) -> Iterator[Result]:
        for item in items:
            if self.started is not None:
                self.started.set()
            if isinstance(item, DocumentError):
                yield Result(document=None, coded=None, error=item)
                continue
            coded = CodedDocument(id=item.id, title=item.title, published=item.published, source=item.source)
            offset = 0
            for n, line in enumerate(item.text.split("\n")):
                kind = TYPES[int(hashlib.sha1(line.encode()).hexdigest(), 16) % len(TYPES)]
                span = Span(offset, offset + len(line))
                coded.events.append(Event(
                    id=f"{item.id}:{n}", type=kind, source=Actor(text="police", country="FRA", sectors=["COP"]),
                    target=Actor(text="crowd", country="FRA"), date="2024-05-01",
                    location=Place(text="Paris", name="Paris", country="FRA", lat=48.85, lon=2.35),
                    sentence=span, trigger=span, evidence="stub"))
                coded.places.append(Place(text="Paris", start=offset, end=offset + 1, name="Paris", country="FRA"))
                coded.timexes.append(Timex(text="May 1", start=offset, end=offset + 1, value="2024-05-01"))
                offset += len(line) + 1
            yield Result(document=item, coded=coded)


def write_corpus(path: Path, n: int, lines: int = 3) -> set[str]:
    """A JSON Lines corpus of `n` documents; returns their ids."""
    with open(path, "wb") as handle:
        for i in range(n):
            text = "\n".join(f"Report {i} line {j}: police met the crowd in Paris." for j in range(lines))
            handle.write(orjson.dumps({"id": f"r{i:05d}", "text": text, "published": "2024-05-02"}) + b"\n")
    return {f"r{i:05d}" for i in range(n)}


def run_stubbed(corpus: str, db: str, store_batch: int, started=None) -> None:
    """A whole `dateline run` with the stand-in coder (the target of the killed processes)."""
    from dateline.run import run

    run([corpus], Settings(db=Path(db), n_process=1, store_batch=store_batch), pipeline=LineCoder(started))
