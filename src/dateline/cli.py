"""The command line: each command parses its options, makes one library call, and reports."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from dateline.config import HELP, load_settings
from dateline.errors import DatelineError

app = typer.Typer(
    help="dateline: political event data from news reports (PLOVER/CAMEO events with actors, dates, places, "
         "modality and evidence).",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(stderr=True)
#: Width of `dateline show` output when it goes to a file rather than a terminal.
SHOW_WIDTH = 140
out = Console()

Published = Annotated[Optional[str], typer.Option("--published", help=HELP["published"])]
Config = Annotated[Optional[Path], typer.Option("--config", help="A dateline.toml with settings (see README).")]
BatchSize = Annotated[Optional[int], typer.Option("--batch-size", help=HELP["batch_size"])]
Processes = Annotated[Optional[int], typer.Option("--n-process", "-j", help=HELP["n_process"])]
MinConfidence = Annotated[Optional[float], typer.Option("--min-confidence", help=HELP["min_confidence"])]
Overlay = Annotated[Optional[Path], typer.Option("--overlay", help=HELP["overlay"])]
Db = Annotated[Path, typer.Option("--db", help=HELP["db"])]


def _fail(message: str, code: int = 2) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _settings(config: Path | None, **flags):
    try:
        return load_settings(config, **flags)
    except (ValueError, OSError) as error:
        _fail(f"bad settings: {error}")


@app.command()
def code(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, globs, or - for standard input.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (one coded document per line), events (flat CSV "
                                     "rows), csv (same), parquet (flat rows; needs --output).")] = "jsonl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    published: Published = None, min_confidence: MinConfidence = None, batch_size: BatchSize = None,
    n_process: Processes = None, overlay: Overlay = None, config: Config = None,
) -> None:
    """Code documents and write the coded output (FORMATS.md section 2), in input order."""
    from dateline.engine.local import code_local
    from dateline.ingest import read
    from dateline.store.writers import Writer

    settings = _settings(config, published=published, min_confidence=min_confidence, batch_size=batch_size,
                         n_process=n_process, overlay=overlay)
    try:
        writer = Writer(fmt, sys.stdout if output is None else None, output)
    except ValueError as error:
        _fail(str(error))
    failures = 0

    for result in code_local(read(inputs), settings):
        if result.error is not None:
            failures += 1
            console.print(f"[yellow]{result.error.status}[/yellow] {result.error}")
        if result.coded is not None:
            writer.write(result.coded.to_dict(), result.document.text if result.document else None)
    writer.close()
    if failures:
        console.print(f"{failures} input(s) not coded (skipped or failed); see the messages above.")


@app.command()
def run(
    inputs: Annotated[list[str], typer.Argument(help="Corpus: files, directories, globs, or - for stdin.")],
    db: Db = Path("dateline.duckdb"),
    jsonl: Annotated[Optional[Path], typer.Option("--jsonl", help="Also write the newly coded documents here.")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Write every skipped or failed input here as a "
                                                   "JSON line (document id, origin, status, kind, reason); default: "
                                                   "beside the database, e.g. dateline.report.jsonl.")] = None,
    published: Published = None, min_confidence: MinConfidence = None, batch_size: BatchSize = None,
    n_process: Processes = None, overlay: Overlay = None, config: Config = None,
    engine: Annotated[str, typer.Option("--engine", help="local: worker processes on this machine (-j of them); "
                                        "ray: Ray Data on a Ray cluster (the ray extra: pip install "
                                        "'dateline\\[ray]'), reading local paths or fsspec URLs (file://, s3://, "
                                        "gs://).")] = "local",
    address: Annotated[Optional[str], typer.Option("--address", help="Ray cluster to join (e.g. ray://head:10001 or "
                                                   "auto); without it Ray starts on this machine.")] = None,
    parquet: Annotated[Optional[str], typer.Option("--parquet", help="With --engine ray: where the workers write "
                                                   "the coded Parquet parts (local path or fsspec URL; default "
                                                   "DB.parts/RUN).")] = None,
) -> None:
    """Code a corpus into the DuckDB store; documents already stored unchanged are not coded again.

    Every input ends coded, skipped or failed; the exit code is 0 whenever the run could go through
    its inputs, bad documents or not, and 1 when it could not (database or report unwritable, or
    not one input could be opened). A run killed at any point keeps every whole batch it stored;
    running it again codes the rest.
    """
    from dateline.run import run as run_corpus
    from dateline.store.writers import Writer

    settings = _settings(config, db=db, published=published, min_confidence=min_confidence, batch_size=batch_size,
                         n_process=n_process, overlay=overlay)
    writer = None
    if jsonl is not None:
        jsonl.parent.mkdir(parents=True, exist_ok=True)
        writer = Writer("jsonl", path=jsonl)
    statuses: Counter[str] = Counter()
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("[green]{task.fields[coded]} coded[/green] [dim]{task.fields[unchanged]} unchanged"
                                   "[/dim] [yellow]{task.fields[skipped]} skipped[/yellow] "
                                   "[red]{task.fields[failed]} failed[/red]"), TimeElapsedColumn(),
                        console=console, transient=False)
    with progress:
        task = progress.add_task("coding", total=None, coded=0, unchanged=0, skipped=0, failed=0)

        def on_document(_doc_id: str, status: str) -> None:
            statuses[status] += 1
            progress.update(task, advance=1, coded=statuses["coded"], unchanged=statuses["unchanged"],
                            skipped=statuses["skipped"], failed=statuses["failed"])

        try:
            summary = run_corpus(inputs, settings, on_document=on_document,
                                 output=writer.write if writer is not None else None, report=report,
                                 engine=engine, address=address, parquet=parquet)
        except DatelineError as error:
            _fail(str(error), 1)
        finally:
            if writer is not None:
                writer.close()
    counts = summary.counts
    for earlier in summary.interrupted:
        console.print(f"[yellow]run {earlier} had been interrupted[/yellow]; its stored batches are kept and "
                      "this run coded what it left")
    table = Table(title=f"dateline run {summary.run_id} -> {db}")
    table.add_column("documents", justify="right")
    table.add_column("coded", justify="right")
    table.add_column("skipped (unchanged)", justify="right")
    table.add_column("failed", justify="right")
    table.add_column("events", justify="right")
    table.add_row(str(counts.given), str(counts.coded), f"{counts.skipped} ({counts.unchanged})", str(counts.failed),
                  str(counts.events))
    out.print(table)
    if summary.clusters:
        console.print(f"event clusters: {summary.clusters['mentions']} mention(s) of "
                      f"{summary.clusters['clusters']} event(s), {summary.clusters['merged']} reported more than once")
    if summary.by_type:
        types = Table(title="events by type (this run)")
        types.add_column("type")
        types.add_column("events", justify="right")
        for name, n in sorted(summary.by_type.items(), key=lambda item: (-item[1], item[0])):
            types.add_row(name, str(n))
        out.print(types)
    shown = summary.failures
    for failure in shown:
        console.print(f"[yellow]{failure.status}[/yellow] {failure}")
    not_coded = counts.skipped - counts.unchanged + counts.failed
    if not_coded:
        kinds = ", ".join(f"{n} {kind}" for kind, n in summary.by_kind.most_common() if kind != "unchanged")
        more = f" (the first {len(shown)} above)" if len(shown) < not_coded else ""
        console.print(f"{not_coded} input(s) not coded: {kinds}; every one is listed in {summary.report}{more}")
    if not summary.proceeded:
        _fail("not one input could be opened; nothing was coded", 1)


@app.command()
def cluster(
    db: Db = Path("dateline.duckdb"),
    window_days: Annotated[Optional[int], typer.Option("--window-days", help=HELP["cluster_window_days"])] = None,
    distance_km: Annotated[Optional[float], typer.Option("--distance-km", help=HELP["cluster_distance_km"])] = None,
    match: Annotated[Optional[str], typer.Option("--match", help=HELP["cluster_match"])] = None,
    config: Config = None,
) -> None:
    """Link the stored events that report the same happening into event clusters (run does this too)."""
    from dateline.run import cluster_rules
    from dateline.store.clusters import rebuild
    from dateline.store.duckdb import Store

    settings = _settings(config, db=db, cluster_window_days=window_days, cluster_distance_km=distance_km,
                         cluster_match=match)
    try:
        rules = cluster_rules(settings)
        with Store(db) as store:
            counts = rebuild(store, rules)
    except ValueError as error:
        _fail(str(error))
    except DatelineError as error:
        _fail(str(error), 1)
    out.print(f"{counts['mentions']} event mention(s) in {counts['clusters']} cluster(s); "
              f"{counts['merged']} cluster(s) join more than one mention "
              f"(window {rules.window_days} day(s), {rules.distance_km:g} km, same {rules.match})")


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id (or its unique prefix).")],
    db: Db = Path("dateline.duckdb"),
) -> None:
    """Render one stored article with its events, actors, places and dates highlighted."""
    from dateline.show import render
    from dateline.store.duckdb import Store

    try:
        with Store(db, read_only=True) as store:
            found = store.coded_document(doc_id)
    except DatelineError as error:
        _fail(str(error), 1)
    if found is None:
        _fail(f"no document {doc_id!r} in {db}", 1)
    coded, text = found
    # piped into a file or pager there is no terminal width to fit: use a readable one
    target = out if out.is_terminal else Console(width=SHOW_WIDTH)
    for renderable in render(coded, text or ""):
        target.print(renderable)


@app.command()
def query(
    db: Db = Path("dateline.duckdb"),
    type_: Annotated[Optional[str], typer.Option("--type", help="PLOVER event type, e.g. ASSAULT.")] = None,
    mode: Annotated[Optional[str], typer.Option(help="PLOVER mode, e.g. aerial.")] = None,
    modality: Annotated[Optional[str], typer.Option(help="asserted, planned, hypothetical, negated, requested, "
                                                         "reported.")] = None,
    actor: Annotated[Optional[str], typer.Option(help="Text in the actor or recipient name.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO3 of either party or of the location.")] = None,
    dyad: Annotated[Optional[str], typer.Option(help="SOURCE-TARGET countries, e.g. TUR-SYR.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Events on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Events on or before this date.")] = None,
    place: Annotated[Optional[str], typer.Option(help="Text in the event location's name.")] = None,
    min_confidence: MinConfidence = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 100,
    sql: Annotated[Optional[str], typer.Option(help="Run one read-only SQL statement instead of the filters.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Find stored events by type, actor, country, dyad, date range and place, or with read-only SQL."""
    from dateline.store.duckdb import Store
    from dateline.store.query import EventFilter, query_events, read_only_sql

    try:
        with Store(db, read_only=True) as store:
            if sql:
                columns, rows = read_only_sql(store, sql)
            else:
                columns, rows = query_events(store, EventFilter(
                    type=type_, mode=mode, modality=modality, actor=actor, country=country, dyad=dyad, since=since,
                    until=until, place=place, min_confidence=min_confidence, limit=limit))
    except DatelineError as error:
        _fail(str(error), 1)
    if as_json:
        for row in rows:
            out.print_json(json.dumps(dict(zip(columns, row)), default=str), indent=None)
        return
    table = Table(show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    out.print(table)
    console.print(f"{len(rows)} row(s)")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="gdelt (GDELT 2.0 events, tab-separated), polecat "
                                     "(POLECAT columns, tab-separated), parquet, csv.")] = "csv",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (stdout if omitted; "
                                                   "required for parquet).")] = None,
    db: Db = Path("dateline.duckdb"),
) -> None:
    """Export every stored event in another project's format."""
    from dateline.store.duckdb import Store
    from dateline.store.export import export as export_events

    try:
        with Store(db, read_only=True) as store:
            count = export_events(store, fmt, sys.stdout, output)
    except (ValueError, DatelineError) as error:
        _fail(str(error))
    console.print(f"{count} event(s) exported as {fmt}" + (f" to {output}" if output else ""))


