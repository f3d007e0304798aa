"""The embedded gazetteer: build, load, look-ups and candidate ranking."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import time
from pathlib import Path

import pytest

from dateline.places import Gazetteer, Geoparser, distance_km, normalize

ROOT = Path(__file__).resolve().parents[2]


def _build_module():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name, key",
    [("U.S.", "us"), ("US", "us"), ("Québec", "quebec"), ("Jarābulus", "jarabulus"), ("I‘zāz", "izaz"),
     ("Champs-Élysées", "champs elysees"), ("  New   York ", "new york")],
)
def test_normalize_folds_case_accents_and_punctuation(name, key):
    assert normalize(name) == key


def test_distance_km_matches_known_city_pair():
    # Moscow-Ankara great-circle distance is about 1,790 km
    assert 1750 < distance_km(55.75204, 37.61781, 39.91987, 32.85427) < 1830


def test_gazetteer_loads_fast_and_lazily():
    start = time.perf_counter()
    gazetteer = Gazetteer.load()
    assert time.perf_counter() - start < 1.0
    assert gazetteer.candidates("Moscow")[0].geonameid == 524901


def test_load_reports_a_missing_index(tmp_path):
    with pytest.raises(FileNotFoundError, match="build_gazetteer"):
        Gazetteer.load(tmp_path / "missing.sqlite")


def test_shipped_index_records_its_build_stats():
    path = ROOT / "src" / "dateline" / "data" / "places" / "gazetteer.sqlite"
    stats = json.loads(sqlite3.connect(path).execute("SELECT value FROM meta WHERE key = 'stats'").fetchone()[0])
    assert stats["features"]["city"] > 200_000
    assert stats["features"]["country"] > 230
    assert stats["features"]["admin1"] > 1500
    assert stats["aliases_missing"] == []


@pytest.mark.parametrize(
    "name, feature, country, geonameid",
    [
        ("Turkey", "country", "TUR", 298795),
        ("Syria", "country", "SYR", 163843),
        ("Idlib", "admin1", "SYR", None),
        ("Texas", "admin1", "USA", 4736286),
        ("Alberta", "admin1", "CAN", 5883102),
        ("Euphrates", "river", None, None),
        ("Black Sea", "sea", None, 630673),
        ("Gaza Strip", "region", "PSE", None),
        ("Russian", "country", "RUS", 2017370),
        ("Ky.", "admin1", "USA", None),
    ],
)
def test_candidates_include_the_expected_entry(gazetteer, name, feature, country, geonameid):
    found = [c for c in gazetteer.candidates(name) if c.feature == feature and c.country == country]
    assert found, f"no {feature} {country} candidate for {name!r}"
    if geonameid is not None:
        assert found[0].geonameid == geonameid


def test_candidates_filter_by_country(gazetteer):
    assert {c.country for c in gazetteer.candidates("Paris", country="USA")} == {"USA"}


def test_fuzzy_candidates_catch_transliterations(gazetteer):
    best = gazetteer.candidates("Jarabluss")[0]
    assert best.geonameid == 169179 and best.kind == "fuzzy"


def test_exact_only_lookups_skip_near_spellings_without_hiding_them(gazetteer):
    assert gazetteer.candidates("Jarablouss", fuzzy=False) == []
    assert gazetteer.candidates("Jarablouss")[0].kind == "fuzzy"  # the skipped look-up was not remembered
    assert gazetteer.candidates("Jarablouss", fuzzy=False)[0].kind == "fuzzy"  # one made is shared
    assert [c.id for c in gazetteer.candidates("Aleppo", fuzzy=False)] == [c.id for c in gazetteer.candidates("Aleppo")]


def test_fuzzy_look_ups_share_one_scan_per_two_letter_beginning(gazetteer):
    gazetteer._keys_from.cache_clear()
    found = [gazetteer.candidates(name)[0].geonameid for name in ("Jarrabulus", "Jaraboulus", "Jarabuluss")]
    assert found == [169179] * 3
    info = gazetteer._keys_from.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    keys, lengths = gazetteer._keys_from("ja")
    assert list(keys) == sorted(keys) and all(k.startswith("ja") for k in keys)
    assert lengths.tolist() == [len(k) for k in keys]


def test_fuzzy_candidates_do_not_invent_places(gazetteer):
    assert gazetteer.candidates("Qwertyuiop") == []


def test_adjectives_are_known(gazetteer):
    assert gazetteer.is_adjective("Central") and not gazetteer.is_adjective("Aleppo")


@pytest.mark.parametrize(
    "name, focus, country, feature",
    [
        ("Paris", (), "FRA", "city"),
        ("Paris, Texas", (), "USA", "city"),
        ("Turkey", (), "TUR", "country"),
        ("Georgia", (), "GEO", "country"),
        ("Georgia", ("USA",), "USA", "admin1"),
        ("Georgia", ("GEO",), "GEO", "country"),
        ("Washington", (), "USA", "city"),
        ("MOSCOW", (), "RUS", "city"),
        ("Madrid", (), "ESP", "city"),
        ("Quebec", (), "CAN", "admin1"),
        ("Idlib province", (), "SYR", "admin1"),
        ("Idleb province", (), "SYR", "admin1"),
        ("the Euphrates River", (), None, "river"),
        ("London", (), "GBR", "city"),
        ("Edmonton", (), "CAN", "city"),
        ("Edmonton", ("GBR",), "GBR", "city"),
    ],
)
def test_resolve_ranks_candidates_by_kind_size_and_focus(geoparser: Geoparser, name, focus, country, feature):
    place = geoparser.resolve(name, focus=focus)
    assert place is not None
    assert (place.country, place.feature) == (country, feature)


def test_resolve_returns_none_for_unknown_names(geoparser):
    assert geoparser.resolve("Xqzzyplace") is None


def test_resolve_is_well_under_a_millisecond(geoparser):
    names = ["Paris", "Aleppo", "Edmonton", "Georgia", "Idlib", "Kentucky", "Sochi", "London"] * 50
    start = time.perf_counter()
    for name in names:
        geoparser.resolve(name)
    assert (time.perf_counter() - start) / len(names) < 0.001


def test_clean_subdivision_reads_pycountry_spellings():
    module = _build_module()
    assert module.clean_subdivision("Wales [Cymru GB-CYM]") == ["Wales", "Cymru"]
    assert module.clean_subdivision("Komi, Respublika")[:2] == ["Komi, Respublika", "Komi"]
    assert "Sichuan" in module.clean_subdivision("Sichuan Sheng")


def test_admin1_centre_is_the_middle_of_its_towns_not_the_biggest():
    module = _build_module()
    towns = {
        str(i): {"geonameid": i, "countrycode": "XX", "admin1code": "01", "latitude": lat, "longitude": lon,
                 "population": pop}
        for i, (lat, lon, pop) in enumerate([(10.0, 10.0, 5_000_000)] + [(float(k), 20.0, 100) for k in range(11)])
    }
    lat, lon, population, biggest = module.admin1_centres(towns)[("XX", "01")]
    assert 4.0 <= lat <= 6.0 and 15.0 <= lon <= 20.0
    assert population == 5_001_100 and biggest["geonameid"] == 0


@pytest.mark.model
def test_build_writes_a_loadable_index(tmp_path):
    module = _build_module()
    out = tmp_path / "gazetteer.sqlite"
    stats = module.build(out)
    assert stats["features"]["country"] > 230 and stats["aliases_missing"] == []
    assert out.stat().st_size < 60_000_000
    assert Gazetteer.load(out).candidates("Aleppo")[0].geonameid == 170063
