"""An in-memory column index of a serving snapshot's events: a filtered page in well under a millisecond.

The server's hot path is a page of `/events`. As SQL on the snapshot it costs 1-3 ms (a top-N over
every event) and 6-12 ms with a text search (a substring scan of every sentence). Here the filters
are numpy comparisons over integer codes and floats, each sort order is a permutation of the events,
and the text searches look words up in a token index, so a page is a boolean mask and the first
`limit` hits of it in the sort order.

The answers are those of `EventFilter.where()` on the snapshot, row for row (tests/api/test_index.py
checks them against the SQL on random filters): the same string comparisons on dates, the same
NULL handling, DuckDB's own `lower()` and `contains()` wherever a search cannot be answered from
tokens alone.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import duckdb
import numpy as np

from dateline.store.query import (
    ENUM_COLUMNS, POSITION, SEARCH_SEPARATOR, SORTS, EventFilter, decode_cursor, encode_cursor, rank_column)

#: What the token index counts as a word: maximal runs of ASCII letters and digits in the lower-cased
#: search column. Any run of such characters in a query lies inside one of them, so the events holding
#: a one-word query are the union of the postings of the vocabulary words that contain it.
WORD = "[a-z0-9]+"
WORD_RE = re.compile(WORD)
#: Above this many vocabulary words matching one query word, their postings are marked in one
#: vectorised pass over all postings rather than one slice per word.
SLICED_WORDS = 32
#: A search of several words checks this many candidates per wanted row first, then as many more as
#: the share that passed says are needed; past `CHECK_ALL` candidates one scan of every event is cheaper
#: than a list of positions.
CHECK_FIRST = 2
CHECK_ALL = 20_000
#: A filter that keeps fewer than one event in this many has its events' ranks sorted; one that keeps
#: more has the sort order read until the page is full.
SPARSE = 16
#: A page looks for its rows in blocks of events in sort order, the first this long, each next four
#: times longer.
FIRST_BLOCK = 4096
#: Columns whose values a filter compares for equality, held as their ENUM codes (-1 for NULL).
CODED = ("type", "mode", "modality", "source_country", "target_country", "location_country")
#: Columns a filter compares with numbers.
FLOATS = ("confidence", "lat", "lon")
#: The text filters of `EventFilter` and the snapshot search column each looks in.
TEXT_FILTERS = {"actor": "search_actor", "place": "search_place", "text": "search_text"}


class TokenIndex:
    """Which events each word of one search column occurs in (postings as one sorted array per word)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, column: str, size: int):
        self.column = column
        self.size = size
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE tokens AS SELECT DISTINCT e.{POSITION} - 1 AS pos, "
            f"unnest(regexp_extract_all(e.{column}, '{WORD}')) AS word FROM events e")
        con.execute("CREATE OR REPLACE TEMP TABLE vocabulary AS SELECT word, "
                    "(row_number() OVER (ORDER BY word) - 1)::INTEGER AS id FROM (SELECT DISTINCT word FROM temp.tokens)")
        self.words = [word for (word,) in con.execute("SELECT word FROM temp.vocabulary ORDER BY id").fetchall()]
        pairs = con.execute("SELECT v.id, t.pos::INTEGER AS pos FROM temp.tokens t JOIN temp.vocabulary v "
                            "USING (word) ORDER BY v.id, t.pos").fetchnumpy()
        con.execute("DROP TABLE temp.tokens")
        con.execute("DROP TABLE temp.vocabulary")
        ids = np.asarray(pairs["id"], dtype=np.int32)
        self.postings = np.asarray(pairs["pos"], dtype=np.int32)
        self.offsets = np.searchsorted(ids, np.arange(len(self.words) + 1, dtype=np.int32)).astype(np.int64)
        self.counts = np.diff(self.offsets)
        # the vocabulary as one string, each word after a newline, to find the words containing a
        # query word with str.find (words never hold a newline)
        self.blob = "".join("\n" + word for word in self.words) + "\n"
        self.starts = [0] * len(self.words)
        at = 0
        for i, word in enumerate(self.words):
            self.starts[i] = at + 1
            at += len(word) + 1

    def word_ids(self, part: str, starts: bool = False, ends: bool = False) -> list[int]:
        """Ids of the vocabulary words that contain `part` (a run of word characters); with `starts`,
        only those that start with it, with `ends` those that end with it (both: that are it)."""
        key = ("\n" if starts else "") + part + ("\n" if ends else "")
        # a match of a key with its newline in front begins one character before its word
        lead = 1 if starts else 0
        found, at = [], self.blob.find(key)
        while at >= 0:
            i = bisect.bisect_right(self.starts, at + lead) - 1
            found.append(i)
            at = self.blob.find(key, self.starts[i] + len(self.words[i]))
        return found

    def containing(self, part: str, starts: bool = False, ends: bool = False) -> np.ndarray:
        """Mask of the events with a word that contains `part` (starts or ends with it, as `word_ids`)."""
        mask = np.zeros(self.size, dtype=bool)
        ids = self.word_ids(part, starts, ends)
        if len(ids) <= SLICED_WORDS:
            for i in ids:
                mask[self.postings[self.offsets[i]:self.offsets[i + 1]]] = True
        else:
            chosen = np.zeros(len(self.words), dtype=bool)
            chosen[ids] = True
            mask[self.postings[np.repeat(chosen, self.counts)]] = True
        return mask


