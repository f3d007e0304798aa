"""Toponym recognition: spaCy's GPE/LOC/FAC/NORP/ORG spans checked and completed by the gazetteer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from spacy.tokens import Doc, Span, Token

from dateline.nlp import doc_text, tokens_of
from dateline.places.gazetteer import Candidate, Gazetteer, kind_word

#: NER labels whose spans are places whether or not the gazetteer knows them.
PLACE_LABELS = {"GPE", "LOC", "FAC"}
#: Labels never read as places: people, and numbers whose words are town names ("May", "Ten").
IGNORED_LABELS = {"PERSON", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
#: An entity of another label (NORP, ORG, PRODUCT, ...) that is exactly a town this populous is
#: the town: spaCy's small model tags "Idlib" and "Sochi" NORP, "Danbury" ORG, "Winnipeg" PRODUCT.
CHECKED_CITY_POPULATION = 10_000
#: Verbs after a one-word PERSON that make it a person even when it is a country ("Jordan said").
SPEECH_VERBS = {"said", "says", "told", "added", "asked", "wrote", "tweeted", "scored", "replied"}
#: Features strong enough to be taken from the gazetteer alone (no NER place label).
STRONG_FEATURES = {"country", "admin1", "continent", "region", "sea", "river"}
#: A town known only to the gazetteer counts when this populous or after a locative word: the
#: GeoNames towns "Police", "Mobile", "Reading" are small next to any common reading.
STRONG_CITY_POPULATION = 100_000
LOCATIVES = {"in", "near", "from", "at", "to", "into", "outside", "of", "across", "toward", "towards", "via"}
#: Words that join parts of one name ("Isle of Man", "Newcastle upon Tyne", "Rio de Janeiro").
NAME_JOINERS = {"of", "upon", "de", "del", "la", "al", "el", "on", "sur", "am"}
#: Longest name the scan tries, in tokens ("Newcastle upon Tyne", "Bosnia and Herzegovina").
MAX_NGRAM = 4
#: Words before a name that make it the name of an operation, a ship or a storm.
NAMING_WORDS = {"operation", "operations", "codenamed", "code-named", "dubbed", "uss", "hms", "hurricane", "storm", "typhoon"}
#: The words that make an ORG span an organisation rather than a place named in a list.
ORG_WORDS = re.compile(
    r"\b(university|college|school|council|ministry|department|police|party|bank|company|corp|inc|"
    r"ltd|group|association|agency|committee|court|army|forces|news|times|post|journal|press|club|"
    r"fc|united|city council|hospital|church|service|office|board|union|front|brigade)\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")


@dataclass(slots=True)
class People:
    """Capitalised words of the document's PERSON entities: all, first names, surnames."""

    words: set[str]
    first: set[str]
    last: set[str]


