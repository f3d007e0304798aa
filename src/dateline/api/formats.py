"""A page of events as CSV or GeoJSON (the JSON shape is the page itself)."""

from __future__ import annotations

import csv
import io
from typing import Any

from dateline.store.query import Page

#: GeoJSON properties: every listed column but the coordinates, which become the geometry.
COORDINATES = ("lat", "lon")


def page_csv(page: Page) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(page.columns)
    writer.writerows(["" if value is None else value for value in row] for row in page.rows)
    return buffer.getvalue()


def page_geojson(page: Page) -> dict[str, Any]:
    """A FeatureCollection; an event with no coordinates is a Feature with a null geometry (RFC 7946 3.2)."""
    features = []
    for record in page.records():
        lat, lon = record.pop("lat"), record.pop("lon")
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        features.append({"type": "Feature", "id": record["event_id"], "geometry": geometry, "properties": record})
    return {"type": "FeatureCollection", "features": features, "next_cursor": page.next_cursor}
