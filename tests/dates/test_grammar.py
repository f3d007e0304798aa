"""The needles of a time-expression pattern: the words one of which each of its matches holds."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dateline.dates.detect import _candidates
from dateline.dates.grammar import DIGIT, fold, has_digit, load_grammar, needles


@pytest.mark.parametrize(("source", "expected"), [
    (r"(?i:to(?:day|night))\s+x", [{"today x", "tonight x"}]),  # a shared prefix is spelt out again
    (r"(?P<n>\d+)\s+(?i:days?)\s+ago", [{DIGIT}, {" day ago", " days ago"}]),  # each part a match must hold
    (r"from\s+now|from\snow| \s*hence", [{"from now", "hence"}]),  # whitespace runs read as one space
    (r"a[\s-]+b", [{"a"}, {"b"}]),                              # a class that is not all whitespace
    (r"(?:one|two|three|four|five|six)\s+(?:days|weeks|months|years|decades|centuries)\s+ago",
     [{"one ", "two ", "three ", "four ", "five ", "six "}, {"days ago", "weeks ago", "months ago", "years ago",
                                                             "decades ago", "centuries ago"}]),  # too many together: split
    (r"(?:Mon|Tues)day(?:'s)?", [{"monday", "tuesday"}]),       # "monday's" holds "monday"
    (r"(?<!\w)[0-9]{4}(?!\d)", [{DIGIT}]),
    (r"x?(?:y|z\w*)", [{"y", "z"}]),                            # each branch lends its own
    (r"x?\w*", []),                                             # optional items need nothing
    (r"(?:a|\w+)b", [{"b"}]),                                   # one branch can be anything: the next item
])
def test_needles_are_read_off_the_parse_tree(source, expected):
    assert [set(offer) for offer in needles(source)] == expected


def test_a_text_without_a_needle_is_not_scanned_and_one_with_it_is():
    holiday = next(p for p in load_grammar().patterns if p.kind == "holiday")
    assert not holiday.may_match(fold("Talks resumed in Geneva."), False)
    assert holiday.may_match(fold("Talks resume after CHRISTMAS."), False)


def test_a_run_of_whitespace_reads_as_the_one_space_a_needle_spells():
    ago = next(p for p in load_grammar().patterns if p.kind == "ago")
    assert not ago.may_match(fold("Two days from the border, now."), False)
    assert ago.may_match(fold("two\n days \u00a0from\tnow"), False)


_WORDS = ["May", "may", "March", "Dec.", "decided", "Friday", "FRIDAY's", "last", "next", "week", "ago", "two",
          "days", "from", "now", "the", "day", "before", "after", "that", "same", "year", "Christmas", "Eve",
          "fiscal", "FY", "a.m.", "pm", "GMT", "1998", "2020", "03", "12", "٣", "2020-03-04", "4/5/2020", "1990s",
          "first", "quarter", "of", "night", "this", "morning", "spring", "tonight", "ı", "K", "ſ", "mid-", "late",
          ",", ".", "-", "’s", "\n"]


@settings(max_examples=300, deadline=None)
@example(["theſe", "days"], [" "] * 25)         # case-blind matching takes the long s for an s...
@example(["fıscal", "2020"], [" "] * 25)        # ...and the dotless i for an i
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(min_size=1, max_size=4)), max_size=25),
       st.lists(st.sampled_from([" ", "", "  ", "\n", " \t", "\u00a0", "\u2009\n "]), min_size=25, max_size=25))
def test_skipping_by_needles_finds_what_scanning_every_pattern_finds(words, gaps):
    text = "".join(word + gap for word, gap in zip(words, gaps))
    grammar = load_grammar()
    scanned = sorted((m.start(), m.end(), order) for order, pattern in enumerate(grammar.patterns)
                     for m in pattern.detect.finditer(text))
    assert sorted((c.start, c.end, c.order) for c in _candidates(text, grammar)) == scanned
    assert has_digit(text) == any(ch.isdecimal() for ch in text)
