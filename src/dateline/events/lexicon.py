"""Event triggers: PETRARCH2 verb patterns and curated event nouns, matched on a spaCy dependency parse."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from dateline.events.ontology import DATA, Ontology, get_ontology
from dateline.nlp import TIME_ENTS, children

if TYPE_CHECKING:
    from spacy.tokens import Token

#: A confirming cue word near a trigger ("workers" near "strike") adds this much to that reading: less than
#: one pattern element (1.0), so a more specific dictionary pattern still wins, but enough to separate two
#: readings of one noun (strike: ASSAULT 0.9 vs PROTEST 0.85).
CUE_BONUS = 0.3
#: A pattern written for this very verb (its '# VERB' comment) beats the same pattern from a block synonym.
OWN_VERB_BONUS = 0.25
#: A noun that modifies another noun ("aid workers", "protest leaders") names an event less often than
#: a head noun does, but often enough ("bombing suspects") to keep it, at half weight.
COMPOUND_FACTOR = 0.5
#: A pattern's bare preposition ("call * (FOR)") is weaker evidence than a word slot (1.0).
BARE_PREP = 0.25
#: A pattern written for another verb of the synonym block generalises less well than the verb's own:
#: APPREHEND's "TAKE * PART [030]" ("took part") must not outrank "captured part of" as a seizure.
OTHER_VERB_PENALTY = 0.5
#: "carried out a strike": the verb adds one pattern element to the noun's own weight.
LIGHT_VERB_BONUS = 1.0
#: The verb alone scores 1.0; each matched particle of a multi-word verb ("call for") adds this.
PARTICLE_BONUS = 0.5

#: PETRARCH2's synset of weapons: the instruments of an act, which are never its recipient.
INSTRUMENT_SYNSET = "&WEAPON"

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "oprd", "dative", "acomp"})
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "nummod", "poss", "quantmod"})
PARTICLE_DEPS = frozenset({"prt", "advmod", "npadvmod"})
PREP_DEPS = frozenset({"prep", "agent"})
NOUN_POS = frozenset({"NOUN", "PROPN"})
#: A VERB-tagged word in these relations works as a preposition or conjunction ("according to").
FUNCTION_DEPS = frozenset({"prep", "mark", "cc", "case"})
#: Clausal complements that say what is threatened, requested or refused.
COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp"})
#: Dependents that share their head verb's subject ("X attacked and killed", "X agreed to meet").
SUBJECT_SHARING_DEPS = frozenset({"conj", "xcomp", "advcl"})


@dataclass(frozen=True)
class TriggerMatch:
    cameo: str
    type: str
    mode: str | None
    contexts: tuple[str, ...]
    pattern: str      # the dictionary pattern or table row that matched, for evidence
    score: float      # specificity: longer/more specific pattern -> higher
    token_i: int = -1  # doc index of the word naming the event (the noun after a light verb)


@dataclass(frozen=True)
class _Slot:
    """One word position: any of `singles`, or all words of one of `phrases` (synset members)."""

    singles: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]

    def met(self, heads: set[str], words: set[str]) -> bool:
        """Met when a single is a head, or a phrase ends in a head and its other words are nearby."""
        if not self.singles.isdisjoint(heads):
            return True
        return any(ph[-1] in heads and all(w in words for w in ph[:-1]) for ph in self.phrases)

    def keys(self) -> Iterable[str]:
        yield from self.singles
        for ph in self.phrases:
            yield ph[-1]


Element = tuple[_Slot, ...]  # a noun or {noun phrase}: modifiers first, the head slot last


@dataclass(frozen=True)
class _Pattern:
    pre: tuple[Element, ...]
    post: tuple[Element, ...]
    preps: tuple[tuple[str, tuple[Element, ...]], ...]
    code: str
    verb: str
    src: str
    size: float


@dataclass(frozen=True)
class _Block:
    name: str
    index: dict[str, tuple[_Pattern, ...]]


@dataclass(frozen=True)
class _NounRow:
    key: str
    type: str | None
    mode: str | None
    cameo: str
    weight: float


@dataclass(frozen=True)
class _Cue:
    word: str
    type: str
    mode: str | None
    rank: int


@dataclass
class _Words:
    """A phrase's head forms (head and conjuncts) and all its words (modifiers too), lower-case."""

    heads: set[str]
    words: set[str]


