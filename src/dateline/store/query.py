"""Event queries: one filter as parameterised SQL (for the CLI and the server), pages, counts, read-only SQL."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import duckdb
import orjson

from dateline.errors import DatelineError
from dateline.store.duckdb import Store

#: Read-only SQL: one statement that reads. The connection is opened read-only as well, so this is
#: a clear message up front, not the only guard.
READ_ONLY_SQL = re.compile(r"^\s*(select|with|describe|show|summarize|pragma\s+table_info|explain)\b", re.I)


#: ISO dates as the store keeps them: a year, a month or a day.
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: Sort orders of event pages: each is a rank column of the serving snapshot, numbered in this
#: order. An unknown date or confidence sorts last either way; the event id breaks ties.
SORTS = {
    "date": "coalesce(date, '~'), event_id",
    "-date": "coalesce(date, '') DESC, event_id DESC",
    "confidence": "coalesce(confidence, 2.0), event_id",
    "-confidence": "coalesce(confidence, -1.0) DESC, event_id DESC",
}
#: Text searches: each looks in one lower-cased column that joins the fields it covers (one
#: substring scan instead of one ILIKE per field: 2-3x faster). The serving snapshot stores them;
#: on the store itself `SEARCHABLE_EVENTS` computes them, so the filter is the same SQL on both.
SEARCH_SEPARATOR = "\x1f"  # the ASCII unit separator: no text holds it, so no match spans two fields
SEARCHES = {
    "search_actor": ("source_name", "source_text", "target_name", "target_text"),
    "search_place": ("location_name", "location_text"),
    "search_text": ("sentence", "trigger", "source_text", "target_text"),
}
SEARCH_COLUMNS = ", ".join(f"lower(concat_ws(chr(31), {', '.join(fields)})) AS {name}"
                           for name, fields in SEARCHES.items())
SEARCHABLE_EVENTS = f"(SELECT *, {SEARCH_COLUMNS} FROM events)"
#: Where a serving snapshot's unqualified names are looked up: its events first, then the store.
SNAPSHOT_PATH = "memory.main,store.main"
#: Event columns with few distinct values, held as ENUMs in the snapshot: a filter on them compares
#: small integers, not strings (a country filter on 100k events: 8 ms -> 1.5 ms).
ENUM_COLUMNS = {"type": "event_type", "mode": "event_mode", "modality": "event_modality", "quad": "event_quad",
                "date_precision": "event_precision", "source_country": "country", "target_country": "country",
                "location_country": "country"}
#: Columns of an event in a list (API pages, the web page's list and map).
LIST_COLUMNS = (
    "event_id", "document_id", "date", "date_precision", "type", "mode", "cameo", "quad", "modality",
    "confidence", "source_text", "source_name", "source_country", "target_text", "target_name", "target_country",
    "location_name", "location_country", "lat", "lon", "trigger", "sentence")
#: Columns of `dateline query`'s table.
CLI_COLUMNS = ("event_id", "date", "type", "mode", "modality", "source_name", "source_country", "target_name",
               "target_country", "location_name", "location_country", "confidence", "trigger", "document_id")


@dataclass
class EventFilter:
    """What an analyst narrows events by; one WHERE clause for the CLI, the API and the page."""

    type: str | None = None
    mode: str | None = None
    modality: str | None = None
    actor: str | None = None           # substring of actor name or mention text, either role
    country: str | None = None         # ISO3 of either party or of the location
    dyad: str | None = None            # "TUR-SYR": source country - target country
    since: str | None = None           # event date >= (ISO)
    until: str | None = None           # event date <= (ISO)
    place: str | None = None           # substring of the location name or mention
    min_confidence: float | None = None
    bbox: tuple[float, float, float, float] | None = None   # west, south, east, north (degrees)
    text: str | None = None            # substring of the event's sentence, trigger or actor mentions
    limit: int = 100

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause (or "") and its parameters: values are always parameters, never SQL."""
        clauses, params = [], []
        if self.type:
            clauses.append("e.type = ?")
            params.append(self.type.upper())
        if self.mode:
            clauses.append("e.mode = ?")
            params.append(self.mode.lower())
        if self.modality:
            clauses.append("e.modality = ?")
            params.append(self.modality.lower())
        if self.actor:
            _contains(clauses, params, "e.search_actor", self.actor)
        if self.country:
            clauses.append("(e.source_country = ? OR e.target_country = ? OR e.location_country = ?)")
            params.extend([self.country.upper()] * 3)
        if self.dyad:
            parts = self.dyad.upper().replace(">", "-").split("-")
            if len(parts) != 2 or not all(parts):
                raise DatelineError(f"dyad wants SOURCE-TARGET, e.g. TUR-SYR, not {self.dyad!r}")
            clauses.append("e.source_country = ? AND e.target_country = ?")
            params.extend(parts)
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and not ISO_DATE.match(value):
                raise DatelineError(f"{name} wants an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), not {value!r}")
        if self.since:
            clauses.append("e.date >= ?")
            params.append(self.since)
        if self.until:
            # a month or year value sorts before its days; compare on the prefix the bound gives
            clauses.append("substr(e.date, 1, ?) <= ?")
            params.extend([len(self.until), self.until])
        if self.place:
            _contains(clauses, params, "e.search_place", self.place)
        if self.min_confidence is not None:
            clauses.append("e.confidence >= ?")
            params.append(self.min_confidence)
        if self.bbox is not None:
            west, south, east, north = self.bbox
            if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
                raise DatelineError(f"bbox wants west,south,east,north in degrees, not {self.bbox!r}")
            clauses.append("e.lat BETWEEN ? AND ?")
            params.extend([south, north])
            if west <= east:
                clauses.append("e.lon BETWEEN ? AND ?")
                params.extend([west, east])
            else:  # the box crosses the antimeridian
                clauses.append("(e.lon >= ? OR e.lon <= ?)")
                params.extend([west, east])
        if self.text:
            _contains(clauses, params, "e.search_text", self.text)
        return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params

    def sql(self) -> tuple[str, list[Any]]:
        """`dateline query`'s statement: the filter's events by date, at most `limit` of them."""
        where, params = self.where()
        sql = (f"SELECT {', '.join('e.' + c for c in CLI_COLUMNS)} FROM {SEARCHABLE_EVENTS} e {where} "
               "ORDER BY e.date NULLS LAST, e.event_id LIMIT ?")
        return sql, [*params, int(self.limit)]


