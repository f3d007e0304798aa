"""Find time expressions in a parsed document and normalise each against the anchor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from spacy.tokens import Doc, Span, Token

from dateline.dates.anchor import Anchor
from dateline.dates.grammar import Grammar, fold, has_digit, load_grammar
from dateline.dates.normalise import FUTURE, PAST, anaphoric_offset, day_value, resolve
from dateline.nlp import doc_text
from dateline.records import Timex

#: Kinds whose direction (back or ahead of the anchor) follows the tense of the sentence.
_TENSED = frozenset({"weekday", "date", "month", "holiday", "clock", "relative", "quarter"})
_VERBS = frozenset({"VERB", "AUX"})
#: Kinds that rest on a capitalised name, which may belong to a person or an organisation.
_NAMED = frozenset({"month", "weekday"})
#: Forms of a plan-like verb that look ahead; its past tense ("planned") tells nothing.
_FUTURE_TAGS = frozenset({"VBN", "VBG", "VBZ", "VBP", "JJ"})
#: How far up the parse a time expression may sit from its verb ("on the night of Feb 27").
_MAX_CLIMB = 6


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    kind: str
    groups: dict
    order: int


def _candidates(text: str, grammar: Grammar) -> list[_Candidate]:
    found = []
    folded, digits = fold(text), has_digit(text)
    for order, pattern in enumerate(grammar.patterns):
        if not pattern.may_match(folded, digits):
            continue  # none of the words it needs is in the text: scanning would find nothing
        for match in pattern.detect.finditer(text):
            found.append(_Candidate(match.start(), match.end(), pattern.kind, match.groupdict(), order))
    return found


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping matches, longest first, then the earlier pattern in the grammar."""
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.order, c.start)):
        if all(cand.end <= c.start or c.end <= cand.start for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


def _span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _plausible(cand: _Candidate, span: Span | None, grammar: Grammar) -> bool:
    """False for words that are dates only sometimes: "May" the modal or a name, "2000" troops."""
    if span is None:
        return True
    if cand.kind == "year" and cand.end - cand.start == 4:
        before = span.doc[span.start - 1] if span.start > 0 else None
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if after is not None and after.text in grammar.time_zones:
            return False  # "(1530 UTC)" is a clock time
        if all(token.ent_type_ == "DATE" for token in span):
            return True
        if after is not None and after.pos_ in ("NOUN", "PROPN"):
            return False  # "2000 troops"; "the 1998 elections" is kept by the entity check above
        return before is not None and before.lower_ in grammar.year_prepositions
    if cand.kind in _NAMED and not cand.groups.get("year") and not cand.groups.get("day"):
        name = cand.groups.get("month") or cand.groups.get("weekday")
        token = next((t for t in span if name.startswith(t.text)), span[0])
        if token.ent_type_ not in ("", "DATE", "TIME"):
            return False  # "Theresa May" (PERSON), "Bloody Sunday" (ORG)
        return token.pos_ not in _VERBS and token.tag_ != "MD"  # "May" the modal
    return True


def tense_of(span: Span, grammar: Grammar | None = None, text: str | None = None) -> str | None:
    """"past", "future" or None, from the verb that governs the span in the dependency parse.

    `text` is the document's text when the caller has it: spaCy rebuilds Doc.text on each access.
    """
    grammar = grammar or load_grammar()
    text = doc_text(span.doc) if text is None else text
    before = text[max(0, span.start_char - 20):span.start_char]
    if grammar.future_markers.search(before):
        return FUTURE
    token: Token = span.root
    for _ in range(_MAX_CLIMB):
        if token.pos_ in _VERBS or token.head.i == token.i:
            break
        token = token.head
    for _ in range(_MAX_CLIMB):
        if token.pos_ not in _VERBS:
            return None
        auxes = [child for child in token.children if child.dep_ in ("aux", "auxpass")]
        if any(aux.lower_ in grammar.future_aux for aux in auxes):
            return FUTURE
        if token.lemma_.lower() in grammar.future_verbs and token.tag_ in _FUTURE_TAGS:
            return FUTURE  # "scheduled for March 5", "is expected Friday", "plans to hold"
        if token.tag_ == "VBG" and any(aux.tag_ in ("VBZ", "VBP") for aux in auxes):
            return FUTURE  # "is meeting Friday"
        if token.tag_ == "VB" and any(aux.lower_ == "to" for aux in auxes):
            head = token.head
            is_to = head.lemma_ == "be" and head.tag_ in ("VBZ", "VBP")
            if is_to or head.lemma_.lower() in grammar.future_verbs:
                return FUTURE  # "is to visit on Friday", "plans to visit on Friday"
            if head.i == token.i:
                return FUTURE  # a headline's "Putin, Erdogan to meet Thursday"
            token = head  # "refused to comment Friday": the refusing sets the time
            continue
        if token.tag_ == "VBD" or any(aux.tag_ == "VBD" for aux in auxes):
            return PAST
        if token.tag_ == "VBN" and any(aux.lemma_ == "have" for aux in auxes):
            return PAST  # "has said"
        return None
    return None


def find_timexes(doc: Doc, anchor: Anchor | None, skip: Sequence[tuple[int, int]] = ()) -> list[Timex]:
    """Time expressions in `doc` with values read against `anchor`; spans inside `skip` ignored.

    Spans follow TempEval: no leading preposition ("on Thursday" -> "Thursday"), modifiers
    kept ("late November"). Values are ISO dates, months or years, None when unknowable.
    """
    grammar = load_grammar()
    timexes: list[Timex] = []
    clocks: list[tuple[Timex, Span]] = []
    anaphors: list[tuple[Timex, int]] = []
    text = doc_text(doc)
    # a blank pipeline (no parser) still finds dates; bare weekdays then look back by default
    parsed = doc.has_annotation("DEP")
    for cand in _select(_candidates(text, grammar)):
        if any(start < cand.end and cand.start < end for start, end in skip):
            continue
        span = _span(doc, cand.start, cand.end)
        if not _plausible(cand, span, grammar):
            continue
        tensed = parsed and span is not None and cand.kind in _TENSED
        tense = tense_of(span, grammar, text) if tensed else None
        value, precision = resolve(cand.kind, cand.groups, anchor, tense)
        timex = Timex(text[cand.start:cand.end], cand.start, cand.end, value, precision)
        timexes.append(timex)
        if cand.kind == "clock" and not cand.groups.get("weekday") and span is not None:
            clocks.append((timex, span.sent if parsed else doc[:]))
        elif cand.kind == "anaphoric":
            anaphors.append((timex, cand.groups))
    for timex, sentence in clocks:
        _date_clock(timex, sentence, timexes)
    for timex, groups in anaphors:
        if groups.get("unit"):
            _date_unit_anaphor(timex, groups["unit"].lower(), timexes)
        else:
            _date_anaphor(timex, anaphoric_offset(groups), timexes, text)
    return [t for t in timexes if t.end > t.start]


#: Precisions fine enough to name a given unit: "that year" needs a year, "that month" a month.
_FINE_ENOUGH = {"year": ("day", "month", "year"), "month": ("day", "month")}


def _date_unit_anaphor(anaphor: Timex, unit: str, timexes: list[Timex]) -> None:
    """"later that year" is the year (or month) of the last date named before it."""
    earlier = [t for t in timexes if t.precision in _FINE_ENOUGH[unit] and t.end <= anaphor.start]
    if earlier:
        reference = max(earlier, key=lambda t: t.start).value
        width = 4 if unit == "year" else 7  # "2020" or "2020-03" of "2020-03-05"
        anaphor.value, anaphor.precision = reference[:width], unit


def _date_anaphor(anaphor: Timex, offset: int, timexes: list[Timex], text: str) -> None:
    """"the day before last Tuesday" counts from that Tuesday (and takes it into its span);
    "the next day" from the last day named before it; with neither it stays unknown."""
    following = next((t for t in timexes if t.start >= anaphor.end), None)
    if offset and following is not None and not text[anaphor.end:following.start].strip():
        if following.precision == "day":
            reference = date.fromisoformat(following.value)
            anaphor.value, anaphor.precision = day_value(reference + timedelta(days=offset))
        anaphor.end, anaphor.text = following.end, text[anaphor.start:following.end]
        following.end = following.start  # merged: dropped from the result
        return
    earlier = [t for t in timexes if t.precision == "day" and t.end <= anaphor.start]
    if earlier:
        reference = date.fromisoformat(max(earlier, key=lambda t: t.start).value)
        anaphor.value, anaphor.precision = day_value(reference + timedelta(days=offset))


def _date_clock(clock: Timex, sentence: Span, timexes: list[Timex]) -> None:
    """A bare "10:35 a.m." is on the day its sentence names ("at 10:35 a.m. Friday"), if any."""
    days = [t for t in timexes if t.precision == "day" and t is not clock
            and sentence.start_char <= t.start < sentence.end_char]
    if days:
        nearest = min(days, key=lambda t: abs(t.start - clock.start))
        clock.value, clock.precision = nearest.value, nearest.precision