@dataclass
class _Scene:
    """The dependency neighbourhood of a trigger word: subject, objects/particles, prepositional phrases."""

    pre: _Words
    post: _Words
    preps: list[tuple[str, _Words]]
    particles: set[str]
    #: The complement's verb and objects ("threatened to close the strait"): cue words for the mode of
    #: types whose mode is the content (THREATEN, REQUEST, REJECT), never pattern words.
    content: set[str] = field(default_factory=set)

    def all_words(self) -> set[str]:
        out = self.pre.words | self.post.words | self.particles
        for prep, words in self.preps:
            out.add(prep)
            out |= words.words
        return out


def _forms(tok: Token, out: set[str]) -> None:
    out.add(tok.text.lower())
    out.add(tok.lemma_.lower())


def _np_words(tok: Token, out: set[str], depth: int = 0) -> None:
    """A noun phrase's head and modifiers ("much-needed financial aid" -> aid, financial, ...)."""
    _forms(tok, out)
    if depth < 3:
        for child in children(tok):
            if child.dep_ in MODIFIER_DEPS:
                _np_words(child, out, depth + 1)


def _add_phrase(tok: Token, into: _Words) -> None:
    """Add a phrase headed by `tok`, with its conjuncts ("soldiers and police") as further heads."""
    for head in (tok, *(c for c in children(tok) if c.dep_ == "conj")):
        _forms(head, into.heads)
        _np_words(head, into.words)


def _prep_phrase(prep: Token) -> tuple[str, _Words] | None:
    """(preposition, its object); None for a time phrase ("on Monday" is not "call on X")."""
    obj = _Words(set(), set())
    for child in children(prep):
        if child.dep_ in ("pobj", "pcomp"):
            if child.ent_type_ in TIME_ENTS:
                return None
            _add_phrase(child, obj)
    return prep.text.lower(), obj


def _subject(verb: Token) -> _Words:
    subj = _Words(set(), set())
    for child in children(verb):
        if child.dep_ in SUBJECT_DEPS:
            _add_phrase(child, subj)
    if not subj.heads and verb.dep_ in SUBJECT_SHARING_DEPS and verb.head.i != verb.i:
        for child in children(verb.head):
            if child.dep_ in SUBJECT_DEPS:
                _add_phrase(child, subj)
    return subj


def _verb_scene(verb: Token) -> _Scene:
    post = _Words(set(), set())
    preps: list[tuple[str, _Words]] = []
    particles: set[str] = set()
    for child in children(verb):
        dep = child.dep_
        if dep in OBJECT_DEPS:
            _add_phrase(child, post)
            preps.extend(p for g in children(child) if g.dep_ == "prep" and (p := _prep_phrase(g)))
        elif dep in PARTICLE_DEPS:
            _forms(child, post.heads)
            _forms(child, post.words)
            particles.add(child.text.lower())
            if any(g.dep_ == "pobj" for g in children(child)):
                # The parser sometimes attaches "called on Muslims" as particle + object.
                phrase = _prep_phrase(child)
                if phrase:
                    preps.append(phrase)
        elif dep in PREP_DEPS:
            phrase = _prep_phrase(child)
            if phrase:
                preps.append(phrase)
                particles.add(child.text.lower())
    content: set[str] = set()
    for child in children(verb):
        if child.dep_ in COMPLEMENT_DEPS and child.pos_ in ("VERB", "AUX"):
            _forms(child, content)
            for grand in children(child):
                if grand.dep_ in OBJECT_DEPS or grand.dep_ == "prt":
                    _np_words(grand, content)
    return _Scene(_subject(verb), post, preps, particles, content)


def _noun_scene(noun: Token) -> _Scene:
    """The noun's modifiers and prepositional phrases, plus the subject of the verb that governs it."""
    own = _Words(set(), set())
    _add_phrase(noun, own)
    preps = [p for c in children(noun) if c.dep_ == "prep" and (p := _prep_phrase(c))]
    governor = noun.head
    if governor.dep_ in PREP_DEPS and governor.head.i != governor.i:
        governor = governor.head
    pre = _Words(set(), set())
    if governor is not noun and governor.pos_ in ("VERB", "AUX"):
        pre = _subject(governor)
        _forms(governor, pre.words)
    return _Scene(pre, own, preps, set())


