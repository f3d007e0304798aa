"""The country outlines: TopoJSON decoding, rings across the antimeridian, and the shipped file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("build_world", ROOT / "scripts" / "build_world.py")
build_world = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_world)


def test_arcs_are_delta_decoded_and_stitched_in_either_direction():
    topology = {"transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
                "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]]}
    arcs = build_world.decode_arcs(topology)
    assert arcs[0] == [(10, 20), (11, 20), (11, 21)]
    assert build_world.ring([0, 1], arcs) == [[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]]
    assert build_world.ring([~1], arcs)[0] == [10, 20]  # ~1: arc 1 reversed


def test_a_ring_across_the_antimeridian_is_drawn_on_both_edges():
    fiji = [[179.0, -16.0], [-179.5, -16.0], [-179.5, -17.0], [179.0, -17.0], [179.0, -16.0]]
    rings = build_world.unwrap(fiji)
    assert len(rings) == 2
    assert max(lon for lon, _ in rings[0]) == 180.5 and min(lon for lon, _ in rings[1]) == -181.0


def test_a_ring_around_the_pole_is_closed_along_it():
    antarctica = [[-180.0, -80.0], [-90.0, -75.0], [0.0, -70.0], [90.0, -75.0], [180.0, -80.0]]
    ring, = build_world.unwrap(antarctica)
    assert ring[-2:] == [[180.0, -90], [-180.0, -90]]


def test_the_shipped_outlines_name_countries_by_iso3():
    world = json.loads((ROOT / "src" / "dateline" / "api" / "static" / "world.json").read_text("utf-8"))
    ids = {feature["id"] for feature in world["features"]}
    assert {"SYR", "TUR", "RUS", "USA", "FJI", "XKX"} <= ids
    assert all(i is None or (len(i) == 3 and i.isupper()) for i in ids)
    russia = next(f for f in world["features"] if f["id"] == "RUS")
    lons = [lon for polygon in russia["geometry"]["coordinates"] for ring in polygon for lon, _ in ring]
    # Chukotka lies past 180 degrees east: drawn there, and by its copy at the map's western edge
    assert max(lons) > 180 and any(-180 < lon < -169 for lon in lons)
