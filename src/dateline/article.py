"""Article structure: boilerplate, headline, subtitle, dateline and body paragraphs of a news text."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

from dateline.records import Dateline, Document, Span

#: A headline is short: 200 characters and 30 words cover wire headlines ("Kremlin expects
#: Putin, Erdogan to agree on steps to end crisis in Idlib" is 70 and 12).
HEADLINE_MAX_CHARS = 200
HEADLINE_MAX_WORDS = 30
#: A subtitle (standfirst) may be a full sentence, but is still shorter than a lead paragraph.
SUBTITLE_MAX_CHARS = 300
#: A paragraph of at least 15 words ending in a full stop reads as body text, not a heading.
BODY_MIN_WORDS = 15
#: The dateline opens one of the first paragraphs; deeper in, "CITY -" is not a dateline.
DATELINE_SEARCH_PARAGRAPHS = 8
#: Hard-wrapped lines fill most of the widest line (a wrap leaves at most a word's room), so a
#: line that long with no full stop goes on below; a heading is much shorter than the width.
WRAP_FILL = 0.7
#: A final character that ends a sentence or clause: headlines have none.
CLAUSE_END = ".,;:"
#: A dateline's month/day may precede publication by days (a story filed late in the day, a
#: weekly) but follows it by at most a day (time zones: a Moscow dateline filed before
#: midnight UTC is published "tomorrow" in Asia).
DATELINE_MAX_DAYS_AFTER_PUBLICATION = 1
#: A dateline more than this many days from the publication date is worth a warning.
DATELINE_MISMATCH_WARN_DAYS = 7

_DATA = "data/datelines"


@dataclass
class Structure:
    """Where the parts of an article are; all offsets index `document.text`."""

    headline: Span | None
    subtitle: Span | None
    body_start: int
    boilerplate: list[Span]
    dateline: Dateline | None
    dateline_parts: tuple[int | None, int | None, int | None] | None
    paragraphs: list[Span] = field(default_factory=list)
    title: str | None = None


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class _Pattern:
    agency: str | None
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Knowledge:
    patterns: tuple[_Pattern, ...]
    months: dict[str, int]
    month_names: dict[int, str]
    date_regex: re.Pattern[str]
    particles: frozenset[str]
    not_places: frozenset[str]
    boilerplate: tuple[re.Pattern[str], ...]
    boilerplate_max_chars: int
    raw: dict[str, Any]


def _load_yaml(name: str) -> dict[str, Any]:
    text = resources.files("dateline").joinpath(f"{_DATA}/{name}").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _month_alternation(months: dict[str, int]) -> str:
    # longest first, so "march" wins over "mar"; a letter may not follow ("Marc" is no month)
    names = sorted(months, key=len, reverse=True)
    return "(?i:" + "|".join(re.escape(name) for name in names) + r")(?![A-Za-z])\.?"


@lru_cache(maxsize=1)
def knowledge() -> _Knowledge:
    """Dateline patterns, month names and boilerplate lines, loaded once from package data."""
    data = _load_yaml("agencies.yaml")
    months = {name: int(number) for number, names in data["months"].items() for name in names}
    month_names = {int(number): names[0].capitalize() for number, names in data["months"].items()}
    month = _month_alternation(months)
    date_text = rf"(?:{month}[ ]+\d{{1,2}}(?!\d)(?:,?[ ]+\d{{4}})?|\d{{1,2}}[ ]+{month}(?:,?[ ]+\d{{4}})?)"
    fragments = {
        "place": f"(?P<place>{data['fragments']['place']})",
        "place_caps": f"(?P<place>{data['fragments']['place_caps']})",
        "region": f"(?P<region>{data['fragments']['region']})",
        "date": f"(?P<date>{date_text})",
        "dash": data["fragments"]["dash"],
    }

    def expand(pattern: str) -> str:
        return re.sub(r"\{([a-z_]+)\}", lambda m: fragments[m.group(1)], pattern)

    patterns = tuple(
        _Pattern(entry["agency"], re.compile(expand(entry["pattern"])))
        for entry in data["agencies"]
    )
    parts = re.compile(
        rf"(?:(?P<month>{month})[ ]+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})[ ]+(?P<month2>{month}))"
        rf"(?:,?[ ]+(?P<year>\d{{4}}))?"
    )
    bp = _load_yaml("boilerplate.yaml")
    boilerplate = tuple(re.compile(p, re.IGNORECASE) for p in bp["patterns"])
    return _Knowledge(
        patterns=patterns,
        months=months,
        month_names=month_names,
        date_regex=parts,
        particles=frozenset(data["place_particles"]),
        not_places=frozenset(data["not_places"]),
        boilerplate=boilerplate,
        boilerplate_max_chars=int(bp["max_line_chars"]),
        raw={"agencies": data, "boilerplate": bp},
    )


# --------------------------------------------------------------------------- datelines


def _month_number(name: str) -> int:
    return knowledge().months[name.rstrip(".").lower()]


def parse_date_parts(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of "March 4", "Sept. 12, 2020", "4 March 2020"; None if not a date."""
    match = knowledge().date_regex.fullmatch(text.strip())
    if not match:
        return None
    month = _month_number(match.group("month") or match.group("month2"))
    day = int(match.group("day") or match.group("day2"))
    year = int(match.group("year")) if match.group("year") else None
    # 2000 is a leap year, so "February 29" without a year stays possible
    try:
        date(year or 2000, month, day)
    except ValueError:
        return None
    return (year, month, day)