class EventIndex:
    """The snapshot's events as arrays in position order (`POSITION` - 1), one permutation per sort."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        kinds = {name: ENUM_COLUMNS[name] for name in CODED}
        # codes straight from the snapshot's ENUMs (countries share one), so no string crosses into Python
        self.codes = {name: {value: code for code, value in enumerate(
            con.execute(f"SELECT enum_range(NULL::{kind})").fetchone()[0] or [])} for name, kind in kinds.items()}
        coded = ", ".join(f"coalesce(enum_code(e.{name})::INTEGER, -1) AS {name}" for name in CODED)
        # NULL is NaN, which fails every comparison as NULL does in SQL; a stored NaN is +inf, since
        # DuckDB orders NaN above every number (NaN >= 0.5 is true there)
        floats = ", ".join(f"CASE WHEN isnan(e.{name}) THEN 'inf'::DOUBLE ELSE coalesce(e.{name}, 'nan'::DOUBLE) "
                           f"END AS {name}" for name in FLOATS)
        columns = con.execute(f"SELECT e.event_id, e.date, {coded}, {floats} FROM events e "
                              f"ORDER BY e.{POSITION}").fetchnumpy()
        self.size = len(columns["event_id"])
        self.event_ids: list[str] = columns["event_id"].tolist()
        self.coded = {name: np.asarray(columns[name], dtype=np.int32) for name in CODED}
        self.confidence, self.lat, self.lon = (np.asarray(columns[name], dtype=np.float64) for name in FLOATS)
        # dates as codes into their sorted distinct values: a date range is then an integer range
        dates = [None if missing else date for date, missing in zip(
            np.ma.getdata(columns["date"]).tolist(), np.ma.getmaskarray(columns["date"]).tolist())]
        self.dates = sorted({d for d in dates if d is not None})
        date_code = {d: i for i, d in enumerate(self.dates)}
        self.date_codes = np.fromiter((date_code.get(d, -1) for d in dates), dtype=np.int32, count=self.size)
        del columns, dates
        self.orders = {}
        for sort in SORTS:
            order = con.execute(f"SELECT e.{POSITION} - 1 AS i FROM events e ORDER BY e.{rank_column(sort)}"
                                ).fetchnumpy()["i"]
            self.orders[sort] = np.asarray(order, dtype=np.int32)
        # each event's index in each sort order (its rank - 1)
        self.ranks = {}
        for sort, order in self.orders.items():
            self.ranks[sort] = np.empty(self.size, dtype=np.int32)
            self.ranks[sort][order] = np.arange(self.size, dtype=np.int32)
        self.words = {name: TokenIndex(con, column, self.size) for name, column in TEXT_FILTERS.items()}

    # -- filters -----------------------------------------------------------------------------------

    def select(self, con: duckdb.DuckDBPyConnection | None, flt: EventFilter
               ) -> tuple[np.ndarray | None, list[Check]]:
        """The events the filter may keep (None: every event), and the text checks they must still pass
        (a search of more than one word: the events holding all its words are the candidates)."""
        flt.check()
        masks: list[np.ndarray] = []
        checks: list[Check] = []

        def contains(name: str, value: str) -> None:
            candidates, check = self._contains(con, name, value)
            if candidates is not None:
                masks.append(candidates)
            if check is not None:
                checks.append(check)

        for name, value in (("type", flt.type and flt.type.upper()), ("mode", flt.mode and flt.mode.lower()),
                            ("modality", flt.modality and flt.modality.lower())):
            if value:
                masks.append(self._equal(name, value))
        if flt.actor:
            contains("actor", flt.actor)
        if flt.country:
            country = flt.country.upper()
            masks.append(self._equal("source_country", country) | self._equal("target_country", country)
                         | self._equal("location_country", country))
        if flt.dyad:
            source, target = flt.dyad_pair()
            masks.append(self._equal("source_country", source) & self._equal("target_country", target))
        if flt.since:
            masks.append(self.date_codes >= bisect.bisect_left(self.dates, flt.since))
        if flt.until:
            # `substr(date, 1, len(until)) <= until`: cutting sorted strings short keeps their order
            cut = len(flt.until)
            last = bisect.bisect_right(self.dates, flt.until, key=lambda d: d[:cut])
            masks.append((self.date_codes >= 0) & (self.date_codes < last))
        if flt.place:
            contains("place", flt.place)
        if flt.min_confidence is not None:
            masks.append(self.confidence >= flt.min_confidence)
        if flt.bbox is not None:
            west, south, east, north = flt.bbox
            inside = (self.lat >= south) & (self.lat <= north)
            if west <= east:
                inside &= (self.lon >= west) & (self.lon <= east)
            else:  # the box crosses the antimeridian
                inside &= (self.lon >= west) | (self.lon <= east)
            masks.append(inside)
        if flt.text:
            contains("text", flt.text)
        if not masks:
            return None, checks
        kept = masks[0]
        for other in masks[1:]:
            kept &= other
        return kept, checks

    def _equal(self, name: str, value: str) -> np.ndarray:
        code = self.codes[name].get(value)
        if code is None:
            return np.zeros(self.size, dtype=bool)
        return self.coded[name] == code

    def answers_alone(self, flt: EventFilter) -> bool:
        """True when a page of the filter needs no DuckDB connection: its text searches are single
        ASCII words (or it has none)."""
        for value in (flt.actor, flt.place, flt.text):
            if value and WORD_RE.fullmatch(_ascii_lower(value) or "") is None:
                return False
        return True

    def _contains(self, con: duckdb.DuckDBPyConnection | None, name: str, value: str
                  ) -> tuple[np.ndarray | None, Check | None]:
        """`contains(search column, lower(value))`: exactly from the token index when the value is one
        word; otherwise the events holding all its words (None: no words), and the check they need."""
        needle = _ascii_lower(value)
        if needle is None:
            # DuckDB's lower() is not Python's beyond ASCII ('İ' is 'i' there, 'i̇' here): ask DuckDB
            needle = con.execute("SELECT lower(?)", [value.replace(SEARCH_SEPARATOR, " ")]).fetchone()[0]
        words = self.words[name]
        if WORD_RE.fullmatch(needle):
            return words.containing(needle), None
        # a word of the needle with a non-word character after it ends a word of the text where the
        # needle occurs, one with a non-word character before it starts one
        candidates = None
        for part in WORD_RE.finditer(needle):
            found = words.containing(part.group(), starts=part.start() > 0, ends=part.end() < len(needle))
            candidates = found if candidates is None else candidates & found
        return candidates, Check(words.column, needle)

    def _passing(self, con: duckdb.DuckDBPyConnection, checks: list[Check], positions: list[int] | None
                 ) -> np.ndarray:
        """Which events (a mask) pass every check, by DuckDB's `contains`: among `positions`, or all."""
        where = " AND ".join(f"contains(e.{check.column}, ?)" for check in checks)
        params: list = [check.needle for check in checks]
        if positions is not None:
            where += f" AND e.{POSITION} IN (SELECT unnest(?))"
            params.append(positions)
        found = con.execute(f"SELECT e.{POSITION} - 1 AS i FROM events e WHERE {where}", params).fetchnumpy()["i"]
        passing = np.zeros(self.size, dtype=bool)
        passing[np.asarray(found, dtype=np.int64)] = True
        return passing

    # -- pages -------------------------------------------------------------------------------------

    def page(self, con: duckdb.DuckDBPyConnection | None, flt: EventFilter, sort: str = "date",
             cursor: str | None = None, limit: int = 100) -> tuple[list[int], str | None]:
        """What `page_positions` answers: the positions (`POSITION`) of the page of the filter's events
        in `sort` order after `cursor`, and the next page's cursor (None on the last). `con` may be
        None when `answers_alone(flt)`."""
        rank_column(sort)  # refuses an unknown sort
        # a cursor's rank is any integer a client sends: past the last event the page is empty
        after = min(max(decode_cursor(cursor, sort)[0], 0), self.size) if cursor else 0
        kept, checks = self.select(con, flt)
        order = self.orders[sort][after:]
        wanted = limit + 1
        if kept is None:
            hits = np.arange(len(order) if checks else min(wanted, len(order)))
        else:
            hits = self._first(kept, sort, after, None if checks else wanted)
        if checks:
            hits = self._checked(con, checks, order, hits, wanted)
        hits = hits[:wanted]
        next_cursor = None
        if len(hits) > limit:
            hits = hits[:limit]
            last = int(hits[-1])
            next_cursor = encode_cursor(sort, after + last + 1, self.event_ids[order[last]])
        return (order[hits] + 1).tolist(), next_cursor

    def _first(self, kept: np.ndarray, sort: str, after: int, wanted: int | None) -> np.ndarray:
        """Indexes into the sort order after `after` of the first `wanted` (None: all) events `kept` marks.

        Few kept events: their ranks, sorted. Many: the order read a block at a time until enough
        are found, so a page of a filter that keeps half the events reads a few thousand, not all."""
        order = self.orders[sort]
        if np.count_nonzero(kept) * SPARSE < self.size:
            ranks = self.ranks[sort][np.flatnonzero(kept)]
            ranks = ranks[ranks >= after] - after
            if wanted is not None and len(ranks) > wanted:
                ranks = np.partition(ranks, wanted - 1)[:wanted]
            return np.sort(ranks)
        if wanted is None:
            return np.flatnonzero(kept[order[after:]])
        found: list[np.ndarray] = []
        count, start, size = 0, after, FIRST_BLOCK
        while start < len(order) and count < wanted:
            block = np.flatnonzero(kept[order[start:start + size]]) + (start - after)
            found.append(block)
            count += len(block)
            start += size
            size *= 4
        return np.concatenate(found) if found else np.empty(0, dtype=np.int64)

    def _checked(self, con: duckdb.DuckDBPyConnection, checks: list[Check], order: np.ndarray, hits: np.ndarray,
                 wanted: int) -> np.ndarray:
        """The first `wanted` of `hits` (indexes into `order`) that pass the checks: candidates are
        checked a batch at a time in page order, so a page of a common phrase checks a few hundred."""
        passed: list[np.ndarray] = []
        count, start, size = 0, 0, CHECK_FIRST * wanted
        while start < len(hits) and count < wanted:
            if size > CHECK_ALL:  # one scan of every event beats a long list of positions
                batch = hits[start:]
                passing = self._passing(con, checks, None)
            else:
                batch = hits[start:start + size]
                passing = self._passing(con, checks, (order[batch] + 1).tolist())
            kept = batch[passing[order[batch]]]
            passed.append(kept)
            count += len(kept)
            start += len(batch)
            # size the next batch by the share that passed (none passed: a rare phrase, scan it all)
            size = (CHECK_ALL + 1 if not len(kept)
                    else max(2 * size, int(1.5 * (wanted - count) * len(batch) / len(kept))))
        return np.concatenate(passed) if passed else np.empty(0, dtype=np.int64)


def _ascii_lower(value: str) -> str | None:
    """The search value as `_contains` in query.py lower-cases it, when Python can (ASCII); else None."""
    value = value.replace(SEARCH_SEPARATOR, " ")
    return value.lower() if value.isascii() else None


@dataclass(frozen=True)
class Check:
    """A text search the token index could only narrow: `contains(column, needle)` still to be checked."""

    column: str
    needle: str
