"""The FastAPI app: events, documents, actors, places and stats read from a DuckDB store, the page, and POST /code.

The store is attached read-only: no endpoint writes to it. Queries go through `dateline.store.query`,
the same filter the CLI uses, on a serving snapshot of the events; each request borrows a cursor.
"""

from __future__ import annotations

import json
import queue
import threading
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Literal, Optional

import anyio
import duckdb
import orjson
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field

from dateline.api.formats import page_csv, page_geojson
from dateline.api.guard import Guard, bearer_checker
from dateline.config import Settings
from dateline.errors import DatelineError
from dateline.records import MODALITIES, Document
from dateline.show import span_records
from dateline.store.query import (
    ISO_DATE, LIST_COLUMNS, SORTS, EventFilter, Page, actor_counts, document_record, event_detail, event_stats,
    list_records, page_positions, place_counts, read_rows, serving_cursor, serving_snapshot)

STATIC = resources.files("dateline.api") / "static"
#: Default request body limit: a long news article is under 100 kB of JSON; 1 MB leaves room.
MAX_BODY = 1_000_000
#: Four numbers, west,south,east,north; their ranges are checked by the filter (400 when out of range).
BBOX = r"^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){3}$"
#: Largest page of events: 1,000 rows of the list columns are about 500 kB of JSON.
MAX_PAGE = 1000


@dataclass(frozen=True)
class ServeConfig:
    """How `dateline serve` runs; every field has a command-line flag."""

    db: Path
    token: str | None = None                       # required for POST /code when set
    cors_origins: tuple[str, ...] = ()             # no CORS headers at all unless given
    max_body: int = MAX_BODY
    allow_code: bool = True                        # False: POST /code answers 403
    settings: Settings = field(default_factory=Settings)
    threads: int = 4                               # requests answered at once (threads, one cursor each)


class Reader:
    """The serving snapshot of the store (read-only), lending one cursor per request; DuckDB runs
    cursors in parallel, each query on one thread so concurrent requests do not fight over cores."""

    def __init__(self, path: Path, cursors: int):
        self.con = serving_snapshot(path, threads=1)
        self.records = list_records(self.con)
        self._free: queue.LifoQueue = queue.LifoQueue()
        for _ in range(cursors):
            self._free.put(serving_cursor(self.con))

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._free.get()
        try:
            yield con
        finally:
            self._free.put(con)

    def close(self) -> None:
        self.con.close()


class Coder:
    """The pipeline for POST /code, loaded on the first request (2-3 s) and used by one request at a time."""

    def __init__(self, settings: Settings, pipeline=None):
        self.settings = settings
        self._pipeline = pipeline
        self._lock = threading.Lock()

    def code(self, document: Document) -> dict[str, Any]:
        from dateline.pipeline import Pipeline

        with self._lock:
            if self._pipeline is None:
                self._pipeline = Pipeline.load(self.settings)
            result = self._pipeline.code_one(document)
        return result.coded.to_dict()


# -- OpenAPI shapes ------------------------------------------------------------------------------

class EventRow(BaseModel):
    event_id: str
    document_id: str
    date: Optional[str] = Field(None, description="ISO date: day, month or year as `date_precision` says")
    date_precision: Optional[str] = None
    type: str
    mode: Optional[str] = None
    cameo: Optional[str] = None
    quad: Optional[str] = None
    modality: Optional[str] = None
    confidence: Optional[float] = None
    source_text: Optional[str] = Field(None, description="the source as the article names it")
    source_name: Optional[str] = None
    source_country: Optional[str] = None
    target_text: Optional[str] = None
    target_name: Optional[str] = None
    target_country: Optional[str] = None
    location_name: Optional[str] = None
    location_country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    trigger: Optional[str] = None
    sentence: Optional[str] = Field(None, description="the sentence the event was read from")


class EventPage(BaseModel):
    events: list[EventRow]
    next_cursor: Optional[str] = Field(None, description="pass as `cursor` for the next page; null on the last")


class EventDetail(BaseModel):
    event: Optional[dict[str, Any]] = Field(None, description="the coded event (FORMATS.md section 2)")
    row: dict[str, Any] = Field(description="the stored flat row")
    document: Optional[dict[str, Any]] = None
    sentence: Optional[str] = None
    evidence: Optional[str] = None


class SpanOut(BaseModel):
    start: int
    end: int
    kind: Literal["quote", "place", "timex", "actor", "trigger"]
    label: str
    event: Optional[str] = None


class DocumentOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    status: Optional[str] = None
    text: str
    spans: list[SpanOut]
    events: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    timexes: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    warnings: list[str] = []


class ActorCount(BaseModel):
    name: Optional[str]
    country: Optional[str]
    events: int
    as_source: int
    as_target: int


