"""Throughput: dateline end to end against spaCy's own parse of the same texts, in one run.

    python bench/throughput.py [--n 2000] [--shared ../shared] [--workers 2] [--no-ray]

Texts are the NGEC synthetic stories (../shared/data/ngec) when present, else the bundled example
corpus repeated. Measured in one run on the same texts: spaCy `nlp.pipe` alone (the model as
shipped, without the two small components dateline adds to it) and dateline's whole pipeline with
one process, taking turns on rounds of `--round` articles so that a slow spell of the machine falls
on both; then with `--workers` processes (spaCy's n_process against dateline's local engine),
taking turns on the two halves of the corpus (spaCy, dateline, dateline, spaCy); the 1 -> N
speedup, peak resident memory of each worker, and `dateline run` with the local engine against the
Ray engine (both from a fresh store, start-up included).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = "2023-10-19"


def load_texts(n: int, shared: Path) -> tuple[list[str], str]:
    stories = shared / "data" / "ngec" / "synthetic_events_2023-10-19.csv"
    if stories.exists():
        csv.field_size_limit(10_000_000)
        with open(stories, encoding="utf-8") as handle:
            texts = [row["text"] for row in csv.DictReader(handle) if row["text"].strip()]
        source = f"{stories.name} ({len(texts)} stories)"
    else:
        from dateline.ingest import read

        texts = [d.text for d in read([str(ROOT / "examples" / "corpus")]) if hasattr(d, "text")]
        source = "examples/corpus (repeated)"
    while len(texts) < n:
        texts = texts + texts
    return texts[:n], source


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_peak_mb(pid: int) -> float:
    """A live process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int | None = None, who: int = resource.RUSAGE_SELF) -> float:
    """CPU time (user + system) of this process (or, with `who`, of its ended and reaped children),
    or of a live child process."""
    if pid is None:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(label: str, seconds: float, n: int, words: int) -> str:
    return f"{label:48}{seconds:10.1f}{n / seconds:12.1f}{words / seconds:12,.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles to code (default 2000)")
    parser.add_argument("--shared", type=Path, default=ROOT / ".." / "shared")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel rows (default 2)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--round", type=int, default=200,
                        help="articles per turn when the 1-process rows take turns (default 200)")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray engine row")
    args = parser.parse_args(argv)

    from dateline.config import Settings
    from dateline.engine.local import WorkerPool
    from dateline.pipeline import Pipeline, settled
    from dateline.records import Document, content_id

    load_before = os.getloadavg()[0]
    texts, source = load_texts(args.n, args.shared)
    n, words = len(texts), sum(len(t.split()) for t in texts)
    settings = Settings(n_process=1, batch_size=args.batch_size, published=PUBLISHED)
    start = time.perf_counter()
    pipeline = Pipeline.load(settings)
    load_seconds = time.perf_counter() - start
    documents = [Document(id=content_id(t), text=t, published=PUBLISHED) for t in texts]
    rows: list[str] = []

    # spaCy's turns run the model as shipped: without the components dateline adds (paragraph
    # breaks as sentence starts, verb lemmas mended), whose time counts as dateline's
    ours = [name for name in pipeline.nlp.pipe_names if name.startswith("dateline_")]

    def spacy_alone(batch: list[str], processes: int = 1) -> None:
        with pipeline.nlp.select_pipes(disable=ours):
            for _ in pipeline.nlp.pipe(batch, batch_size=args.batch_size, n_process=processes):
                pass

    # warm both paths on a few texts so neither pays first-call costs in the timing
    spacy_alone(texts[:8])
    list(pipeline.code(documents[:8]))

    # the two take turns on rounds of the same texts, the one going first alternating: a slow
    # spell of the machine (other work, the host's clock) then falls on both alike, where timing
    # one whole pass and then the other let it fall on one
    spacy_1 = spacy_cpu_1 = dateline_1 = cpu_1 = 0.0
    events = failed = 0
    # in one process dateline codes as `dateline code` and `run` do, with what was loaded kept out
    # of the garbage collector's passes (pipeline.settled); spaCy's turns run alike
    with settled():
        for first, lo in enumerate(range(0, n, args.round)):
            for turn in ((0, 1) if first % 2 == 0 else (1, 0)):
                start, cpu_start = time.perf_counter(), cpu_seconds()
                if turn == 0:
                    spacy_alone(texts[lo:lo + args.round])
                    spacy_1 += time.perf_counter() - start
                    spacy_cpu_1 += cpu_seconds() - cpu_start
                else:
                    for result in pipeline.code(documents[lo:lo + args.round]):
                        events += len(result.coded.events)
                        failed += result.error is not None
                    dateline_1 += time.perf_counter() - start
                    cpu_1 += cpu_seconds() - cpu_start
    rss_1 = peak_rss_mb()

    # the parallel rows take turns on the corpus's two halves, spaCy, dateline, dateline, spaCy;
    # spaCy's processes start with each call (about 0.04 s), dateline's workers are started before
    spacy_n = spacy_cpu_n = dateline_n = 0.0
    cpu_n = [0.0] * (args.workers + 1)
    coded_n = 0
    first, second = (0, n // 2), (n // 2, n)
    with WorkerPool(settings, args.workers) as pool:
        list(pool.code(documents[:8 * args.workers], 8))        # workers started and warm
        pids = pool.pids()
        for who, (lo, hi) in (("spacy", first), ("dateline", first), ("dateline", second), ("spacy", second)):
            start = time.perf_counter()
            if who == "spacy":
                cpu_start = cpu_seconds() + cpu_seconds(who=resource.RUSAGE_CHILDREN)
                spacy_alone(texts[lo:hi], args.workers)
                spacy_n += time.perf_counter() - start
                spacy_cpu_n += cpu_seconds() + cpu_seconds(who=resource.RUSAGE_CHILDREN) - cpu_start
            else:
                before = [cpu_seconds(pid) for pid in pids] + [cpu_seconds()]
                coded_n += sum(1 for _ in pool.code(documents[lo:hi], args.batch_size))
                dateline_n += time.perf_counter() - start
                after = [cpu_seconds(pid) for pid in pids] + [cpu_seconds()]
                cpu_n = [total + a - b for total, a, b in zip(cpu_n, after, before)]
        worker_rss = [process_peak_mb(pid) for pid in pool.pids()]
    assert coded_n == n

    rows.append(timed("spaCy nlp.pipe alone, 1 process", spacy_1, n, words))
    rows.append(timed("dateline end to end, 1 process", dateline_1, n, words))
    rows.append(timed(f"spaCy nlp.pipe alone, n_process={args.workers}", spacy_n, n, words))
    rows.append(timed(f"dateline end to end, {args.workers} workers", dateline_n, n, words))

    runs: list[str] = []
    if not args.no_ray and importlib.util.find_spec("ray") is not None:
        runs = run_engines(documents, args.workers, args.batch_size, n, words)

    print(f"corpus: {source}; {n} articles, {words:,} words; model and knowledge load: {load_seconds:.1f} s")
    print(f"{'':48}{'seconds':>10}{'articles/s':>12}{'words/s':>12}")
    for row in rows + runs:
        print(row)
    print(f"throughput ratio dateline/spaCy: {spacy_1 / dateline_1:.2f}x with 1 process, "
          f"{spacy_n / dateline_n:.2f}x with {args.workers}; in CPU time, which other work on the machine "
          f"disturbs less: {spacy_cpu_1 / cpu_1:.2f}x with 1 process ({1000 * spacy_cpu_1 / n:.0f} against "
          f"{1000 * cpu_1 / n:.0f} ms per article), {spacy_cpu_n / sum(cpu_n):.2f}x with {args.workers} "
          f"({1000 * spacy_cpu_n / n:.0f} against {1000 * sum(cpu_n) / n:.0f} ms, parents included)")
    print(f"dateline 1 -> {args.workers} workers: {dateline_1 / dateline_n:.2f}x; CPU seconds per article: "
          f"{1000 * cpu_1 / n:.0f} ms with 1 process, {1000 * sum(cpu_n) / n:.0f} ms with {args.workers} workers "
          f"({', '.join(f'{c:.0f}' for c in cpu_n[:-1])} s in the workers, {cpu_n[-1]:.0f} s in the parent); "
          f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
          f"(other work on the machine takes cores from the parallel rows)")
    print(f"peak resident memory per worker: {rss_1:,.0f} MB (1 process, spaCy's parse included); "
          f"{', '.join(f'{mb:,.0f}' for mb in worker_rss)} MB ({args.workers} workers)")
    print(f"events: {events} ({events / n:.1f} per article); failed documents: {failed}")
    return 0


def run_engines(documents, workers: int, batch_size: int, n: int, words: int) -> list[str]:
    """`dateline run` on the same corpus with each engine, fresh store, start-up included."""
    import orjson

    from dateline.config import Settings
    from dateline.engine.ray import shutdown
    from dateline.run import run

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with open(corpus, "wb") as handle:
            for d in documents:
                handle.write(orjson.dumps({"id": d.id, "text": d.text, "published": d.published}) + b"\n")
        for engine in ("local", "ray"):
            settings = Settings(n_process=workers, batch_size=batch_size, db=Path(tmp) / f"{engine}.duckdb")
            start = time.perf_counter()
            summary = run([str(corpus)], settings, engine=engine)
            seconds = time.perf_counter() - start
            assert summary.counts.coded == n, summary.counts
            rows.append(timed(f"dateline run --engine {engine} -j {workers} (start-up in)", seconds, n, words))
        shutdown()
    return rows


if __name__ == "__main__":
    sys.exit(main())