@dataclass(slots=True)
class Mention:
    """A recognised toponym: char span in the document and how it was found."""

    start: int
    end: int
    text: str
    source: str                       # the NER label, "gazetteer" or "dateline"
    demonym: bool = False             # "Turkish": resolves to the country only


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _trim(span: Span) -> Span | None:
    """Drop a leading article and a trailing possessive: 'the Euphrates River', 'Syria’s'."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].lower_ in {"the", "a"}:
        start += 1
    while end > start and doc[end - 1].lower_ in {"'s", "’s", "'", "’"}:
        end -= 1
    return doc[start:end] if end > start else None


def _named_thing(span: Span) -> bool:
    """'Operation Euphrates Shield', 'the USS Cole': a place name naming something else."""
    doc = span.doc
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    return before in NAMING_WORDS or span[0].lower_ in NAMING_WORDS


def _capitalised(token: Token) -> bool:
    text = token.text
    return text[:1].isupper() and any(ch.isalpha() for ch in text)


class Recogniser:
    """Finds toponym mentions; knows nothing about which place they resolve to."""

    def __init__(self, gazetteer: Gazetteer, demonyms: bool = True) -> None:
        self.gazetteer = gazetteer
        self.demonyms = demonyms

    def mentions(self, doc: Doc, skip: Sequence[tuple[int, int]] = ()) -> list[Mention]:
        found: list[Mention] = []
        people = [[t.lower_ for t in ent if _capitalised(t)] for ent in doc.ents if ent.label_ == "PERSON"]
        names = People(
            words={w for p in people for w in p},
            first={p[0] for p in people if len(p) > 1},
            last={p[-1] for p in people if len(p) > 1},
        )
        for ent in doc.ents:
            found.extend(self._from_entity(ent, names))
        taken = [(m.start, m.end) for m in found]
        found.extend(self._from_gazetteer(doc, taken))
        found = [m for m in found if not _overlaps(m.start, m.end, skip)]
        found.sort(key=lambda m: (m.start, -m.end))
        unique: list[Mention] = []
        for mention in found:
            if unique and mention.start < unique[-1].end:
                continue
            unique.append(mention)
        return unique

    # -- NER spans -----------------------------------------------------------------------------

    def _from_entity(self, ent: Span, people: People) -> list[Mention]:
        label = ent.label_
        span = _trim(ent)
        if span is None or not any(_capitalised(t) for t in span):
            return []  # "marijuana" tagged GPE
        text = span.text
        if label == "PERSON":
            return self._person(span, people)
        if label in IGNORED_LABELS or self._person_name(span, people) or self._acronym(text) or _named_thing(span):
            return []
        if label in PLACE_LABELS:
            if self.gazetteer.has_name(text) or self.gazetteer.has_name(kind_word(text)[0]):
                return [Mention(span.start_char, span.end_char, text, label)]
            inner = self._inner(span)
            if inner is not None:
                return [Mention(inner.start_char, inner.end_char, inner.text, label)]
            if label != "GPE" or text.lower() not in people.words:
                return [Mention(span.start_char, span.end_char, text, label)]
            return []  # "Erdogan" tagged GPE, a surname of a PERSON in the same document
        if label == "NORP":
            return self._checked(span, label, allow_demonym=True)
        if ORG_WORDS.search(text):
            return []
        return self._checked(span, label, allow_demonym=False)

    def _inner(self, span: Span) -> Span | None:
        """The longest known place inside an unknown place span: 'Far North Queensland', 'Air Berlin'."""
        for n in range(len(span) - 1, 0, -1):
            for i in range(len(span) - n + 1):
                inner = span[i : i + n]
                if all(_capitalised(t) for t in inner) and self.gazetteer.has_name(inner.text):
                    if not (n == 1 and self.gazetteer.is_adjective(inner.text)) and self._big(inner.text):
                        return inner
        return None

    def _person_name(self, span: Span, people: People) -> bool:
        """'Georgia' of 'Georgia Stevens', 'Brunson' of 'Andrew Brunson': a person, not a place.

        A surname that is a country stays a country ('Jordan' after 'Michael Jordan' is ambiguous,
        and news mentions the country far more often)."""
        if len(span) != 1:
            return False
        word = span.text.lower()
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if word in people.first or (after is not None and after.lower_ in people.last):
            return True
        if word in people.last:
            return not any(c.feature == "country" and c.kind == "name"
                           for c in self.gazetteer.candidates(span.text, fuzzy=False))
        return False

    def _acronym(self, text: str) -> bool:
        """'BA' (British Airways) is also Ba, Fiji: short capitals count only as known short names (US, UK)."""
        bare = text.replace(".", "")
        if not (bare.isupper() and len(bare) <= 4):
            return False
        return not any(c.kind in {"alt", "abbr"} and c.feature != "city"
                       for c in self.gazetteer.candidates(text, fuzzy=False))

    def _person(self, span: Span, people: People) -> list[Mention]:
        """A one-word PERSON that is a country ('Tunisia was ...') or a town after a locative or a
        conjunction ('near Edmonton and Glasgow'), unless it is a person's name elsewhere."""
        if len(span) != 1 or span.text.lower() in people.first | people.last:
            return []
        doc = span.doc
        after = doc[span.end] if span.end < len(doc) else None
        if after is not None and after.lower_ in SPEECH_VERBS:
            return []
        candidates = self.gazetteer.candidates(span.text, fuzzy=False)  # only names and alternates count
        if any(c.feature == "country" and c.kind in {"name", "alt"} for c in candidates):
            return [Mention(span.start_char, span.end_char, span.text, "PERSON")]
        before = doc[span.start - 1].lower_ if span.start > 0 else ""
        if before in LOCATIVES | {"and", "or"} and any(c.kind == "name" and c.feature != "admin2" for c in candidates):
            return [Mention(span.start_char, span.end_char, span.text, "PERSON")]
        return []

    def _checked(self, span: Span, label: str, allow_demonym: bool) -> list[Mention]:
        """A NORP/ORG span that is one place, or a list of places ('Azaz and Jarablus')."""
        if len(span) == 1 and self.gazetteer.is_adjective(span.text) and not self._country(span.text):
            return []  # 'Central' tagged ORG
        whole = self._place_kind(span.text)
        if whole == "demonym":
            if allow_demonym and self.demonyms and self._adjectival(span):
                return [Mention(span.start_char, span.end_char, span.text, label, demonym=True)]
            return []
        # a one-word town tagged ORG is the town ('Danbury'); longer ones are names ('Olive Branch')
        if whole == "place" and (self._strong(span.text, span) or (len(span) == 1 and self._sizeable_town(span.text))):
            return [Mention(span.start_char, span.end_char, span.text, label)]
        parts = [p for p in _SPLIT.split(span.text) if p]
        if allow_demonym and "-" in span.text:
            parts = span.text.split("-")  # "German-Iraqi boy"
            if all(self._place_kind(p) == "demonym" for p in parts) and self.demonyms:
                first = parts[0]
                return [Mention(span.start_char, span.start_char + len(first), first, label, demonym=True)]
            return []
        if len(parts) < 2 or not all(self._place_kind(p) == "place" for p in parts):
            return []
        out, cursor = [], 0
        for part in parts:
            offset = span.text.index(part, cursor)
            cursor = offset + len(part)
            out.append(Mention(span.start_char + offset, span.start_char + cursor, part, label))
        return out

    def _big(self, text: str) -> bool:
        """A country, admin1 unit, region or a town of 100k: not the 'Garden' of 'Rose Garden'."""
        return any(
            c.kind == "name" and (c.feature in STRONG_FEATURES or c.population >= STRONG_CITY_POPULATION)
            for c in self.gazetteer.candidates(text, fuzzy=False)
        )

    def _country(self, text: str) -> bool:
        return any(c.feature == "country" for c in self.gazetteer.candidates(text))

    def _sizeable_town(self, text: str) -> bool:
        return any(
            c.feature == "city" and c.kind == "name" and c.population >= CHECKED_CITY_POPULATION
            for c in self.gazetteer.candidates(text, fuzzy=False)
        )

    def _place_kind(self, text: str) -> str | None:
        candidates = self.gazetteer.candidates(text) if self.gazetteer.has_name(text) else []
        if not candidates:
            return None
        if all(c.kind == "demonym" for c in candidates):
            return "demonym"
        return "place"

    def _adjectival(self, span: Span) -> bool:
        """'Turkish troops' names Turkey; 'in Turkish' and 'the Syrians' name a language, a people."""
        last = span[-1]
        if last.text.endswith("s") and last.lemma_ != last.text:
            return False
        after = span.doc[span.end] if span.end < len(span.doc) else None
        before = span.doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.lower_ in {"in", "speak", "speaks", "spoke", "speaking"} and (
            after is None or after.pos_ not in {"NOUN", "PROPN", "ADJ"}
        ):
            return False
        return True

    # -- gazetteer scan ------------------------------------------------------------------------

    def _from_gazetteer(self, doc: Doc, taken: list[tuple[int, int]]) -> list[Mention]:
        """Capitalised n-grams the gazetteer knows, outside the spans already taken.

        Inside an entity of another label only big places count: the "Alberta" of "the Government
        of Alberta", the "U.S." of "U.S.-led", the "Canada" of "Environment Canada".
        """
        out = []
        words = tokens_of(doc)
        # each token's label and capitalisation read once: the windows below ask again and again
        text = doc_text(doc)
        labels = [token.ent_type_ for token in words]
        capital = [_capitalised(token) for token in words]
        i = 0
        while i < len(words):
            token = words[i]
            if labels[i] in IGNORED_LABELS or not capital[i] or _overlaps(token.idx, token.idx + len(token), taken):
                i += 1
                continue
            inside = labels[i] != ""
            matched = None
            for n in range(min(MAX_NGRAM, len(words) - i), 0, -1):
                if any(labels[k] in IGNORED_LABELS for k in range(i, i + n)):
                    continue
                if not all(capital[k] or (words[k].lower_ in NAME_JOINERS and 0 < k - i < n - 1)
                           for k in range(i, i + n)):
                    continue
                if any("\n" in t.text or "\n" in t.whitespace_ for t in words[i : i + n - 1]):
                    continue
                last = words[i + n - 1]
                name = text[token.idx : last.idx + len(last)]
                if not self.gazetteer.has_name(name):
                    continue  # most windows name no place: settled before a Span is made
                mention = self._scan_match(doc[i : i + n], name, inside)
                if mention is not None:
                    matched = (mention, n)
                    break
            if matched:
                out.append(matched[0])
                i += matched[1]
            else:
                i += 1
        return out

    def _scan_match(self, span: Span, text: str, inside: bool) -> Mention | None:
        """A window the gazetteer has a name for (the scan asks that before making the span), whose
        text is `text`, as a mention, unless it names something else or is no place in its context."""
        if _named_thing(span):
            return None
        candidates = self.gazetteer.candidates(text)
        dateline = self._dateline(span)
        if text.isupper() and not dateline and (len(text.replace(".", "")) > 3 or self._acronym(text)):
            return None  # shouted headline words and acronyms, not places
        if all(c.kind == "demonym" for c in candidates):
            if self.demonyms and span[0].pos_ in {"ADJ", "PROPN"} and self._adjectival(span):
                return Mention(span.start_char, span.end_char, text, "gazetteer", demonym=True)
            return None
        named = [c for c in candidates if c.kind != "demonym"]
        if any(c.kind == "abbr" for c in named):
            doc = span.doc
            before = doc[span.start - 1].text if span.start > 0 else ""
            stop = span.end < len(doc) and doc[span.end].text == "." and not span[-1].whitespace_
            if text.endswith(".") or stop or before == ",":
                return Mention(span.start_char, span.end_char, text, "gazetteer")
            named = [c for c in named if c.kind != "abbr"]
            if not named:
                return None
        if len(span) == 1 and self.gazetteer.is_adjective(text) and not any(c.feature == "country" for c in named):
            return None  # "Central European Time", "pro-Western", "Olympic champion", "GREEN"
        if dateline:
            return Mention(span.start_char, span.end_char, text, "dateline")
        if span[0].pos_ not in {"PROPN", "ADJ"} and not text.isupper():
            return None  # "Reading the report": the tagger says it is not a name
        if inside:
            return Mention(span.start_char, span.end_char, text, "gazetteer") if self._big(text) else None
        if self._strong(text, span, named):
            return Mention(span.start_char, span.end_char, text, "gazetteer")
        return None

    def _strong(self, text: str, span: Span, candidates: list[Candidate] | None = None) -> bool:
        """A gazetteer-only match counts for big places, or a town after a locative or before ', Place'."""
        if candidates is None:
            candidates = self.gazetteer.candidates(text)
        if any(c.feature in STRONG_FEATURES and c.kind != "fuzzy" for c in candidates):
            return True
        if any(c.population >= STRONG_CITY_POPULATION and c.kind == "name" for c in candidates):
            return True
        doc = span.doc
        before = doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.lower_ in LOCATIVES and not span[0].is_sent_start:
            return True
        if span.end + 1 < len(doc) and doc[span.end].text == "," and _capitalised(doc[span.end + 1]):
            qualifier = self.gazetteer.candidates(doc[span.end + 1].text)
            return any(c.feature in {"country", "admin1"} for c in qualifier)
        return False

    @staticmethod
    def _dateline(span: Span) -> bool:
        """An upper-case place opening a sentence or line: 'EDMONTON —', 'DETROIT The ...'."""
        doc = span.doc
        first = doc[span.start]
        if not span.text.isupper() or not first.is_alpha or len(first) < 3:
            return False
        previous = doc[span.start - 1] if span.start > 0 else None
        line_start = previous is None or "\n" in previous.text or "\n" in previous.whitespace_
        after = doc[span.end].text if span.end < len(doc) else ""
        return line_start or (first.is_sent_start and after[:1] in {"—", "–", "-", ",", "("})
