"""The HTTP API on a hand-built store: filters, cursors, formats, evidence, spans, and what the server guards."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dateline.api import ServeConfig, create_app
from dateline.api.guard import is_loopback
from dateline.store.query import EventFilter, decode_cursor, encode_cursor

ALL = ["doc-a:0", "doc-a:1", "doc-a:2", "doc-b:0", "doc-b:1", "doc-b:2", "doc-b:3"]


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["event_id"] for row in response.json()["events"]]


# -- filters -------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("type=ASSAULT", ["doc-a:0", "doc-b:0", "doc-b:1", "doc-b:2"]),
    ("type=assault&min_confidence=0.7", ["doc-a:0", "doc-b:0"]),
    ("modality=requested", ["doc-a:2"]),
    ("dyad=TUR-SYR", ["doc-a:1", "doc-b:1"]),
    ("country=fji", ["doc-b:3"]),
    ("actor=turkey&type=PROTEST", ["doc-a:1"]),
    ("since=2020-04-02", ["doc-b:1", "doc-b:3"]),
    ("until=2020-03", ["doc-a:0", "doc-a:1"]),
    ("since=2020-04&until=2020-04", ["doc-b:2", "doc-b:0", "doc-b:1", "doc-b:3"]),
    ("place=ankara", ["doc-a:1"]),
    ("q=PROTESTED", ["doc-a:1"]),
])
def test_events_filter_like_the_cli(client, query, expected):
    assert sorted(ids(client.get(f"/events?{query}"))) == sorted(expected)


def test_percent_and_underscore_in_a_search_are_literal(client):
    assert ids(client.get("/events?actor=100%25")) == ["doc-b:3"]
    assert ids(client.get("/events?actor=aid_group")) == ["doc-b:3"]
    assert ids(client.get("/events?actor=aidXgroup")) == []
    assert ids(client.get("/events?actor=%25%25")) == []


def test_bounding_box_selects_by_coordinates_and_may_cross_the_antimeridian(client):
    assert sorted(ids(client.get("/events?bbox=30,35,37,40"))) == ["doc-a:0", "doc-a:1", "doc-b:0", "doc-b:1",
                                                                   "doc-b:2"]
    assert ids(client.get("/events?bbox=32,39,33,40")) == ["doc-a:1"]
    assert ids(client.get("/events?bbox=170,-20,-170,0")) == ["doc-b:3"]
    for bad in ("0,50,10,40", "0,0,200,10", "1,2,3"):
        assert client.get(f"/events?bbox={bad}").status_code in (400, 422)


def test_bad_values_are_client_errors_with_a_reason(client):
    response = client.get("/events?dyad=SYR")
    assert response.status_code == 422
    assert client.get("/events?since=March").status_code == 422
    assert client.get("/events?limit=0").status_code == 422
    assert client.get("/events?sort=title").status_code == 422
    assert "bbox" in client.get("/events?bbox=0,95,10,96").json()["detail"]


# -- pagination ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sort", ["date", "-date", "confidence", "-confidence"])
def test_cursor_pages_walk_every_event_once_in_order(client, sort):
    whole = ids(client.get(f"/events?sort={sort}&limit=100"))
    walked, cursor = [], None
    while True:
        response = client.get("/events", params={"sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})})
        walked += ids(response)
        cursor = response.json()["next_cursor"]
        assert response.headers.get("x-next-cursor") == cursor
        if cursor is None:
            break
    assert walked == whole and sorted(walked) == ALL


def test_unknown_dates_and_confidences_sort_last_either_way(client):
    assert ids(client.get("/events?sort=date"))[-1] == "doc-a:2"
    assert ids(client.get("/events?sort=-date"))[-1] == "doc-a:2"
    assert ids(client.get("/events?sort=-date"))[0] == "doc-b:3"
    assert ids(client.get("/events?sort=-confidence"))[0] == "doc-a:0"


def test_a_cursor_from_another_sort_or_mangled_is_refused(client):
    cursor = client.get("/events?sort=date&limit=1").json()["next_cursor"]
    assert client.get(f"/events?sort=date&cursor={cursor}").status_code == 200
    assert client.get(f"/events?sort=-confidence&cursor={cursor}").status_code == 400
    assert client.get("/events?cursor=bm90IGEgY3Vyc29y").status_code == 400
    assert client.get("/events?cursor=%%%").status_code == 400


def test_cursor_round_trip_keeps_key_and_id():
    assert decode_cursor(encode_cursor("-confidence", 41, "d:1"), "-confidence") == (41, "d:1")


# -- formats -------------------------------------------------------------------------------------

def test_csv_has_the_list_columns_and_one_row_per_event(client):
    response = client.get("/events?type=ASSAULT&format=csv&limit=3&sort=date")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["event_id"] for r in rows] == ["doc-a:0", "doc-b:2", "doc-b:0"]
    assert rows[0]["location_name"] == "Idlib" and rows[0]["target_name"] == ""
    assert response.headers["x-next-cursor"]


def test_geojson_is_a_feature_collection_with_null_geometry_for_unplaced_events(client):
    response = client.get("/events?format=geojson&country=RUS")
    assert response.headers["content-type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["id"] == "doc-a:2" and feature["geometry"] is None
    idlib = client.get("/events?format=geojson&limit=1&sort=date").json()["features"][0]
    assert idlib["geometry"] == {"type": "Point", "coordinates": [36.63, 35.93]}
    assert "lat" not in idlib["properties"] and idlib["properties"]["type"] == "ASSAULT"


# -- evidence, documents, counts -----------------------------------------------------------------

def test_event_detail_carries_the_coded_event_its_sentence_and_document(client):
    detail = client.get("/events/doc-a:1").json()
    assert detail["event"]["type"] == "PROTEST" and detail["event"]["source"]["country"] == "TUR"
    assert detail["sentence"] == "Syrian forces shelled Idlib on March 1."
    assert detail["evidence"] == "rule protest" and detail["document"]["title"] == "Idlib shelling"
    assert client.get("/events/nope").status_code == 404


def test_document_has_every_span_inside_its_text(client):
    document = client.get("/documents/doc-a").json()
    kinds = {span["kind"] for span in document["spans"]}
    assert kinds == {"place", "timex", "actor", "trigger"}
    trigger = next(s for s in document["spans"] if s["kind"] == "trigger" and s["event"] == "doc-a:0")
    assert document["text"][trigger["start"]:trigger["end"]] == "shelled" and trigger["label"] == "ASSAULT"
    assert all(0 <= s["start"] < s["end"] <= len(document["text"]) for s in document["spans"])
    assert client.get("/documents/doc").status_code == 404  # exact ids only: no prefix guessing


def test_stats_count_by_day_type_quad_dyad_and_country(client):
    stats = client.get("/stats").json()
    assert stats["total"] == 7 and stats["dated_by_day"] == 5
    assert [d["date"] for d in stats["by_day"]] == ["2020-03-01", "2020-03-02", "2020-04-01", "2020-04-02",
                                                    "2020-04-05"]
    assert {"type": "ASSAULT", "events": 4} in stats["by_type"]
    assert {"quad": "MATERIAL_CONFLICT", "events": 4} in stats["by_quad"]
    assert stats["by_dyad"][:2] == [{"source": "SYR", "target": "TUR", "events": 2},
                                    {"source": "TUR", "target": "SYR", "events": 2}]
    assert {"country": "SYR", "events": 5} in stats["by_country"]
    assert client.get("/stats?type=AID").json()["by_country"] == [{"country": "FJI", "events": 1}]


def test_actors_and_places_count_the_matching_events(client):
    actors = client.get("/actors").json()
    assert actors[0] == {"name": "Syrian Arab Armed Forces", "country": "SYR", "events": 5, "as_source": 3,
                         "as_target": 2}
    assert [a["name"] for a in client.get("/actors?type=PROTEST").json()] == ["Syrian Arab Armed Forces", "Turkey"]
    assert [a["name"] for a in client.get("/actors?name=russ").json()] == ["Russia"]
    places = client.get("/places?country=TUR").json()
    assert {p["name"] for p in places} == {"Idlib", "Ankara"}
    assert all(p["lat"] is not None for p in client.get("/places").json())


# -- the page and the docs work offline --------------------------------------------------------

def test_page_and_its_assets_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert "http" not in page.text.replace('http-equiv', '')  # nothing from elsewhere
    world = client.get("/static/world.json").json()
    assert len(world["features"]) > 170 and world["source"]["package"] == "world-atlas@2.0.2"
    assert client.get("/static/app.js").status_code == 200


def test_openapi_docs_load_their_scripts_from_this_server(client):
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
    assert "/events" in client.get("/openapi.json").json()["paths"]


# -- hardening -----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "actor=x' OR '1'='1", "type=ASSAULT'; DROP TABLE events; --", "q=%' UNION SELECT * FROM documents --",
    "place=\\'); DELETE FROM events; --", "mode=') OR 1=1 --",
])
def test_sql_injection_attempts_match_nothing_and_change_nothing(client, query):
    assert ids(client.get(f"/events?{query}")) == []
    assert client.get("/health").json()["events"] == 7


def test_injection_in_a_path_is_just_an_unknown_id(client):
    assert client.get("/events/x' OR '1'='1").status_code == 404
    assert client.get("/documents/doc-a' --").status_code == 404


def test_filter_values_are_parameters_never_sql():
    where, params = EventFilter(actor="'; DROP TABLE events; --", bbox=(1, 2, 3, 4), text="x").where()
    assert "DROP" not in where and "'; DROP TABLE events; --" in params[0]


def test_an_empty_store_is_served(tmp_path):
    from dateline.store.duckdb import Store

    Store(tmp_path / "empty.duckdb").close()
    empty = TestClient(create_app(ServeConfig(db=tmp_path / "empty.duckdb")))
    assert empty.get("/events").json() == {"events": [], "next_cursor": None}
    assert empty.get("/stats").json()["total"] == 0
    assert empty.get("/events?format=geojson").json()["features"] == []


def test_the_store_is_read_only_under_the_server(store_path):
    app = create_app(ServeConfig(db=store_path))
    for statement in ("DELETE FROM store.events", "DROP TABLE store.documents", "CREATE TABLE store.x (i INT)"):
        with pytest.raises(duckdb.Error, match="read-only"):
            app.state.reader.con.execute(statement)
    app.state.reader.close()


def test_responses_carry_security_headers(client):
    response = client.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]


def test_no_cors_unless_configured(client, store_path):
    origin = {"Origin": "https://elsewhere.example"}
    assert "access-control-allow-origin" not in client.get("/events", headers=origin).headers
    preflight = client.options("/events", headers={**origin, "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers
    allowed = TestClient(create_app(ServeConfig(db=store_path, cors_origins=("https://elsewhere.example",))))
    assert allowed.get("/events", headers=origin).headers["access-control-allow-origin"] == "https://elsewhere.example"
    assert "access-control-allow-origin" not in allowed.get("/events", headers={"Origin": "https://other.example"}).headers


def test_bodies_over_the_limit_are_refused_before_coding(store_path):
    small = TestClient(create_app(ServeConfig(db=store_path, max_body=200)))
    response = small.post("/code", json={"text": "x" * 500})
    assert response.status_code == 413 and "200 bytes" in response.json()["detail"]

    def chunks():  # no Content-Length: counted while read
        for _ in range(10):
            yield b"x" * 50

    response = small.post("/code", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_code_needs_the_token_when_the_server_has_one(store_path):
    guarded = TestClient(create_app(ServeConfig(db=store_path, token="s3cret")))
    article = {"text": ""}
    assert guarded.post("/code", json=article).status_code == 401
    assert guarded.post("/code", json=article, headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = guarded.post("/code", json=article, headers={"Authorization": "Basic s3cret"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    # reads stay open: the token guards the endpoint that spends CPU
    assert guarded.get("/events").status_code == 200
    closed = TestClient(create_app(ServeConfig(db=store_path, allow_code=False)))
    assert closed.post("/code", json=article).status_code == 403


@pytest.mark.model
def test_code_returns_the_coded_document(store_path, pipeline):
    guarded = TestClient(create_app(ServeConfig(db=store_path, token="s3cret"), pipeline=pipeline))
    response = guarded.post("/code", headers={"Authorization": "Bearer s3cret"}, json={
        "id": "posted", "text": "Police arrested 12 protesters in Minsk on Sunday.", "published": "2020-11-02",
        "desk": "world"})
    coded = response.json()
    assert response.status_code == 200 and coded["id"] == "posted" and coded["desk"] == "world"
    assert [e["type"] for e in coded["events"]] == ["COERCE"] and coded["events"][0]["date"] == "2020-11-01"
    empty = guarded.post("/code", headers={"Authorization": "Bearer s3cret"}, json={"text": " "}).json()
    assert empty["events"] == [] and "empty" in empty["warnings"][0]


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.9.9.9", True), ("::1", True),
                                            ("[::1]", True), ("localhost", True), ("0.0.0.0", False),
                                            ("192.168.1.5", False), ("example.org", False)])
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_serve_refuses_to_listen_beyond_loopback_without_a_token(store_path, monkeypatch):
    from dateline.cli import app

    monkeypatch.delenv("DATELINE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--db", str(store_path), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "without a token" in result.output
    missing = CliRunner().invoke(app, ["serve", "--db", str(store_path.parent / "none.duckdb")])
    assert missing.exit_code == 1 and "no database" in missing.output
