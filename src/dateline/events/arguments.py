"""Who did it to whom: actor and recipient tokens of a trigger, read off the dependency parse."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator

import yaml
from spacy.tokens import Span, Token

from dateline.nlp import TIME_ENTS, children, memo, tokens_of

RELATIVE_PRONOUNS = {"which", "that", "who", "whom", "whose"}
#: Children cut from an actor's noun phrase: clauses and prepositional tails say more than who.
PHRASE_CUT = {"relcl", "acl", "advcl", "punct", "prep", "cc", "dep", "parataxis", "appos_clause"}
#: Prepositions that stay inside an actor phrase ("the Ministry of Defence", "forces of Assad").
PHRASE_KEEP_PREPS = {"of"}
NOMINAL = ("NOUN", "PROPN", "PRON")


@dataclass(frozen=True)
class ArgumentCues:
    light_verbs: frozenset[str]
    target_preps: tuple[str, ...]
    agent_preps: frozenset[str]
    object_control: frozenset[str]
    casualties: dict[str, frozenset[str]]
    number_words: dict[str, int]
    reversal_verbs: frozenset[str]
    reversals: dict[str, tuple[str, str | None, str]]
    responses: dict[str, dict[str, tuple[str, str | None, str]]]
    participation: frozenset[str]
    popular_acts: dict[str, tuple[str, str | None, str]]
    state_sectors: frozenset[str]
    expulsions: dict[str, tuple[str, str | None, str]]
    envoy_sectors: frozenset[str]
    motive_nouns: frozenset[str]
    abstract_heads: frozenset[str]
    joint_acts: dict[str, tuple[str, str | None, str]]
    measure_nouns: frozenset[str]
    stative_participles: frozenset[str]
    command_verbs: frozenset[str]
    discharges: frozenset[str]


@lru_cache(maxsize=1)
def argument_cues() -> ArgumentCues:
    data = yaml.safe_load(resources.files("dateline.data.cues").joinpath("arguments.yaml").read_text("utf-8"))
    return ArgumentCues(
        frozenset(data["light_verbs"]), tuple(data["target_prepositions"]), frozenset(data["agent_prepositions"]),
        frozenset(data["object_control"]),
        {kind: frozenset(words) for kind, words in data["casualties"].items()},
        {str(word): int(value) for word, value in data["number_words"].items()},
        frozenset(data["reversal_verbs"]), {key: tuple(value) for key, value in data["reversals"].items()},
        {verb: {key: tuple(value) for key, value in table.items()} for verb, table in data["responses"].items()},
        frozenset(data["participation_verbs"]),
        {verb: tuple(value) for verb, value in data["popular_acts"].items()}, frozenset(data["state_sectors"]),
        {verb: tuple(value) for verb, value in data["expulsions"].items()}, frozenset(data["envoy_sectors"]),
        frozenset(data["motive_nouns"]), frozenset(data["abstract_heads"]),
        {act: tuple(value) for act, value in data["joint_acts"].items()}, frozenset(data["measure_nouns"]),
        frozenset(data["stative_participles"]), frozenset(data["command_verbs"]),
        frozenset(data["discharges"]))


@dataclass
class Argument:
    token: Token
    rule: str          # how it was found, for the evidence


def phrase(head: Token, avoid: Token | None = None) -> Span:
    """The noun phrase an argument head stands for, without its clauses and prepositional tails.

    A phrase never swallows `avoid` (the trigger): when the parse hangs the clause under the noun,
    only the head and the words before it are kept.
    """
    found = memo(head.doc, "phrase")
    key = (head.i, -1 if avoid is None else avoid.i)
    span = found.get(key)
    if span is None:
        span = found[key] = _phrase(head, avoid)
    return span


def _phrase(head: Token, avoid: Token | None) -> Span:
    keep = {head.i}
    stack = [head]
    words = tokens_of(head.doc)
    while stack:
        token = stack.pop()
        for child in children(token):
            if child.i > head.i:
                edge = child.left_edge.i
                if edge > 0 and words[edge - 1].text == "(":
                    continue    # "(ILO)", "(Nation)": a parenthesis glosses the name, it is not part of it
            cut = child.dep_ in PHRASE_CUT and not (child.dep_ == "prep" and child.lower_ in PHRASE_KEEP_PREPS)
            if child.dep_ == "prep" and token.i != head.i:
                cut = False     # "militants loyal to Zarqawi": a modifier keeps its own complement
            if cut and not (child.dep_ == "cc" and token.i == head.i):
                continue
            if child.dep_ == "appos" and any(t.text == "," for t in words[min(token.i, child.i): max(token.i, child.i)]):
                # "Peskov, the Kremlin spokesman," keeps the name; the appositive is coreference
                continue
            keep.add(child.i)
            stack.append(child)
    start, end = min(keep), max(keep) + 1
    doc = head.doc
    if avoid is not None and start <= avoid.i < end:
        start, end = min(k for k in keep if k <= head.i), head.i + 1
    while end - 1 > start and words[end - 1].is_punct:
        end -= 1
    while start < end - 1 and (words[start].is_punct or words[start].dep_ == "cc"):
        start += 1
    return doc[start:end]


def _child(token: Token, *deps: str) -> Token | None:
    for child in children(token):
        if child.dep_ in deps:
            return child
    return None


def _pobj(prep: Token) -> Token | None:
    obj = _child(prep, "pobj", "pcomp")
    if obj is None and not any(True for _ in children(prep)) and prep.i + 1 < len(prep.doc):
        # a preposition left without its object: the parser made the phrase after it the subject
        # of a clause ("granted asylum to five officers holed up in ...": 'officers' heads 'holed')
        start = prep.i + 1
        token = prep.doc[start]
        while token.head.i != token.i and token.head.left_edge.i == start and token.head.pos_ in NOMINAL:
            token = token.head
        if token.pos_ in NOMINAL and token.left_edge.i == start and token.dep_ in ("nsubj", "nsubjpass"):
            return token
    return obj


def _passive_agent(verb: Token) -> Token | None:
    agent = _child(verb, "agent")
    return _pobj(agent) if agent is not None else None


def subject(verb: Token, cues: ArgumentCues | None = None) -> Argument | None:
    """The doer of `verb`, following control, coordination, participles and relative clauses."""
    cues = cues or argument_cues()
    token = verb
    for _ in range(8):
        nsubj = _child(token, "nsubj", "csubj", "expl")
        if nsubj is None and _child(token, "nsubjpass") is None:
            # the parser sometimes hangs the subject on the auxiliary ("Sweden is opposed to ...")
            nsubj = next((s for a in children(token) if a.dep_ in ("aux", "auxpass")
                          for s in children(a) if s.dep_ == "nsubj"), None)
        if nsubj is not None and nsubj.pos_ == "NOUN" and nsubj.lemma_.lower() in cues.abstract_heads:
            return None     # "plans are in store to discuss ...": a plan is no party
        if nsubj is not None and nsubj.dep_ != "expl":
            if nsubj.lower_ in RELATIVE_PRONOUNS and token.dep_ == "relcl":
                return Argument(token.head, "relative clause antecedent")
            return Argument(nsubj, "subject" if token is verb else f"subject of {token.dep_} head")
        if _child(token, "nsubjpass") is not None:
            lemma = token.lemma_.lower()
            if lemma in cues.participation and lemma != "involve" and _passive_agent(token) is None:
                # "Serb forces were engaged in ethnic cleansing": who is engaged in it does it
                return Argument(_child(token, "nsubjpass"), f"subject of '{token.text} in'")
            if lemma in cues.stative_participles and _passive_agent(token) is None:
                # "Israel is opposed to the plan": an adjective, its subject holds the stance
                return Argument(_child(token, "nsubjpass"), f"subject of '{token.text}' (adjective)")
            agent = _passive_agent(token)
            return Argument(agent, "passive agent") if agent is not None else None
        if token.dep_ == "relcl":
            return Argument(token.head, "relative clause antecedent")
        if token.dep_ == "xcomp":
            obj = _child(token.head, "dobj")
            if obj is not None and token.head.lemma_.lower() in cues.object_control:
                return Argument(obj, "object control")
            token = token.head
        elif token.dep_ in ("conj", "advcl", "ccomp") and token.head.i != token.i:
            if token.dep_ == "ccomp":
                return None
            shared = _child(token.head, "nsubjpass")
            active = token.tag_ != "VBN" or _child(token, "aux") is not None
            if token.dep_ == "conj" and shared is not None and active and _child(token, "auxpass") is None:
                # "the minister has been indicted ... and will resign": an active conjunct shares
                # the passive verb's subject, not its agent ("was arrested and charged" stays passive)
                return Argument(shared, "subject of the coordinated verb")
            token = token.head
        elif token.dep_ == "pcomp" and token.head.head.i != token.head.i:
            token = token.head.head       # "retaliated by carrying out attacks"
        elif token.dep_ in ("acomp", "oprd") and token.head.i != token.i:
            token = token.head            # "Norway is willing to send": the copula's subject
        elif token.dep_ == "acl" and token.head.pos_ in ("NOUN", "PROPN", "PRON"):
            if token.head.lemma_.lower() in cues.abstract_heads and any(
                    c.dep_ == "aux" and c.lower_ == "to" for c in children(token)):
                return None     # "plans to discuss the crisis": a plan discusses nothing
            return Argument(token.head, "participle head")
        else:
            return None
    return None


def governing_verb(noun: Token) -> Token | None:
    """The verb this event noun is the object of, directly or as the first part of a compound
    ("suspended aid deliveries": 'aid' names what was suspended)."""
    if noun.dep_ == "compound" and noun.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head
    if noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ == "VERB":
        return noun.head
    return None


def reversal_of(noun: Token, noun_type: str, cues: ArgumentCues | None = None) -> tuple[Token, tuple] | None:
    """(verb, (type, mode, CAMEO)) when a verb answers, stops, cuts or lifts what this event noun
    names ("accepted demands", "reduced aid", "lifted the ban"), else None."""
    cues = cues or argument_cues()
    verb = governing_verb(noun)
    if verb is None:
        return None
    lemma = verb.lemma_.lower()
    coded = cues.responses.get(lemma, {}).get(noun_type)
    if coded is None and lemma in cues.reversal_verbs:
        coded = cues.reversals.get(noun_type)
    return (verb, coded) if coded is not None else None


def light_verb_of(noun: Token, cues: ArgumentCues | None = None) -> Token | None:
    """The light verb whose object this event noun is ("carried out a strike")."""
    cues = cues or argument_cues()
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lemma_.lower() in cues.measure_nouns:
        noun = noun.head.head       # "launched ten days of war games", "carried out a wave of strikes"
    if noun.dep_ in ("dobj", "nsubjpass", "attr") and noun.head.pos_ in ("VERB", "AUX"):
        if noun.head.lemma_.lower() in cues.light_verbs:
            return noun.head
    return None


def _prep_targets(token: Token, cues: ArgumentCues, exclude: set[int]) -> list[Argument]:
    """Objects of the recipient prepositions under `token`, in the prepositions' order of preference."""
    preps = [child for child in children(token) if child.dep_ in ("prep", "dative")]
    found = []
    for word in cues.target_preps:
        # a word may head two phrases ("for new EU members for two years"): each is a candidate
        for prep in (p for p in preps if p.lower_ == word):
            obj = _pobj(prep)
            if (obj is not None and obj.i not in exclude and obj.pos_ in ("NOUN", "PROPN", "PRON", "NUM")
                    and obj.ent_type_ not in TIME_ENTS):
                found.append(Argument(obj, f"'{word}' object"))
    return found


