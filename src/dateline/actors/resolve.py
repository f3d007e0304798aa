"""Resolve an actor mention to a canonical entity with ISO3 country, PLOVER sectors and its role at a date."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from dateline.actors.kb import Entity, KnowledgeBase, Role, fold, key, load_kb
from dateline.nlp import sentence_of, span_text
from dateline.records import Actor

if TYPE_CHECKING:
    from spacy.tokens import Span

    from dateline.actors.coref import Coref

#: Words that end the head phrase: what follows only locates or qualifies it ("leaders in France").
PREPOSITIONS = frozenset({"of", "in", "at", "from", "to", "for", "across", "on", "with", "against",
                          "near", "inside", "outside", "by", "who", "which", "that", "named"})
#: Function words that are also aliases in the dictionaries (WHO, IS, US, AU): only an upper-case
#: mention may mean the organisation ("WHO", not "who").
CASE_SENSITIVE = frozenset({"who", "is", "us", "it", "am", "an", "as", "at", "be", "by", "do", "he", "if",
                            "in", "me", "my", "no", "of", "on", "or", "so", "to", "up", "we", "au", "pa",
                            "aa", "can", "may", "will", "all", "one", "any", "man", "men", "she", "her",
                            "his", "him", "our", "new", "un", "eu", "sco", "gop", "pan", "pri", "isi",
                            "mit", "nsa", "icc", "adf", "pdf", "saf", "sna", "npc", "inc", "hur", "gur",
                            "raw", "cap", "act", "art", "aim", "ice", "fan", "ira", "mad", "ban", "tap"})
#: A context of up to this many words is a hint ("Mexico", "Colombian defense"), not a sentence.
SHORT_CONTEXT = 4
LOCATIVE = frozenset({"in", "near", "at", "from", "outside", "inside", "across"})
#: Titles that lead whatever organisation follows them: "president of the Riigikogu" is LEG.
LEADERSHIP = frozenset({"president", "chairman", "chairwoman", "chair", "head", "leader", "director",
                        "secretary general", "speaker", "chief", "member", "members", "spokesman",
                        "spokeswoman", "spokesperson"})
PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})
#: PETRARCH's and PLOVER's codes for international bodies in the country field.
INTERNATIONAL = frozenset({"IGO", "NGO"})
#: A multi-word name within this rapidfuzz ratio of a KB alias is that entity: 92 accepts
#: 'Vladimir Poutin' (97) and 'Mohammed'/'Mohamed', and rejects different people sharing a surname.
FUZZY_NAME_CUTOFF = 92
#: Place words: one edit (a transposition counts as one: Dehli -> Delhi, Kazahk -> Kazakh) in up to
#: 8 letters, two in longer words; same first letter ('Plans' is not 'Poland').
FUZZY_PLACE_CUTOFF = 0.79  # one edit in five letters is 0.8, less a hair for float rounding
FUZZY_MIN_LENGTH = 5
#: PETRARCH2's CountryInfo snapshot is 2014-01-30; an open-ended office there ("[KENGOV >080301]") is not
#: trusted five years on: most ministers of 2014 had left office by 2019 (curated rows cover the leaders).
PETRARCH_STALE_AFTER = "2019-01-30"
#: Resolutions kept per cache (by mention and date; by mention, date and sentence country): a year
#: of wire copy repeats far fewer actors.
_CACHE_SIZE = 65536


class _Context:
    """What the sentence around a mention lends it, the country it places things in (None: nothing),
    and whether resolving the mention asked."""

    __slots__ = ("country", "consulted")

    def __init__(self, country: tuple[str, str] | None):
        self.country = country  # (ISO3 code, the words that name it)
        self.consulted = False


@dataclass
class Resolution:
    """How one mention resolved: the actor, what kind of thing it is, and why."""

    actor: Actor
    kind: str                     # person, organisation, seat, country, capital, city, region, role, group
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**self.actor.to_dict(), "kind": self.kind, "reasons": list(self.reasons),
                "score": round(self.score, 3)}


@dataclass
class _Match:
    start: int
    end: int
    kind: str                     # entity | place | role | modifier
    key: str
    value: Any


def today() -> str:
    return dt.date.today().isoformat()


def _covers(role: Role, date: str) -> bool:
    if role.end is None and role.source.startswith("petrarch2") and role.sectors and date > PETRARCH_STALE_AFTER:
        return False
    return role.covers(date)


def role_at(entity: Entity, date: str) -> tuple[Role | None, str]:
    """The role an entity holds at `date`, and a reason. Curated roles outrank PETRARCH's for their dates."""
    active = [r for r in entity.roles if _covers(r, date)]
    curated = [r for r in active if r.source.startswith("curated") or r.source.startswith("overlay")]
    pick = curated or active
    if pick and not curated and entity.curated and entity.kind == "person":
        known = [r for r in entity.roles if r.source.startswith(("curated", "overlay"))]
        if any(r.start is None or r.start <= date for r in known):
            pick = []  # curated history covers this date and shows no office: PETRARCH's 2014 role is stale
    if pick:
        role = max(pick, key=lambda r: (r.start or "", "GOV" in r.sectors))
        span = f"{role.start or '...'} to {role.end or 'open'}"
        return role, f"role at {date}: {role.country} {'/'.join(role.sectors) or '-'} ({span}; {role.source})"
    if entity.kind != "person":
        nearest = min(entity.roles, default=entity.default,
                      key=lambda r: abs(_days(r.end or r.start or date) - _days(date)))
        return nearest, f"no role dated {date}: nearest known role"
    ended = [r for r in entity.roles if (r.end and r.end < date or not _covers(r, date) and not r.end
                                         and (r.start or "") < date) and r.sectors]
    if ended:
        last = max(ended, key=lambda r: r.end or PETRARCH_STALE_AFTER)
        until = last.end or f"unverified after {PETRARCH_STALE_AFTER}"
        return Role(last.country, ["ELI"], last.end, None, None, last.source), (
            f"out of office at {date} (last role ended {until}): former official -> ELI")
    if entity.default is not None:
        return entity.default, f"no role dated {date}: undated default ({entity.default.source})"
    first = entity.roles[0] if entity.roles else None
    if first is None:
        return None, "no role"
    return Role(first.country, [], None, None, None, first.source), f"no role yet at {date}"


