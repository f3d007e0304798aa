"""The server's column index answers every page as the SQL filter does on the same snapshot, row for row."""

from __future__ import annotations

import random

import pytest

from dateline.errors import DatelineError
from dateline.store.duckdb import Store
from dateline.store.index import EventIndex
from dateline.store.query import SORTS, EventFilter, page_positions, serving_snapshot

#: Words and marks the generated sentences and names are made of: ASCII words that share pieces
#: ("met", "metro", "comment"), words ASCII-only tokens split ("Zürich", "İzmir"), punctuation.
WORDS = ["met", "metro", "comment", "attacked", "Attack", "officials", "said", "aid", "aid_group", "100%",
         "Zürich", "İzmir", "straße", "ΣΟΦΙΑ", "-", "--", ",", "in", "of", "the", "x", "e2e"]
COUNTRIES = ["SYR", "TUR", "RUS", "FJI", "USA", None]
QUERIES = ["met", "MET", "metro", "me", "e", "x", "officials said", "said,", " met ", "in the", "zürich",
           "İzmir", "izmir", "ß", "σοφια", "--", "-", ",", "100%", "aid_group", "_", "%", "zz", "a\x1fb",
           "attacked officials", "of in"]
DATES = ["2020-03-01", "2020-03-02", "2020-03", "2020-04-01", "2020", "2019-12-31", None]
#: A stored NaN is not NULL: DuckDB orders it above every number.
NAN = float("nan")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 9)))


def _documents(rng: random.Random, count: int):
    items = []
    for d in range(count):
        doc_id = f"d{d:03d}"
        events = []
        for n in range(rng.randint(1, 4)):
            source, target = rng.choice(COUNTRIES), rng.choice(COUNTRIES)
            date = rng.choice(DATES)
            lat, lon = rng.choice([(35.9, 36.6), (-18.1, 178.4), (-17.0, -179.5), (0.0, 0.0), (NAN, NAN), (None, None)])
            events.append({
                "id": f"{doc_id}:{n}", "type": rng.choice(["ASSAULT", "PROTEST", "AID", "CONSULT"]), "mode": None,
                "contexts": [], "cameo": None, "quad": None, "intensity": None,
                "modality": rng.choice(["asserted", "reported", "negated"]),
                "source": {"text": _sentence(rng), "name": rng.choice(["Turkey", "Zürich police", None]),
                           "country": source, "sectors": []},
                "target": ({"text": _sentence(rng), "name": None, "country": target, "sectors": []}
                           if rng.random() < 0.7 else None),
                "date": date, "date_precision": None, "date_text": None,
                "location": ({"text": rng.choice(["Idlib", "İzmir", "Suva"]), "name": rng.choice(["Idlib", "İzmir"]),
                              "country": rng.choice(COUNTRIES), "lat": lat, "lon": lon} if lat is not None else None),
                "size": {}, "sentence": None, "trigger": {"text": rng.choice(["met", "attacked", "said"])},
                "confidence": rng.choice([None, 0.2, 0.5, 0.7, 0.9, NAN]), "evidence": "test"})
        text = _sentence(rng)
        for event in events:  # the stored sentence is cut from the document text by the event's offsets
            event["sentence"] = {"start": 0, "end": len(text)}
        coded = {"id": doc_id, "title": None, "published": "2020-03-04", "source": "t", "url": None,
                 "events": events, "places": [], "timexes": [], "quotes": [], "warnings": []}
        items.append(({"id": doc_id, "text": text, "published": "2020-03-04"}, coded, None))
    return items


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    path = tmp_path_factory.mktemp("index") / "events.duckdb"
    with Store(path) as store:
        store.write_batch(_documents(random.Random(1), 250), "test-run")
    con = serving_snapshot(path, threads=1)
    yield con, EventIndex(con)
    con.close()


def _random_filter(rng: random.Random) -> EventFilter:
    choices = {
        "type": lambda: rng.choice(["ASSAULT", "assault", "AID", "NOPE"]),
        "modality": lambda: rng.choice(["asserted", "negated"]),
        "actor": lambda: rng.choice(QUERIES), "place": lambda: rng.choice(QUERIES + ["idlib", "İZMİR"]),
        "text": lambda: rng.choice(QUERIES),
        "country": lambda: rng.choice(["SYR", "tur", "FJI", "XXX"]),
        "dyad": lambda: rng.choice(["SYR-TUR", "tur>syr", "USA-RUS", "AAA-BBB"]),
        "since": lambda: rng.choice(["2020", "2020-03", "2020-03-02", "2019-12-31", "2021"]),
        "until": lambda: rng.choice(["2020", "2020-03", "2020-03-01", "2019", "2020-04-01"]),
        "min_confidence": lambda: rng.choice([0, 0.5, 0.7, 1]),
        "bbox": lambda: rng.choice([(30, 30, 40, 40), (170, -20, -170, 0), (-180, -90, 180, 90), (0, 0, 0, 0)]),
    }
    names = rng.sample(sorted(choices), rng.randint(0, 3))
    return EventFilter(**{name: choices[name]() for name in names})


def test_random_filters_get_the_pages_the_sql_gets(snapshot):
    con, index = snapshot
    rng = random.Random(5)
    nonempty = answered_alone = 0
    for _ in range(400):
        flt, sort, limit = _random_filter(rng), rng.choice(list(SORTS)), rng.choice([1, 3, 50])
        cursor = None
        for _page in range(3):  # and the pages after, through the cursors
            expected = page_positions(con, flt, sort=sort, cursor=cursor, limit=limit)
            # a filter the index answers alone is given no connection: it must not need one
            alone = index.answers_alone(flt)
            assert index.page(None if alone else con, flt, sort=sort, cursor=cursor, limit=limit) == expected, \
                (flt, sort, cursor)
            answered_alone += alone
            nonempty += bool(expected[0])
            cursor = expected[1]
            if cursor is None:
                break
    assert nonempty > 200 and answered_alone > 200  # the filters are not all empty, nor all searches


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("field", ["actor", "place", "text"])
def test_every_search_matches_as_the_sql_contains(snapshot, query, field):
    con, index = snapshot
    flt = EventFilter(**{field: query})
    assert index.page(con, flt, limit=1000) == page_positions(con, flt, limit=1000)


@pytest.mark.parametrize("flt", [EventFilter(dyad="SYR"), EventFilter(since="March"),
                                 EventFilter(bbox=(0, 50, 10, 40))])
def test_filters_the_sql_refuses_are_refused(snapshot, flt):
    con, index = snapshot
    with pytest.raises(DatelineError):
        index.page(con, flt)


@pytest.mark.parametrize("key", [-5, 10**6, 2**63, -2**63])
@pytest.mark.parametrize("flt", [EventFilter(), EventFilter(type="ASSAULT"), EventFilter(text="officials said"),
                                 EventFilter(type="AID", modality="negated", country="FJI")])  # few: ranks sorted
def test_a_cursor_past_the_end_or_before_the_start(snapshot, key, flt):
    from dateline.store.query import encode_cursor

    con, index = snapshot
    cursor = encode_cursor("date", key, "x")  # a client can send any integer, up to 64 bits unsigned
    assert index.page(con, flt, sort="date", cursor=cursor) == page_positions(con, flt, sort="date", cursor=cursor)