def _contains(clauses: list[str], params: list[Any], haystack: str, value: str) -> None:
    """Case-insensitive substring of a search column (no wildcards: % and _ are plain characters)."""
    clauses.append(f"contains({haystack}, lower(?))")
    params.append(value.replace(SEARCH_SEPARATOR, " "))


@dataclass
class Page:
    """One page of events and the cursor of the next (None on the last page)."""

    columns: list[str]
    rows: list[tuple]
    next_cursor: str | None

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def encode_cursor(sort: str, key: int, event_id: str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([sort, key, event_id])).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """The (rank, event id) a page ends at; a cursor from another sort order or a mangled one is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        given_sort, key, event_id = orjson.loads(raw)
    except (ValueError, TypeError, orjson.JSONDecodeError) as error:
        raise DatelineError("cursor is not one this server gave out") from error
    if given_sort != sort or not isinstance(event_id, str) or not isinstance(key, int) or isinstance(key, bool):
        raise DatelineError(f"cursor belongs to another sort order than {sort!r}")
    return key, event_id


def rank_column(sort: str) -> str:
    if sort not in SORTS:
        raise DatelineError(f"sort is one of {', '.join(SORTS)}, not {sort!r}")
    return "rank_" + sort.replace("-", "desc_")


def serving_snapshot(path: Path | str, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection for serving: the store attached READ_ONLY, and its events copied into memory with
    an integer rank per sort order and ENUM types for short codes.

    Unqualified `events` is the snapshot; every other table is read from the store. The store cannot
    change under a server (DuckDB lets no other process write while it is attached), so the
    snapshot stays true for the server's life. A page is then an integer top-N, not a sort of strings.
    """
    path = Path(path)
    if not path.exists():
        raise DatelineError(f"no database at {path}: run `dateline run CORPUS --db {path}` first")
    con = duckdb.connect(":memory:", config={"threads": threads} if threads else {})
    try:
        con.execute("ATTACH ? AS store (READ_ONLY)", [str(path)])
    except duckdb.Error as error:
        con.close()
        raise DatelineError(f"cannot open database {path}: {error}") from error
    for kind, columns in _enum_types().items():
        values = " UNION ".join(f"SELECT {c} AS v FROM store.events" for c in columns)
        con.execute(f"CREATE TYPE {kind} AS ENUM (SELECT DISTINCT v FROM ({values}) WHERE v IS NOT NULL ORDER BY v)")
    described = con.execute("SELECT column_name FROM information_schema.columns WHERE table_catalog = 'store' "
                            "AND table_name = 'events' ORDER BY ordinal_position").fetchall()
    columns = [f"e.{name}::{ENUM_COLUMNS[name]} AS {name}" if name in ENUM_COLUMNS else f"e.{name}"
               for (name,) in described]
    # ranks first, on the two columns they need: a window over the whole rows would buffer every
    # column four times (a 100k-event snapshot then peaked at 550 MB instead of 290 MB)
    ranks = [f"row_number() OVER (ORDER BY {order})::BIGINT AS {rank_column(sort)}" for sort, order in SORTS.items()]
    con.execute(f"CREATE TEMP TABLE ranks AS SELECT event_id AS ranked_id, {', '.join(ranks)} FROM store.events")
    con.execute(f"CREATE TABLE events AS SELECT {', '.join(columns)}, r.* EXCLUDE (ranked_id), {SEARCH_COLUMNS} "
                f"FROM store.events e JOIN temp.ranks r ON r.ranked_id = e.event_id ORDER BY r.{rank_column('-date')}")
    con.execute("DROP TABLE temp.ranks")
    return serving_cursor(con)