def _read_tsv(name: str) -> list[dict[str, str]]:
    lines = [ln for ln in DATA.joinpath(name).read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


class Lexicon:
    """Verb patterns (PETRARCH2 CAMEO.2.0), event nouns, light verbs and mode cues, indexed for lookups."""

    def __init__(self, ontology: Ontology, blocks: list[_Block],
                 verbs: dict[str, tuple[tuple[int, str, tuple[str, ...]], ...]],
                 nouns: dict[str, tuple[_NounRow, ...]], support: dict[str, tuple[tuple[str, str], ...]],
                 cues: dict[str, tuple[_Cue, ...]], instruments: frozenset[str] = frozenset()):
        self.ontology = ontology
        self.instruments = instruments
        self._blocks = blocks
        self._verbs = verbs
        self._nouns = nouns
        self._support = support
        self._cues = cues
        # the word a noun row's key is looked up by: "peace talk" -> talk, "state of emergency" -> state
        self._noun_heads = frozenset(k.split(" of ")[0] if " of " in k else k.rsplit(" ", 1)[-1] for k in nouns)

    @classmethod
    def load(cls) -> "Lexicon":
        return _load_lexicon()

    # ------------------------------------------------------------------ public

    def match(self, token: Token) -> list[TriggerMatch]:
        """Readings of `token` as an event trigger, best first; [] when it is not one."""
        if token.ent_type_ in TIME_ENTS:
            return []   # "March", "Thursday"
        # most words name no event: a look-up settles them before any scene of the parse is built
        lemma, text = token.lemma_.lower(), token.text.lower()
        if token.pos_ == "VERB" and token.dep_ not in FUNCTION_DEPS:
            if not (lemma in self._verbs or text in self._verbs or lemma in self._support):
                return []
            found = self._verb_matches(token)
        elif token.pos_ in NOUN_POS:
            if not ({lemma, text, lemma[:-1]} & self._noun_heads):
                return []
            found = self._noun_matches(token, _noun_scene(token))
        else:
            return []
        best: dict[tuple[str, str | None, int], TriggerMatch] = {}
        for m in found:
            key = (m.type, m.mode, m.token_i)
            if key not in best or m.score > best[key].score:
                best[key] = m
        return sorted(best.values(), key=lambda m: (-m.score, m.cameo))

    def is_instrument(self, token: Token) -> bool:
        """A weapon ("fired four shells", "used tear gas"): what an act is done with, never whom to."""
        words = [token.lower_, token.lemma_.lower()]
        modifiers = [c for c in children(token) if c.dep_ in ("compound", "amod") and c.i < token.i]
        if modifiers:
            words.append(" ".join([modifiers[-1].lower_, token.lower_]))
        return any(word in self.instruments for word in words)

    # ------------------------------------------------------------------ verbs

    def _verb_matches(self, verb: Token) -> list[TriggerMatch]:
        lemma = verb.lemma_.lower()
        entries = self._verbs.get(lemma) or self._verbs.get(verb.text.lower())
        scene = _verb_scene(verb)
        out: list[TriggerMatch] = []
        if entries:
            readings = self._petrarch(verb, lemma, entries, scene)
            events = [m for m in readings if m.type]
            if readings and not readings[0].type and readings[0].score > max((m.score for m in events), default=0):
                # The most specific dictionary reading is a non-event ("expressed the hope" -> 013).
                events = []
            out.extend(events)
        out.extend(self._light_verb(verb, lemma, scene))
        return out

    def _petrarch(self, verb: Token, lemma: str, entries, scene: _Scene) -> list[TriggerMatch]:
        """Dictionary readings, most specific first; a non-event reading has type ''."""
        with_particles = [e for e in entries if e[2] and all(p in scene.particles for p in e[2])]
        chosen = with_particles or [e for e in entries if not e[2]]
        keys = scene.all_words()
        cands: list[tuple[float, str, str]] = []
        for block_i, code, particles in chosen:
            block = self._blocks[block_i]
            label = " ".join((lemma, *particles)).upper()
            if code != "---":
                # A bare '---' only says this block codes nothing alone; it must not veto another block.
                cands.append((1.0 + PARTICLE_BONUS * len(particles), code, f"{label} [{code}] ({block.name})"))
            seen: set[int] = set()
            for word in keys:
                for pat in block.index.get(word, ()):
                    if id(pat) in seen:
                        continue
                    seen.add(id(pat))
                    if pat.verb != lemma and pat.verb in self._verbs and not (pat.post or pat.preps):
                        # "&MILITARY * [192]" was written for TAKE: the subject says who acts, and
                        # only the other verb said what was done.
                        continue
                    if _pattern_met(pat, scene):
                        if pat.verb == lemma:
                            bonus = OWN_VERB_BONUS
                        elif pat.verb in self._verbs:
                            bonus = -OTHER_VERB_PENALTY
                        else:
                            bonus = 0.0
                        cands.append((pat.size + bonus, pat.code, f"{label}: {pat.src}"))
        # Equal scores go to the verb's own reading ("captured" is a seizure before "took part").
        own = {self._type_of(code) for _, code, _ in chosen}
        cands.sort(key=lambda c: (-c[0], self._type_of(c[1]) not in own, c[1], c[2]))
        out = []
        for score, code, src in cands:
            reading = self.ontology.from_cameo(code) if code != "---" else None
            if reading is None:
                out.append(TriggerMatch(code, "", None, (), src, score, verb.i))
                continue
            type_, mode, contexts = reading
            out.append(self._with_cues(TriggerMatch(code, type_, mode, tuple(contexts), src, score, verb.i),
                                       scene, verb))
        return out

    def _type_of(self, code: str) -> str:
        reading = self.ontology.from_cameo(code) if code != "---" else None
        return reading[0] if reading else ""

    def _light_verb(self, verb: Token, lemma: str, scene: _Scene) -> list[TriggerMatch]:
        out: list[TriggerMatch] = []
        for particle, via in self._support.get(lemma, ()):
            if particle and particle not in scene.particles:
                continue
            for noun in _objects(verb, via):
                for m in self._noun_matches(noun, _noun_scene(noun)):
                    head = f"{lemma} {particle}".strip()
                    out.append(replace(m, score=m.score + LIGHT_VERB_BONUS, pattern=f"{head} * {m.pattern}"))
        return out

    # ------------------------------------------------------------------ nouns

    def _noun_matches(self, noun: Token, scene: _Scene) -> list[TriggerMatch]:
        lemma = noun.lemma_.lower()
        rows: tuple[_NounRow, ...] = ()
        for child in children(noun):
            if child.dep_ in ("compound", "amod") and child.i < noun.i:
                rows = (self._nouns.get(f"{child.lemma_.lower()} {lemma}")
                        or self._nouns.get(f"{child.text.lower()} {noun.text.lower()}") or ())
                if rows:
                    break
        if not rows:
            for child in children(noun):
                # "state of emergency": the table key names the head and its 'of' object.
                if child.dep_ == "prep" and child.text.lower() == "of":
                    for obj in children(child):
                        rows = rows or self._nouns.get(f"{lemma} of {obj.lemma_.lower()}", ())
        if not rows:
            rows = self._nouns.get(lemma) or self._nouns.get(noun.text.lower()) or ()
        if not rows and lemma.endswith("s"):
            # Headline capitals make the tagger call a plural a proper noun and keep it as the lemma.
            rows = self._nouns.get(lemma[:-1], ())
        factor = COMPOUND_FACTOR if noun.dep_ == "compound" else 1.0
        out = []
        for row in rows:
            if row.type is None:
                return []
            reading = self.ontology.from_cameo(row.cameo)
            contexts = tuple(reading[2]) if reading else ()
            m = TriggerMatch(row.cameo, row.type, row.mode, contexts, f"noun '{row.key}' [{row.cameo}]",
                             row.weight * factor, noun.i)
            out.append(self._with_cues(m, scene, noun))
        return out

    # ------------------------------------------------------------------ cues

    def _with_cues(self, m: TriggerMatch, scene: _Scene, tok: Token) -> TriggerMatch:
        """Set the mode from the first cue of the match's type nearby; any such cue confirms the type."""
        words = scene.all_words() | scene.content
        words.add(tok.text.lower())
        words.add(tok.lemma_.lower())
        best: _Cue | None = None
        for word in sorted(words):      # a set's order changes with the hash seed: ties must not
            for cue in self._cues.get(word, ()):
                if cue.type == m.type and (best is None or (cue.mode and (not best.mode or cue.rank < best.rank))):
                    best = cue
        if best is None:
            return m
        mode, cameo, bonus = m.mode, m.cameo, CUE_BONUS
        if mode is None and best.mode:
            mode = best.mode
            generic = self.ontology.from_cameo(cameo)
            if generic is None or generic[1] is None:
                cameo = self.ontology.default_cameo(m.type, mode)
        elif best.mode and mode != best.mode:
            # The code's own mode disagrees with the words ("warplanes struck positions" [193]).
            bonus = CUE_BONUS / 2
        return replace(m, mode=mode, cameo=cameo, score=m.score + bonus,
                       pattern=f"{m.pattern} +cue '{best.word}'")


def _objects(verb: Token, via: str) -> list[Token]:
    if via == "dobj":
        # The passive subject is the object too: "the attack was carried out by ETA".
        return [c for c in children(verb) if c.dep_ in ("dobj", "obj", "nsubjpass") and c.pos_ in NOUN_POS]
    return [g for c in children(verb) if c.dep_ == "prep" and c.text.lower() == via
            for g in children(c) if g.dep_ == "pobj" and g.pos_ in NOUN_POS]


def _elements_met(elements: tuple[Element, ...], phrase: _Words) -> bool:
    for el in elements:
        if not el[-1].met(phrase.heads, phrase.words):
            return False
        if not all(slot.met(phrase.words, phrase.words) for slot in el[:-1]):
            return False
    return True


def _pattern_met(pat: _Pattern, scene: _Scene) -> bool:
    if not _elements_met(pat.post, scene.post) or not _elements_met(pat.pre, scene.pre):
        return False
    for prep, nouns in pat.preps:
        if not any(p == prep and _elements_met(nouns, obj) for p, obj in scene.preps):
            return False
    return True


# ---------------------------------------------------------------------- loading


def _singulars(word: str) -> list[str]:
    """A dictionary word plus naive singulars, so the pattern word ATTACKS also meets the lemma 'attack'."""
    out = [word]
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        out.append(word[:-1])
    return out


def _slot(word: str, synsets: dict[str, list[str]]) -> _Slot:
    members = synsets[word] if word.startswith("&") else _singulars(word)
    singles = frozenset(m for m in members if " " not in m)
    phrases = tuple(sorted(tuple(m.split()) for m in members if " " in m))
    return _Slot(singles, phrases)


def _element(words: list[str], synsets: dict[str, list[str]]) -> Element:
    return tuple(_slot(w, synsets) for w in words)


def _compile_pattern(raw: dict, synsets: dict[str, list[str]]) -> _Pattern:
    pre = tuple(_element(e, synsets) for e in raw["pre"])
    post = tuple(_element(e, synsets) for e in raw["post"])
    preps = tuple((p, tuple(_element(e, synsets) for e in nouns)) for p, nouns in raw["preps"])
    # One point for the verb, one per word slot and one per preposition with its noun: "- * {AIR RAID}
    # (AGAINST X)" = 5; a bare preposition ("- * (FOR)") adds only BARE_PREP, as it meets many phrases.
    size = 1.0 + sum(len(e) for e in pre + post) + sum(
        (1 + sum(len(e) for e in ns)) if ns else BARE_PREP for _, ns in preps)
    return _Pattern(pre, post, preps, raw["code"], raw["verb"], raw["src"], size)


def _pattern_keys(pat: _Pattern) -> set[str]:
    """Words of which one must be present for the pattern to meet: its first noun slot, else a preposition."""
    for el in pat.post + pat.pre + tuple(e for _, ns in pat.preps for e in ns):
        if el:
            return set(el[0].keys())
    return {pat.preps[0][0]} if pat.preps else set()


@lru_cache(maxsize=1)
def _load_lexicon() -> Lexicon:
    ontology = get_ontology()
    with gzip.open(DATA.joinpath("verbs.json.gz").open("rb")) as fh:
        raw = json.load(fh)
    synsets = raw["synsets"]
    blocks = []
    for b in raw["blocks"]:
        index: dict[str, list[_Pattern]] = {}
        for p in b["patterns"]:
            pat = _compile_pattern(p, synsets)
            for key in _pattern_keys(pat):
                index.setdefault(key, []).append(pat)
        blocks.append(_Block(b["name"], {k: tuple(v) for k, v in index.items()}))
    verbs = {lemma: tuple((b, code, tuple(parts)) for b, code, parts in entries)
             for lemma, entries in raw["verbs"].items()}
    nouns: dict[str, list[_NounRow]] = {}
    for row in _read_tsv("nominal_triggers.tsv"):
        type_ = None if row["type"] == "-" else row["type"]
        nouns.setdefault(row["key"], []).append(
            _NounRow(row["key"], type_, row["mode"] or None, row["cameo"], float(row["weight"])))
    support: dict[str, list[tuple[str, str]]] = {}
    for row in _read_tsv("support_verbs.tsv"):
        support.setdefault(row["verb"], []).append((row["particle"], row["via"]))
    cues: dict[str, list[_Cue]] = {}
    for rank, row in enumerate(_read_tsv("mode_cues.tsv")):
        cues.setdefault(row["word"], []).append(_Cue(row["word"], row["type"], row["mode"] or None, rank))
    return Lexicon(ontology, blocks, verbs, {k: tuple(v) for k, v in nouns.items()},
                   {k: tuple(v) for k, v in support.items()}, {k: tuple(v) for k, v in cues.items()},
                   frozenset(synsets.get(INSTRUMENT_SYNSET, ())))