def _between(noun: Token, exclude: set[int]) -> list[Argument]:
    """The parties of 'between X and Y' under an event noun."""
    found = []
    for prep in (c for c in children(noun) if c.dep_ == "prep" and c.lower_ == "between"):
        first = _pobj(prep)
        parties = [first, *(first.conjuncts if first is not None else ())]
        found.extend(Argument(p, "'between' party") for p in parties if p is not None and p.i not in exclude)
    return found


def _clause_subjects(head: Token, exclude: set[int]) -> Iterator[tuple[Token, Token]]:
    """(clause, its subject) for each clausal complement of `head` whose subject may be a party."""
    for clause in children(head):
        if clause.dep_ in ("ccomp", "xcomp"):
            inner = _child(clause, "nsubj", "nsubjpass")
            if inner is not None and inner.i not in exclude and inner.lower_ not in RELATIVE_PRONOUNS:
                yield clause, inner


def _motives(head: Token, cues: ArgumentCues, exclude: set[int]) -> list[Argument]:
    """Whom an act answers: "in protest at X", "in retaliation for X", "in response to X" (cues:
    motive_nouns); X, or the party inside X, is the recipient."""
    found = []
    for prep in (c for c in children(head) if c.dep_ == "prep" and c.lower_ == "in"):
        motive = _pobj(prep)
        if motive is None or motive.lemma_.lower() not in cues.motive_nouns:
            continue
        for inner in (c for c in children(motive) if c.dep_ == "prep"):
            obj = _pobj(inner)
            if obj is not None and obj.i not in exclude:
                found.append(Argument(obj, f"'in {motive.lower_} {inner.lower_}' object"))
    return found


