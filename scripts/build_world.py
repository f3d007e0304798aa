"""Build the web page's country outlines: world-atlas's Natural Earth TopoJSON -> a small GeoJSON file.

Reproducible: `make world` installs world-atlas 2.0.2 with `npm ci` (package.json, package-lock.json)
and runs this script; the same input gives the same file. The output is committed inside the
package, so a `pip install` needs no npm.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "node_modules" / "world-atlas" / "countries-110m.json"
OUT = ROOT / "src" / "dateline" / "api" / "static" / "world.json"
#: Two decimals of a degree (about 1 km) is finer than the 1:110m scale the outlines are drawn at.
DECIMALS = 2
#: Natural Earth units without an ISO 3166-1 numeric code in world-atlas; Kosovo takes the code
#: its actor tables use, the others keep no code (the page shows their name and no counts).
NO_NUMERIC = {"Kosovo": "XKX"}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs (quantized and delta-encoded) as absolute longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """One closed ring stitched from its arcs; ~i (negative) means arc i reversed."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    out: list[list[float]] = []
    for lon, lat in points:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def unwrap(points: list[list[float]]) -> list[list[list[float]]]:
    """A ring that crosses the antimeridian, as rings a flat map can draw.

    world-atlas keeps rings on the sphere (Russia, Fiji and Antarctica cross 180 degrees), which a
    flat projection draws as lines across the whole map. Longitudes are made continuous; a ring then
    reaching past 180 is drawn twice, once shifted by 360 degrees, and a ring around the pole
    (Antarctica) is closed along the pole's edge.
    """
    out = [points[0][:]]
    for lon, lat in points[1:]:
        previous = out[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        out.append([round(lon, DECIMALS), lat])
    if abs(out[-1][0] - out[0][0]) > 180:
        pole = 90 if sum(lat for _, lat in out) > 0 else -90
        out += [[out[-1][0], pole], [out[0][0], pole]]
    lons = [lon for lon, _ in out]
    rings = [out]
    if max(lons) > 180:
        rings.append([[round(lon - 360, DECIMALS), lat] for lon, lat in out])
    if min(lons) < -180:
        rings.append([[round(lon + 360, DECIMALS), lat] for lon, lat in out])
    return rings


def iso3(numeric: str | None, name: str) -> str | None:
    if numeric is not None:
        country = pycountry.countries.get(numeric=str(numeric).zfill(3))
        if country is not None:
            return country.alpha_3
    return NO_NUMERIC.get(name)


def build(source: Path) -> dict:
    raw = source.read_bytes()
    topology = json.loads(raw)
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        coordinates = []
        for polygon in polygons:
            outer, *holes = [unwrap(ring(r, arcs)) for r in polygon]
            # holes (none cross the antimeridian at this scale) stay with the first copy of the outer ring
            coordinates.append([outer[0], *(h[0] for h in holes)])
            coordinates.extend([copy] for copy in outer[1:])
        features.append({"type": "Feature", "id": iso3(geometry.get("id"), name),
                         "properties": {"name": name},
                         "geometry": {"type": "MultiPolygon", "coordinates": coordinates}})
    return {"type": "FeatureCollection", "features": features,
            "source": {"package": "world-atlas@2.0.2", "file": source.name,
                       "sha256": hashlib.sha256(raw).hexdigest(), "data": "Natural Earth 1:110m Cultural "
                       "Vectors, Admin 0 - Countries (public domain)"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="world-atlas countries-110m.json")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not args.source.exists():
        raise SystemExit(f"{args.source} is missing: run `npm ci` first (make world does)")
    collection = build(args.source)
    args.out.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    missing = sorted(f["properties"]["name"] for f in collection["features"] if f["id"] is None)
    print(f"{len(collection['features'])} countries -> {args.out} ({args.out.stat().st_size:,} bytes); "
          f"no ISO code: {', '.join(missing) or 'none'}")


if __name__ == "__main__":
    main()
