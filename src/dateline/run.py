"""A stored run: read inputs, skip what the store already holds unchanged, code, store in batches.

Coding happens in an engine (local worker processes, or Ray); this process is the one writer.
Each batch of `settings.store_batch` documents is one transaction together with the run's counts, so a run
killed at any point leaves whole batches, and the next run codes exactly the documents left.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterator, Sequence

from dateline.config import Settings
from dateline.engine.manifest import Manifest, given_fields
from dateline.errors import DatelineError, DocumentError
from dateline.ingest import read
from dateline.pipeline import Pipeline, Result
from dateline.store.clusters import ClusterRules
from dateline.store.clusters import rebuild as rebuild_clusters
from dateline.store.duckdb import RunCounts, Store

#: The engines `dateline run --engine` knows.
ENGINES = ("local", "ray")


@dataclass
class RunSummary:
    run_id: str
    counts: RunCounts
    failures: list[DocumentError] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)
    interrupted: list[str] = field(default_factory=list)     # earlier runs found killed
    clusters: dict[str, int] = field(default_factory=dict)   # event clusters after the run, when rebuilt


def cluster_rules(settings: Settings) -> ClusterRules:
    return ClusterRules(window_days=settings.cluster_window_days, distance_km=settings.cluster_distance_km,
                        match=settings.cluster_match)


def run(inputs: Sequence[str], settings: Settings, pipeline: Pipeline | None = None,
        on_document: Callable[[str, str], None] | None = None, output: Callable[[dict], None] | None = None,
        engine: str = "local", address: str | None = None, parquet: str | None = None) -> RunSummary:
    """Code `inputs` into the database `settings.db`; unchanged documents are not coded again.

    `on_document(document_id, status)` is called once per input (status: coded, unchanged, failed)
    so a caller can draw progress; `output` receives every newly coded document. `engine` is
    "local" (worker processes, `settings.n_process`) or "ray" (Ray Data at `address`, coded
    Parquet parts written under `parquet`).
    """
    if engine not in ENGINES:
        raise DatelineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "ray" and importlib.util.find_spec("ray") is None:
        raise DatelineError("the Ray engine needs Ray: pip install 'dateline[ray]'")
    if engine != "ray" and (address or parquet):
        raise DatelineError("--address and --parquet go with --engine ray")
    started = dt.datetime.now(dt.timezone.utc)
    run_id = hashlib.sha1(f"{started.isoformat()}|{' '.join(inputs)}".encode()).hexdigest()[:12]
    summary = RunSummary(run_id=run_id, counts=RunCounts())
    counts = summary.counts
    notify = on_document or (lambda _id, _status: None)
    with Store(settings.db) as store:
        summary.interrupted = store.start_run(run_id, inputs, {k: v for k, v in asdict(settings).items()
                                                               if k != "extra"})

        def failed_input(error: DocumentError) -> None:
            summary.failures.append(error)
            store.record_failure(error, run_id)

        manifest = Manifest(store, counts, notify, failed_input)
        results = _coded(inputs, settings, manifest, pipeline, engine, address, parquet, run_id)
        batch: list[tuple[dict, dict, DocumentError | None]] = []
        for result in results:
            document = result.document
            coded = result.coded.to_dict()
            batch.append((given_fields(document), coded, result.error))
            if result.error is not None:
                counts.failed += 1
                summary.failures.append(result.error)
            else:
                counts.coded += 1
                for event in coded["events"]:
                    summary.by_type[event["type"]] = summary.by_type.get(event["type"], 0) + 1
            if output:
                output(coded)
            notify(document.id, "failed" if result.error else "coded")
            if len(batch) >= settings.store_batch:
                store.write_batch(batch, run_id, counts)
                batch = []
        store.write_batch(batch, run_id, counts)
        if counts.coded or counts.failed or summary.interrupted:
            # before the run counts as finished: a kill here leaves it interrupted, and the next run clusters
            summary.clusters = rebuild_clusters(store, cluster_rules(settings))
        store.finish_run(run_id, counts)
    return summary


def _coded(inputs: Sequence[str], settings: Settings, manifest: Manifest, pipeline: Pipeline | None, engine: str,
           address: str | None, parquet: str | None, run_id: str) -> Iterator[Result]:
    if engine == "ray":
        from dateline.engine.ray import code_ray

        # parts asked for are kept (to query in place); the default ones go once they are loaded
        return code_ray(inputs, settings, manifest, address=address, parts=parquet or f"{settings.db}.parts/{run_id}",
                        keep_parts=parquet is not None)
    from dateline.engine.local import code_local

    return code_local(manifest.fresh(read(inputs)), settings, pipeline)