@app.command("eval")
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSONL files (FORMATS.md section 3).")],
    predictions: Annotated[Optional[Path], typer.Option("--pred", help="Score this coded JSONL instead of coding "
                                                        "the gold documents.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    limit: Annotated[Optional[int], typer.Option(help="Score only the first N records of each file.")] = None,
    batch_size: BatchSize = None, n_process: Processes = None, config: Config = None,
) -> None:
    """Code the gold documents and score them as FORMATS.md section 4 says."""
    from dateline.evaluate import evaluate_file

    settings = _settings(config, batch_size=batch_size, n_process=n_process)
    results = {}
    for path in gold:
        try:
            results[str(path)] = evaluate_file(path, settings, predictions=predictions, limit=limit)
        except (OSError, ValueError) as error:
            _fail(f"{path}: {error}")
    if as_json:
        out.print_json(json.dumps(results))
        return
    for path, rows in results.items():
        table = Table(title=str(path))
        table.add_column("metric")
        table.add_column("value", justify="right")
        table.add_column("support", justify="right")
        for metric, value, support in rows["rows"]:
            table.add_row(metric, "" if value is None else f"{value:.3f}", support)
        out.print(table)


@app.command()
def actor(
    text: Annotated[str, typer.Argument(help="The actor string, or - to read JSON lines {actor, date, context} "
                                             "from stdin.")],
    date: Annotated[Optional[str], typer.Option(help="The date the role should hold (YYYY-MM-DD).")] = None,
    context: Annotated[Optional[str], typer.Option(help="The sentence the mention comes from.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One actor object (FORMATS.md) plus the reasons.")] = False,
    overlay: Overlay = None,
) -> None:
    """Show how one actor string resolves (name, country, sectors) and why."""
    from dateline.actors.command import run as run_actor

    code_ = run_actor(text, date, context, as_json, overlay, sys.stdin, sys.stdout)
    raise typer.Exit(code_)


@app.command()
def serve(
    db: Db = Path("dateline.duckdb"),
    host: Annotated[str, typer.Option(help="Address to listen on. Loopback (127.0.0.1) by default; any other "
                                           "address needs --token or --no-code.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[Optional[str], typer.Option(envvar="DATELINE_TOKEN", help="Bearer token that POST /code "
                                                 "requires (also DATELINE_TOKEN).")] = None,
    cors_origin: Annotated[Optional[list[str]], typer.Option("--cors-origin", help="Origin allowed to call the API "
                                                             "from a browser (repeatable); no CORS without it.")] = None,
    max_body: Annotated[int, typer.Option(help="Largest request body in bytes; larger ones get 413.")] = 1_000_000,
    no_code: Annotated[bool, typer.Option("--no-code", help="Switch POST /code off (read-only API).")] = False,
    threads: Annotated[int, typer.Option(help="Requests a worker answers at once that need the database (CSV, "
                                              "stats, documents...), each on its own thread and cursor; more wait "
                                              "their turn.")] = 4,
    workers: Annotated[int, typer.Option(help="Server processes sharing the port, each with its own snapshot of "
                                              "the store in memory.")] = 1,
    config: Config = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs) and the web page (map, timeline, events, articles) over a store."""
    try:
        from dateline.api import ServeConfig
        from dateline.api.guard import is_loopback
        from dateline.api.server import run as run_server
    except ImportError as error:
        _fail(f"serving needs the `serve` extra (pip install 'dateline[serve]'): {error}")
    if not is_loopback(host) and token is None and not no_code:
        _fail(f"refusing to listen on {host} without a token: anyone who can reach it could make this machine "
              "code articles. Give --token (or DATELINE_TOKEN), or --no-code for a read-only API.")
    if max_body < 1 or threads < 1 or workers < 1:
        _fail("--max-body, --threads and --workers must be positive")
    settings = _settings(config)
    serve_config = ServeConfig(db=db, token=token, cors_origins=tuple(cors_origin or ()), max_body=max_body,
                               allow_code=not no_code, settings=settings, threads=threads)
    processes = f", {workers} worker processes" if workers > 1 else ""
    try:
        run_server(serve_config, host, port, workers, announce=lambda: console.print(
            f"dateline serving {db} on http://{host}:{port}/ (API docs at /docs{processes})"))
    except DatelineError as error:
        _fail(str(error), 1)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
