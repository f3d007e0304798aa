"""GET /events answered beneath the framework when FastAPI would take the query just as it is.

A page from the column index costs about 0.2 ms; FastAPI's routing and parameter solving cost about
as much again. `FastPages` answers a JSON page itself when every parameter is one the route declares,
given once, and valid by a reading of the route's own rules that is stricter or equal (ASCII digits,
no stray whitespace), and the index needs no database for it. Anything else goes on to the route:
errors, CSV and GeoJSON, searches DuckDB must check, values it is not sure of. The answer is the
same Response the route makes (tests/api/test_fast.py compares bytes and headers on random queries).
"""

from __future__ import annotations

import re
from typing import Awaitable, Callable
from urllib.parse import parse_qsl

from fastapi import Response

from dateline.errors import DatelineError
from dateline.records import MODALITIES
from dateline.store.query import SORTS

#: Largest page of events: 1,000 rows of the list columns are about 500 kB of JSON.
MAX_PAGE = 1000
#: Longest values the route takes (its Query(max_length=...)); the route is declared with these.
NAME_LENGTH = 40        # type, mode
TEXT_LENGTH = 200       # actor, place, q
CURSOR_LENGTH = 2000
#: Values taken as they are, up to a length.
LENGTHS = {"type": NAME_LENGTH, "mode": NAME_LENGTH, "actor": TEXT_LENGTH, "place": TEXT_LENGTH,
           "q": TEXT_LENGTH, "cursor": CURSOR_LENGTH}
#: The route's patterns read in ASCII only (its \d and \s also take other scripts' digits and spaces).
NUMBER = r"-?[0-9]+(\.[0-9]+)?"
DATE = re.compile("[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
PATTERNS = {
    "country": re.compile("[A-Za-z]{3}"),
    "dyad": re.compile("[A-Za-z]{3}-[A-Za-z]{3}"),
    "since": DATE,
    "until": DATE,
    "bbox": re.compile(f" *{NUMBER} *(, *{NUMBER} *){{3}}"),
    "min_confidence": re.compile(r"[01](\.[0-9]{1,16})?"),
    "limit": re.compile("[1-9][0-9]{0,3}"),
}
CHOICES = {"modality": set(MODALITIES), "sort": set(SORTS), "format": {"json"}}

Answer = Callable[[dict[str, str]], Awaitable["Response | None"]]


def plain_query(query_string: bytes) -> dict[str, str] | None:
    """The query's parameters when each is known, given once and plainly valid; else None."""
    # as Starlette reads a query string (QueryParams)
    params: dict[str, str] = {}
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if name in params:
            return None
        if name in LENGTHS:
            if len(value) > LENGTHS[name]:
                return None
        elif name in PATTERNS:
            if PATTERNS[name].fullmatch(value) is None:
                return None
        elif name in CHOICES:
            if value not in CHOICES[name]:
                return None
        else:
            return None
        params[name] = value
    if not 0 <= float(params.get("min_confidence", 0)) <= 1 or int(params.get("limit", 1)) > MAX_PAGE:
        return None
    return params


class FastPages:
    """ASGI middleware: a plain GET /events is answered by `answer(params)`, unless that returns None."""

    def __init__(self, app, answer: Answer):
        self.app = app
        self.answer = answer

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/events":
            params = plain_query(scope["query_string"])
            if params is not None:
                try:
                    response = await self.answer(params)
                except DatelineError:
                    response = None  # the route reports it, as a 400 with its reason
                if response is not None:
                    await send({"type": "http.response.start", "status": response.status_code,
                                "headers": response.raw_headers})
                    await send({"type": "http.response.body", "body": response.body})
                    return
        await self.app(scope, receive, send)