@lru_cache(maxsize=1024)
def _mid(date: str) -> str:
    """A date of month or year precision stands for the middle of that period ('2020' -> '2020-07-01')."""
    date = date[:10]
    if re.fullmatch(r"\d{4}", date):
        return f"{date}-07-01"
    if re.fullmatch(r"\d{4}-\d{2}", date):
        return f"{date}-15"
    return date


def _days(date: str) -> int:
    try:
        return dt.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return 0


class ActorResolver:
    """Mention -> Resolution, over a loaded KnowledgeBase (load() reads the shipped one)."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        # most mentions resolve the same in any sentence: those are kept once per (mention, date);
        # one whose resolution asks what country its sentence is in is kept per such country too
        self._resolve_anywhere = lru_cache(maxsize=_CACHE_SIZE)(self._anywhere_uncached)
        self._resolve_in = lru_cache(maxsize=_CACHE_SIZE)(self._in_context_uncached)
        self._fuzzy_names: _NameIndex | None = None
        self._role_starts = frozenset(k.split()[0] for k in kb.role_words) | frozenset(kb.modifiers)
        self._fuzzy_places: list[str] | None = None
        self._extensions: dict[str, list[str]] | None = None  # alias key -> keys one word longer
        self._surnames: dict[str, list[int]] | None = None    # surname -> curated persons
        self._stems: set[str] | None = None                   # word runs that begin a longer key

    @classmethod
    def load(cls, overlay: Path | None = None) -> "ActorResolver":
        kb = load_kb()
        if overlay is not None:
            kb.apply_overlay(Path(overlay))
        return cls(kb)

    def new_memory(self) -> "Coref":
        from dateline.actors.coref import Coref

        return Coref()

    # ------------------------------------------------------------------ public API
    def resolve(self, text: str, date: str | None = None, context: str | None = None) -> Resolution | None:
        """One mention -> its best Resolution, or None when nothing in it is an actor."""
        if not text or not text.strip():
            return None
        text, given = text.strip(), _mid(date) if date else None
        found, contextual = self._resolve_anywhere(text, given)
        if contextual and context:
            place = self._context_country(context)
            if place is not None:  # a sentence that names no place changes nothing
                found = self._resolve_in(text, given, place)
        if found is None:
            return None
        # a copy: the cached Resolution must not change when a caller sets offsets on its actor
        return Resolution(replace(found.actor, sectors=list(found.actor.sectors)), found.kind,
                          list(found.reasons), found.score)

    def resolve_all(self, text: str, date: str | None = None, context: str | None = None,
                    memory: "Coref | None" = None) -> list[Resolution]:
        """A possibly compound mention ("Putin and Erdogan") -> one Resolution per actor."""
        parts = _split_compound(text)
        if len(parts) > 1 and self._names_with_and(text):
            parts = [text]
        if memory is not None and len(parts) == 1:
            recalled = memory.recall(text, self, date)
            if recalled is not None:
                return [recalled]
        resolved = [self.resolve(part, date, context) for part in parts]
        if len(parts) > 1 and any(r is None for r in resolved):
            # one side codes nothing ('men and women', 'Trinidad and Tobago'): the mention is one actor
            resolved = [self.resolve(text, date, context)]
        if len(parts) > 1:
            # "Hungarian and Romanian officials": a bare nationality takes the shared head noun's sectors
            heads = [r for r in resolved if r is not None and r.actor.sectors]
            for i, res in enumerate(resolved):
                if res is not None and not res.actor.sectors and res.kind in ("country", "demonym") and heads:
                    head = heads[-1]
                    actor = replace(res.actor, sectors=list(head.actor.sectors))
                    resolved[i] = Resolution(actor, "group", [*res.reasons,
                                             f"shares the head noun of '{head.actor.text}'"], res.score)
        return [r for r in resolved if r is not None]

    def _names_with_and(self, text: str) -> bool:
        """True when 'and' is inside a known name ('Trinidad and Tobago', 'Bosnia and Herzegovina')."""
        toks = [t.lower() for t in _cased_tokens(text)]
        for j, tok in enumerate(toks):
            if tok != "and":
                continue
            for i in range(max(0, j - 6), j):
                for k in range(j + 2, min(len(toks), j + 7) + 1):
                    window = " ".join(toks[i:k])
                    if window in self.kb.aliases or window in self.kb.places:
                        return True
        return False

    def resolve_span(self, span: "Span", date: str | None = None, memory: "Coref | None" = None) -> list[Resolution]:
        """A spaCy span -> Resolutions, using its tokens for pronouns, compounds and appositions.

        With `memory`, what resolves is also observed there (the document's mentions in the order the
        caller walks them), so a later 'he' or 'the Kremlin spokesman' can find it.
        """
        text = span_text(span)
        first = span[0]
        if len(span) == 1 and first.pos_ == "PRON":
            if memory is None:
                return []
            recalled = memory.recall(text, self, date)
            return [self._placed(recalled, span)] if recalled is not None else []
        # the sentence lends a place ("militants ... near Idlib") when the mention names no country
        sentence = span_text(sentence_of(first)) if span.doc.has_annotation("SENT_START") else None
        results = [self._placed(res, span) for res in self.resolve_all(text, date, sentence, memory)]
        if memory is not None:
            for res in results:
                memory.observe(res)
        return results

    @staticmethod
    def _placed(res: Resolution, span: "Span") -> Resolution:
        """A copy of `res` with document offsets: the part of the span it resolved, else the span."""
        local = span_text(span).find(res.actor.text)
        start = span.start_char + local if local >= 0 else span.start_char
        end = start + len(res.actor.text) if local >= 0 else span.end_char
        return Resolution(replace(res.actor, start=start, end=end, sectors=list(res.actor.sectors)),
                          res.kind, list(res.reasons), res.score)

    # ------------------------------------------------------------------ matching
    def _matches(self, toks: list[str], cased: list[str]) -> list[_Match]:
        """Known keys in the mention, left to right, each the longest that starts at its word."""
        if self._stems is None:
            # every run of words that begins a longer key: a window grows only while it is one
            # (most words begin no key, "the" begins thousands, and only a few of them go on)
            stems: set[str] = set()
            for table in (self.kb.aliases, self.kb.places, self.kb.role_words, self.kb.modifiers):
                for k in table:
                    words = k.split(" ")
                    stems.update(" ".join(words[:n]) for n in range(1, len(words)))
            self._stems = stems
        stems = self._stems
        out: list[_Match] = []
        i = 0
        while i < len(toks):
            best: _Match | None = None
            k = ""
            for j in range(i, len(toks)):
                if toks[j] == ",":
                    break
                k = toks[j] if j == i else f"{k} {toks[j]}"
                best = self._key_match(k, toks, cased, i, j + 1) or best
                if k not in stems:
                    break
            if best is None:
                i += 1
                continue
            out.append(best)
            i = best.end
        return out

    def _key_match(self, k: str, toks: list[str], cased: list[str], i: int, j: int) -> _Match | None:
        """The window toks[i:j] (joined: `k`) as an alias, place, role word or modifier, if it is one."""
        kb = self.kb
        candidates = [k, k[:-1]] if k.endswith("s") and len(k) > 4 else [k]  # Russians -> russian
        for cand in candidates:
            if cand in kb.aliases and self._alias_allowed(cand, cased[i:j]) and (
                    j - i > 1 or self._alone_allowed(toks, cased, i, j)):
                return _Match(i, j, "entity", cand, kb.aliases[cand])
            if cand in kb.places and self._place_allowed(kb.places[cand], toks, cased, i, j):
                return _Match(i, j, "place", cand, kb.places[cand])
            if cand == k and cand in kb.role_words:
                return _Match(i, j, "role", cand, kb.role_words[cand])
            if cand == k and cand in kb.modifiers:
                return _Match(i, j, "modifier", cand, kb.modifiers[cand])
        return None

    def _alias_allowed(self, k: str, cased: list[str]) -> bool:
        if k in CASE_SENSITIVE or k in self.kb.case_sensitive or (len(k) <= 3 and " " not in k and k in self.kb.role_words):
            return all(tok.isupper() for tok in cased)
        if " " not in k and k in self.kb.role_words:
            return False  # 'police', 'army' as a single word is a role word, not an organisation
        # proper names are capitalised in running text; an all-lower-case mention is a common noun
        return any(tok[:1].isupper() or tok[:1].isdigit() for tok in cased)

    def _alone_allowed(self, toks: list[str], cased: list[str], i: int, j: int) -> bool:
        """A one-word name inside an unknown capitalised phrase is part of another name: 'Olive Branch'."""
        neighbours = [cased[k] for k in (i - 1, j) if 0 <= k < len(cased)]
        return not any(n[:1].isupper() and n.lower() not in self._role_starts and n.lower() not in PREPOSITIONS
                       and n.lower() not in ("the", "a", "an") and n.lower() not in self.kb.places
                       and n.lower() not in self.kb.aliases for n in neighbours)

    def _place_allowed(self, place: list[Any], toks: list[str], cased: list[str], i: int, j: int) -> bool:
        if place[1] in ("country", "demonym"):  # 'area' (a PETRARCH synonym) must be capitalised
            return any(tok[:1].isupper() for tok in cased[i:j]) or len(toks) == j - i
        if not any(tok[:1].isupper() for tok in cased[i:j]):
            return False
        # a town next to an unknown capitalised word is a personal name: 'Leon Bobb', 'Douglas Paul';
        # a region only after one ('Massachusetts Institute' names an organisation's home)
        sides = (i - 1,) if place[1] in ("area", "region") else (i - 1, j)
        neighbours = [cased[k] for k in sides if 0 <= k < len(cased)]
        return not any(n[:1].isupper() and n.lower() not in self._role_starts
                       and n.lower() not in PREPOSITIONS and n.lower() not in ("the", "a", "an")
                       for n in neighbours)

    def clear_caches(self) -> None:
        """Forget every resolution made so far (the benchmark times uncached look-ups)."""
        self._resolve_anywhere.cache_clear()
        self._resolve_in.cache_clear()
        self._context_country.cache_clear()
        self._nearest_name.cache_clear()
        self._nearest_place.cache_clear()

    # ------------------------------------------------------------------ composition
    def _anywhere_uncached(self, text: str, given: str | None) -> tuple[Resolution | None, bool]:
        """The resolution without a sentence, and whether a sentence could have changed it."""
        context = _Context(None)
        return self._resolve_uncached(text, given, context), context.consulted

    def _in_context_uncached(self, text: str, given: str | None, place: tuple[str, str]) -> Resolution | None:
        return self._resolve_uncached(text, given, _Context(place))

    def _resolve_uncached(self, text: str, given: str | None, context: _Context) -> Resolution | None:
        date = given or today()
        segments = [s.strip() for s in re.split(r",|\(|\)", text) if s.strip()]
        if len(segments) > 1:
            parts = [self._resolve_segment(s, date, context, given is not None) for s in segments]
            found = [p for p in parts if p is not None]
            if not found:
                return None
            best = max(found, key=lambda r: (r.kind in ("person", "organisation", "seat"), r.score))
            if best.actor.country is None:
                donor = next((p for p in found if p.actor.country), None)
                if donor is not None:
                    best = Resolution(replace(best.actor, country=donor.actor.country), best.kind,
                                      [*best.reasons, f"country from apposition '{donor.actor.text}'"],
                                      best.score)
            return Resolution(replace(best.actor, text=text), best.kind, best.reasons, best.score)
        return self._resolve_segment(text, date, context, given is not None)

    def _resolve_segment(self, text: str, date: str, context: _Context, dated: bool = True
                         ) -> Resolution | None:
        cased = _cased_tokens(text)
        toks = [t.lower() for t in cased]
        if not toks:
            return None
        if len(toks) == 1 and toks[0] in PRONOUNS:
            return None  # a pronoun needs the document's memory (resolve_span)
        matches = self._matches(toks, cased)
        reasons: list[str] = []
        score_penalty = 0.0
        if not any(m.kind in ("entity", "place", "role") for m in matches):
            fuzzy = self._fuzzy(text, toks, cased)
            if fuzzy is None:
                return None
            matches, note = fuzzy
            reasons.append(note)
            score_penalty = 0.15
        if not any(m.kind in ("entity", "place") for m in matches):
            located = self._fuzzy_place(toks, cased, matches)
            if located is not None:
                matches, note = located
                reasons.append(note)
                score_penalty = 0.15
        surnamed = self._titled_surname(matches, toks, cased, date) if dated else None
        if surnamed is not None:
            matches = sorted([*matches, surnamed[0]], key=lambda m: m.start)
            reasons.append(surnamed[1])
        boundary = next((i for i, t in enumerate(toks) if t in PREPOSITIONS and i > 0), len(toks))
        head = [m for m in matches if m.start < boundary]
        tail = [m for m in matches if m.start >= boundary]
        located_only = False
        if not any(m.kind in ("entity", "place", "role") for m in head):
            head, tail = tail, []
            located_only = True  # "an amusement park in Kabul": only where the actor is is known
        former = any(m.kind == "modifier" and m.value == "FORMER" for m in head) or any(
            m.kind == "role" and "ELI" in m.value for m in head)
        extra = [m.value for m in head if m.kind == "modifier" and m.value != "FORMER"]

        for idx, m in enumerate(head):
            if m.kind == "entity" and m.key in self.kb.role_words and any(
                    p.kind == "place" and p.end <= m.start for p in head):
                # "Chile's Defense Department": a generic office of the named country, not the Pentagon
                head[idx] = _Match(m.start, m.end, "role", m.key, self.kb.role_words[m.key])
        content = [m for m in head if m.kind in ("entity", "place", "role")]
        if content and content[-1].kind == "place" and content[-1].value[1] == "country" and any(
                m.kind == "entity" for m in content[:-1]):
            head = [m for m in head if m.kind != "entity"]  # "NATO-member Norway": Norway is the actor
        entities = [m for m in head if m.kind == "entity"]
        roles = [m for m in head if m.kind == "role"]
        places = [m for m in head if m.kind == "place"]
        tail_countries = [m for m in tail if m.kind == "place" and m.value[1] in ("country", "demonym", "area")]
        named = tail_countries[0].value[0] if tail_countries else None
        persons = [(m, self._pick(m, date, context, named)) for m in entities]
        if named is not None:
            persons = [self._namesake_of(m, e, named) for m, e in persons]
        person = next(((m, e) for m, e in reversed(persons) if e.kind == "person"), None)

        country: str | None = None
        sectors: list[str] = []
        name: str | None = None
        kind = "role"
        score = 0.6

        if person is not None:
            match, entity = person
            role, why = role_at(entity, date)
            reasons.append(f"KB entry '{entity.name}' ({entity.source}) via alias '{match.key}'")
            reasons.append(why)
            country = (role.country if role else None) or entity.country  # an undated default may lack one
            sectors = list(role.sectors) if role else []
            name, kind, score = entity.name, "person", 0.95
            bodies = [(m, e) for m, e in persons if e.kind != "person" and m.end <= match.start
                      and e.country in INTERNATIONAL]
            if bodies and country not in INTERNATIONAL and not former and bodies[-1][0].end < match.start:
                # "U.N. mediator Diego Cordovez": the title says whom he acts for here
                body = bodies[-1][1]
                body_role, _ = role_at(body, date)
                country = body.country
                sectors = list(body_role.sectors) if body_role and body_role.sectors else []
                reasons.append(f"acts as an official of '{body.name}' -> {country}")
            titles = [r for r in roles if r.end <= match.start and r.value and "ELI" not in r.value]
            words = match.key.split()
            for n in range(min(3, len(words) - 1), 0, -1):  # a title inside the alias: 'president bush'
                for i in range(0, len(words) - n):
                    prefix = " ".join(words[i:i + n])
                    found = self.kb.role_words.get(prefix)
                    if found and "ELI" not in found and prefix in self.kb.titles:
                        titles.append(_Match(match.start, match.start, "role", prefix, found))
            # with a date, only an unsure "out of office" yields to the title: PETRARCH's open-ended role
            # past 2019 or its undated default, not a term the KB knows to have ended
            unsure = role is None or (not entity.curated and role.start is None)
            if titles and not former and (not dated or unsure) and sectors in ([], ["ELI"]):
                # "President Bush" with no date to check: the writer calls him president, so he is one
                sectors = list(titles[-1].value)
                reasons.append(f"title '{titles[-1].key}' in the mention -> {'/'.join(sectors)}"
                               + ("" if dated else " (no date given to check the term against)"))
        elif entities:
            match, entity = persons[-1]
            role, why = role_at(entity, date)
            reasons.append(f"KB entry '{entity.name}' ({entity.kind}, {entity.source}) via alias '{match.key}'")
            reasons.append(why)
            country = (role.country if role else None) or entity.country  # an undated default may lack one
            sectors = list(role.sectors) if role else []
            name, kind, score = entity.name, entity.kind, 0.9
            after = [r for r in roles if r.start >= match.end and r.value]
            for r in after:  # "Boko Haram gunmen", "Kremlin press service": the group's sectors lead
                sectors += [s for s in r.value if s not in sectors]
                reasons.append(f"role word '{r.key}' adds {'/'.join(r.value)}")
        elif roles:
            head_role = next((r for r in reversed(roles) if r.value), None)
            tail_roles = [m for m in tail if m.kind == "role" and m.value]
            if not roles[-1].value and tail_roles:
                head_role = tail_roles[0]  # "a member of the Syrian parliament" -> the parliament's LEG
            tail_orgs = [m for m in tail if m.kind == "entity"]
            if roles[-1].key in LEADERSHIP and tail_orgs:
                org = self._pick(tail_orgs[0], date, context)
                org_role, _ = role_at(org, date)
                if org_role is not None and org_role.sectors and org.kind != "person":
                    # "president of the Riigikogu" leads the parliament: LEG, not the executive
                    head_role = _Match(tail_orgs[0].start, tail_orgs[0].end, "role", tail_orgs[0].key,
                                       list(org_role.sectors))
            if head_role is not None:
                sectors = list(head_role.value)
                reasons.append(f"role word '{head_role.key}' -> {'/'.join(sectors)}")
            else:
                reasons.append(f"person noun '{roles[-1].key}' takes its modifier's sectors")
            kind, score = "role", 0.7
        if places and (kind == "role" or country is None):
            place = places[-1] if kind != "role" else _country_place(places)
            country = country or place.value[0]
            reasons.append(f"{place.value[1]} '{place.key}' -> {place.value[0]}")
            if not entities and not roles:
                kind = "country" if place.value[1] == "area" else place.value[1]
                name = place.value[2]
                score = 0.85
                if kind == "capital" and not located_only:
                    sectors = ["GOV"]
                    reasons.append("a seat of government stands for its government (metonymy) -> GOV")
                elif kind in ("city", "capital"):
                    sectors = ["CVL"]
                    reasons.append("a city as an actor stands for its population -> CVL")
            else:
                score = max(score, 0.85)
        if kind == "role" and roles and not former and any(r.key in self.kb.titles for r in roles):
            if not sectors:
                sectors = ["GOV"]  # "the Russian leader": a title of office
                reasons.append(f"title '{roles[-1].key}' -> GOV")
            holder = self._office_holder(roles, country, date) if country else None
            if holder is not None:
                name, kind = holder, "person"
                reasons.append(f"office holder at {date}: {holder}")
        if kind == "role" and country is not None and sectors[:1] == ["MIL"] and name is None:
            force = self._holder(f"{country} military", date)
            if force is not None:  # "36 Turkish soldiers" belong to the Turkish Armed Forces
                name = force
                reasons.append(f"national armed forces at {date}: {force}")
        if kind == "role" and country is not None and not sectors and not extra:
            kind = "group"  # "Two Russians": a nationality and a noun that codes nothing
        for value in extra:
            if value not in sectors:
                if sectors and value in ("MIL", "GOV") and kind != "role":
                    continue  # "military" before a named org: already coded
                sectors = [value, *sectors] if value in ("CVL", "OPP") and kind in ("demonym", "country", "group") \
                    else [*sectors, value]
                reasons.append(f"modifier adds {value}")
        if former and kind not in ("country", "demonym", "capital", "city", "region", "territory"):
            sectors = ["ELI"]
            reasons.append("'former' office holder -> ELI")
        if kind == "demonym" and boundary < len(toks) and toks[boundary] == "of" and tail_countries:
            # "the Albanians of southern Serbia": a people named by where they live; that country is theirs
            country = tail_countries[0].value[0]
            name = None  # still a people (kind demonym): only their country changes
            reasons.append(f"a people 'of' {tail_countries[0].key} -> {country}")
        if country is None and tail:
            tail_places = [m for m in tail if m.kind == "place"]
            if tail_places:
                tail = [_country_place(tail_places)]
            for m in tail:
                if m.kind == "place":
                    country = m.value[0]
                    reasons.append(f"country from '{m.key}' after the head noun")
                    break
                if m.kind == "entity":
                    entity = self._pick(m, date, context)
                    role, _ = role_at(entity, date)
                    country = (role.country if role else None) or entity.country  # an undated default may lack one
                    if not sectors or roles and not roles[-1].value:
                        sectors = list(role.sectors) if role else sectors
                    reasons.append(f"of '{entity.name}' -> {country}")
                    break
        if not sectors and not country and kind == "role" and not roles:
            return None
        if country is None and kind in ("role", "group", "organisation", "person"):
            context.consulted = True
            ctx = context.country
            if ctx is not None:
                country = ctx[0]
                reasons.append(f"country from context: {ctx[1]}")
                score -= 0.1
        if country is None and not sectors:
            return None
        actor = Actor(text=text, name=name, country=country, sectors=sectors)
        return Resolution(actor, kind, reasons, max(0.05, score - score_penalty))

    def _pick(self, match: _Match, date: str, context: _Context, named: str | None = None) -> Entity:
        """Among entities sharing an alias: the country the mention names ('... of Morocco'), the context's
        country, then one active at the date, curated first."""
        ents = [self.kb.entities[i] for i in match.value]
        if len(ents) == 1:
            return ents[0]
        context.consulted = True
        ctx = context.country

        def rank(e: Entity) -> tuple:
            active = any(r.covers(date) for r in e.roles) or e.default is not None
            return (named is not None and e.country == named, ctx is not None and e.country == ctx[0],
                    active, e.curated, len(e.roles))
        return max(ents, key=rank)

    def _titled_surname(self, matches: list[_Match], toks: list[str], cased: list[str], date: str
                        ) -> tuple[_Match, str] | None:
        """'Deputy Secretary Hicks': a title, then one unknown capitalised word that is the surname of
        exactly one curated person holding an office at the date (curated roles have trusted dates)."""
        if any(m.kind == "entity" for m in matches) or not matches:
            return None
        last = matches[-1]
        i = last.end
        if last.kind != "role" or i != len(toks) - 1 or not cased[i][:1].isupper() or len(toks[i]) < 3:
            return None
        if self._surnames is None:
            index: dict[str, list[int]] = {}
            for ident in self.kb.entities.curated_ids():
                entity = self.kb.entities[ident]
                if entity.kind == "person":
                    index.setdefault(key(entity.name).split()[-1], []).append(ident)
            self._surnames = index
        holders = [ident for ident in self._surnames.get(toks[i], [])
                   if any(r.sectors and r.source.startswith(("curated", "overlay")) and r.covers(date)
                          for r in self.kb.entities[ident].roles)]
        if len(holders) != 1:
            return None
        entity = self.kb.entities[holders[0]]
        return _Match(i, i + 1, "entity", toks[i], holders), (
            f"title and surname '{cased[i]}' -> the one office holder of that name at {date}: {entity.name}")

    def _namesake_of(self, match: _Match, entity: Entity, country: str) -> tuple[_Match, Entity]:
        """'King Hassan of Morocco': when the alias names someone of another country, a longer alias of a
        person of the named country ('Hassan II') is meant; else the first reading stands."""
        if entity.kind != "person" or entity.country == country:
            return match, entity
        if self._extensions is None:
            index: dict[str, list[str]] = {}
            for k in self.kb.aliases:
                if " " in k:
                    head, _, _ = k.rpartition(" ")
                    index.setdefault(head, []).append(k)
            self._extensions = index
        for longer in sorted(self._extensions.get(match.key, [])):
            for ident in self.kb.aliases[longer]:
                other = self.kb.entities[ident]
                if other.kind == "person" and other.country == country:
                    return _Match(match.start, match.end, "entity", longer, [ident]), other
        return match, entity

    def _office_holder(self, roles: list[_Match], country: str, date: str) -> str | None:
        for r in reversed(roles):
            office = self.kb.titles.get(r.key)
            holder = self._holder(f"{country} {office}", date) if office else None
            if holder is not None:
                return holder
        return None

    def _holder(self, office: str, date: str) -> str | None:
        """Who held `office` ('RUS leader', 'TUR military') at `date`: the latest to take it up."""
        current = [(start or "", ident) for ident, start, end in self.kb.offices.get(office, [])
                   if (start is None or start <= date) and (end is None or date <= end)]
        return self.kb.entities[max(current)[1]].name if current else None

    @lru_cache(maxsize=4096)
    def _context_country(self, context: str) -> tuple[str, str] | None:
        """The country a context names. A short hint ('Mexican') counts whole; in a sentence only a place
        after 'in', 'near', 'at' or 'from' counts, since nationalities there describe other actors."""
        cased = _cased_tokens(context)
        toks = [t.lower() for t in cased]
        if len(toks) > SHORT_CONTEXT and LOCATIVE.isdisjoint(toks[:-1]):
            return None  # no locative word with a word after it: nothing below could count
        matches = self._matches(toks, cased)
        if len(toks) > SHORT_CONTEXT:
            for m in matches:
                if m.kind == "place" and m.start > 0 and toks[m.start - 1] in LOCATIVE:
                    return m.value[0], m.key
                if m.kind == "place" and m.start > 1 and toks[m.start - 1] == "the" and toks[m.start - 2] in LOCATIVE:
                    return m.value[0], m.key
            return None
        for m in matches:
            if m.kind == "place":
                return m.value[0], m.key
            if m.kind == "entity":
                entity = self.kb.entities[m.value[0]]
                if entity.country and entity.kind in ("organisation", "seat"):
                    return entity.country, m.key
        return None

    # ------------------------------------------------------------------ fuzzy fallback
    def _fuzzy(self, text: str, toks: list[str], cased: list[str]) -> tuple[list[_Match], str] | None:
        words = [t for t in toks if t not in PREPOSITIONS and t not in ("the", "a", "an", "'s")]
        if not words:
            return None
        kb = self.kb
        if len(words) >= 2 and all(tok[:1].isupper() for tok in cased if tok.lower() in words):
            query = " ".join(words)
            hit = self._nearest_name(query)
            if hit is not None:
                k, score = hit
                return [_Match(0, len(toks), "entity", k, kb.aliases[k])], (
                    f"fuzzy name match '{query}' ~ '{k}' ({score:.0f})")
        return self._fuzzy_place(toks, cased, [])

    @lru_cache(maxsize=4096)
    def _nearest_name(self, query: str) -> tuple[str, float] | None:
        """The multi-word alias most like `query` (ties: the first in alphabetical order), if any
        reaches FUZZY_NAME_CUTOFF."""
        if self._fuzzy_names is None:
            self._fuzzy_names = _NameIndex(k for k in self.kb.aliases if " " in k and len(k) >= 8)
        return self._fuzzy_names.nearest(query, FUZZY_NAME_CUTOFF)

    @lru_cache(maxsize=4096)
    def _nearest_place(self, query: str) -> tuple[str, float] | None:
        """The state, nationality or capital `query` nearly spells: same first letter, one edit in
        up to 8 letters (two in longer words)."""
        hit = process.extractOne(query, self._fuzzy_places, scorer=OSA.normalized_similarity,
                                 score_cutoff=FUZZY_PLACE_CUTOFF)
        if hit is not None and hit[0][0] == query[0] and OSA.distance(query, hit[0]) <= 1 + len(query) // 8:
            return hit[0], hit[1]
        return None

    def _fuzzy_place(self, toks: list[str], cased: list[str], matches: list[_Match]):
        """One unknown capitalised word that is nearly a place name ('Dehli police', 'Kazahks')."""
        kb = self.kb
        covered = {i for m in matches for i in range(m.start, m.end)}
        unknown = [i for i, tok in enumerate(cased) if tok[:1].isupper() and i not in covered
                   and toks[i] not in PREPOSITIONS and toks[i] not in ("the", "a", "an")]
        if len(unknown) != 1:  # two unknown capitalised words are a name, not a misspelt place
            return None
        if self._fuzzy_places is None:
            # only names of states and their capitals: towns are too many and too close to surnames
            self._fuzzy_places = sorted(k for k, v in kb.places.items() if " " not in k
                                        and len(k) >= FUZZY_MIN_LENGTH and v[1] in ("country", "demonym", "capital"))
        out: list[_Match] = []
        notes = []
        for i in unknown:
            tok = toks[i]
            if len(tok) < FUZZY_MIN_LENGTH:
                continue
            query = tok[:-1] if tok.endswith("s") else tok  # Kazahks -> kazahk ~ kazakh
            if len(query) < FUZZY_MIN_LENGTH:
                continue
            hit = self._nearest_place(query)
            if hit is not None:
                out.append(_Match(i, i + 1, "place", hit[0], kb.places[hit[0]]))
                notes.append(f"'{tok}' ~ '{hit[0]}' ({hit[1]:.2f})")
        if not out:
            return None
        out += [m for m in self._matches(toks, cased) if m.kind in ("role", "modifier")]
        out.sort(key=lambda m: m.start)
        return out, "fuzzy place match " + ", ".join(notes)


class _NameIndex:
    """Names to find the nearest of by rapidfuzz's ratio, with the few that can reach a cutoff
    told apart first.

    The ratio is 100 * (1 - edits / (len(a) + len(b))), where an insertion or a deletion is one
    edit. Each edit changes the count of one character by one, so the gap between two names'
    character counts is never more than their edits: names too far apart in length or letters
    cannot reach the cutoff and are not scored. Scoring all 29,000 multi-word aliases took 1.7 ms
    a mention, and about 2 ms inside the pipeline, where they had left the CPU's caches.
    """

    ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 ',"

    def __init__(self, names):
        self.names = sorted(names, key=lambda name: (len(name), name))
        self.lengths = numpy.array([len(name) for name in self.names], dtype=numpy.int64)
        # every name's character counts at once (a loop over 29,000 names took 0.2 s, on the first
        # fuzzy look-up of a run): each character's slot, counted per (name, slot)
        slots = len(self.ALPHABET) + 1
        table = numpy.full(128, slots - 1, dtype=numpy.int64)  # any other character: the last slot
        table[[ord(ch) for ch in self.ALPHABET]] = numpy.arange(slots - 1)
        codes = numpy.frombuffer("".join(self.names).encode("utf-32-le"), dtype=numpy.uint32)
        slot = numpy.where(codes < 128, table[numpy.minimum(codes, 127)], slots - 1)
        owner = numpy.repeat(numpy.arange(len(self.names)), self.lengths)
        self.counts = numpy.bincount(owner * slots + slot, minlength=len(self.names) * slots).reshape(
            len(self.names), slots).astype(numpy.int16)
        # which characters a name holds, one bit each: a character one name has and the other lacks
        # is at least one edit, and bits compare 40 characters in one instruction
        bits = numpy.left_shift(numpy.uint64(1), numpy.arange(slots, dtype=numpy.uint64))
        self.masks = ((self.counts > 0) * bits).sum(axis=1, dtype=numpy.uint64)

    @classmethod
    def _counts(cls, text: str) -> list[int]:
        counts = [0] * (len(cls.ALPHABET) + 1)
        for ch in text:
            counts[cls.ALPHABET.find(ch)] += 1  # find() gives -1 for any other character: the last slot
        return counts

    @staticmethod
    def _mask(counts) -> int:
        return sum(1 << i for i, n in enumerate(counts) if n)

    def nearest(self, query: str, cutoff: float) -> tuple[str, float] | None:
        share = 1 - cutoff / 100  # the most edits per character of both names
        low = math.floor(len(query) * (1 - share) / (1 + share))
        high = math.ceil(len(query) * (1 + share) / (1 - share))
        first, last = numpy.searchsorted(self.lengths, [low, high + 1])
        counts = self._counts(query)
        budget = share * (self.lengths[first:last] + len(query)) + 1e-6  # edits each name may differ by
        near = numpy.bitwise_count(self.masks[first:last] ^ numpy.uint64(self._mask(counts))) <= budget
        rows = first + numpy.flatnonzero(near)
        gaps = numpy.abs(self.counts[rows] - numpy.array(counts, dtype=numpy.int16)).sum(axis=1)
        names = sorted(self.names[i] for i in rows[gaps <= budget[rows - first]])
        hits = process.extract(query, names, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
        if not hits:
            return None
        name, score, _ = min(hits, key=lambda hit: (-hit[1], hit[0]))
        return name, score


_CASED = re.compile(r"[A-Za-z0-9]+|'s\b|,")
_US = re.compile(r"\bU\.\s?S\.?(?=\s|$|[^\w.])|\bUS\b")
_DOTS = re.compile(r"(?<=\b[A-Za-z])\.(?=[A-Za-z]\b)|(?<=\b[A-Za-z])\.(?=\s|$)")


def _cased_tokens(text: str) -> list[str]:
    """Like kb.tokens but keeping case, so acronyms and proper names can be told from words."""
    return _CASED.findall(_DOTS.sub("", _US.sub("USA", fold(text))))


def _country_place(places: list[_Match]) -> _Match:
    """The place that names the actor's country: a country or nationality before a city or region."""
    for kind in ("demonym", "country", "area", "capital", "city", "region"):
        for m in places:
            if m.value[1] == kind:
                return m
    return places[-1]


_AND = re.compile(r"\s*(?:,\s*(?:and\s+)?|\band\b|&)\s*", re.IGNORECASE)


def _split_compound(text: str) -> list[str]:
    """'Putin and Erdogan' -> ['Putin', 'Erdogan']; a comma apposition ('FSB, Russia's service') stays whole."""
    if not re.search(r"\band\b|&", text, re.IGNORECASE):
        return [text]
    parts = [p.strip() for p in _AND.split(text) if p and p.strip()]
    return parts if len(parts) > 1 else [text]

