"""Bad inputs: each read as documented, and a real `dateline run` over the whole catalogue accounts
for every input (coded + skipped + failed = given) in the database and in the report file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.errors import DocumentError
from dateline.ingest import read
from dateline.records import Document
from tests.golden.test_founding_example import validate
from tests.robustness.catalogue import CATALOGUE, MISSING_INPUT, BadInput

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.mark.parametrize("item", CATALOGUE, ids=lambda item: item.name)
def test_catalogue_input_is_read_as_documented(item: BadInput, tmp_path):
    path = item.make(tmp_path)
    results = list(read([str(path)]))
    assert ["doc" if isinstance(r, Document) else r.kind.value for r in results] == list(item.read_as)
    for error in (r for r in results if isinstance(r, DocumentError)):
        assert error.origin and error.origin.split(":")[0] == str(path), "an error names where it is"
        assert error.reason
    if item.read_check is not None:
        item.read_check(results)


def test_every_catalogue_entry_is_in_the_documented_table():
    table = (ROOT / "docs" / "bad-inputs.md").read_text(encoding="utf-8")
    for item in CATALOGUE:
        assert f"`{item.name}`" in table, f"{item.name} is missing from docs/bad-inputs.md"
    assert "(docs/bad-inputs.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ one real run over the whole catalogue


def _run(corpus: Path, db: Path, report: Path, jsonl: Path | None = None):
    args = ["run", str(corpus), str(corpus / MISSING_INPUT), "--db", str(db), "--report", str(report)]
    return runner.invoke(app, args + (["--jsonl", str(jsonl)] if jsonl else []))


def _latest_run(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        run_id, given, coded, skipped, unchanged, failed = con.execute(
            "SELECT id, given, coded, skipped, unchanged, failed FROM runs ORDER BY started DESC LIMIT 1").fetchone()
        not_coded = dict(con.execute("SELECT status, count(*) FROM not_coded WHERE run_id = ? GROUP BY status",
                                     [run_id]).fetchall())
        stored_coded = con.execute("SELECT origin, coded FROM documents WHERE run_id = ? AND status = 'coded'",
                                   [run_id]).fetchall()
        rows = con.execute("SELECT origin, status, kind, document_id, reason FROM not_coded WHERE run_id = ?",
                           [run_id]).fetchall()
    finally:
        con.close()
    return {"id": run_id, "given": given, "coded": coded, "skipped": skipped, "unchanged": unchanged, "failed": failed,
            "not_coded": not_coded, "stored_coded": stored_coded, "rows": rows}


@pytest.fixture(scope="module")
def catalogue_run(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("catalogue")
    paths = {item.name: item.make(corpus) for item in CATALOGUE}
    db, report, jsonl = corpus.parent / "c.duckdb", corpus.parent / "c.report.jsonl", corpus.parent / "c.jsonl"
    first = _run(corpus, db, report, jsonl)
    first_books = _latest_run(db)
    first_report = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    second = _run(corpus, db, report)
    second_report = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    return {"corpus": corpus, "paths": paths, "first": first, "books": first_books, "report": first_report,
            "jsonl": jsonl, "second": second, "second_books": _latest_run(db), "second_report": second_report}


def _line(origin: str | None) -> int:
    match = re.search(r":(\d+)$", origin or "")
    return int(match.group(1)) if match else 0


def _file(origin: str | None) -> str:
    return re.sub(r":\d+$", "", origin or "")


@pytest.mark.model
def test_whole_catalogue_is_accounted_for_by_a_run(catalogue_run):
    first, books, report = catalogue_run["first"], catalogue_run["books"], catalogue_run["report"]
    assert first.exit_code == 0, first.output  # bad documents never stop a run
    expected = sum(len(item.outcomes) for item in CATALOGUE) + 1  # + the missing path
    assert books["given"] == expected
    assert books["coded"] + books["skipped"] + books["failed"] == books["given"]
    # the database holds each outcome: coded documents, and one not_coded row per skip or failure
    assert len(books["stored_coded"]) == books["coded"]
    assert books["not_coded"] == {k: v for k, v in (("skipped", books["skipped"]), ("failed", books["failed"])) if v}
    # the report file lists the same skips and failures, each with its origin, kind and reason
    assert len(report) == books["skipped"] + books["failed"]
    assert sorted((r["origin"], r["status"], r["kind"]) for r in report) == sorted(
        (origin, status, kind) for origin, status, kind, _, _ in books["rows"])
    assert all(r["origin"] and r["kind"] and r["reason"] and r["status"] in ("skipped", "failed") for r in report)
    assert {"origin": str(catalogue_run["corpus"] / MISSING_INPUT), "kind": "unreadable", "status": "failed"}.items() \
        <= next(r for r in report if r["origin"].endswith(MISSING_INPUT)).items()
    assert "every one is listed in" in first.output


@pytest.mark.model
@pytest.mark.parametrize("item", CATALOGUE, ids=lambda item: item.name)
def test_catalogue_input_ends_as_documented(catalogue_run, item: BadInput):
    path = str(catalogue_run["paths"][item.name])
    books = catalogue_run["books"]
    outcomes = [(_line(origin), "coded") for origin, _ in books["stored_coded"] if _file(origin) == path]
    outcomes += [(_line(origin), f"{status}:{kind}") for origin, status, kind, _, _ in books["rows"]
                 if _file(origin) == path]
    assert [outcome for _, outcome in sorted(outcomes)] == list(item.outcomes)
    if item.coded_check is not None:
        item.coded_check([json.loads(coded) for origin, coded in books["stored_coded"] if _file(origin) == path])


@pytest.mark.model
def test_every_output_line_validates_and_no_skipped_document_has_events(catalogue_run):
    lines = [json.loads(line) for line in catalogue_run["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert lines
    for line in lines:
        validate(line)
        if any(w.startswith("not coded:") for w in line["warnings"]):
            assert line["events"] == [], line["id"]
    skipped = {r["document_id"] for r in catalogue_run["report"] if r["kind"] == "not_english"}
    assert {"french", "russian", "declared-german"} <= skipped


@pytest.mark.model
def test_a_second_run_codes_nothing_again_and_still_accounts_for_everything(catalogue_run):
    second, books, first = catalogue_run["second"], catalogue_run["second_books"], catalogue_run["books"]
    assert second.exit_code == 0, second.output
    assert books["given"] == first["given"] and books["coded"] == 0
    assert books["unchanged"] == first["coded"] + first["unchanged"]
    assert books["coded"] + books["skipped"] + books["failed"] == books["given"]
    assert len(catalogue_run["second_report"]) == books["skipped"] + books["failed"]


@pytest.mark.model
def test_run_exits_1_only_when_not_one_input_can_be_opened(tmp_path):
    missing = runner.invoke(app, ["run", str(tmp_path / "nope.jsonl"), str(tmp_path / "*.txt"),
                                  "--db", str(tmp_path / "d.duckdb")])
    assert missing.exit_code == 1 and "not one input could be opened" in missing.output
    report = tmp_path / "d.report.jsonl"  # the default: beside the database
    assert [json.loads(line)["kind"] for line in report.read_text().splitlines()] == ["unreadable", "unreadable"]

    bad = tmp_path / "bad.jsonl"
    bad.write_text("{broken\n[]\n", encoding="utf-8")
    malformed = runner.invoke(app, ["run", str(bad), "--db", str(tmp_path / "d.duckdb")])
    assert malformed.exit_code == 0, "the run went through its inputs: each bad line is accounted for"


def test_run_with_an_unwritable_report_or_database_exits_1(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    corpus = tmp_path / "a.txt"
    corpus.write_text("Police detained protesters in Minsk on Sunday.")
    no_report = runner.invoke(app, ["run", str(corpus), "--db", str(tmp_path / "d.duckdb"),
                                    "--report", str(blocker / "report.jsonl")])
    assert no_report.exit_code == 1 and "cannot write the report" in no_report.output
    no_db = runner.invoke(app, ["run", str(corpus), "--db", str(blocker / "d.duckdb")])
    assert no_db.exit_code == 1 and "cannot open database" in no_db.output
