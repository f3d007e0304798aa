"""Modality and attribution: did the event happen, or is it planned, hoped, denied, asked for, claimed?"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from spacy.tokens import Span, Token

from dateline.nlp import ancestors, children, sentence_of, span_text, words_of

#: When cues disagree, the strongest wins: a hoped-for agreement reported by the Kremlin is
#: still only hoped for; talks the press service "reported" for tomorrow are still planned.
PRECEDENCE = ("negated", "hypothetical", "requested", "planned", "reported", "asserted")


@dataclass(frozen=True)
class Cues:
    hypothetical: frozenset[str]
    planned: frozenset[str]
    planned_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    requested: frozenset[str]
    negated: frozenset[str]
    negation_words: frozenset[str]
    reporting: frozenset[str]
    speech: frozenset[str]
    vague_time: frozenset[str]
    intent: frozenset[str]
    intent_events: dict[str, tuple[str, str | None]]
    obligation: frozenset[str]
    intent_verbs: frozenset[str]
    request_modes: dict[str, str]
    hedges: frozenset[str]


@lru_cache(maxsize=1)
def cues() -> Cues:
    data = yaml.safe_load(resources.files("dateline.data.cues").joinpath("modality.yaml").read_text("utf-8"))
    words = lambda key: frozenset(str(word).lower() for word in data[key])  # noqa: E731
    return Cues(words("hypothetical_governors"), words("planned_governors"), words("planned_auxiliaries"),
                words("hypothetical_auxiliaries"), words("requested_governors"), words("negated_governors"),
                words("negation_words"), words("reporting_governors"), words("speech_verbs"), words("vague_time"),
                words("intent_cues"), {key: (value[0], value[1]) for key, value in data["intent_events"].items()},
                words("obligation_cues"), words("intent_verbs"), dict(data["request_modes"]),
                words("hedging_modifiers"))


def intent_event(type_: str, mode: str | None, modality: "Modality",
                 conditional: bool = False) -> tuple[str, str | None] | None:
    """The (type, mode) of the announcement an intended act amounts to: AGREE or THREATEN, or None.

    An act put on a condition ("may halt mediation if cooperation founders", "could strike unless
    ...") is announced whatever its modal: that is what a threat or an offer is.
    """
    if modality.value not in ("planned", "hypothetical"):
        return None
    if (modality.cue or "") not in cues().intent and not conditional:
        return None
    table = cues().intent_events
    return table.get(f"{type_}:{mode}") or table.get(type_)


def demanded(type_: str, modality: "Modality") -> tuple[str, str | None] | None:
    """("REQUEST", mode) when the act is one a speaker says another party must perform, else None."""
    if modality.value != "hypothetical" or (modality.cue or "") not in cues().obligation or type_ == "REQUEST":
        return None
    return "REQUEST", cues().request_modes.get(type_, "change")


@dataclass(frozen=True)
class Modality:
    value: str
    cue: str | None            # the word that decided it, for the evidence
    attribution: Span | None   # "according to Ankara": the party the claim is attributed to
    attribution_text: str | None


def _according_to(token: Token) -> Span | None:
    """The object of an 'according to X' attached to this token, if any."""
    for child in children(token):
        if child.lower_ == "according" or (child.dep_ == "prep" and child.lower_ == "according"):
            for to in children(child):
                if to.lower_ == "to":
                    for obj in children(to):
                        if obj.dep_ == "pobj":
                            return obj.doc[obj.left_edge.i: obj.right_edge.i + 1]
    return None


def _path(trigger: Token) -> list[Token]:
    """The trigger and the words governing it, up to the root of its sentence."""
    return [trigger, *ancestors(trigger, 31)]


def classify(trigger: Token, self_type: str | None = None) -> Modality:
    """Read the modality of the event at `trigger` off the words that govern it."""
    c = cues()
    found: dict[str, str] = {}
    attribution: Span | None = None

    def note(kind: str, cue: str) -> None:
        found.setdefault(kind, cue)

    for depth, token in enumerate(_path(trigger)):
        lemma = token.lemma_.lower()
        kids = children(token)
        if any(child.dep_ == "neg" or (child.lower_ in c.negation_words and child.dep_ in ("neg", "det", "advmod"))
               for child in kids):
            note("negated", "not")
        for child in kids:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in c.planned_aux:
                note("planned", child.lower_)
            elif child.dep_ in ("aux", "auxpass") and child.lower_ in c.hypothetical_aux:
                note("hypothetical", child.lower_)
            elif child.dep_ == "mark" and child.lower_ in c.hypothetical:
                note("hypothetical", child.lower_)
            elif child.dep_ == "acl" and child.lemma_.lower() in c.planned:
                note("planned", child.lemma_.lower())      # "talks scheduled for March 5"
            elif child.dep_ == "amod" and child.lemma_.lower() in c.planned:
                note("planned", child.lemma_.lower())      # "the upcoming talks"
            elif child.dep_ == "amod" and child.lemma_.lower() in c.hypothetical:
                note("hypothetical", child.lemma_.lower())  # "a possible attack"
        attribution = attribution or _according_to(token)
        if _subjunctive(token):
            note("requested", "that")
        if depth == 0:
            continue
        if lemma in c.negated and not (self_type == "REJECT" and depth == 1):
            note("negated", lemma)
        elif lemma in c.hypothetical:
            note("hypothetical", lemma)
        elif lemma in c.requested and self_type != "REQUEST" and not _reports(token, c):
            note("requested", lemma)
        elif lemma in c.planned:
            note("planned", lemma)
        elif lemma in c.reporting:
            note("reported", lemma)
        if token.dep_ == "ROOT" or token.head.i == token.i:
            break
    if _yes_no_question(trigger):
        note("hypothetical", "?")
    # an attribution anywhere in the sentence's main clause counts for the whole claim
    if attribution is None:
        root = sentence_of(trigger).root
        attribution = _according_to(root)
    if attribution is not None:
        note("reported", "according to")
    for value in PRECEDENCE:
        if value in found:
            return Modality(value, found[value], attribution,
                            f"according to {attribution.text}" if attribution is not None else None)
    return Modality("asserted", None, attribution, None)


#: What may close a sentence after its question mark: quotes, brackets, spaces.
CLOSING = " \t\n\"'\u201d\u2019\u00bb)]"
#: Auxiliaries that open a yes/no question ("Did the army attack?", "Will Russia invade?").
QUESTION_AUXILIARIES = frozenset({"do", "will", "would", "can", "could", "should", "shall", "be", "have",
                                  "may", "might", "must"})


def _yes_no_question(token: Token) -> bool:
    """The sentence asks whether the event happens: it ends in '?' and opens with an auxiliary.
    A wh-question ("Why did Turkey attack?") takes the event as given and stays as it is."""
    sentence = sentence_of(token)
    if not span_text(sentence).rstrip(CLOSING).endswith("?"):
        return False
    first = next((t for t in words_of(sentence) if not (t.is_punct or t.is_space)), None)
    return first is not None and first.tag_ in ("MD", "VBD", "VBZ", "VBP") and \
        first.lemma_.lower() in QUESTION_AUXILIARIES


def _reports(token: Token, c: Cues) -> bool:
    """A verb that can ask or say ("told") says here: it has no infinitive of what is asked."""
    return token.lemma_.lower() in c.speech and not any(child.dep_ == "xcomp" for child in children(token))


def _subjunctive(verb: Token) -> bool:
    """A mandative subjunctive: "(demanded) that Israel ease restrictions", a finite clause whose
    verb keeps its base form after a singular subject. English uses it only for what is asked."""
    if verb.pos_ != "VERB" or verb.dep_ not in ("ccomp", "acl") or verb.tag_ not in ("VB", "VBP"):
        return False
    if any(child.dep_ in ("aux", "auxpass") for child in children(verb)):
        return False
    subject = next((child for child in children(verb) if child.dep_ == "nsubj"), None)
    return subject is not None and (verb.tag_ == "VB" or subject.tag_ in ("NN", "NNP"))


def speaker_of(trigger: Token) -> Token | None:
    """The subject of the nearest speech verb governing the trigger ("X said that ...")."""
    c = cues()
    for token in _path(trigger)[1:]:
        if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in c.speech:
            for child in children(token):
                if child.dep_ == "nsubj":
                    return child
            # "King Hassan was quoted as saying he would ...": the subject of the verb it hangs off
            head = token.head.head if token.dep_ == "pcomp" else token.head
            if token.dep_ in ("advcl", "xcomp", "pcomp") and head.i != token.i:
                for child in children(head):
                    if child.dep_ in ("nsubj", "nsubjpass"):
                        return child
    return None


def is_vague_time(token: Token) -> bool:
    return token.lower_ in cues().vague_time
