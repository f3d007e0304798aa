"""Load the time-expression grammar (data/dates/grammar.yaml) and compile its patterns once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import product
from typing import Any

import yaml

try:  # the regex parser behind `re`: private, so a Python without it just scans with every pattern
    from re import _constants as sre, _parser as sre_parse
except ImportError:  # pragma: no cover - CPython 3.11 has both
    sre = sre_parse = None

#: Vocabulary lists that expand to an alternation of their (escaped) entries.
_LISTS = ("months", "months_full", "weekdays", "parts_of_day", "seasons", "units", "numbers",
          "holidays", "time_zones")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: A needle standing for "any digit" (Unicode's, as `\d` reads them).
DIGIT = "\\d"
_ANY_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
#: Past this many strings a run of literals and alternatives stops being spelt out.
_MAX_STRINGS = 32


@dataclass(frozen=True)
class Pattern:
    kind: str
    detect: re.Pattern[str]  # names case-sensitive, for running text
    exact: re.Pattern[str]  # case-insensitive, for fullmatch on an expression given alone
    #: Every match holds one (case-folded) string of each set, a digit for DIGIT: a month name and
    #: a digit, say. Empty: nothing is known to be needed.
    needles: tuple[frozenset[str], ...] = ()

    def may_match(self, folded: str, has_digit: bool) -> bool:
        """False only when `detect` cannot match a text: one whose `fold` is `folded` lacks all the
        needles of a set. Most patterns need a word most texts lack ("ago", a weekday, a holiday)."""
        return all(any(has_digit if needle == DIGIT else needle in folded for needle in wanted)
                   for wanted in self.needles)


def fold(text: str) -> str:
    """`text` as `Pattern.may_match` reads it: case-folded, so that every letter a case-blind match
    takes reads as the pattern's own ('ı', which matches 'i', is the one fold leaves alone), and each
    run of whitespace one space, as a needle spells `\\s+` ("from now" for `from\\s+now`)."""
    return _SPACES.sub(" ", text.casefold().replace("ı", "i"))


def has_digit(text: str) -> bool:
    return _ANY_DIGIT.search(text) is not None


def needles(source: str) -> tuple[frozenset[str], ...]:
    """Sets of strings such that every match of the regex `source` contains one string of each,
    found from its parse tree: a run of literals and alternatives of literals is spelt out ('to' +
    'day|night'); a group or a repeat that must occur needs what its items need; an alternation
    needs one of its branches' strings. Empty when nothing can be told."""
    if sre_parse is None:
        return ()
    try:
        tree = sre_parse.parse(source)
    except re.error:
        return ()
    return tuple(dict.fromkeys(_fewest(offer) for offer in _sequence_offers(list(tree))))


def _fewest(offer: frozenset[str]) -> frozenset[str]:
    """A needle holding another is found only where that one is: "friday's" adds nothing to "friday"."""
    return frozenset(n for n in offer if n == DIGIT or not any(m != n and m != DIGIT and m in n for m in offer))


def _strings(items: list) -> set[str] | None:
    """The exact (case-folded) strings `items` match, when they are few and finite."""
    out = {""}
    for op, av in items:
        if _spaces(op, av):
            options = {" "}  # one whitespace character or a run of them: one space once folded
        elif op is sre.LITERAL:
            options = {chr(av).casefold()}
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            options = {""}  # zero-width: adds nothing to the text matched
        elif op is sre.SUBPATTERN:
            options = _strings(list(av[-1]))
        elif op is sre.BRANCH:
            options = set()
            for branch in av[1]:
                found = _strings(list(branch))
                if found is None:
                    return None
                options |= found
        elif op is sre.IN and av and all(kind is sre.LITERAL for kind, _ in av) and len(av) <= 8:
            options = {chr(value).casefold() for _, value in av}
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            inner = _strings(list(av[2]))
            options = None if inner is None else inner | {""}
        else:
            return None
        if options is None or len(out) * len(options) > _MAX_STRINGS:
            return None
        out = {_SPACES.sub(" ", a + b) for a, b in product(out, options)}
    return out


def _spaces(op, av) -> bool:
    """True for `\\s`, a whitespace literal, or a repeat of one of them that must occur once or more."""
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        return av[0] >= 1 and len(av[2]) == 1 and _spaces(*av[2][0])
    if op is sre.LITERAL:
        return chr(av).isspace()
    return op is sre.IN and len(av) == 1 and av[0] == (sre.CATEGORY, sre.CATEGORY_SPACE)


def _sequence_offers(items: list) -> list[frozenset[str]]:
    """Every needle set the sequence `items` is known to need."""
    offers: list[frozenset[str]] = []
    run: list = []

    def close_run() -> None:
        found = _strings(run) if run else None
        if found and "" not in found:
            offers.append(frozenset(found))
        run.clear()

    for item in items:
        if _strings([item]) is not None:
            run.append(item)
            if _strings(run) is None:  # too many spellings together: start a new run at this item
                run.pop()
                close_run()
                run.append(item)
            continue
        close_run()
        offers.extend(_item_offers(item))
    close_run()
    return offers


