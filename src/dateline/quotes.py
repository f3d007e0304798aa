"""Direct quotes and their speakers ("he said" resolved to the last named speaker)."""

from __future__ import annotations

import bisect
import re
from typing import Callable, Iterator, Sequence

from spacy.tokens import Doc, Span as SpacySpan, Token

from dateline.events.arguments import phrase
from dateline.events.modality import cues
from dateline.nlp import children, doc_text, sentence_of, words_of
from dateline.records import Actor, Quote

#: Opening marks and what closes them: curly pairs, straight double quotes (within one line), and
#: the AQUAINT/LDC convention ``...''.
CLOSERS = {"“": "”", '"': '"', "``": "''"}
_OPENER = re.compile('“|"|``')
#: A quote has at least this many characters between its marks.
MIN_QUOTE_CHARS = 2
#: Shorter than this it is a scare quote ("so-called 'terrorists'"), not speech.
MIN_QUOTE_WORDS = 3
PRONOUNS = {"he", "she", "they", "i", "we"}


def _speech_subject(sentence: SpacySpan, outside: tuple[int, int]) -> Token | None:
    """The subject of a speech verb in `sentence` that lies outside the quoted characters."""
    speech = cues().speech
    for token in words_of(sentence):
        if outside[0] <= token.idx < outside[1]:
            continue
        if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in speech:
            for child in children(token):
                if child.dep_ == "nsubj" and not (outside[0] <= child.idx < outside[1]):
                    return child
    return None


def find_quotes(doc: Doc, resolve: Callable[[SpacySpan], list], skip: Sequence[tuple[int, int]] = ()) -> list[Quote]:
    """Quotes in reading order, each with the speaker named next to it or the last one named."""
    text = doc_text(doc)
    spans = []
    for outer_start, start, end, outer_end in quote_marks(text):
        body = text[start:end].strip()
        if len(body.split()) < MIN_QUOTE_WORDS or any(a <= start < b for a, b in skip):
            continue
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        start += lead
        end = start + len(body.rstrip(",").rstrip())
        spans.append((start, end, outer_start, outer_end))
    if not spans:
        return []

    last_speaker: Actor | None = None
    quotes: list[Quote] = []
    sentences = list(doc.sents)
    starts = [token.idx for token in doc]
    cursor = 0
    for start, end, outer_start, outer_end in spans:
        # remember every speaker named before this quote, in order
        while cursor < len(sentences) and sentences[cursor].end_char <= outer_start:
            last_speaker = _named_speaker(sentences[cursor], (0, 0), resolve) or last_speaker
            cursor += 1
        speaker = None
        around = [sentence for sentence in (_sentence_at(doc, starts, outer_end), _sentence_at(doc, starts, outer_start - 1))
                  if sentence is not None]
        for sentence in around:
            subject = _speech_subject(sentence, (outer_start, outer_end))
            if subject is None:
                continue
            if subject.lower_ in PRONOUNS:
                speaker = _pronoun(subject, last_speaker)
            else:
                speaker = _resolve(subject, resolve)
                last_speaker = speaker or last_speaker
            break
        quotes.append(Quote(text=text[start:end], start=start, end=end, speaker=speaker))
    return quotes


def quote_marks(text: str) -> Iterator[tuple[int, int, int, int]]:
    """(outer start, body start, body end, outer end) of each quoted passage, left to right and not
    overlapping: an opening mark, at least MIN_QUOTE_CHARS, then the first closing mark after them
    (a curly or straight body holds no closing mark, a straight one no line break either).

    One pass over the text: where each closing mark next occurs is remembered, so a text full of
    opening marks that never close (or deeply nested ones) costs no more than a plain one; a
    regular expression with a lazy body rescans the rest of the text from every opening mark.
    """
    next_close: dict[str, int] = {}     # opener -> the next closer at or after the last place looked
    next_newline = -2
    position = 0
    while (match := _OPENER.search(text, position)) is not None:
        opener, outer_start, body_start = match.group(), match.start(), match.end()
        earliest = body_start + MIN_QUOTE_CHARS
        # the `` body may hold anything, so its closer is the first '' after the shortest body
        look_from = earliest if opener == "``" else body_start
        close = next_close.get(opener, -2)
        if close != -1 and close < look_from:
            close = next_close[opener] = text.find(CLOSERS[opener], look_from)
        if opener == '"' and close != -1:
            if next_newline != -1 and next_newline < body_start:
                next_newline = text.find("\n", body_start)
            if next_newline != -1 and next_newline < close:
                close = -1
        if close == -1 or close < earliest:
            position = outer_start + 1
            continue
        outer_end = close + len(CLOSERS[opener])
        yield outer_start, body_start, close, outer_end
        position = outer_end


def _sentence_at(doc: Doc, starts: list[int], char: int) -> SpacySpan | None:
    """The sentence of the first word at or after character `char` (quotes end between tokens);
    `starts` are the tokens' character offsets."""
    if char < 0:
        return None
    index = bisect.bisect_left(starts, char)
    while index < len(doc) and doc[index].is_space:
        index += 1
    return sentence_of(doc[index]) if index < len(doc) else None


def _named_speaker(sentence: SpacySpan, outside: tuple[int, int], resolve) -> Actor | None:
    subject = _speech_subject(sentence, outside)
    if subject is None or subject.lower_ in PRONOUNS:
        return None
    return _resolve(subject, resolve)


def _resolve(token: Token, resolve) -> Actor:
    span = phrase(token)
    resolutions = resolve(span)
    if resolutions:
        actor = resolutions[0].actor
        return Actor(text=span.text, name=actor.name, country=actor.country, sectors=list(actor.sectors),
                     wikidata=actor.wikidata, start=span.start_char, end=span.end_char)
    return Actor(text=span.text, start=span.start_char, end=span.end_char)


def _pronoun(token: Token, last: Actor | None) -> Actor:
    if last is None:
        return Actor(text=token.text, start=token.idx, end=token.idx + len(token.text))
    return Actor(text=token.text, name=last.name, country=last.country, sectors=list(last.sectors),
                 wikidata=last.wikidata, start=token.idx, end=token.idx + len(token.text))
