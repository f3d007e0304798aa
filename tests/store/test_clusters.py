"""Event clusters: reports of one happening linked into one record, every mention kept."""

import datetime as dt
import io

import pytest

from dateline.places.gazetteer import distance_km
from dateline.store.clusters import ClusterRules, Mention, cluster, compatible, rebuild
from dateline.store.duckdb import Store
from dateline.store.export import export, gdelt_columns

RULES = ClusterRules()


def mention(event_id, doc="d1", kind="ASSAULT", day="2024-05-01", source=("SYR", "MIL"), target=("TUR", "MIL"),
            place=(35.93, 36.63), country="SYR", admin1=None):
    return Mention(event_id=event_id, document_id=doc, type=kind, quad="MATERIAL_CONFLICT",
                   day=dt.date.fromisoformat(day), source_country=source[0], source_sectors=frozenset(source[1:]),
                   target_country=target[0], target_sectors=frozenset(target[1:]), location_country=country,
                   location_admin1=admin1, lat=place[0] if place else None, lon=place[1] if place else None)


def test_two_reports_of_one_strike_make_one_cluster():
    found = cluster([mention("a:0", "a"), mention("b:3", "b", day="2024-05-02", place=(35.95, 36.60))], RULES)
    assert len(found) == 1 and [m.event_id for m in found[0].mentions] == ["a:0", "b:3"]


@pytest.mark.parametrize("other, why", [
    (dict(kind="PROTEST"), "another type"),
    (dict(day="2024-05-04"), "three days later"),
    (dict(place=(36.20, 37.16)), "Aleppo is 100 km from Idlib"),
    (dict(source=("RUS", "MIL")), "another attacker's country"),
    (dict(target=("TUR", "GOV")), "soldiers are not the government"),
    (dict(country="TUR", place=None), "a place in another country"),
])
def test_reports_that_differ_stay_apart(other, why):
    assert not compatible(mention("a:0", "a"), mention("b:0", "b", **other), RULES), why


@pytest.mark.parametrize("other", [
    dict(source=(None,)), dict(target=(None,)), dict(place=None, country=None), dict(source=("SYR",)),
])
def test_an_unknown_side_or_place_does_not_split_a_cluster(other):
    assert compatible(mention("a:0", "a"), mention("b:0", "b", **other), RULES)


def test_the_rules_are_settings():
    far = mention("b:0", "b", day="2024-05-04", place=(36.20, 37.16))
    assert not compatible(mention("a:0", "a"), far, RULES)
    assert compatible(mention("a:0", "a"), far, ClusterRules(window_days=3, distance_km=150))
    assert compatible(mention("a:0"), mention("b:0", kind="COERCE"), ClusterRules(match="quad"))
    with pytest.raises(ValueError):
        ClusterRules(match="colour")


def test_a_chain_of_neighbours_does_not_drift_into_one_cluster():
    # each report one day after the one before: the fourth is three days from the first
    chain = [mention(f"{d}:0", d, day=f"2024-05-0{i + 1}") for i, d in enumerate("abcd")]
    sizes = [len(c.mentions) for c in cluster(chain, RULES)]
    assert sizes == [2, 2]


def test_cluster_ids_come_from_the_first_report_and_survive_later_ones():
    first = cluster([mention("a:0", "a")], RULES)[0].cluster_id
    later = cluster([mention("b:1", "b", day="2024-05-02"), mention("a:0", "a")], RULES)
    assert [c.cluster_id for c in later] == [first]


def test_distance_is_great_circle():
    assert distance_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(344, abs=2)


def _coded(doc_id, source_name, day):
    return {"id": doc_id, "title": "t", "published": day, "source": source_name, "url": None,
            "events": [{"id": f"{doc_id}:0", "type": "ASSAULT", "cameo": "190", "quad": "MATERIAL_CONFLICT",
                        "modality": "asserted", "source": {"text": "army", "country": "SYR", "sectors": ["MIL"]},
                        "target": {"text": "soldiers", "country": "TUR", "sectors": ["MIL"]}, "date": day,
                        "date_precision": "day",
                        "location": {"text": "Idlib", "name": "Idlib", "country": "SYR", "lat": 35.9, "lon": 36.6},
                        "confidence": 0.8, "evidence": "x"},
                       {"id": f"{doc_id}:1", "type": "AGREE", "modality": "hypothetical", "date": day,
                        "confidence": 0.5, "evidence": "x"}],
            "places": [], "timexes": [], "quotes": [], "warnings": []}


def test_stored_reports_are_clustered_and_exported_with_gdelt_counts(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        store.write_batch([({"id": d, "text": "x"}, _coded(d, s, day), None)
                           for d, s, day in (("a", "TASS", "2020-02-27"), ("b", "AFP", "2020-02-28"),
                                             ("c", "AFP", "2020-02-27"))], "r1")
        counts = rebuild(store, RULES)
        # the hypothetical AGREEs did not happen: only the three ASSAULTs are mentions
        assert counts == {"clusters": 1, "mentions": 3, "merged": 1}
        row = store.con.execute("SELECT mentions, articles, sources, first_event_id FROM event_clusters").fetchone()
        assert row == (3, 3, 2, "a:0")
        assert rebuild(store, RULES) == counts           # rebuilding replaces, never adds
        buffer = io.StringIO()
        export(store, "gdelt", buffer)
        rows = [dict(zip(gdelt_columns(), line.split("\t"))) for line in buffer.getvalue().splitlines()]
        assert {(r["EventCode"], r["NumMentions"], r["NumArticles"], r["NumSources"]) for r in rows} == {
            ("190", "3", "3", "2"), ("", "1", "1", "1")}
