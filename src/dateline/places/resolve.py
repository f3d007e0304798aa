"""Toponym resolution: rank gazetteer candidates by name, size, kind of place and the document's focus."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from spacy.tokens import Doc

from dateline.nlp import doc_text
from dateline.places.gazetteer import Candidate, Gazetteer, distance_km, kind_word, normalize
from dateline.places.recognise import Mention, Recogniser
from dateline.records import Place

#: Prior for the kind of place, added to log10(population): a bare "Georgia" is the country
#: (3.7M) before the US state (10M) and "Turkey" the country before a town of that name.
FEATURE_PRIOR = {
    "country": 4.0, "continent": 4.0, "admin1": 1.5, "admin2": 0.0, "city": 0.0,
    # curated entries carry no population: their prior stands for "famous" (log10 of ~100k)
    "region": 5.0, "sea": 5.0, "river": 5.0, "landmark": 5.0, "airport": 5.0,
}
#: Penalty by how the name matched: alternate names include old and foreign forms that collide
#: with other towns' names ("Turkey" is an alternate name of New Providence, NJ).
KIND_PENALTY = {"name": 0.0, "alt": 0.5, "abbr": 0.0, "demonym": 0.0, "fuzzy": 2.0}
#: A country the caller says the document is about (dateline, actors): a thousandfold population,
#: so with focus USA a bare "Georgia" is the state (10M) and not the country (3.7M).
FOCUS_BONUS = 3.0
#: Countries of other places in the document: up to this much for the most mentioned country.
DOC_COUNTRY_BONUS = 3.0
#: The admin1 unit of the candidate is itself mentioned in the document (Paris + Texas).
DOC_ADMIN1_BONUS = 1.5
#: "Aleppo, Syria", "Paris, Texas": the qualifier names the candidate's country or admin1.
QUALIFIER_BONUS = 6.0
#: The phrase says the kind of place ("Idlib province", "the Euphrates River", "Quebec City").
HINT_BONUS = 4.0
#: A national capital: a bare "Washington" is the capital (690k) before the state (7.5M),
#: "Paris" in American news is still Paris, France.
CAPITAL_BONUS = 3.0
#: Within this distance of another place resolved in the document (a city or admin1).
NEAR_KM = 250.0
NEAR_BONUS = 0.75
#: See _namesake_cities_first.
CITY_SHARE = 0.15
#: Candidates considered per name, most populous first: Paris has 20 entries, Springfield 60.
MAX_CANDIDATES = 40


@dataclass(slots=True)
class Context:
    """What the rest of the document says about where it is."""

    focus: set[str] = field(default_factory=set)
    countries: Counter = field(default_factory=Counter)
    admin1_ids: Counter = field(default_factory=Counter)
    points: Counter = field(default_factory=Counter)


def _vote(context: Context, cand: Candidate, sign: int) -> None:
    if cand.country:
        context.countries[cand.country] += sign
    admin1 = _admin1_of(cand)
    if admin1 is not None:
        context.admin1_ids[admin1] += sign
    if cand.feature in {"city", "admin1"}:
        context.points[(cand.lat, cand.lon)] += sign


def _admin1_of(cand: Candidate) -> int | None:
    if cand.feature == "admin1":
        return cand.id
    return cand.admin1_id if cand.feature == "city" else None


def _namesake_cities_first(candidates: list[Candidate]) -> list[Candidate]:
    """Drop an admin1 unit whose big namesake city lies in it: a bare 'Madrid', 'Idlib' or
    'New York' is the city. Big means CITY_SHARE of the unit's population (Idlib 29%, Madrid 25%);
    Québec city has 5% of Quebec's, so 'Quebec' stays the province."""
    cities = {(c.admin1_id, c.population) for c in candidates if c.feature == "city" and c.admin1_id is not None}
    return [
        c for c in candidates
        if not (c.feature == "admin1" and any(a == c.id and pop >= CITY_SHARE * c.population for a, pop in cities))
    ] or candidates