def nonexistent_day(text: str) -> str | None:
    """The "February 30" or "31 April" written in `text` when that day is in no calendar, else None."""
    for match in knowledge().date_regex.finditer(text):
        month = _month_number(match.group("month") or match.group("month2"))
        day = int(match.group("day") or match.group("day2"))
        year = int(match.group("year")) if match.group("year") else 2000  # a leap year: February 29 exists
        try:
            date(year, month, day)
        except ValueError:
            return match.group(0)
    return None


def _title_place(text: str) -> str:
    """ "DAR ES SALAAM" -> "Dar es Salaam"; Title Case input is kept as written."""
    if not any(ch.isupper() for ch in text) or text != text.upper():
        return text
    particles = knowledge().particles
    words = []
    for index, word in enumerate(text.split(" ")):
        lower = word.lower()
        if index and lower in particles:
            words.append(lower)
        elif re.fullmatch(r"(?:[A-Z]\.)+", word):
            words.append(word)  # "N.Y.", "D.C." stay as written
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class DatelineMatch:
    """A recognised dateline: the record, the date as written and its parts."""

    dateline: Dateline
    parts: tuple[int | None, int | None, int | None] | None
    date_text: str | None


def match_dateline(text: str, start: int = 0) -> DatelineMatch | None:
    """The dateline opening `text` at `start` (a paragraph start), tried pattern by pattern."""
    kb = knowledge()
    for pattern in kb.patterns:
        match = pattern.regex.match(text, start)
        if not match:
            continue
        place = match.group("place") if "place" in pattern.regex.groupindex else None
        if place and place.rstrip(".").upper() in kb.not_places:
            continue
        region = match.groupdict().get("region")
        date_text = match.groupdict().get("date")
        parts = parse_date_parts(date_text) if date_text else None
        if date_text and parts is None:
            continue
        agency = pattern.agency or match.groupdict().get("agency")
        name = None
        if place:
            name = _title_place(place.strip())
            if region:
                name = f"{name}, {_title_place(region.strip())}"
        end = match.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        year, month, day = parts if parts else (None, None, None)
        iso = f"{year:04d}-{month:02d}-{day:02d}" if year else None
        record = Dateline(place=name, date=iso, agency=agency, start=start, end=end)
        return DatelineMatch(record, parts, date_text)
    return None


# --------------------------------------------------------------------------- structure


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SENTENCE_END = ".!?:\"'”’)"


def _blocks(text: str) -> list[Span]:
    """Paragraph spans: blocks between blank lines when the text has any, else lines, with a
    hard-wrapped line joined to the next when that one goes on in lower case."""
    if _BLANK_LINE.search(text):
        spans = []
        position = 0
        for separator in [*_BLANK_LINE.finditer(text), None]:
            end = separator.start() if separator else len(text)
            piece = text[position:end]
            stripped = piece.strip()
            if stripped:
                offset = position + piece.index(stripped)
                spans.append(Span(offset, offset + len(stripped), stripped))
            position = separator.end() if separator else end
        return spans
    lines = _lines(Span(0, len(text), text))
    width = max((len(line.text) for line in lines), default=0)
    merged: list[Span] = []
    for line in lines:
        previous = merged[-1] if merged else None
        wrapped = previous is not None and previous.text[-1] not in _SENTENCE_END and (
            line.text[0].islower() or len(text[previous.start:previous.end].rsplit("\n", 1)[-1].strip()) >= WRAP_FILL * width
        )
        if wrapped:
            merged[-1] = Span(previous.start, line.end, text[previous.start:line.end])
        else:
            merged.append(line)
    return merged


