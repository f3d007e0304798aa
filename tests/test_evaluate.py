"""The scorer follows FORMATS.md section 4: alignment, scope, compound actors, places, timexes."""

import pytest

from dateline.evaluate import align_events, haversine_km, score


def doc(events=None, places=None, timexes=None, **extra):
    return {"id": "d", "events": events, "places": places, "timexes": timexes} | extra


def test_type_micro_counts_document_type_pairs():
    gold = [doc([{"type": "ASSAULT"}, {"type": "CONSULT"}])]
    pred = [doc([{"type": "ASSAULT", "confidence": 0.9}, {"type": "PROTEST", "confidence": 0.2}])]
    s = score(gold, pred)
    assert (s.type.tp, s.type.fp, s.type.fn) == (1, 1, 1)


def test_main_event_scope_judges_only_predictions_of_gold_types():
    gold = [doc([{"type": "ASSAULT"}], gold_scope="main_event")]
    pred = [doc([{"type": "ASSAULT", "confidence": 0.4}, {"type": "PROTEST", "confidence": 0.9}])]
    s = score(gold, pred)
    assert s.type.fp == 0 and s.type.tp == 1
    # top-1 takes the most confident prediction, which is wrong here
    assert s.top1.value == 0.0


def test_top1_is_also_reported_per_confidence_band():
    gold = [doc([{"type": t}], gold_scope="main_event", id=f"d{i}") for i, t in enumerate(["ASSAULT", "PROTEST", "AID"])]
    pred = [doc([{"type": t, "confidence": c}], id=f"d{i}")
            for i, (t, c) in enumerate([("ASSAULT", 0.9), ("AID", 0.8), ("AID", 0.2)])]
    bands = score(gold, pred).top1_by_confidence
    assert (bands["0.7-1.0"].hits, bands["0.7-1.0"].total) == (1, 2)
    assert (bands["0.0-0.3"].hits, bands["0.0-0.3"].total) == (1, 1)


def test_compound_gold_actor_matches_any_member():
    gold = [doc([{"type": "AGREE", "source": [{"country": "HUN", "sectors": ["GOV"]},
                                               {"country": "ROU", "sectors": ["GOV"]}]}])]
    pred = [doc([{"type": "AGREE", "source": {"text": "Romanian", "country": "ROU", "sectors": ["GOV"]}}])]
    s = score(gold, pred)
    assert s.source_country.value == 1.0 and s.source_sector.value == 1.0


def test_null_gold_field_is_not_scored():
    gold = [doc([{"type": "AGREE", "target": None, "date": None}])]
    pred = [doc([{"type": "AGREE", "target": {"text": "x", "country": "USA"}, "date": "2020-01-01"}])]
    s = score(gold, pred)
    assert s.target_country.total == 0 and s.event_date.total == 0


def test_quad_only_gold_scores_quad_from_predicted_type():
    gold = [doc([{"quad": "MATERIAL_CONFLICT"}], gold_scope="main_event")]
    pred = [doc([{"type": "ASSAULT", "confidence": 0.8}])]
    s = score(gold, pred)
    assert s.quad.tp == 1 and s.quad_top1.value == 1.0


def test_neutral_quad_is_not_scored():
    s = score([doc([{"quad": "NEUTRAL"}], gold_scope="main_event")], [doc([])])
    assert s.quad.tp + s.quad.fn == 0 and s.quad_top1.total == 0


def test_any_type_aligns_by_trigger_and_scores_location_span():
    gold = [doc([{"type": "ANY", "trigger": {"start": 10, "end": 16},
                  "location": {"text": "Idlib", "start": 30, "end": 35}}], gold_scope="partial")]
    pred = [doc([{"type": "ASSAULT", "trigger": {"start": 10, "end": 16},
                  "location": {"text": "Idlib", "start": 30, "end": 35}}])]
    s = score(gold, pred)
    assert s.location_50km.value == 1.0
    assert s.type.tp + s.type.fn == 0


def test_alignment_prefers_equal_type_then_spans():
    gold = [{"type": "ASSAULT", "trigger": {"start": 0, "end": 5}}, {"type": "CONSULT", "trigger": {"start": 20, "end": 25}}]
    pred = [{"type": "CONSULT", "trigger": {"start": 0, "end": 5}}, {"type": "ASSAULT", "trigger": {"start": 40, "end": 45}}]
    pairs = align_events(gold, pred)
    assert {(g["type"], p["type"]) for g, p in pairs} == {("ASSAULT", "ASSAULT"), ("CONSULT", "CONSULT")}


def test_places_within_161_km_and_unscored_mentions():
    gold = [doc(places=[{"text": "Idlib", "start": 0, "end": 5, "lat": 35.93, "lon": 36.63, "geonameid": 169389},
                        {"text": "Afrin", "start": 10, "end": 15, "lat": 36.51, "lon": 36.87}],
                unscored_places=[{"text": "Main Street", "start": 20, "end": 31}])]
    pred = [doc(places=[{"text": "Idlib", "start": 0, "end": 5, "lat": 35.9, "lon": 36.6, "geonameid": 169389},
                        {"text": "Main Street", "start": 20, "end": 31}, {"text": "Nowhere", "start": 40, "end": 47}])]
    s = score(gold, pred)
    assert (s.places.tp, s.places.fp, s.places.fn) == (1, 1, 1)
    assert s.places_161km.value == 1.0 and s.places_geonameid.value == 1.0
    assert s.places_found_and_161km.value == 0.5


def test_timex_value_accuracy_counts_calendar_values_separately():
    gold = [doc(timexes=[{"text": "Friday", "start": 0, "end": 6, "value": "1998-08-07", "value_is_calendar": True},
                         {"text": "now", "start": 10, "end": 13, "value": "PRESENT_REF", "value_is_calendar": False}])]
    pred = [doc(timexes=[{"text": "Friday", "start": 0, "end": 6, "value": "1998-08-07"},
                         {"text": "now", "start": 10, "end": 13, "value": None}])]
    s = score(gold, pred)
    assert s.timex_value.value == 0.5 and s.timex_value_calendar.value == 1.0


def test_haversine_moscow_to_ankara_is_about_1800_km():
    assert haversine_km(55.75, 37.62, 39.92, 32.85) == pytest.approx(1790, rel=0.02)