def _shifted_object(verb: Token) -> Token | None:
    """The object moved after an 'as' predicate ("denounced as a crime the army's raid on the
    village": heavy-NP shift), which the parser makes an apposition of the predicate noun."""
    for prep in (c for c in children(verb) if c.dep_ == "prep" and c.lower_ == "as"):
        nouns = [c for c in children(prep) if c.dep_ == "pobj"]
        if len(nouns) > 1:
            return nouns[-1]        # "condemned as a crime the army's raid": two objects of 'as'
        for appos in (c for c in children(nouns[0]) if c.dep_ == "appos") if nouns else ():
            if appos.i > nouns[0].i and not any(t.is_punct for t in verb.doc[nouns[0].i:appos.left_edge.i]):
                return appos
    return None


def verb_arguments(verb: Token, event_noun: Token | None = None) -> tuple[Argument | None, list[Argument]]:
    """(actor, recipient options best first) of a verbal trigger, or of a light verb whose object
    is `event_noun`. The caller keeps the first option that resolves to an actor: in "discuss the
    crisis with Erdogan" the object is a topic and the 'with' object the recipient."""
    cues = argument_cues()
    source = subject(verb, cues)
    exclude = {event_noun.i} if event_noun is not None else set()
    if source is not None:
        exclude.add(source.token.i)
    options: list[Argument] = []
    passive_subject = _child(verb, "nsubjpass")
    if passive_subject is not None and passive_subject.i not in exclude:
        options.append(Argument(passive_subject, "passive subject"))
    if event_noun is not None:
        options.extend(_prep_targets(event_noun, cues, exclude))
        # "hosted a meeting between Israelis and the PLO", "undertook mediation between Syria and Arafat"
        options.extend(_between(event_noun, exclude))
        # "announced a suspension of air links with Serbia", "demanded the removal of President X":
        # what the event noun acts on, and the parties hanging off it
        for prep in (c for c in children(event_noun) if c.dep_ == "prep" and c.lower_ == "of"):
            inner = _pobj(prep)
            if inner is not None and inner.i not in exclude:
                options.append(Argument(inner, f"'of' object of '{event_noun.text}'"))
                options.extend(_prep_targets(inner, cues, exclude))
    obj = _child(verb, "dobj", "dative") or _shifted_object(verb)
    if obj is not None and obj.i not in exclude:
        options.append(Argument(obj, "object"))
    options.extend(_prep_targets(verb, cues, exclude))
    for head in (verb, event_noun):
        if head is not None:
            options.extend(_motives(head, cues, exclude))
    if obj is not None:
        # the parser often hangs "with Erdogan" on the object: "discussed the crisis with Erdogan"
        options.extend(_prep_targets(obj, cues, exclude))
    # "demanded that the United States match ...": who is to act is the recipient
    options.extend(Argument(inner, f"subject of the {clause.dep_} '{clause.text}'")
                   for clause, inner in _clause_subjects(verb, exclude))
    for clause in children(verb):
        # "threatened to cut off electricity to Nakhichevan", "refused to deploy troops in Iraq",
        # "warned that police would not tolerate rallies by Kifaya": the act threatened, refused
        # or asked for names the recipient, when the clause's own subject does not
        if clause.dep_ in ("xcomp", "ccomp") and clause.pos_ in ("VERB", "AUX"):
            inner_obj = _child(clause, "dobj", "dative")
            options.extend(_prep_targets(clause, cues, exclude))
            if inner_obj is not None:
                options.extend(_prep_targets(inner_obj, cues, exclude))
                if inner_obj.i not in exclude:
                    options.append(Argument(inner_obj, f"object of '{clause.text}'"))
            # "refused to allow United Nations planes to land": who was to be let act
            options.extend(Argument(inner, f"subject of '{act.text}' under '{clause.text}'")
                           for act, inner in _clause_subjects(clause, exclude))
    # a condition or purpose hangs off the verb or off the act it threatens ("threatened to
    # strike unless ...")
    complements = [c for c in children(verb) if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
    for clause in (c for head in (verb, *complements) for c in children(head)):
        if clause.dep_ != "advcl" or clause.pos_ not in ("VERB", "AUX"):
            continue
        mark = _child(clause, "mark")
        if mark is not None and mark.lower_ in CONDITION_MARKS:
            # "threatened to strike unless Israel rescinded ...": who must act to avert it
            inner = _child(clause, "nsubj", "nsubjpass")
            if inner is not None and inner.i not in exclude:
                options.append(Argument(inner, f"subject of the '{mark.lower_}' clause"))
        elif _child(clause, "aux") is not None and _child(clause, "aux").lower_ == "to" or clause.tag_ == "VBG":
            # "began a hunger strike to protest against Sweden's decision", "demonstrated ...
            # calling for independence from Iraq": the purpose names whom the act is aimed at
            options.extend(_prep_targets(clause, cues, exclude))
            inner_obj = _child(clause, "dobj")
            if inner_obj is not None and inner_obj.i not in exclude:
                options.append(Argument(inner_obj, f"object of '{clause.text}'"))
                options.extend(_prep_targets(inner_obj, cues, exclude))
    # the place an act happens in stands for its government when nothing else does ("arrived in Amman",
    # "will extend the curfew in Abidjan")
    # ... or the place the thing acted on is in ("fired shells at targets in Jericho", "rioted at
    # this jail in northern Israel")
    acts = [verb, obj, *complements] + [_child(c, "dobj") for c in complements] + [o.token for o in options]
    for head in dict.fromkeys(acts):
        if head is None:
            continue
        for child in children(head):
            if child.dep_ == "prep" and child.lower_ in ("in", "for", "into"):
                place = _pobj(child)
                if place is not None and place.ent_type_ in ("GPE", "LOC", "NORP") and place.i not in exclude:
                    options.append(Argument(place, f"'{child.lower_}' place"))
    return source, [o for o in options if o.token.ent_type_ not in TIME_ENTS]


#: Subordinators of a condition: the subject of "unless Israel rescinds" is whom a threat is aimed at.
CONDITION_MARKS = {"if", "unless"}

#: Inside a recipient that is a thing, not a party ("an immediate admission by Moscow", "the
#: withdrawal of Serbian forces", "an Australian ultimatum", "mediation efforts among the
#: factions": 'among' names the parties as 'between' does, for more than two), the party hangs
#: off these.
INNER_PREPS = ("by", "of", "from", "for", "against", "with", "to", "on", "among")


#: Prepositions after a participle that tie a thing or people to a party ("affiliated with",
#: "based in", "loyal to" is an adjective and kept in the phrase itself).
AFFILIATION_PREPS = ("with", "in", "to", "from")


def inner_parties(token: Token) -> list[Argument]:
    """Party-bearing words inside a noun phrase, nearest first."""
    found: list[Argument] = []
    for child in children(token):
        if child.dep_ == "poss" and child.pos_ != "PRON":
            found.append(Argument(child, f"possessor in '{token.text}'"))
        elif child.dep_ in ("amod", "compound") and child.ent_type_ in ("NORP", "GPE", "ORG"):
            found.append(Argument(child, f"modifier of '{token.text}'"))
        elif child.dep_ == "acl" and child.tag_ == "VBN":
            agent = _passive_agent(child)       # "crimes committed by Croat forces"
            if agent is not None:
                found.append(Argument(agent, f"agent of '{child.text}'"))
            for prep in (c for c in children(child) if c.dep_ == "prep" and c.lower_ in AFFILIATION_PREPS):
                # "workers affiliated with the Serbian Workers' Union", "a newspaper based in Beirut"
                obj = _pobj(prep)
                if obj is not None:
                    found.append(Argument(obj, f"'{child.text} {prep.lower_}' object"))
    found.extend(_between(token, set()))
    for word in INNER_PREPS:
        for child in children(token):
            if child.dep_ == "prep" and child.lower_ == word:
                obj = _pobj(child)
                if obj is not None:
                    found.append(Argument(obj, f"'{word}' object in '{token.text}'"))
                    found.extend(inner_parties(obj) if obj.pos_ == "NOUN" else [])
    return found


def _named_modifier(noun: Token) -> Argument | None:
    """The name before an event noun that says whose it is: "Turkish attacks", "US drone strikes",
    "Israeli F-16 raids" (the name may modify a modifier: a weapon or a unit between them)."""
    for child in children(noun):
        if child.dep_ not in ("amod", "compound") or child.i > noun.i:
            continue
        if child.ent_type_ in ("NORP", "GPE", "ORG"):
            return Argument(child, "nationality modifier")
        if child.dep_ == "compound" and child.pos_ == "NOUN":
            for inner in children(child):
                # "US" before "Predator attacks": a proper noun the recogniser may leave untyped
                if inner.dep_ in ("amod", "compound") and inner.i < child.i and (
                        inner.ent_type_ in ("NORP", "GPE", "ORG") or inner.pos_ == "PROPN" and not inner.ent_type_):
                    return Argument(inner, f"nationality modifier of '{child.text}'")
    return None


def noun_arguments(noun: Token) -> tuple[Argument | None, list[Argument]]:
    """(actor, recipient options) of a nominal trigger: 'Turkey's offensive', 'talks between X and Y'."""
    cues = argument_cues()
    # "undertook a mediation mission between X and Y": the compound's head carries the phrase
    head = noun.head if noun.dep_ == "compound" and noun.head.pos_ in ("NOUN", "PROPN") else noun
    verb = light_verb_of(head, cues)
    if verb is not None:
        return verb_arguments(verb, head)
    source: Argument | None = None
    target: Argument | None = None
    for child in children(noun):
        if child.dep_ == "poss" and child.lower_ not in ("its", "their", "his", "her"):
            source = source or Argument(child, "possessor")
        elif child.dep_ == "prep" and child.lower_ == "between":
            first = _pobj(child)
            if first is not None:
                source = Argument(first, "'between' first party")
                second = _child(first, "conj")
                if second is not None:
                    target = Argument(second, "'between' second party")
        elif child.dep_ == "prep" and child.lower_ in cues.agent_preps and source is None:
            obj = _pobj(child)
            if obj is not None:
                source = Argument(obj, f"'{child.lower_}' agent")
    if source is None:
        source = _named_modifier(noun)
    if source is not None and source.token.ent_type_ in TIME_ENTS:
        source = None       # "last month's invasion": a time is no actor
    options = [target] if target is not None else []
    exclude = {source.token.i} if source else set()
    options.extend(_prep_targets(noun, cues, exclude))
    options.extend(_motives(noun, cues, exclude))
    if source is None and noun.dep_ == "pobj" and noun.head.head.lemma_.lower() in cues.participation:
        # "Serb forces were engaged in ethnic cleansing": who takes part does it
        verb = noun.head.head
        doer = _child(verb, "nsubj") or (_child(verb, "nsubjpass") if verb.lemma_.lower() != "involve" else None)
        if doer is not None:
            source = Argument(doer, f"subject of '{verb.text} {noun.head.text}'")
    if source is None and noun.dep_ in ("nsubj", "dobj", "pobj"):
        # "the attack, carried out by ...": participial agent
        for child in children(noun):
            if child.dep_ == "acl":
                agent = _passive_agent(child)
                if agent is not None:
                    source = Argument(agent, "participle agent")
    return source, options


def count(token: Token) -> int | None:
    """The number a casualty phrase gives ("36 Turkish soldiers", "more than 200", "three")."""
    cues = argument_cues()
    for child in children(token):
        if child.dep_ in ("nummod", "quantmod") or child.like_num:
            text = child.text.replace(",", "")
            if text.isdigit():
                return int(text)
            if child.lower_ in cues.number_words:
                return cues.number_words[child.lower_]
    if token.like_num:
        text = token.text.replace(",", "")
        if text.isdigit():
            return int(text)
        return cues.number_words.get(token.lower_)
    return None


def casualties(trigger: Token, target: Token | None) -> dict[str, int]:
    """Casualty counts in the trigger's own clause: 'killed 36 soldiers', 'at least 12 were wounded'."""
    cues = argument_cues()
    found: dict[str, int] = {}
    candidates = [trigger, *[child for child in children(trigger) if child.dep_ in ("conj", "advcl", "xcomp")]]
    for verb in candidates:
        lemma = verb.lemma_.lower()
        for kind, lemmas in cues.casualties.items():
            if lemma not in lemmas or kind in found:
                continue
            victims = _child(verb, "dobj", "nsubjpass") if verb.pos_ in ("VERB", "AUX") else None
            if verb.pos_ == "ADJ" or lemma in ("die", "dead"):
                victims = _child(verb, "nsubj")
            if victims is None and verb is trigger and target is not None:
                victims = target
            number = count(victims) if victims is not None else None
            if number is not None:
                found[kind] = number
    return found