def serving_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Another connection to a serving snapshot (one per thread), resolving names as the snapshot does."""
    cursor = con.cursor()
    cursor.execute(f"SET search_path = '{SNAPSHOT_PATH}'")
    return cursor


def _enum_types() -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for column, kind in ENUM_COLUMNS.items():
        kinds.setdefault(kind, []).append(column)
    return kinds


#: The rank that numbers a snapshot's events from 1, in which `list_records` and page positions count.
POSITION = "rank_date"


def page_positions(con: duckdb.DuckDBPyConnection, flt: EventFilter, sort: str = "date", cursor: str | None = None,
                   limit: int = 100) -> tuple[list[int], str | None]:
    """The positions of a page of the filter's events in `sort` order after `cursor`, and the cursor
    of the next page (None on the last), from a serving snapshot.

    Keyset pagination on the sort's rank: a page costs the same however deep it is. Only ranks go
    through the top-N; `read_rows` or `list_records` give the page's contents.
    """
    rank = rank_column(sort)
    where, params = flt.where()
    if cursor:
        after, _ = decode_cursor(cursor, sort)
        where = (where + " AND " if where else "WHERE ") + f"e.{rank} > ?"
        params = [*params, after]
    rows = con.execute(f"SELECT e.{POSITION}, e.{rank}, e.event_id FROM events e {where} ORDER BY e.{rank} LIMIT ?",
                       [*params, limit + 1]).fetchall()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(sort, rows[-1][1], rows[-1][2])
    return [row[0] for row in rows], next_cursor


def read_rows(con: duckdb.DuckDBPyConnection, positions: list[int],
              columns: Sequence[str] = LIST_COLUMNS) -> list[tuple]:
    """The snapshot's events at `positions`, in that order."""
    if not positions:
        return []
    found = {row[0]: row[1:] for row in con.execute(
        f"SELECT e.{POSITION}, {', '.join('e.' + c for c in columns)} FROM events e "
        f"WHERE e.{POSITION} IN (SELECT unnest(?))", [positions]).fetchall()}
    return [found[position] for position in positions]


def list_records(con: duckdb.DuckDBPyConnection) -> list[bytes]:
    """Every snapshot event's list record as JSON, the event at position p at index p - 1.

    A page of JSON is then these joined: about 0.7 kB of memory an event buys a page that costs one
    top-N of integers instead of a second scan that reads every column.
    """
    records: list[bytes] = [b""] * con.execute("SELECT count(*) FROM events").fetchone()[0]
    cursor = con.execute(f"SELECT e.{POSITION}, {', '.join('e.' + c for c in LIST_COLUMNS)} FROM events e")
    while batch := cursor.fetchmany(10_000):
        for position, *row in batch:
            # orjson's bytes keep the 4 kB buffer they were written in: copy to the exact size
            records[position - 1] = bytes(memoryview(orjson.dumps(dict(zip(LIST_COLUMNS, row)))))
    return records


def query_events(store: Store, flt: EventFilter) -> tuple[list[str], list[tuple]]:
    sql, params = flt.sql()
    cursor = store.con.execute(sql, params)
    return [c[0] for c in cursor.description], cursor.fetchall()