def _lines(block: Span) -> list[Span]:
    spans = []
    position = block.start
    for line in block.text.split("\n"):
        stripped = line.strip()
        if stripped:
            offset = position + line.index(stripped)
            spans.append(Span(offset, offset + len(stripped), stripped))
        position += len(line) + 1
    return spans


def is_boilerplate(line: str) -> bool:
    """True when a whole line is scraped page furniture ("All news", "Share", a byline)."""
    kb = knowledge()
    line = line.strip()
    if not line or len(line) > kb.boilerplate_max_chars:
        return False
    return any(pattern.fullmatch(line) for pattern in kb.boilerplate)


def _ends_clause(text: str) -> bool:
    text = text.rstrip("\"'”’) ")
    if not text or text[-1] not in CLAUSE_END:
        return False
    # "U.S." or "Gen." at the end is an abbreviation, not a full stop
    last = text.split()[-1]
    return not (text[-1] == "." and re.fullmatch(r"(?:[A-Z]\.){2,}|[A-Z][a-z]{0,3}\.", last))


def _is_headline(text: str) -> bool:
    return (
        len(text) <= HEADLINE_MAX_CHARS
        and len(text.split()) <= HEADLINE_MAX_WORDS
        and "\n" not in text
        and not _ends_clause(text)
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘")
    )


def _is_body(text: str) -> bool:
    return len(text.split()) >= BODY_MIN_WORDS and text.rstrip("\"'”’) ")[-1:] in ".!?"


def analyse(document: Document, *, published: str | None = None) -> Structure:
    """Find boilerplate, headline, subtitle, dateline and paragraphs of one document.

    `published` (ISO) anchors a dateline's month and day to a year; by default the
    document's own `published` field, normalised.
    """
    text = document.text
    boilerplate: list[Span] = []
    units: list[Span] = []
    for block in _blocks(text):
        lines = _lines(block)
        junk = [line for line in lines if is_boilerplate(line.text)]
        boilerplate.extend(junk)
        if not junk:
            units.append(block)
        else:
            # keep the block's remaining lines as their own units
            units.extend(line for line in lines if line not in junk)

    found: DatelineMatch | None = None
    dateline_unit = None
    for index, unit in enumerate(units[:DATELINE_SEARCH_PARAGRAPHS]):
        found = match_dateline(text, unit.start)
        if found:
            dateline_unit = index
            break
        if _is_body(unit.text):
            break

    headline = subtitle = None
    if dateline_unit is not None:
        # everything above the dateline is heading matter: headline, subtitle, captions
        body_index = dateline_unit
        heading = units[:dateline_unit]
        headline = next((unit for unit in heading if _is_headline(unit.text)), None)
        if headline is not None:
            after = heading[heading.index(headline) + 1:]
            if after and len(after[0].text) <= SUBTITLE_MAX_CHARS:
                subtitle = after[0]
    else:
        # no dateline: a heading must be followed by text, and a subtitle must not read as body
        body_index = 0
        if len(units) > 1 and _is_headline(units[0].text):
            headline, body_index = units[0], 1
            if len(units) > 2 and _is_headline(units[1].text) and len(units[1].text) <= SUBTITLE_MAX_CHARS:
                subtitle, body_index = units[1], 2

    paragraphs = units[body_index:]
    body_start = found.dateline.start if found else (paragraphs[0].start if paragraphs else 0)

    dateline = found.dateline if found else None
    parts = found.parts if found else None
    if dateline is not None and dateline.date is None and parts is not None:
        anchor = published or normalise_date(document.published)
        dateline.date = dateline_date(parts, anchor)

    title = document.title or (headline.text if headline else None)
    return Structure(
        headline=headline,
        subtitle=subtitle,
        body_start=body_start,
        boilerplate=boilerplate,
        dateline=dateline,
        dateline_parts=parts,
        paragraphs=paragraphs,
        title=title,
    )


def mask(text: str, spans: Iterable[Span]) -> str:
    """Blank the spans with spaces, newlines kept, so offsets stay true and NLP skips them."""
    chars = list(text)
    for span in spans:
        for index in range(max(span.start, 0), min(span.end, len(chars))):
            if chars[index] not in "\r\n":
                chars[index] = " "
    return "".join(chars)


