"""The local engine: documents coded whole (spaCy and every stage) in worker processes.

Each worker loads the pipeline once; the parent sends documents in chunks, keeps a bounded number
of chunks in flight, and gives the results back in input order. The parent stays the only writer.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator

import orjson

from dateline.config import Settings
from dateline.errors import DatelineError, DocumentError
from dateline.pipeline import CodedData, Pipeline, Result, settled
from dateline.records import Document

#: How often a worker checks that its parent is alive (seconds).
PARENT_POLL_SECONDS = 1.0
#: Chunks sent ahead per worker. Results are taken in input order, so a slow chunk at the head
#: holds back the rest: with four each, the other workers keep busy meanwhile (two left them idle
#: a quarter of the time on NGEC stories).
IN_FLIGHT_PER_WORKER = 4

_worker_pipeline: Pipeline | None = None


def _load_worker(settings: Settings) -> None:
    global _worker_pipeline
    _watch_parent()
    _worker_pipeline = Pipeline.load(settings).settle()


def _watch_parent() -> None:
    """Leave when the parent dies. A worker holds both ends of the pool's task queue, so after a
    `kill -9` of the parent it would wait for work forever, holding its models' memory."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="dateline-parent-watch", daemon=True).start()


def _code_chunk(items: list[Document | DocumentError]) -> list[tuple[bytes | None, DocumentError | None]]:
    """Each item's coded JSON and error: the parent has the documents, so they do not travel back,
    and JSON bytes cross the pipe faster than pickled records."""
    return [(result.coded.to_json() if result.coded is not None else None, result.error)
            for result in _worker_pipeline.code(items)]


def _results(chunk: list[Document | DocumentError], coded: list[tuple[bytes | None, DocumentError | None]]):
    for item, (payload, error) in zip(chunk, coded, strict=True):
        yield Result(document=item if isinstance(item, Document) else None,
                     coded=CodedData(orjson.loads(payload)) if payload is not None else None, error=error)


def code_local(items: Iterable[Document | DocumentError], settings: Settings,
               pipeline: Pipeline | None = None) -> Iterator[Result]:
    """One Result per item, in input order, coded by `settings.processes()` worker processes.

    An input shorter than one round of chunks is coded in this process (with `pipeline` when
    given): starting workers would cost more than it saves. Output does not depend on the number
    of workers.
    """
    workers = settings.processes()
    chunk_size = max(1, settings.batch_size)
    items = iter(items)
    # one chunk per worker decides whether workers pay for themselves
    head = list(itertools.islice(items, workers * chunk_size + 1))
    if workers == 1 or len(head) <= chunk_size:
        pipeline = pipeline or Pipeline.load(settings)
        with settled():
            yield from pipeline.code(itertools.chain(head, items))
        return
    yield from _pooled(itertools.chain(head, items), settings, workers, chunk_size)


def _pooled(items: Iterator[Document | DocumentError], settings: Settings, workers: int,
            chunk_size: int) -> Iterator[Result]:
    with WorkerPool(settings, workers) as pool:
        yield from pool.code(items, chunk_size)


class WorkerPool:
    """Worker processes with the pipeline loaded, coding chunks of documents in input order."""

    def __init__(self, settings: Settings, workers: int):
        # spawn, not fork: a forked child would share the parent's DuckDB connection and spaCy state
        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_load_worker, initargs=(settings.merged(n_process=1),))

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def pids(self) -> list[int]:
        """The worker processes' ids (for measuring them)."""
        return list(self._pool._processes or {})

    def code(self, items: Iterable[Document | DocumentError], chunk_size: int) -> Iterator[Result]:
        pending: deque[tuple[list, Future]] = deque()
        chunks = _chunks(iter(items), chunk_size)
        try:
            for chunk in itertools.islice(chunks, self.workers * IN_FLIGHT_PER_WORKER):
                pending.append((chunk, self._pool.submit(_code_chunk, chunk)))
            while pending:
                sent, future = pending.popleft()
                coded = future.result()
                chunk = next(chunks, None)
                if chunk is not None:
                    pending.append((chunk, self._pool.submit(_code_chunk, chunk)))
                yield from _results(sent, coded)
        except BrokenProcessPool as error:
            raise DatelineError(f"a coding worker died ({error}); what was stored stays stored, "
                                "and running again codes the rest") from error
        finally:
            for _, future in pending:
                future.cancel()


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk
