"""The Ray engine: the same coding on a Ray cluster with Ray Data (`pip install 'dateline[ray]'`).

Sources are listed through fsspec (local paths, file://, s3://, gs://, memory:// ...) and read by
Ray tasks with dateline's own readers (JSON Lines, Parquet, text, HTML), so a document gets the
same id and fields as with the local engine. An actor pool codes them, each actor loading the
pipeline once and skipping the documents the store already holds unchanged. The coded documents
are written as Parquet parts by the workers; this process then loads them, part by part and in
input order, into DuckDB through the same manifest and batches as the local engine.
"""

from __future__ import annotations

import os
import posixpath
from typing import Any, Iterator, Sequence

import orjson

from dateline.config import Settings
from dateline.engine.manifest import Manifest, given_fields
from dateline.errors import DatelineError, DocumentError, ErrorKind
from dateline.pipeline import CodedData, Result
from dateline.records import Document
from dateline.store.rows import document_hash

#: What the Ray engine reads, by extension (CSV and feeds: use the local engine).
RAY_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".txt": "text", ".text": "text",
               ".html": "html", ".htm": "html"}
_GLOB_CHARS = set("*?[")
#: Ray Data block size: a batch or two of news articles (about 30), so every actor gets work and a
#: slow block holds little back (256 KiB blocks left 300 stories in two blocks, one per actor).
BLOCK_BYTES = 64 << 10


def list_sources(inputs: Sequence[str]) -> list[tuple[str, str | None]]:
    """(source, reason) pairs in input order: files under directories and globs, sorted, through
    fsspec; `reason` says why a source cannot be read (None when it can)."""
    import fsspec

    found: list[tuple[str, str | None]] = []
    for given in inputs:
        fs, path = fsspec.core.url_to_fs(given)
        protocol = given.split("://", 1)[0] + "://" if "://" in given else ""

        def named(p: str) -> str:
            return p if not protocol or p.startswith(protocol) else protocol + p

        if _GLOB_CHARS & set(path):
            files = sorted(fs.glob(path))
        elif fs.isdir(path):
            # hidden files and folders are not documents (as with the local engine)
            files = sorted(p for p in fs.find(path)
                           if not any(part.startswith(".") for part in p[len(path.rstrip("/")):].split("/")))
        elif fs.exists(path):
            found.append((given, _unreadable_format(given)))
            continue
        else:
            found.append((given, "no such file or directory"))
            continue
        files = [named(p) for p in files if posixpath.splitext(p)[1].lower() in RAY_FORMATS]
        if not files:
            found.append((given, f"no {'/'.join(sorted(RAY_FORMATS))} file here"))
        found.extend((f, None) for f in files)
    return found


def _unreadable_format(source: str) -> str | None:
    suffix = posixpath.splitext(source.split("?")[0])[1].lower()
    if suffix in RAY_FORMATS:
        return None
    return (f"the Ray engine reads {', '.join(sorted(RAY_FORMATS))}; code {suffix or 'this file'} with "
            "--engine local")


def read_source(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Every document of one source, as rows carrying their place in the input."""
    from dateline.ingest.html import page_document
    from dateline.ingest.tabular import read_jsonl_lines
    from dateline.ingest.text import MAX_DOCUMENT_BYTES, decode, from_text

    source, index = row["source"], int(row["index"])
    if row.get("reason"):
        items = [DocumentError(ErrorKind.UNREADABLE, row["reason"], source)]
    else:
        import fsspec

        kind = RAY_FORMATS[posixpath.splitext(source)[1].lower()]
        stem = posixpath.splitext(posixpath.basename(source))[0]
        try:
            fs, path = fsspec.core.url_to_fs(source)
            if kind == "jsonl":
                with fs.open(path, "rb") as handle:
                    items = list(read_jsonl_lines(handle, source))
            elif kind == "parquet":
                items = list(_parquet_documents(fs, path, source))
            elif fs.size(path) > MAX_DOCUMENT_BYTES:
                items = [DocumentError(ErrorKind.TOO_LARGE, f"over the {MAX_DOCUMENT_BYTES}-byte limit", source)]
            else:
                text = decode(fs.cat_file(path), source)
                if isinstance(text, DocumentError):
                    items = [text]
                else:
                    items = [from_text(text, stem, source) if kind == "text" else page_document(text, stem, source)]
        except OSError as error:
            items = [DocumentError(ErrorKind.UNREADABLE, error.strerror or str(error), source)]
    return [_item_row(index, position, item) for position, item in enumerate(items)]


def _parquet_documents(fs, path: str, source: str) -> Iterator[Document | DocumentError]:
    import pyarrow.parquet as pq

    from dateline.ingest.tabular import read_mapping

    with fs.open(path, "rb") as handle:
        number = 0
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                number += 1
                yield read_mapping(record, f"{source}:{number}")


def _item_row(index: int, position: int, item: Document | DocumentError) -> dict[str, Any]:
    if isinstance(item, DocumentError):
        return {"index": index, "position": position, "document": b"", "error": _error_json(item)}
    return {"index": index, "position": position, "document": orjson.dumps(item.to_dict(), default=str),
            "error": b""}


def _error_json(error: DocumentError | None) -> bytes:
    if error is None:
        return b""
    return orjson.dumps({"kind": error.kind.value, "reason": error.reason, "origin": error.origin,
                         "document_id": error.document_id})


def _error(data: bytes) -> DocumentError | None:
    if not data:
        return None
    raw = orjson.loads(data)
    return DocumentError(ErrorKind(raw["kind"]), raw["reason"], raw["origin"], raw["document_id"])


class CodingActor:
    """A Ray actor: loads the pipeline once, codes batches, passes unchanged documents over."""

    def __init__(self, settings: Settings, known: dict[str, str]):
        from dateline.pipeline import Pipeline

        self.pipeline = Pipeline.load(settings).settle()
        self.known = known

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        rows = [dict(zip(batch, values)) for values in zip(*batch.values())]
        todo = []
        for row in rows:
            row.update(coded=b"", hash="", status="failed")
            if not row["document"]:
                continue
            document = Document.from_dict(orjson.loads(row["document"]))
            row["hash"] = document_hash(given_fields(document))
            if self.known.get(document.id) == row["hash"]:
                row["status"] = "unchanged"
            else:
                todo.append((row, document))
        for (row, _), result in zip(todo, self.pipeline.code([document for _, document in todo])):
            row["coded"] = result.coded.to_json()
            row["error"] = _error_json(result.error)
            row["status"] = "failed" if result.error else "coded"
        return {name: [row[name] for row in rows] for name in rows[0]} if rows else batch


def code_ray(inputs: Sequence[str], settings: Settings, manifest: Manifest, address: str | None = None,
             parts: str | None = None, keep_parts: bool = False) -> Iterator[Result]:
    """Code `inputs` on Ray; yields the newly coded documents in input order, as the local engine does."""
    try:
        import ray
        import ray.data
    except ImportError as error:
        raise DatelineError("the Ray engine needs Ray: pip install 'dateline[ray]'") from error
    import fsspec

    if not ray.is_initialized():
        local = address is None
        if local:
            # Ray starts its workers at nice 15; here the actors are the run's work, and on a busy
            # machine they would otherwise yield the CPU to everything else
            os.environ.setdefault("RAY_worker_niceness", "0")
        ray.init(address=address, num_cpus=settings.processes() if local else None, include_dashboard=False,
                 log_to_driver=False, configure_logging=False)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    # small blocks, so one large JSON Lines file still feeds every actor (Ray's default is 128 MiB)
    context.target_max_block_size = BLOCK_BYTES
    sources = list_sources(inputs)
    known = manifest.stored_hashes()
    dataset = (ray.data.from_items([{"index": i, "source": s, "reason": r or ""} for i, (s, r) in enumerate(sources)],
                                   override_num_blocks=max(1, len(sources)))
               # reading and writing take no CPU of their own: the actors hold every core while
               # they live, and a read task waiting for one would wait forever; one task at a
               # time each, or Ray starts a fresh Python process per task, each importing dateline
               .flat_map(read_source, num_cpus=0, concurrency=1)
               .map_batches(CodingActor, fn_constructor_kwargs={"settings": settings.merged(n_process=1),
                                                                "known": known},
                            compute=ray.data.ActorPoolStrategy(size=settings.processes()),
                            batch_size=settings.batch_size, batch_format="numpy"))
    dataset.write_parquet(parts, concurrency=1, ray_remote_args={"num_cpus": 0})
    try:
        yield from _load(parts, manifest)
    finally:
        if not keep_parts:
            fs, path = fsspec.core.url_to_fs(parts)
            fs.rm(path, recursive=True)
            parent = posixpath.dirname(path.rstrip("/"))
            if parent and fs.isdir(parent) and not fs.ls(parent):
                fs.rmdir(parent)


def _load(parts: str, manifest: Manifest) -> Iterator[Result]:
    """The coded parts, in input order, through the manifest (repeated ids, counts)."""
    import fsspec
    import pyarrow.parquet as pq

    fs, path = fsspec.core.url_to_fs(parts)
    tables = []
    for name in fs.find(path):
        if name.endswith(".parquet"):
            with fs.open(name, "rb") as handle:
                first = pq.read_table(handle, columns=["index", "position"]).slice(0, 1).to_pylist()
            if first:
                tables.append(((first[0]["index"], first[0]["position"]), name))
    for _, name in sorted(tables):
        with fs.open(name, "rb") as handle:
            table = pq.read_table(handle).sort_by([("index", "ascending"), ("position", "ascending")])
        for row in table.to_pylist():
            error = _error(row["error"])
            if not row["document"]:
                manifest.admit(error)
                continue
            document = Document.from_dict(orjson.loads(row["document"]))
            if manifest.admit(document, row["hash"]) is None:
                continue
            if row["status"] == "unchanged":
                manifest.settle_unchanged(document)
                continue
            yield Result(document=document, coded=CodedData(orjson.loads(row["coded"])), error=error)


def shutdown() -> None:
    """Leave the Ray instance this process started (tests, benchmarks)."""
    import ray

    if ray.is_initialized():
        ray.shutdown()


__all__ = ["code_ray", "list_sources", "read_source", "CodingActor", "RAY_FORMATS", "shutdown"]