class PlaceCount(BaseModel):
    name: Optional[str]
    country: Optional[str]
    admin1: Optional[str]
    geonameid: Optional[int]
    lat: float
    lon: float
    events: int


class DayCount(BaseModel):
    date: str
    events: int


class TypeCount(BaseModel):
    type: Optional[str]
    events: int


class QuadCount(BaseModel):
    quad: Optional[str]
    events: int


class DyadCount(BaseModel):
    source: str
    target: str
    events: int


class CountryCount(BaseModel):
    country: str
    events: int


class Stats(BaseModel):
    total: int
    dated_by_day: int = Field(description="events whose date is known to the day (the by_day counts)")
    by_day: list[DayCount]
    by_type: list[TypeCount]
    by_quad: list[QuadCount]
    by_dyad: list[DyadCount] = Field(description="the 50 busiest source-target country pairs")
    by_country: list[CountryCount] = Field(description="events each country takes part in or hosts")


class Article(BaseModel):
    """A document to code (FORMATS.md section 1); other fields are carried through."""

    model_config = ConfigDict(extra="allow")
    text: str = Field(description="the article body")
    id: Optional[str] = None
    title: Optional[str] = None
    published: Optional[str] = Field(None, description="publication date (YYYY-MM-DD), the anchor for relative dates")
    source: Optional[str] = None
    url: Optional[str] = None


ERRORS = {400: {"description": "a filter, cursor or value the server cannot use"},
          422: {"description": "a parameter of the wrong type or out of range"}}


def _json(data: Any, status: int = 200, media_type: str = "application/json") -> Response:
    try:
        body = orjson.dumps(data)
    except TypeError:
        # orjson refuses integers past 64 bits and lone surrogates, which a posted article's carried
        # fields may hold; the standard library writes both (as digits, as \u escapes)
        body = json.dumps(data, default=str).encode()
    return Response(body, status_code=status, media_type=media_type)


# -- the app -------------------------------------------------------------------------------------

