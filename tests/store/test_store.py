"""The DuckDB store is idempotent, transactional per batch, and queried with parameters only."""

import pytest

from dateline.errors import DatelineError, DocumentError, ErrorKind
from dateline.store.duckdb import Store
from dateline.store.query import EventFilter, query_events, read_only_sql


def coded_doc(doc_id="d1", event_type="ASSAULT", country="SYR"):
    return {
        "id": doc_id, "title": "t", "published": "2020-03-04", "source": "TASS", "url": None,
        "events": [{"id": f"{doc_id}:0", "type": event_type, "mode": None, "contexts": [], "cameo": "190",
                    "quad": "MATERIAL_CONFLICT", "intensity": -9.0, "modality": "asserted",
                    "source": {"text": "The Syrian military", "name": "Syrian military", "country": country,
                               "sectors": ["MIL"], "start": 0, "end": 19},
                    "target": {"text": "36 Turkish soldiers", "name": "Turkish military", "country": "TUR",
                               "sectors": ["MIL"], "start": 30, "end": 49},
                    "date": "2020-02-27", "date_precision": "day", "date_text": "February 27",
                    "location": {"text": "Idlib", "name": "Idlib", "country": "SYR", "lat": 35.9, "lon": 36.6,
                                 "geonameid": 169389},
                    "size": {"dead": 36}, "sentence": {"start": 0, "end": 60},
                    "trigger": {"start": 20, "end": 26, "text": "strike"}, "confidence": 0.8, "evidence": "x"}],
        "places": [{"text": "Idlib", "start": 50, "end": 55, "name": "Idlib", "country": "SYR"}],
        "timexes": [{"text": "February 27", "start": 56, "end": 67, "value": "2020-02-27"}],
        "quotes": [], "warnings": []}


def given(doc_id="d1", text="The Syrian military strike killed 36 Turkish soldiers in Idlib on February 27."):
    return {"id": doc_id, "text": text, "published": "2020-03-04"}


def test_writing_the_same_batch_twice_adds_nothing(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        store.write_batch([(given(), coded_doc(), None)], "r1")
        first = store.counts()
        store.write_batch([(given(), coded_doc(), None)], "r2")
        assert store.counts() == first
        assert first["documents"] == 1 and first["events"] == 1 and first["event_actors"] == 2


def test_known_hashes_tell_unchanged_documents(tmp_path):
    from dateline.store.rows import document_hash

    with Store(tmp_path / "t.duckdb") as store:
        store.write_batch([(given(), coded_doc(), None)], "r1")
        assert store.known_hashes(["d1", "zz"]) == {"d1": document_hash(given())}


def test_skipped_and_failed_documents_are_stored_with_their_status_and_reason(tmp_path):
    empty = DocumentError(ErrorKind.EMPTY, "the document has no text", origin="a.txt", document_id="d2")
    broken = DocumentError(ErrorKind.CODING, "ValueError: boom", origin="b.txt", document_id="d3")
    bare = {**coded_doc("d2"), "events": [], "places": [], "timexes": []}
    with Store(tmp_path / "t.duckdb") as store:
        store.write_batch([(given("d2", ""), bare, empty), (given("d3"), {**bare, "id": "d3"}, broken)], "r1")
        rows = store.con.execute("SELECT id, status, reason FROM documents ORDER BY id").fetchall()
        assert rows == [("d2", "skipped", "the document has no text"), ("d3", "failed", "ValueError: boom")]
        assert store.con.execute("SELECT kind FROM failures ORDER BY kind").fetchall() == [("coding",), ("empty",)]


def test_query_filters_by_dyad_type_and_dates(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        store.write_batch([(given("d1"), coded_doc("d1"), None),
                           (given("d2"), coded_doc("d2", "PROTEST", "IRQ"), None)], "r1")
        _, rows = query_events(store, EventFilter(dyad="SYR-TUR"))
        assert [r[0] for r in rows] == ["d1:0"]
        _, rows = query_events(store, EventFilter(type="protest", since="2020-02-01", until="2020-02"))
        assert [r[0] for r in rows] == ["d2:0"]
        _, rows = query_events(store, EventFilter(actor="syrian", until="2020-02-26"))
        assert rows == []


def test_filter_values_never_become_sql():
    sql, params = EventFilter(actor="x'; DROP TABLE events; --").sql()
    assert "DROP" not in sql and any("DROP" in str(p) for p in params)


def test_read_only_sql_refuses_writes(tmp_path):
    path = tmp_path / "t.duckdb"
    Store(path).close()
    with Store(path, read_only=True) as store:
        assert read_only_sql(store, "SELECT count(*) AS n FROM events")[1] == [(0,)]
        for bad in ("DELETE FROM events", "SELECT 1; DROP TABLE events", "ATTACH 'x.db'"):
            with pytest.raises(DatelineError):
                read_only_sql(store, bad)


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(DatelineError, match="no database"):
        Store(tmp_path / "absent.duckdb", read_only=True)