def _sequence_needles(items: list) -> frozenset[str] | None:
    """The most selective needle set of a sequence: the longest shortest needle (a digit counts as
    one letter), then the fewest; None when it needs nothing known."""
    offers = _sequence_offers(items)
    if not offers:
        return None
    return _fewest(max(offers, key=lambda offer: (min(1 if n == DIGIT else len(n) for n in offer), -len(offer))))


def _item_offers(item) -> list[frozenset[str]]:
    op, av = item
    if op is sre.SUBPATTERN:
        return _sequence_offers(list(av[-1]))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
        return _sequence_offers(list(av[2]))
    found = _item_needles(item)
    return [found] if found else []


def _item_needles(item) -> frozenset[str] | None:
    op, av = item
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence_needles(list(branch))
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if op is sre.IN and av and all(_digit_only(kind, value) for kind, value in av):
        return frozenset({DIGIT})
    return None


def _digit_only(kind, value) -> bool:
    if kind is sre.CATEGORY:
        return value is sre.CATEGORY_DIGIT
    if kind is sre.RANGE:
        return ord("0") <= value[0] and value[1] <= ord("9")
    return kind is sre.LITERAL and chr(value).isdecimal()  # what `\d` (and has_digit) reads as a digit


@dataclass(frozen=True)
class Grammar:
    months: dict[str, int]  # lower-cased name -> month number
    weekdays: dict[str, int]  # lower-cased name -> Monday=0
    units: dict[str, str]
    numbers: dict[str, int | None]
    holidays: dict[str, dict[str, Any]]  # lower-cased name (straight apostrophe) -> rule
    patterns: tuple[Pattern, ...]
    future_aux: frozenset[str]
    future_verbs: frozenset[str]
    future_markers: re.Pattern[str]  # matches at the end of the text before an expression
    year_prepositions: frozenset[str]
    time_zones: frozenset[str]


def _alternation(words: list[str]) -> str:
    # longest first so "Sept" is tried before "Sep"; typographic apostrophes read as straight ones
    escaped = (re.escape(word).replace("'", "['’]") for word in sorted(words, key=len, reverse=True))
    return "(?:" + "|".join(word.replace(r"\ ", r"\s+") for word in escaped) + ")"


def _expand(template: str, pieces: dict[str, str]) -> str:
    for _ in range(5):  # fragments nest at most a few levels deep
        expanded = _PLACEHOLDER.sub(lambda m: pieces.get(m.group(1), m.group(0)), template)
        if expanded == template:
            return expanded
        template = expanded
    raise ValueError(f"grammar placeholders nest too deep in {template!r}")


def build(data: dict[str, Any]) -> Grammar:
    """Compile a grammar from its parsed YAML (exposed so tests can build a small one)."""
    pieces = {name: _alternation(list(data[name])) for name in _LISTS}
    abbreviations = set(data["month_abbreviations"])
    pieces["months"] = _alternation([f"{name}." for name in abbreviations] + list(data["months"]))
    pieces.update({name: _expand(text, pieces) for name, text in data["fragments"].items()})
    pieces.update({name: _expand(text, pieces) for name, text in data["fragments"].items()})
    patterns = []
    for entry in data["patterns"]:
        # whole words only: "snow" holds no "now", "Mayor" no "May"
        source = r"(?<!\w)(?:" + _expand(entry["pattern"], pieces) + r")(?!\w)"
        patterns.append(Pattern(entry["kind"], re.compile(source), re.compile(source, re.IGNORECASE),
                                needles(source)))
    return Grammar(
        months={name.lower(): number for name, number in data["months"].items()},  # no full stop
        weekdays={name.lower(): number for name, number in data["weekdays"].items()},
        units=dict(data["units"]),
        numbers=dict(data["numbers"]),
        holidays={name.lower(): rule for name, rule in data["holidays"].items()},
        patterns=tuple(patterns),
        future_aux=frozenset(data["tense"]["future_aux"]),
        future_verbs=frozenset(data["tense"]["future_verbs"]),
        future_markers=re.compile(r"(?<!\w)" + _alternation(data["tense"]["future_markers"]) + r"\s+$",
                                  re.IGNORECASE),
        year_prepositions=frozenset(data["tense"]["year_prepositions"]),
        time_zones=frozenset(data["time_zones"]),
    )


@lru_cache(maxsize=1)
def load_grammar() -> Grammar:
    """The packaged grammar, read and compiled once per process."""
    text = resources.files("dateline").joinpath("data/dates/grammar.yaml").read_text(encoding="utf-8")
    return build(yaml.safe_load(text))