def create_app(config: ServeConfig, pipeline=None) -> FastAPI:
    """The app over `config.db`; `pipeline` (optional) is used by POST /code instead of loading one."""
    from dateline.events.ontology import get_ontology

    reader = Reader(config.db, config.threads)
    coder = Coder(config.settings, pipeline)
    types = ", ".join(get_ontology().types)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Starlette runs sync endpoints on anyio's thread pool (40 threads by default); queries hold the
        # GIL part of the time, and on 2 cores more threads than cursors only wait or thrash
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.threads
        yield

    app = FastAPIOffline(
        lifespan=lifespan, title="dateline", version=_version(),
        description="Political event data coded by dateline: events with their evidence, the articles they "
                    "come from with every span, actors, places and counts, and coding of posted articles. "
                    "The store is read-only through this API.")
    app.state.reader = reader
    app.state.config = config
    app.add_middleware(Guard, max_body=config.max_body)
    if config.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])

    @app.exception_handler(DatelineError)
    async def bad_request(_request: Request, error: DatelineError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)

    def event_filter(
        type: Optional[str] = Query(None, max_length=40, description=f"PLOVER event type: {types}"),
        mode: Optional[str] = Query(None, max_length=40, description="PLOVER mode, e.g. aerial"),
        modality: Optional[Literal[MODALITIES]] = Query(None),  # type: ignore[valid-type]
        actor: Optional[str] = Query(None, max_length=200, description="text in the source or target, as named or resolved"),
        country: Optional[str] = Query(None, pattern=r"^[A-Za-z]{3}$",
                                       description="ISO3 of either party or of the location"),
        dyad: Optional[str] = Query(None, pattern=r"^[A-Za-z]{3}-[A-Za-z]{3}$",
                                    description="SOURCE-TARGET countries, e.g. TUR-SYR"),
        since: Optional[str] = Query(None, pattern=ISO_DATE.pattern,
                                     description="events on or after this date (YYYY[-MM[-DD]])"),
        until: Optional[str] = Query(None, pattern=ISO_DATE.pattern,
                                     description="events on or before this date (YYYY[-MM[-DD]])"),
        place: Optional[str] = Query(None, max_length=200, description="text in the event location's name"),
        min_confidence: Optional[float] = Query(None, ge=0, le=1),
        bbox: Optional[str] = Query(None, pattern=BBOX, description="west,south,east,north in degrees (WGS84); "
                                                                    "west > east crosses the antimeridian"),
        q: Optional[str] = Query(None, max_length=200, description="text in the sentence, trigger or actor mentions"),
    ) -> EventFilter:
        return EventFilter(type=type, mode=mode, modality=modality, actor=actor, country=country, dyad=dyad,
                           since=since, until=until, place=place, min_confidence=min_confidence,
                           bbox=_bbox(bbox) if bbox else None, text=q)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"), media_type="text/html")

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/health", summary="Liveness and the size of the store")
    def health() -> Response:
        with reader.cursor() as con:
            events, documents = con.execute(
                "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM documents)").fetchone()
        return _json({"status": "ok", "events": events, "documents": documents})

    @app.get("/events", summary="Events matching the filters, one page at a time",
             response_model=EventPage, responses={
                 **ERRORS, 200: {"content": {"text/csv": {}, "application/geo+json": {}},
                                 "description": "JSON page (default), CSV rows or a GeoJSON FeatureCollection; "
                                                "the next page's cursor is also in the X-Next-Cursor header"}})
    def events(
        flt: EventFilter = Depends(event_filter),
        sort: Literal[tuple(SORTS)] = Query("-date", description="date or confidence; a leading - sorts "  # type: ignore[valid-type]
                                                                "descending (newest first by default); unknown "
                                                                "values last"),
        limit: int = Query(100, ge=1, le=MAX_PAGE),
        cursor: Optional[str] = Query(None, max_length=2000, description="next_cursor of the previous page"),
        format: Literal["json", "csv", "geojson"] = Query("json"),
    ) -> Response:
        with reader.cursor() as con:
            positions, next_cursor = page_positions(con, flt, sort=sort, cursor=cursor, limit=limit)
            rows = read_rows(con, positions) if format != "json" else None
        headers = {"X-Next-Cursor": next_cursor} if next_cursor else {}
        if format == "csv":
            return Response(page_csv(Page(list(LIST_COLUMNS), rows, next_cursor)),
                            media_type="text/csv; charset=utf-8", headers=headers)
        if format == "geojson":
            return Response(orjson.dumps(page_geojson(Page(list(LIST_COLUMNS), rows, next_cursor))),
                            media_type="application/geo+json", headers=headers)
        # the page's records were made into JSON once, when the snapshot was taken
        body = b'{"events":[' + b",".join(reader.records[p - 1] for p in positions) + b'],"next_cursor":' + \
            orjson.dumps(next_cursor) + b"}"
        return Response(body, media_type="application/json", headers=headers)

    @app.get("/events/{event_id}", summary="One event with its evidence and its document",
             response_model=EventDetail, responses={404: {"description": "no such event"}})
    def event(event_id: str) -> Response:
        with reader.cursor() as con:
            found = event_detail(con, event_id)
        if found is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return _json(found)

    @app.get("/documents/{doc_id}", summary="A stored article, its coded record, and every span for highlighting",
             response_model=DocumentOut, responses={404: {"description": "no such document"}})
    def document(doc_id: str) -> Response:
        with reader.cursor() as con:
            found = document_record(con, doc_id)
        if found is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        coded, text, status = found
        spans = [span for span in span_records(coded) if 0 <= span["start"] < span["end"] <= len(text)]
        for key in ("events", "places", "timexes", "quotes", "warnings"):
            coded.setdefault(key, [])
        return _json({**coded, "status": status, "text": text, "spans": spans})

    @app.get("/actors", summary="Actors of the matching events, by how many events they take part in",
             response_model=list[ActorCount], responses=ERRORS)
    def actors(flt: EventFilter = Depends(event_filter),
               name: Optional[str] = Query(None, max_length=200, description="text in the actor's name or mention"),
               limit: int = Query(100, ge=1, le=MAX_PAGE)) -> Response:
        with reader.cursor() as con:
            return _json(actor_counts(con, flt, name=name, limit=limit))

    @app.get("/places", summary="Where the matching events happened, one row per resolved place",
             response_model=list[PlaceCount], responses=ERRORS)
    def places(flt: EventFilter = Depends(event_filter), limit: int = Query(1000, ge=1, le=10_000)) -> Response:
        with reader.cursor() as con:
            return _json(place_counts(con, flt, limit=limit))

    @app.get("/stats", summary="Counts of the matching events by day, type, quad class, dyad and country",
             response_model=Stats, responses=ERRORS)
    def stats(flt: EventFilter = Depends(event_filter)) -> Response:
        with reader.cursor() as con:
            return _json(event_stats(con, flt))

    require_token = bearer_checker(config.token)

    @app.post("/code", summary="Code a posted article and return its coded document (FORMATS.md section 2)",
              responses={401: {"description": "the server has a token and the request did not carry it"},
                         403: {"description": "coding is switched off on this server"},
                         413: {"description": "the body is over the server's --max-body"}},
              dependencies=[Depends(require_token)])
    def code(article: Article) -> Response:
        if not config.allow_code:
            raise HTTPException(403, "coding is switched off on this server (--no-code)")
        data = article.model_dump(exclude_none=True)
        document = Document.from_mapping(data, origin="POST /code")
        return _json(coder.code(document))

    return app


def _bbox(value: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise DatelineError(f"bbox wants four numbers west,south,east,north, not {value!r}") from None
    return west, south, east, north


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dateline")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"
