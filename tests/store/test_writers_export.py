"""Writers and exporters keep the FORMATS.md shape and the GDELT / POLECAT column orders."""

import csv
import io

import orjson
import pyarrow.parquet as pq
import pytest

from dateline.store.duckdb import Store
from dateline.store.export import POLECAT_COLUMNS, export, gdelt_columns
from dateline.store.rows import EVENT_COLUMNS
from dateline.store.writers import Writer, write_all
from tests.conftest import shared_path
from tests.store.test_store import coded_doc, given


def test_jsonl_writes_one_line_per_document():
    text = write_all([coded_doc("a"), coded_doc("b")], "jsonl")
    assert [orjson.loads(line)["id"] for line in text.splitlines()] == ["a", "b"]


def test_events_format_has_one_row_per_event_with_document_fields():
    rows = list(csv.DictReader(io.StringIO(write_all([coded_doc()], "events"))))
    assert len(rows) == 1 and rows[0]["source_country"] == "SYR" and rows[0]["published"] == "2020-03-04"
    assert list(rows[0]) == list(EVENT_COLUMNS)


def test_parquet_needs_a_file_and_writes_rows(tmp_path):
    with pytest.raises(ValueError):
        Writer("parquet", io.StringIO())
    writer = Writer("parquet", path=tmp_path / "e.parquet")
    writer.write(coded_doc())
    writer.close()
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 1


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        store.write_batch([(given(), coded_doc(), None)], "r1")
        yield store


def test_gdelt_export_is_tab_separated_in_gdelt_column_order(store):
    buffer = io.StringIO()
    assert export(store, "gdelt", buffer) == 1
    fields = buffer.getvalue().rstrip("\n").split("\t")
    row = dict(zip(gdelt_columns(), fields))
    assert len(fields) == 61
    assert row["SQLDATE"] == "20200227" and row["EventRootCode"] == "19" and row["QuadClass"] == "4"
    assert row["Actor1Code"] == "SYRMIL" and row["ActionGeo_CountryCode"] == "SY"


def test_polecat_export_has_its_header(store):
    buffer = io.StringIO()
    export(store, "polecat", buffer)
    header = buffer.getvalue().splitlines()[0].split("\t")
    assert tuple(header) == POLECAT_COLUMNS


def test_csv_and_parquet_exports(store, tmp_path):
    buffer = io.StringIO()
    assert export(store, "csv", buffer) == 1
    assert export(store, "parquet", path=tmp_path / "x.parquet") == 1


@pytest.mark.shared
def test_gdelt_columns_match_the_published_header():
    source = shared_path("data", "gdelt", "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv")
    with open(source, encoding="utf-8") as handle:
        names = [row["tableId"] for row in csv.DictReader(handle)]
    assert tuple(names) == gdelt_columns()


def test_a_json_line_stays_one_line_whatever_line_breaks_its_strings_hold():
    import io

    import orjson

    from dateline.store.writers import Writer

    buffer = io.StringIO()
    writer = Writer("jsonl", buffer)
    writer.write({"id": "a\u0085b", "title": "line\u2028separator\u2029paragraph", "events": []})
    writer.close()
    [line] = buffer.getvalue().splitlines()
    assert orjson.loads(line)["title"] == "line\u2028separator\u2029paragraph"