# --------------------------------------------------------------------------- dates

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")
_ISO_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?")
_NUMERIC = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})|(\d{4})(\d{2})(\d{2})")
_DOTTED_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def normalise_date(value: str | None) -> str | None:
    """ISO 8601 for a publication date in a common format; None when it cannot be read.

    Accepts ISO dates and datetimes (the local date as written is kept), "2020-03" and
    "2020", RFC 2822 ("Wed, 04 Mar 2020 10:00:00 GMT"), "2020/03/04", "20200304",
    "04.03.2020", "March 4, 2020", "Sept. 4 2020", "4 March 2020". Slashed day/month
    orders ("03/04/2020") are ambiguous and refused.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if match := _ISO.fullmatch(text):
        return _iso(*(int(group) for group in match.groups()))
    if match := _ISO_PARTIAL.fullmatch(text):
        year, month = match.groups()
        if month is None:
            return year
        return f"{year}-{month}" if 1 <= int(month) <= 12 else None
    if match := _NUMERIC.fullmatch(text):
        groups = [group for group in match.groups() if group is not None]
        return _iso(*(int(group) for group in groups))
    if match := _DOTTED_DMY.fullmatch(text):
        day, month, year = (int(group) for group in match.groups())
        return _iso(year, month, day)
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    bare = _WEEKDAY.sub("", text)
    bare = re.sub(r"\s+\d{1,2}:\d{2}.*$", "", bare)  # a time after the date
    parts = parse_date_parts(bare)
    if parts and parts[0] is not None:
        return _iso(*parts)
    return None


def _period_end(published: str) -> date | None:
    """The last day an ISO date, month or year covers."""
    pieces = [int(piece) for piece in published.split("-")]
    if len(pieces) == 3:
        return date(*pieces)
    if len(pieces) == 2:
        return date(pieces[0], pieces[1], calendar.monthrange(pieces[0], pieces[1])[1])
    return date(pieces[0], 12, 31)


def dateline_date(parts: tuple[int | None, int | None, int | None] | None, published: str | None) -> str | None:
    """The dateline's ISO date: its own year if written, else the year that puts its month
    and day closest to, and not more than a day after, the publication date."""
    if not parts or parts[1] is None or parts[2] is None:
        return None
    year, month, day = parts
    if year is not None:
        return _iso(year, month, day)
    if not published:
        return None
    bound = _period_end(published) + timedelta(days=DATELINE_MAX_DAYS_AFTER_PUBLICATION)
    # this year or last; February 29 may need to look back up to 8 years (1896 -> 1904)
    for candidate_year in range(bound.year, bound.year - 9, -1):
        iso = _iso(candidate_year, month, day)
        if iso and date.fromisoformat(iso) <= bound:
            return iso
    return None


def _written(parts: tuple[int | None, int | None, int | None]) -> str:
    return f"{knowledge().month_names[parts[1]]} {parts[2]}"


def publication_date(
    document: Document, structure: Structure, override: str | None = None
) -> tuple[str | None, list[str]]:
    """The anchor date for relative expressions, and warnings.

    Priority: `override` (the user's --published) > `document.published` > a dateline that
    writes its year. A year is never invented: a dateline with only month and day gives None
    and a warning.
    """
    warnings: list[str] = []
    anchor = None
    for label, value in (("--published", override), ("published", document.published)):
        if value in (None, ""):
            continue
        anchor = normalise_date(value)
        if anchor:
            break
        warnings.append(f"could not read {label} date {value!r}; expected e.g. 2020-03-04")
    parts = structure.dateline_parts
    if anchor is None and parts and parts[0] is not None:
        anchor = _iso(*parts)
    if anchor is None:
        if parts and parts[1] is not None:
            warnings.append(
                f"publication year unknown: dateline gives '{_written(parts)}' but no year; pass --published"
            )
        else:
            warnings.append("publication date unknown: relative dates are left unresolved; pass --published")
        return None, warnings
    if parts and parts[1] is not None and len(anchor) == 10:
        written = dateline_date(parts, anchor)
        if written is None or abs((date.fromisoformat(written) - date.fromisoformat(anchor)).days) > DATELINE_MISMATCH_WARN_DAYS:
            warnings.append(f"dateline '{_written(parts)}' is far from the publication date {anchor}")
    if len(anchor) < 10:
        warnings.append(f"publication date known only as {anchor}; day-relative dates are left unresolved")
    return anchor, warnings