class Geoparser:
    """Finds the places a document names and resolves each to a gazetteer entry."""

    def __init__(self, gazetteer: Gazetteer, demonyms: bool = True) -> None:
        self.gazetteer = gazetteer
        self.recogniser = Recogniser(gazetteer, demonyms=demonyms)

    def find(self, doc: Doc, skip: Sequence[tuple[int, int]] = (), focus: Sequence[str] = ()) -> list[Place]:
        """Toponyms in `doc` (char offsets), skipping `skip` spans, resolved with `focus` countries (ISO3)."""
        mentions = self.recogniser.mentions(doc, skip)
        qualifiers = self._qualifiers(doc, mentions)
        context = Context(focus=set(focus))
        # pass 1: resolve with the caller's focus only; then each distinct name votes once for its
        # country, admin1 unit and point (ten "London"s must not outvote one "Ontario"), and
        # pass 2 resolves again with those votes, leaving out the name's own
        first = [
            self._best(m.text, context, qualifiers.get(i), prefer_city=m.source == "dateline", demonym=m.demonym)
            for i, m in enumerate(mentions)
        ]
        votes: dict[str, Candidate] = {}
        for mention, cand in zip(mentions, first):
            if cand is not None:
                votes.setdefault(normalize(mention.text), cand)
        for cand in votes.values():
            _vote(context, cand, +1)
        places = []
        for i, mention in enumerate(mentions):
            own = votes.get(normalize(mention.text))
            if own is not None:
                _vote(context, own, -1)
            cand = self._best(
                mention.text, context, qualifiers.get(i), prefer_city=mention.source == "dateline", demonym=mention.demonym
            )
            if own is not None:
                _vote(context, own, +1)
            places.append(self._place(mention, cand))
        return places

    def resolve(self, name: str, focus: Sequence[str] = ()) -> Place | None:
        """One name out of context, e.g. a dateline city ('MOSCOW', 'Paris, Texas'); None if unknown."""
        head, _, rest = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).partition(",")
        qualifier = self._best(rest.strip(), Context()) if rest.strip() else None
        cand = self._best(head.strip(), Context(focus=set(focus)), qualifier, prefer_city=True)
        if cand is None:
            return None
        place = self._place(Mention(0, 0, head.strip(), "resolve"), cand)
        place.start = place.end = None  # no document to point into
        return place

    # -- scoring -------------------------------------------------------------------------------

    def _qualifiers(self, doc: Doc, mentions: list[Mention]) -> dict[int, Candidate]:
        """Mention i followed by ', <mention j>' where j is a country or admin1: j qualifies i."""
        out = {}
        text = doc_text(doc)
        for i in range(len(mentions) - 1):
            between = text[mentions[i].end : mentions[i + 1].start]
            if between.strip() != ",":
                continue
            cands = [c for c in self._candidates(mentions[i + 1].text) if c.feature in {"country", "admin1"}]
            if cands:
                out[i] = max(cands, key=lambda c: self._prior(c, None))
        return out

    def _candidates(self, text: str) -> list[Candidate]:
        return self.gazetteer.candidates(text)[:MAX_CANDIDATES]

    def _best(
        self,
        text: str,
        context: Context,
        qualifier: Candidate | None = None,
        prefer_city: bool = False,
        demonym: bool = False,
    ) -> Candidate | None:
        candidates = self._candidates(text)
        if demonym:
            candidates = [c for c in candidates if c.kind == "demonym"] or candidates
        bare, hint = kind_word(text)
        if hint is not None and not any(c.feature == hint for c in candidates):
            candidates += self._candidates(bare)
        if hint == "admin1" and not any(c.feature == "admin1" for c in candidates):
            candidates += self._namesake_units(candidates)
        if not candidates:
            return None
        if hint != "admin1":
            candidates = _namesake_cities_first(candidates)
        scored = [(self._score(c, context, qualifier, hint, prefer_city), c) for c in candidates]
        return max(scored, key=lambda pair: (pair[0], pair[1].population))[1]

    def _namesake_units(self, candidates: list[Candidate]) -> list[Candidate]:
        """'Idleb province': GeoNames knows Idleb only as the town; its admin1 unit shares the town's name."""
        units = []
        for cand in candidates:
            if cand.feature == "city" and cand.admin1_id is not None:
                unit = self.gazetteer.place(cand.admin1_id)
                if unit is not None and normalize(unit.name) == normalize(cand.name):
                    units.append(unit)
        return units

    @staticmethod
    def _prior(cand: Candidate, hint: str | None) -> float:
        score = math.log10(cand.population + 10) + FEATURE_PRIOR.get(cand.feature, 0.0)
        score -= KIND_PENALTY.get(cand.kind, 0.0)
        if cand.kind == "fuzzy":
            score -= (100 - cand.similarity) / 10
        if hint is not None and cand.feature == hint:
            score += HINT_BONUS
        return score

    def _score(
        self,
        cand: Candidate,
        context: Context,
        qualifier: Candidate | None,
        hint: str | None,
        prefer_city: bool,
    ) -> float:
        score = self._prior(cand, hint)
        if prefer_city and cand.feature == "city":
            # a dateline names a city: 'WASHINGTON' is the capital, not the state
            score += FEATURE_PRIOR["admin1"]
        if cand.country in context.focus:
            score += FOCUS_BONUS
        if cand.capital:
            score += CAPITAL_BONUS
        top = max(context.countries.values(), default=0)
        if top > 0 and context.countries.get(cand.country, 0) > 0:
            score += DOC_COUNTRY_BONUS * context.countries[cand.country] / top
        if cand.admin1_id is not None and context.admin1_ids.get(cand.admin1_id, 0) > 0:
            score += DOC_ADMIN1_BONUS
        if qualifier is not None and (
            (qualifier.feature == "country" and cand.country == qualifier.country)
            or (qualifier.feature == "admin1" and cand.admin1_id == qualifier.id)
        ):
            score += QUALIFIER_BONUS
        if cand.feature == "city" and any(
            n > 0 and distance_km(cand.lat, cand.lon, lat, lon) < NEAR_KM for (lat, lon), n in context.points.items()
        ):
            score += NEAR_BONUS
        return score

    @staticmethod
    def _place(mention: Mention, cand: Candidate | None) -> Place:
        if cand is None:
            return Place(text=mention.text, start=mention.start, end=mention.end)
        return Place(
            text=mention.text,
            start=mention.start,
            end=mention.end,
            name=cand.name,
            country=cand.country,
            admin1=cand.admin1,
            lat=cand.lat,
            lon=cand.lon,
            geonameid=cand.geonameid,
            feature=cand.feature,
        )
