"""The command line end to end: code, run (idempotent), show, query, export, eval, actor, help."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from dateline.cli import app
from tests.conftest import EXAMPLES
from tests.golden.test_founding_example import validate

runner = CliRunner()
TASS = str(EXAMPLES / "tass-2020-03-04-idlib.jsonl")


def invoke(*args: str, input: str | None = None):
    result = runner.invoke(app, list(args), input=input)
    return result


def test_every_command_and_option_has_help():
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert command.help, f"`dateline {name}` has no help"
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert param.help, f"`dateline {name}` option {param.opts} has no help"
        assert invoke(name, "--help").exit_code == 0


@pytest.mark.model
def test_code_writes_one_valid_line_per_document(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "text": "Police arrested 12 protesters in Minsk on Sunday."}\n{not json\n'
                   '{"id": "empty", "text": "   "}\n', encoding="utf-8")
    result = invoke("code", TASS, str(bad))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["tass-2020-03-04-idlib", "ok", "empty"]
    for line in lines:
        validate(line)
    assert lines[2]["events"] == [] and any("empty" in w for w in lines[2]["warnings"])
    assert "bad.jsonl:2" in result.stderr


@pytest.mark.model
def test_code_events_format_is_flat_csv():
    result = invoke("code", TASS, "--format", "events")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0].split(",")
    assert header[:3] == ["document_id", "event_id", "title"] and len(result.stdout.splitlines()) > 3


@pytest.mark.model
def test_run_twice_adds_nothing_and_the_store_answers(tmp_path):
    db = str(tmp_path / "d.duckdb")
    jsonl = tmp_path / "out" / "events.jsonl"
    first = invoke("run", str(EXAMPLES), "--db", db, "--jsonl", str(jsonl))
    assert first.exit_code == 0, first.output
    con = duckdb.connect(db, read_only=True)
    counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "events", "places")]
    con.close()
    assert counts[0] >= 6 and counts[1] > 10 and jsonl.exists()
    second = invoke("run", str(EXAMPLES), "--db", db)
    assert second.exit_code == 0
    con = duckdb.connect(db, read_only=True)
    assert [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "events", "places")] == counts
    con.close()

    shown = invoke("show", "tass-2020-03-04-idlib", "--db", db)
    assert shown.exit_code == 0 and "CONSULT" in shown.stdout and "Dmitry Peskov" in shown.stdout

    found = invoke("query", "--db", db, "--type", "ASSAULT", "--dyad", "SYR-TUR", "--json")
    assert found.exit_code == 0 and "SYR" in found.stdout
    sql = invoke("query", "--db", db, "--sql", "SELECT count(*) AS n FROM documents")
    assert sql.exit_code == 0
    refused = invoke("query", "--db", db, "--sql", "DELETE FROM events")
    assert refused.exit_code != 0

    for fmt in ("gdelt", "polecat", "csv"):
        exported = invoke("export", "--db", db, "--format", fmt)
        assert exported.exit_code == 0 and exported.stdout.strip()
    parquet = invoke("export", "--db", db, "--format", "parquet", "--output", str(tmp_path / "e.parquet"))
    assert parquet.exit_code == 0 and (tmp_path / "e.parquet").exists()


def test_show_and_query_on_a_missing_database_fail_clearly(tmp_path):
    result = invoke("query", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1 and "no database" in result.stderr


@pytest.mark.model
def test_eval_scores_coded_predictions(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "text": "Police arrested 12 protesters in Minsk on Sunday.",
                                "published": "2020-11-02", "events": [{"type": "COERCE"}], "places": None,
                                "timexes": None}) + "\n", encoding="utf-8")
    result = invoke("eval", str(gold), "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)[str(gold)]["scores"]
    assert "event type recall" in scores


def test_actor_command_reads_json_lines_from_stdin_with_dash():
    result = invoke("actor", "-", input='{"actor": "Ankara"}\n{"actor": "Putin and Erdogan", "date": "2020-03-04"}\n')
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["country"] for line in lines] == ["TUR", "RUS"]
    assert [part["country"] for part in lines[1]["parts"]] == ["RUS", "TUR"]


def test_actor_command_explains_a_resolution():
    result = invoke("actor", "Russian President Vladimir Putin", "--date", "2020-03-04", "--json")
    assert result.exit_code == 0
    actor = json.loads(result.stdout)
    assert actor["country"] == "RUS" and "GOV" in actor["sectors"] and actor["reasons"]
