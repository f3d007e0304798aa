"""`dateline actor` as a plain function: one mention, --json, and the stdin batch mode."""

from __future__ import annotations

import io
import json

from dateline.actors.command import run


def test_json_output_is_one_actor_object_with_reasons():
    out = io.StringIO()
    assert run("36 Turkish soldiers", date="2020-02-27", as_json=True, stdout=out) == 0
    data = json.loads(out.getvalue())
    assert data["country"] == "TUR" and data["sectors"] == ["MIL"] and data["reasons"]


def test_table_output_explains_the_resolution():
    out = io.StringIO()
    run("Kremlin", date="2020-03-04", stdout=out)
    text = out.getvalue()
    assert "RUS" in text and "GOV" in text and "why" in text and "curated" in text


def test_unresolved_mention_exits_1_with_null_fields():
    out = io.StringIO()
    assert run("a cat named Frank", as_json=True, stdout=out) == 1
    assert json.loads(out.getvalue())["country"] is None


def test_bad_date_exits_2():
    out = io.StringIO()
    assert run("Putin", date="March 4", as_json=True, stdout=out) == 2


def test_stdin_batch_answers_every_line_in_order_with_errors_in_place():
    lines = ['{"actor": "Putin", "date": "2020-03-04"}', "not json", '{"actor": 5}',
             '{"actor": "Ankara", "context": "Turkey said"}']
    out = io.StringIO()
    status = run("-", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert status == 2 and len(results) == 4
    assert results[0]["country"] == "RUS"
    assert "error" in results[1] and "error" in results[2]
    assert results[3]["sectors"] == ["GOV"]


def test_overlay_that_cannot_be_read_exits_2(tmp_path):
    out = io.StringIO()
    assert run("Putin", overlay=tmp_path / "missing.yaml", stdout=out) == 2


def test_context_lends_a_country_to_a_bare_role_word():
    out = io.StringIO()
    run("militants", date="2020-03-04", context="Clashes broke out near Idlib on Thursday.", as_json=True,
        stdout=out)
    data = json.loads(out.getvalue())
    assert data["country"] == "SYR" and "REB" in data["sectors"]
    assert any("context" in reason for reason in data["reasons"])


def test_date_picks_the_role_held_then():
    def sectors(date: str) -> list[str]:
        out = io.StringIO()
        run("Donald Trump", date=date, as_json=True, stdout=out)
        return json.loads(out.getvalue())["sectors"]

    assert sectors("2019-05-01") == ["GOV"]
    assert sectors("2022-05-01") == ["ELI"]


def test_yaml_overlay_given_to_the_command_adds_actors(tmp_path):
    overlay = tmp_path / "mine.yaml"
    overlay.write_text("- {name: Acme Militia, kind: organisation, country: KEN, sectors: PRM, aliases: Acme}\n",
                       encoding="utf-8")
    out = io.StringIO()
    assert run("Acme", overlay=overlay, as_json=True, stdout=out) == 0
    data = json.loads(out.getvalue())
    assert (data["country"], data["sectors"]) == ("KEN", ["PRM"])
    assert any("overlay:mine.yaml" in reason for reason in data["reasons"])


def test_stdin_batch_reads_each_lines_date_and_context_in_order():
    lines = ['{"actor": "Donald Trump", "date": "2019-05-01"}', '{"actor": "Donald Trump", "date": "2022-05-01"}',
             '{"actor": "militants", "context": "Clashes broke out near Idlib on Thursday."}']
    out = io.StringIO()
    assert run("-", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out) == 0
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["text"] for r in results] == ["Donald Trump", "Donald Trump", "militants"]
    assert results[0]["sectors"] == ["GOV"] and results[1]["sectors"] == ["ELI"] and results[2]["country"] == "SYR"