def event_stats(con: duckdb.DuckDBPyConnection, flt: EventFilter, top: int = 50) -> dict[str, Any]:
    """Counts of the filter's events: in all, by day, type, quad class, dyad and country involved."""
    where, params = flt.where()

    def grouped(names: tuple[str, ...], expr: str, extra: str = "", limit: str = "") -> list[dict[str, Any]]:
        glue = (" AND " if where else "WHERE ") + extra if extra else ""
        rows = con.execute(f"SELECT {expr}, count(*) AS n FROM events e {where}{glue} GROUP BY ALL "
                           f"ORDER BY {'n DESC, ' if limit else ''}1 {limit}", params).fetchall()
        return [dict(zip((*names, "events"), row)) for row in rows]

    total = con.execute(f"SELECT count(*) FROM events e {where}", params).fetchone()[0]
    by_day = grouped(("date",), "e.date", "length(e.date) = 10")
    countries = con.execute(
        f"SELECT c, count(*) AS n FROM (SELECT DISTINCT e.event_id, unnest([e.source_country, e.target_country, "
        f"e.location_country]) AS c FROM events e {where}) WHERE c IS NOT NULL GROUP BY c ORDER BY n DESC, c",
        params).fetchall()
    return {
        "total": total,
        "dated_by_day": sum(row["events"] for row in by_day),
        "by_day": by_day,
        "by_type": grouped(("type",), "e.type"),
        "by_quad": grouped(("quad",), "e.quad"),
        "by_dyad": grouped(("source", "target"), "e.source_country, e.target_country",
                           "e.source_country IS NOT NULL AND e.target_country IS NOT NULL", f"LIMIT {int(top)}"),
        "by_country": [{"country": country, "events": n} for country, n in countries],
    }


def actor_counts(con: duckdb.DuckDBPyConnection, flt: EventFilter, name: str | None = None,
                 limit: int = 100) -> list[dict[str, Any]]:
    """Actors of the filter's events, with how many events each is the source or target of."""
    where, params = flt.where()
    clauses, extra = ["a.role IN ('source', 'target')"], []
    if name:
        _contains(clauses, extra, "lower(concat_ws(chr(31), a.name, a.text))", name)
    cursor = con.execute(
        "SELECT coalesce(a.name, a.text) AS name, a.country, count(DISTINCT a.event_id) AS events, "
        "count(*) FILTER (WHERE a.role = 'source') AS as_source, "
        "count(*) FILTER (WHERE a.role = 'target') AS as_target "
        f"FROM event_actors a WHERE {' AND '.join(clauses)} "
        f"AND a.event_id IN (SELECT e.event_id FROM events e {where}) "
        "GROUP BY ALL ORDER BY events DESC, name LIMIT ?", [*extra, *params, limit])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def place_counts(con: duckdb.DuckDBPyConnection, flt: EventFilter, limit: int = 1000) -> list[dict[str, Any]]:
    """Where the filter's events happened: one row per resolved place, with its event count."""
    where, params = flt.where()
    glue = " AND " if where else "WHERE "
    cursor = con.execute(
        "SELECT e.location_name AS name, e.location_country AS country, e.location_admin1 AS admin1, "
        "e.geonameid, round(avg(e.lat), 4) AS lat, round(avg(e.lon), 4) AS lon, count(*) AS events "
        f"FROM events e {where}{glue}e.lat IS NOT NULL AND e.lon IS NOT NULL "
        "GROUP BY ALL ORDER BY events DESC, name LIMIT ?", [*params, limit])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def event_detail(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """One event with its evidence: the stored row, the coded event (FORMATS.md), its document."""
    cursor = con.execute("SELECT * FROM events WHERE event_id = ?", [event_id])
    row = cursor.fetchone()
    if row is None:
        return None
    flat = {name: value for (name, *_), value in zip(cursor.description, row)
            if not name.startswith(("rank_", "search_"))}
    document = con.execute("SELECT id, title, published, source, url, coded FROM documents WHERE id = ?",
                           [flat["document_id"]]).fetchone()
    coded_event = None
    meta = None
    if document is not None:
        meta = dict(zip(("id", "title", "published", "source", "url"), document[:5]))
        coded = orjson.loads(document[5]) if document[5] else {}
        coded_event = next((e for e in coded.get("events") or [] if e.get("id") == event_id), None)
    return {"event": coded_event, "row": flat, "document": meta, "sentence": flat.get("sentence"),
            "evidence": flat.get("evidence")}


def document_record(con: duckdb.DuckDBPyConnection, doc_id: str) -> tuple[dict[str, Any], str, str] | None:
    """A stored document by exact id: its coded record, its text and its status."""
    row = con.execute("SELECT coded, text, status FROM documents WHERE id = ?", [doc_id]).fetchone()
    if row is None:
        return None
    return (orjson.loads(row[0]) if row[0] else {"id": doc_id}), row[1] or "", row[2]


def read_only_sql(store: Store, sql: str) -> tuple[list[str], list[tuple]]:
    if not READ_ONLY_SQL.match(sql) or ";" in sql.strip().rstrip(";"):
        raise DatelineError("only one read-only statement (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE) is allowed")
    try:
        cursor = store.con.execute(sql)
    except duckdb.Error as error:
        raise DatelineError(f"SQL error: {error}") from error
    return [c[0] for c in cursor.description], cursor.fetchall()
