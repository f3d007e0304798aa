"""Event extraction: triggers -> type/mode/CAMEO, actor and recipient, modality, date, place, size."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

from spacy.tokens import Doc, Span as SpacySpan, Token

from dateline.events import ontology
from dateline.events.arguments import (CONDITION_MARKS, Argument, argument_cues, casualties, inner_parties, light_verb_of,
                                       noun_arguments, phrase, reversal_of, subject, verb_arguments)
from dateline.events.modality import Modality, classify, cues, demanded, intent_event, is_vague_time, speaker_of
from dateline.nlp import ancestors, children, doc_text, span_text, words_of
from dateline.records import Actor, Attribution, Event, Place, Size, Span, Timex

#: Types where a compound actor with no recipient means the members act on each other
#: ("Putin and Erdogan would hold talks"): PLOVER's reciprocal events.
RECIPROCAL_TYPES = {"CONSULT", "AGREE", "COOPERATE"}
#: An event more than this many days older than its report is background history (contexts gets
#: HISTORICAL): a year separates the news of the day from what a report recalls to explain it.
HISTORICAL_DAYS = 365
HISTORICAL = "historical"
#: Head nouns of a people living in a country other than its kin state's ("the Albanian population").
RESIDENT_GROUPS = {"population", "minority", "community", "diaspora"}
#: FORMATS.md's country codes of international bodies.
INTERNATIONAL = {"IGO", "NGO"}
#: Types whose 'to' object is the audience, not the recipient: one complains or protests *to* a
#: body *about* the party accused (PLOVER ACCUSE and PROTEST recipients are the accused).
AUDIENCE_TYPES = {"ACCUSE", "PROTEST"}
#: Subject pronouns that, under a speech verb, stand for the speaker ("Iraq said it would ...").
REPORTED_SELF = {"it", "they", "he", "she", "we", "i"}
#: Confidence weights: the lexicon's specificity carries most; arguments and the classifier confirm.
WEIGHT_LEXICON, WEIGHT_MODEL, WEIGHT_SOURCE, WEIGHT_TARGET = 0.45, 0.25, 0.15, 0.10
#: The main clause's event is the one a report is about; each clause further down counts less
#: (0.35: the clause a word sits in says as much about an event as its two parties together;
#: a clause down keeps a quarter of it: of 1/(1+depth), 0.5, 0.25 and 0.1 per clause, 0.25 and
#: 0.1 ranked best on the PLOVER and ConfliBERT dev sets alike, 0.25 is the milder).
WEIGHT_PROMINENCE = 0.35
PROMINENCE_DECAY = 0.25
WEIGHT_TOTAL = WEIGHT_LEXICON + WEIGHT_MODEL + WEIGHT_SOURCE + WEIGHT_TARGET + WEIGHT_PROMINENCE
#: A sentence without any lexicon trigger gets a model-only event when the classifier is this sure
#: (its dev reliability: only probabilities of 0.9 or more are right 8 times in 10).
MODEL_ONLY_THRESHOLD = 0.9
#: Events that are not facts rank below those that are, so top-1 prefers what happened.
MODALITY_DISCOUNT = {"asserted": 1.0, "reported": 0.95, "planned": 0.9, "requested": 0.85,
                     "hypothetical": 0.7, "negated": 0.6}


@dataclass
class Candidate:
    """An event under construction, with the tokens it came from."""

    trigger: Token
    clause: Token                      # the verb whose clause the event lives in
    type: str
    mode: str | None
    cameo: str | None
    contexts: list[str]
    pattern: str
    lexicon_score: float
    source: Argument | None = None
    target: Argument | None = None
    target_options: list[Argument] = field(default_factory=list)
    modality: Modality | None = None
    model_prob: float = 0.0
    extra_evidence: list[str] = field(default_factory=list)
    depth: int = 0                     # clauses below the sentence's main event (see _clause_depth)
    answered: Token | None = None      # the event noun a verb answers ("accepted demands"), if any


@dataclass
class DocumentContext:
    """What the extractor needs to know about the document around a sentence."""

    doc_id: str
    date: str | None                      # the anchor date (ISO), for dated actor roles
    timexes: Sequence[Timex]            # the ones an event may take its date from (not the dateline's)
    places: Sequence[Place]
    resolve: Callable[[SpacySpan], list[Any]]   # span -> resolutions (the actor resolver with memory)
    warnings: list[str] = field(default_factory=list)


def _token_at(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _own_clause_tokens(head: Token) -> set[int]:
    """Token indices in `head`'s subtree, not descending into clauses of their own."""
    keep, stack = set(), [head]
    while stack:
        token = stack.pop()
        keep.add(token.i)
        for child in children(token):
            if child.dep_ in ("ccomp", "relcl", "advcl", "parataxis") or (child.dep_ == "conj" and child.pos_ == "VERB"):
                continue
            stack.append(child)
    return keep


class EventExtractor:
    """Codes the events of one document, sentence by sentence, in reading order."""

    def __init__(self, lexicon, classifier=None):
        self.lexicon = lexicon
        self.classifier = classifier

    # -- triggers ----------------------------------------------------------------------------

    def candidates(self, sentence: SpacySpan, type_probs: dict[str, float]) -> list[Candidate]:
        found: dict[int, Candidate] = {}
        # each word's readings, looked up once: a light verb's object is asked about twice
        words = words_of(sentence)
        readings = {token.i: self.lexicon.match(token) for token in words
                    if token.pos_ in ("VERB", "NOUN", "PROPN", "ADJ") and not _inside_a_name(token) and not _hedge(token)}
        best = {i: max(matches, key=lambda m: m.score * (0.5 + type_probs.get(m.type, 0.0)))
                for i, matches in readings.items() if matches}
        # a verb that answers or reverses its object's event carries one event for both
        # ("accepted demands", "reduced aid"): the noun is no event of its own, the verb no other
        reversed_nouns: set[int] = set()
        for i, match in best.items():
            token = words[i - sentence.start]
            if token.pos_ != "VERB":
                reversal = self._reversal(token, match, type_probs)
                if reversal is None or reversal.trigger.i in found:
                    continue
                own = best.get(reversal.trigger.i)
                if own is not None and own.score > match.score + 1:
                    continue    # the verb's own pattern names the pair ("LIFT * BLOCKADE"): it says more
                found[reversal.trigger.i] = reversal
                reversed_nouns.add(i)
        for token in words:
            match = best.get(token.i)
            # the classifier breaks ties between a word's readings ("strike": attack or walk-out)
            if match is None or token.i in found or token.i in reversed_nouns:
                continue
            clause = token
            if token.pos_ == "VERB":
                obj = next((c for c in children(token) if c.dep_ == "dobj"), None)
                if obj is not None and (light_verb_of(obj) or obj).i == token.i and readings.get(obj.i):
                    continue    # "carried out a strike": the noun carries the event, found on its own
            else:
                verb = light_verb_of(token)
                if verb is not None:
                    clause = verb
            found[token.i] = Candidate(
                trigger=token, clause=clause, type=match.type, mode=match.mode, cameo=match.cameo,
                contexts=list(match.contexts), pattern=match.pattern, lexicon_score=_specificity(match.score),
                model_prob=type_probs.get(match.type, 0.0))
        candidates = [c for c in found.values() if not _intent_only(c, found)]
        if not candidates and type_probs:
            candidates.extend(self._model_only(sentence, type_probs))
        return candidates

    @staticmethod
    def _reversal(noun: Token, match, type_probs: dict[str, float]) -> Candidate | None:
        """'reduced military aid', 'accepted demands': the verb's event, read off the noun's (cues:
        reversals, responses)."""
        found = reversal_of(noun, match.type)
        if found is None:
            return None
        verb, (type_, mode, cameo) = found
        return Candidate(trigger=verb, clause=verb, type=type_, mode=mode, cameo=cameo, contexts=list(match.contexts),
                         answered=noun, pattern=f"'{verb.lemma_}' answers {match.type} '{noun.text}' ({match.pattern})",
                         lexicon_score=_specificity(match.score + 1), model_prob=type_probs.get(type_, 0.0))

    def _model_only(self, sentence: SpacySpan, type_probs: dict[str, float]) -> list[Candidate]:
        label, prob = max(type_probs.items(), key=lambda item: item[1])
        if label == "NONE" or prob < MODEL_ONLY_THRESHOLD or sentence.root.pos_ not in ("VERB", "AUX"):
            return []
        root = sentence.root
        return [Candidate(trigger=root, clause=root, type=label, mode=None, cameo=ontology.default_cameo(label, None),
                          contexts=[], pattern=f"classifier p={prob:.2f}", lexicon_score=0.0, model_prob=prob)]

    # -- arguments ---------------------------------------------------------------------------

    def attach_arguments(self, candidate: Candidate, by_token: dict[int, Candidate]) -> None:
        trigger = candidate.trigger
        if trigger.pos_ in ("VERB", "AUX"):
            source, options = verb_arguments(trigger)
        else:
            source, options = noun_arguments(trigger)
        # "a strike ..., which killed 36 soldiers": the strike's actor did the killing
        if source is not None and source.rule == "relative clause antecedent":
            antecedent = by_token.get(source.token.i)
            if antecedent is not None and antecedent is not candidate:
                if antecedent.source is None:
                    self.attach_arguments(antecedent, by_token)
                if antecedent.source is not None:
                    source = Argument(antecedent.source.token, f"actor of '{antecedent.trigger.text}'")
        # an event noun as argument is not an actor ("condemned the attack"), but its own actor is
        # the recipient ("rejected an appeal from President Gbagbo", "an Australian ultimatum")
        events = set(by_token) | {candidate.answered.i} if candidate.answered is not None else set(by_token)
        discharges = argument_cues().discharges
        options = [inner for o in options
                   for inner in (inner_parties(o.token) if o.token.i in events else [o])
                   if not self.lexicon.is_instrument(inner.token) and inner.token.lemma_.lower() not in discharges]
        if candidate.type in AUDIENCE_TYPES:
            # "complained to the United Nations over Israeli air raids": 'to' names the audience,
            # the accused is whoever the complaint is about
            options.sort(key=lambda o: o.rule == "'to' object")
        elif candidate.type in RECIPROCAL_TYPES:
            # "discuss the Idlib crisis with Erdogan": one meets, agrees or works *with* a party;
            # the object is the topic
            options.sort(key=lambda o: o.rule != "'with' object")
        if source is not None and source.token.i in by_token and source.token.i != trigger.i:
            source = None
        commander = _commander(candidate, source)
        if commander is not None:
            # "ordered the newspaper to suspend publication": the order restricts the newspaper
            options = [source, *options]
            source = commander
        candidate.source = source
        candidate.target_options = options
        candidate.target = options[0] if options else None

    # -- the whole sentence ------------------------------------------------------------------

    def extract(self, sentences: Sequence[SpacySpan], context: DocumentContext) -> list[Event]:
        doc = sentences[0].doc if sentences else None
        if doc is None:
            return []
        probs = (self.classifier.predict_type([span_text(s) for s in sentences]) if self.classifier
                 else [{} for _ in sentences])
        text = doc_text(doc)
        timex_tokens = [(t, _token_at(doc, t.start, t.end)) for t in context.timexes]
        place_tokens = [(p, _token_at(doc, p.start, p.end)) for p in context.places if p.start is not None]
        events: list[Event] = []
        previous: dict[str, Any] = {}
        for index, (sentence, type_probs) in enumerate(zip(sentences, probs)):
            candidates = self.candidates(sentence, type_probs)
            by_token = {c.trigger.i: c for c in candidates}
            for candidate in candidates:
                if candidate.source is None and candidate.target is None:
                    self.attach_arguments(candidate, by_token)
            for candidate in candidates:
                _protest_demand(candidate, candidates)
            candidates = self._merge_in_sentence(candidates)
            triggers = frozenset(c.clause.i for c in candidates) | frozenset(c.trigger.i for c in candidates)
            for candidate in candidates:
                candidate.depth = _clause_depth(candidate.clause, triggers)
            sentence_date = self._sentence_timex(sentence, timex_tokens)
            vague = any(is_vague_time(token) for token in words_of(sentence))
            for candidate in candidates:
                event = self._build(candidate, sentence, context, timex_tokens, place_tokens, previous, vague,
                                    len(events))
                events.append(event)
                announced = intent_event(event.type, event.mode, candidate.modality, _conditional(candidate))
                if announced is not None:
                    events.append(_announcement(event, *announced, candidate.modality, len(events)))
                request = demanded(event.type, candidate.modality)
                speaker = speaker_of(candidate.clause) if request else None
                if speaker is not None:
                    asker, _ = self._actor(Argument(speaker, "speaker"), context, candidate.trigger)
                    ask = _announcement(event, *request, candidate.modality, len(events))
                    ask.source, ask.target = asker, event.source
                    events.append(ask)
            if index + 1 < len(sentences) and _paragraph_break(text, sentence, sentences[index + 1]):
                previous = {}
            else:
                previous = {
                    "timex": sentence_date or (previous.get("timex") if not vague else None),
                    "place": self._sentence_place(sentence, place_tokens) or previous.get("place"),
                }
        return merge_document_events(events)

    # -- linking dates and places ------------------------------------------------------------

    @staticmethod
    def _sentence_timex(sentence: SpacySpan, timex_tokens) -> Timex | None:
        inside = [t for t, token in timex_tokens if token is not None and sentence.start <= token.i < sentence.end]
        return inside[-1] if inside else None

    @staticmethod
    def _sentence_place(sentence: SpacySpan, place_tokens) -> tuple[Place, Token] | None:
        inside = [(p, token) for p, token in place_tokens if token is not None and sentence.start <= token.i < sentence.end
                  and token.dep_ == "pobj" and token.head.lower_ in LOCATIVE_PREPOSITIONS]
        return inside[-1] if inside else None

    def _link(self, candidate: Candidate, sentence: SpacySpan, items, actor_tokens: set[int], is_place: bool):
        """Own clause first, then a governing clause that is not a speech act."""
        in_sentence = [(item, token) for item, token in items
                       if token is not None and sentence.start <= token.i < sentence.end and token.i not in actor_tokens]
        if is_place:
            in_sentence = [(item, token) for item, token in in_sentence if not _is_actor_like(token)]
        if not in_sentence:
            return None, None  # most sentences name no date or no place: no clause to walk
        own = _own_clause_tokens(candidate.clause) | _own_clause_tokens(candidate.trigger)
        for item, token in in_sentence:
            if token.i in own:
                return item, "own clause"
        governing = {a.i for a in ancestors(candidate.clause)}
        speech = speaker_of(candidate.clause) is not None
        for item, token in in_sentence:
            head = token
            while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
                head = head.head
            if head.i in governing and not speech:
                return item, "governing clause"
        return None, None

    # -- building the record -----------------------------------------------------------------

    def _actor(self, argument: Argument | None, context: DocumentContext,
               trigger: Token | None = None) -> tuple[Actor | None, list[Actor]]:
        if argument is None:
            return None, []
        span = phrase(argument.token, avoid=trigger)
        resolutions = context.resolve(span)
        if not resolutions:
            actor = Actor(text=span.text, start=span.start_char, end=span.end_char)
            if _counted_people(argument.token):
                # "killing one person and arresting 12": a bare number counts people, coded as
                # 'people' is (CVL); whose they are the event's other party or place may say
                actor.sectors = ["CVL"]
            elif argument.rule == "passive agent" and self._names_a_weapon(span):
                # "killed by a roadside bomb": PLOVER's UNK sector, "generic unidentified actors
                # (e.g. actor for 'two civilians were killed by a bomb')"
                actor.sectors = ["UNK"]
            if argument.rule.endswith("place"):
                # a town standing for the recipient ("fired at targets in Jericho"): the gazetteer
                # knows its country when the actor knowledge base does not
                place = next((p for p in context.places if p.start is not None
                              and p.start <= argument.token.idx < p.end), None)
                actor.country = place.country if place is not None else None
            return actor, []
        actors = []
        for resolution in resolutions:
            actor = resolution.actor
            if actor.start is None:
                actor.start, actor.end = span.start_char, span.end_char
            if not actor.text:
                actor.text = span.text
            if resolution.kind == "country" and not actor.sectors:
                # a country acting stands for its government (PLOVER; "Turkey launched", "Moscow supported")
                actor.sectors = ["GOV"]
            elif resolution.kind == "demonym" and not actor.sectors:
                # a nationality as a party is its people ("Palestinians", "Bosnian Serbs", "Iraqi Kurds")
                actor.sectors = ["CVL"]
            actors.append(actor)
        self._apposed_role(argument.token, actors[0], context)
        return actors[0], actors[1:]

    def _names_a_weapon(self, span: SpacySpan) -> bool:
        """The phrase ends in a weapon's name ("an improvised explosive device", "a car bomb")."""
        words = [t.lower_ for t in span]
        return self.lexicon.is_instrument(span.root) or any(
            " ".join(words[i:]) in self.lexicon.instruments for i in range(len(words)))

    @staticmethod
    def _apposed_role(head: Token, actor: Actor, context: DocumentContext) -> None:
        """"Kenzo Oshima, the United Nations Emergency Relief Coordinator": the role set beside a
        name says whom the person acts for, when the name alone says nothing or the role is an
        international body's."""
        for child in children(head):
            if child.dep_ != "appos" or child.i < head.i or child.pos_ not in ("NOUN", "PROPN"):
                continue
            if child.left_edge.i == 0 or head.doc[child.left_edge.i - 1].text != ",":
                continue    # "(UNIFIL)": a parenthesis glosses the name, it says no role
            resolved = context.resolve(phrase(child))
            role = resolved[0].actor if resolved else None
            if role is not None and role.country and (actor.country is None or role.country in INTERNATIONAL):
                actor.country = role.country
                actor.sectors = list(dict.fromkeys([*role.sectors, *actor.sectors]))
            return

    def _source(self, c: Candidate, context: DocumentContext) -> tuple[Actor | None, list[Actor]]:
        source, more = self._actor(c.source, context, c.trigger)
        if c.source is not None and source is not None and not (source.country or source.name):
            inner, argument = self._first_party(inner_parties(c.source.token), context, c.trigger)
            if inner is not None and (inner.country or inner.name):
                if source.sectors:
                    # "a newspaper based in Beirut": Lebanon's, and still a newspaper
                    inner = replace(inner, sectors=list(source.sectors))
                c.source = argument
                return inner, []
        return source, more

    def _first_party(self, options: Sequence[Argument], context: DocumentContext,
                     trigger: Token) -> tuple[Actor | None, Argument | None]:
        """The first option, or party inside it ("members of X"), that resolves to an actor, else
        the first option as written."""
        first: tuple[Actor | None, Argument | None] = (None, None)
        for option in options:
            for argument in (option, *inner_parties(option.token)):
                actor, _ = self._actor(argument, context, trigger)
                if actor is not None and (actor.country or actor.name):
                    return actor, argument
                if first[0] is None:
                    first = (actor, argument)
        return first

    def _build(self, c: Candidate, sentence: SpacySpan, context: DocumentContext, timex_tokens, place_tokens,
               previous: dict[str, Any], vague: bool, ordinal: int) -> Event:
        evidence = [f"trigger '{c.trigger.text}': {c.pattern}"]
        modality = classify(c.clause, c.type)
        if c.clause.i != c.trigger.i:
            own = classify(c.trigger, c.type)
            if own.value != "asserted" and modality.value == "asserted":
                modality = own
        c.modality = modality
        if c.source is not None and c.source.token.lower_ in REPORTED_SELF:
            # "Iraq said it would allow ...": the pronoun is the speaker
            speaker = speaker_of(c.clause)
            if speaker is not None and speaker.pos_ != "PRON":
                c.source = Argument(speaker, f"speaker of '{c.source.token.text}'")
        if c.target is not None and c.target.token.pos_ == "PRON":
            # an object pronoun never means its own clause's subject ("a strike against them"):
            # resolve it before the subject enters the document's memory
            target, c.target = self._first_party(c.target_options, context, c.trigger)
            source, more_sources = self._source(c, context)
        else:
            source, more_sources = self._source(c, context)
            target, c.target = self._first_party(c.target_options, context, c.trigger)
        joint = _joint_reading(c, source, more_sources)
        if joint is not None:
            c.type, c.mode, c.cameo = joint
            evidence.append(f"'{c.trigger.text}' held by two states together is {c.type}")
        popular = _popular_reading(c, source)
        if popular is not None:
            c.type, c.mode, c.cameo = popular
            evidence.append(f"'{c.trigger.lemma_}' by a non-state actor is {c.type} {c.mode}")
        expulsion = _expulsion_reading(c, target)
        if expulsion is not None:
            c.type, c.mode, c.cameo = expulsion
            evidence.append(f"expelling a body or an envoy is {c.type} {c.mode}")
        weak_target = c.target is None or c.target.rule.endswith("place")
        if c.type in RECIPROCAL_TYPES and weak_target and more_sources:
            target, c.target = more_sources[0], None
            evidence.append("reciprocal: compound actor split into actor and recipient")
        if c.source:
            evidence.append(f"actor by {c.source.rule}")
        if c.target:
            evidence.append(f"recipient by {c.target.rule}")
        actor_tokens = set()
        for argument in (c.source, c.target):
            # a place standing in for the recipient ("rioted at a jail in Israel") is still where it happened
            if argument is not None and not argument.rule.endswith("place"):
                span = phrase(argument.token, avoid=c.trigger)
                actor_tokens.update(range(span.start, span.end))
                # ... and so is a place in a locative phrase inside it ("denounced the suppression
                # of unrest in Montenegro")
                for prep in span:
                    if prep.dep_ == "prep" and prep.lower_ in LOCATIVE_PREPOSITIONS and prep.i != argument.token.i:
                        actor_tokens.difference_update(t.i for t in prep.subtree)

        timex, how = self._link(c, sentence, timex_tokens, actor_tokens, is_place=False)
        if timex is None and not vague and previous.get("timex") is not None:
            timex, how = previous["timex"], "previous sentence"
        date = date_precision = date_text = None
        if timex is not None:
            date, date_precision, date_text = timex.value, timex.precision, timex.text
            evidence.append(f"date from {how}")
            if date is None:
                context.warnings.append(f"event '{c.trigger.text}': date '{timex.text}' cannot be normalised "
                                        f"(publication year unknown)")
        place, how = self._link(c, sentence, place_tokens, actor_tokens, is_place=True)
        if place is None:
            place, how = _setting(c, actor_tokens, timex_tokens)
        if place is None and previous.get("place") is not None:
            place, how = previous["place"][0], "previous sentence"
        if place is not None:
            evidence.append(f"location from {how}")
            for actor, argument in ((source, c.source), (target, c.target)):
                if _resident_minority(actor, argument, place):
                    actor.country = place.country
                    evidence.append(f"'{argument.token.text}': an ethnic group is coded where it lives")
        for actor, other in ((source, target), (target, source)):
            home = _domestic_country(actor, other, place)
            if home is not None:
                actor.country = home
                evidence.append(f"'{actor.text}': a party known only by its role is taken as domestic ({home})")

        attribution = None
        if modality.attribution is not None:
            resolved = context.resolve(modality.attribution)
            head = resolved[0].actor if resolved else None
            attribution = Attribution(text=modality.attribution_text or modality.attribution.text,
                                      name=head.name if head else None, country=head.country if head else None,
                                      sectors=list(head.sectors) if head else [])
        size = casualties(c.trigger, c.target.token if c.target else None)
        confidence = (WEIGHT_LEXICON * c.lexicon_score + WEIGHT_MODEL * c.model_prob
                      + WEIGHT_SOURCE * (source is not None and source.country is not None)
                      + WEIGHT_TARGET * (target is not None and target.country is not None)
                      + WEIGHT_PROMINENCE * PROMINENCE_DECAY ** c.depth) / WEIGHT_TOTAL
        confidence = round(min(0.99, max(0.01, confidence * MODALITY_DISCOUNT[modality.value])), 3)
        if modality.cue:
            evidence.append(f"modality {modality.value} by '{modality.cue}'")
        cameo = c.cameo or ontology.default_cameo(c.type, c.mode)
        return Event(
            id=f"{context.doc_id}:{ordinal}", type=c.type, mode=c.mode, cameo=cameo,
            contexts=[*c.contexts, HISTORICAL] if _historical(date, context.date) else c.contexts,
            quad=event_quad(c.type, cameo), intensity=ontology.intensity(c.type, c.mode), modality=modality.value,
            source=source, target=target, date=date, date_precision=date_precision, date_text=date_text,
            location=replace(place) if place is not None else None, attribution=attribution,
            size=Size(**size) if size else None,
            sentence=Span(sentence.start_char, sentence.end_char),
            trigger=Span(c.trigger.idx, c.trigger.idx + len(c.trigger.text), c.trigger.text),
            confidence=confidence, evidence="; ".join(evidence + c.extra_evidence))

    @staticmethod
    def _merge_in_sentence(candidates: list[Candidate]) -> list[Candidate]:
        """One event per happening: 'retaliated by carrying out attacks' is one ASSAULT, not two."""
        kept: list[Candidate] = []
        for candidate in sorted(candidates, key=lambda c: c.trigger.i):
            twin = next((k for k in kept if k.type == candidate.type and _governs(k, candidate)
                         and _same_argument(k.source, candidate.source)
                         and _same_argument(k.target, candidate.target)), None)
            if twin is None:
                kept.append(candidate)
                continue
            richer, poorer = (twin, candidate) if _filled(twin) >= _filled(candidate) else (candidate, twin)
            richer.source = richer.source or poorer.source
            if richer.target is None:
                # the recipient is chosen from the options when the event is built
                richer.target, richer.target_options = poorer.target, poorer.target_options
            richer.lexicon_score = max(richer.lexicon_score, poorer.lexicon_score)
            richer.extra_evidence.append(f"merged with '{poorer.trigger.text}'")
            if richer is candidate:
                kept[kept.index(twin)] = candidate
        return kept


#: CAMEO's "express intent" codes (03x): read off verbs like plan or prepare, which are the
#: modality of the act they govern, not an event of their own ("plans to impose restrictions").
INTENT_CAMEO = "03"


def _intent_only(candidate: Candidate, found: dict[int, Candidate]) -> bool:
    """A verb of intending whose complement is itself an event: it says how that event stands
    (planned; announced, see intent_event), so it is no event beside it."""
    if candidate.trigger.pos_ != "VERB" or not (candidate.cameo or "").startswith(INTENT_CAMEO):
        return False
    if candidate.trigger.lemma_.lower() not in cues().intent_verbs:
        return False
    return any(child.dep_ in ("xcomp", "ccomp") and (child.i in found or any(
        g.i in found and light_verb_of(g) is not None and light_verb_of(g).i == child.i for g in children(child)))
        for child in children(candidate.trigger))


#: Named entities whose inner words name no event: "the Swiss Agency for Development and
#: Cooperation", "the Liberian Peace Council". (EVENT entities, "the Gulf War", keep theirs.)
NAME_ENTS = frozenset({"ORG", "PERSON", "FAC", "GPE", "LOC", "NORP", "PRODUCT", "WORK_OF_ART", "LAW"})


def _inside_a_name(token: Token) -> bool:
    """A word inside a multi-word name, after its first word: "Operation Spring Shield" keeps its
    "Operation" (the name says what the event is), the agency's "Cooperation" is only a name."""
    # a verb is never part of a name: in a title-case headline ("Obama Increases Number of ...")
    # the recogniser runs the name on into the verb
    return token.ent_type_ in NAME_ENTS and token.ent_iob_ == "I" and token.pos_ in ("NOUN", "PROPN")


def _hedge(token: Token) -> bool:
    """"the alleged bombers", "suspected militants": a hedging participle before a noun is no event."""
    return token.dep_ == "amod" and token.lemma_.lower() in cues().hedges


#: PLOVER 2.0 REQUEST: "demands that take the form of demonstrations, protests, etc. are coded as
#: PROTEST", which is "carried out as protests against the recipient": whom the demand is made of.
DEMAND_TYPES = {"REQUEST"}


def _protest_demand(c: Candidate, candidates: Sequence[Candidate]) -> None:
    """A PROTEST with no recipient takes the one of a demand its own phrase makes ("rioted after
    a rally calling for the removal of President X"): a demand under the protest's trigger."""
    if c.type != "PROTEST" or c.target is not None:
        return
    for demand in candidates:
        if demand.type in DEMAND_TYPES and demand.target_options and c.trigger in ancestors(demand.trigger):
            c.target_options = [*c.target_options, *demand.target_options]
            c.target = c.target_options[0]
            c.extra_evidence.append(f"recipient of the demand '{demand.trigger.text}'")
            return


def _counted_people(token: Token) -> bool:
    """A bare number as the victim of a casualty verb ("arrested 12", "40 were killed")."""
    if token.pos_ != "NUM" or token.ent_type_ not in ("", "CARDINAL") or token.dep_ not in ("dobj", "nsubjpass"):
        return False
    lemma = token.head.lemma_.lower()
    return any(lemma in lemmas for lemmas in argument_cues().casualties.values())


def _commander(c: Candidate, source: Argument | None) -> Argument | None:
    """Who imposes a COERCE that stops its doer's own act ("the junta ordered the paper to suspend
    publication"): the subject of the command verb, else None (cues: command_verbs, reversal_verbs)."""
    cues_ = argument_cues()
    if c.type != "COERCE" or source is None or source.rule != "object control":
        return None
    command = source.token.head
    if command.lemma_.lower() not in cues_.command_verbs or c.trigger.lemma_.lower() not in cues_.reversal_verbs:
        return None
    found = subject(command, cues_)
    return Argument(found.token, f"{found.rule} of '{command.text}'") if found is not None else None


def _domestic_country(actor: Actor | None, other: Actor | None, place: Place | None) -> str | None:
    """The country a party known only by its role ("police", "rebels", "Shona rebels") is taken
    to belong to: where the event happened, else the state whose organ the other party is. Event
    coders code such parties as domestic (PLOVER's sector without a country says nothing)."""
    if actor is None or actor.country is not None or not actor.sectors:
        return None
    if place is not None and place.country:
        return place.country
    if other is not None and other.country not in (None, *INTERNATIONAL) and \
            set(other.sectors) & argument_cues().state_sectors:
        return other.country
    return None


def _historical(date: str | None, anchor: str | None) -> bool:
    """An event dated more than HISTORICAL_DAYS before the report is background ("In 2015 the two
    sides signed ..."): PLOVER's auxiliary mode 'historical', which the manual puts in the context."""
    if not date or not anchor:
        return False
    try:
        # a year or a month counts from its last day: "in March 2019" is history once all of it is
        parts = [int(part) for part in date[:10].split("-")]
        if len(parts) == 1:
            parts += [12, 31]
        elif len(parts) == 2:
            parts.append(calendar.monthrange(parts[0], parts[1])[1])
        then = dt.date(*parts)
        now = dt.date.fromisoformat(anchor[:10])
    except (ValueError, TypeError):
        return False     # not a calendar value ("2020-W10", "PRESENT_REF")
    return (now - then).days > HISTORICAL_DAYS


def _resident_minority(actor: Actor | None, argument: Argument | None, place: Place) -> bool:
    """"ethnic Albanians" in Serbia are a party of Serbia (PLOVER codes a group by the country it
    belongs to, not its kin state): true when the phrase says 'ethnic' or names a resident group
    ("the Albanian population", "the Turkish minority") and the event happened in another country."""
    if actor is None or argument is None or not place.country or actor.country in (None, place.country):
        return False
    head = argument.token
    return head.lemma_.lower() in RESIDENT_GROUPS or any(
        child.lower_ == "ethnic" and child.dep_ == "amod" for child in children(head))


def _phrase_row(table: dict[str, Any], trigger: Token, deps: tuple[str, ...], before: bool) -> Any:
    """The row of a cue table for a trigger: keyed by the trigger's lemma with one of its `deps`
    dependents ("war game" for a modifier before it, "force out" for a particle after it), else by
    the lemma alone; None when neither is in the table."""
    lemma = trigger.lemma_.lower()
    words = [t.lemma_.lower() for t in children(trigger) if t.dep_ in deps and (t.i < trigger.i) == before]
    keys = [f"{w} {lemma}" if before else f"{lemma} {w}" for w in words]
    return next((table[k] for k in (*keys, lemma) if k in table), None)


def _joint_reading(c: Candidate, source: Actor | None, more: list[Actor]) -> tuple[str, str | None, str] | None:
    """COOPERATE for an exercise that two states hold together ("French and Egyptian warships
    launched war games"), else None (cues: joint_acts)."""
    if c.type != "MOBILIZE" or source is None or not more:
        return None
    reading = _phrase_row(argument_cues().joint_acts, c.trigger, ("compound", "amod"), before=True)
    countries = {a.country for a in (source, *more) if a.country}
    return reading if reading is not None and len(countries) > 1 else None


def _popular_reading(c: Candidate, source: Actor | None) -> tuple[str, str | None, str] | None:
    """The PROTEST a coercive act is when no organ of the state does it ("workers blocked the
    bridge"), else None (cues: popular_acts)."""
    cues_ = argument_cues()
    reading = cues_.popular_acts.get(c.trigger.lemma_.lower())
    if reading is None or c.type != "COERCE" or source is None or not source.sectors:
        return None
    return None if set(source.sectors) & cues_.state_sectors else reading


def _expulsion_reading(c: Candidate, target: Actor | None) -> tuple[str, str | None, str] | None:
    """SANCTION 'expel' for an expulsion of an organisation or a state's envoy ("expelled two
    diplomats", "forced the UN agency out"), read as COERCE or another SANCTION mode by the
    dictionary, else None (cues: expulsions)."""
    if c.type not in ("COERCE", "SANCTION") or target is None:
        return None
    cues_ = argument_cues()
    # "forced X out (of the country)": the parser gives the particle as prt, advmod or prep
    reading = _phrase_row(cues_.expulsions, c.trigger, ("prt", "advmod", "prep"), before=False)
    if reading is None:
        return None
    body = target.country in INTERNATIONAL or bool(set(target.sectors) & cues_.envoy_sectors)
    return reading if body else None


def _conditional(c: Candidate) -> bool:
    """The event's clause, or the act it is the complement of, is put on an 'if' or 'unless'."""
    heads = {c.clause, c.trigger, *(a for a in ancestors(c.trigger)[:2] if a.pos_ in ("VERB", "AUX", "ADJ"))}
    return any(child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in children(child))
               for head in heads for child in children(head))


def _announcement(event: Event, type_: str, mode: str | None, modality: Modality, ordinal: int) -> Event:
    """The asserted AGREE or THREATEN that announcing an intended act amounts to."""
    cameo = ontology.default_cameo(type_, mode)
    return replace(
        event, id=f"{event.id.rsplit(':', 1)[0]}:{ordinal}", type=type_, mode=mode, modality="asserted",
        cameo=cameo, quad=event_quad(type_, cameo), intensity=ontology.intensity(type_, mode),
        size=None, confidence=round(min(0.99, event.confidence / MODALITY_DISCOUNT[event.modality]), 3),
        evidence=(f"announced: '{modality.cue}' makes the {event.type} {event.modality}, and saying so is "
                  f"a {type_} (PLOVER auxiliary modes); {event.evidence}"))


#: Prepositions that put an event somewhere ("in jail", "outside the embassy"); "across the
#: country" places a sentence but is too wide to be one event's setting.
LOCATIVE_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "across"}
SETTING_PREPOSITIONS = LOCATIVE_PREPOSITIONS - {"across"}


def _setting(c: Candidate, actor_tokens: set[int], timex_tokens) -> tuple[Place | None, str | None]:
    """Where the event's own clause says it happened when that is no gazetteer place ("in jail",
    "at the house"): the mention is kept, with no coordinates."""
    times = {token.i for _, token in timex_tokens if token is not None}
    for head in dict.fromkeys((c.trigger, c.clause)):
        for child in children(head):
            if child.dep_ != "prep" or child.lower_ not in SETTING_PREPOSITIONS:
                continue
            obj = next((t for t in children(child) if t.dep_ == "pobj"), None)
            if (obj is None or obj.i in actor_tokens or obj.i in times or obj.pos_ not in ("NOUN", "PROPN")
                    or obj.ent_type_ in ("DATE", "TIME", "PERSON", "NORP", "ORG", "CARDINAL")):
                continue
            span = phrase(obj)
            return Place(text=span.text, start=span.start_char, end=span.end_char), f"'{child.lower_}' phrase"
    return None, None


#: CAMEO roots whose quad class Phoenix calls neutral (statements, appeals): the PLOVER type decides.
NEUTRAL_CAMEO_ROOTS = {"01", "02"}


def event_quad(type_: str, cameo: str | None) -> str:
    """The quad class of the CAMEO code when one was matched (CAMEO's own convention, as in the
    Phoenix data and ConfliBERT: "expelled diplomats", root 16, is verbal conflict), else the
    PLOVER type's."""
    if cameo and cameo[:2] not in NEUTRAL_CAMEO_ROOTS:
        return ontology.cameo_quad(cameo) or ontology.quad(type_)
    return ontology.quad(type_)


def _clause_depth(token: Token, triggers: frozenset[int] = frozenset()) -> int:
    """How many clauses down from the sentence's main verb `token` sits. A speech verb does not
    count ("officials said troops attacked the town": the attack is the main event) unless saying
    is the event ("reiterated its demand that Israel ease ...": the demand is)."""
    speech = cues().speech
    return sum(1 for a in ancestors(token)
               if a.pos_ in ("VERB", "AUX") and (a.lemma_.lower() not in speech or a.i in triggers))


def _specificity(score: float) -> float:
    """The lexicon's pattern score (1 = bare verb, +1 per matched pattern word) mapped into 0..1."""
    return 1.0 - math.exp(-score)


def _paragraph_break(text: str, sentence: SpacySpan, following: SpacySpan) -> bool:
    """A line break between the last word of a sentence and the next one (spaCy keeps the break
    inside the sentence as a whitespace token)."""
    end = len(text[:sentence.end_char].rstrip())
    return "\n" in text[max(end, sentence.start_char):following.start_char]


def _filled(c: Candidate) -> int:
    return (c.source is not None) + (c.target is not None) + (c.mode is not None)


def _governs(a: Candidate, b: Candidate) -> bool:
    chain_a = {t.i for t in ancestors(a.trigger)} | {a.trigger.i, a.clause.i}
    chain_b = {t.i for t in ancestors(b.trigger)} | {b.trigger.i, b.clause.i}
    return a.trigger.i in chain_b or b.trigger.i in chain_a or a.clause.i == b.clause.i


def _same_argument(a: Argument | None, b: Argument | None) -> bool:
    return a is None or b is None or a.token.i == b.token.i


def _is_actor_like(token: Token) -> bool:
    """A place name used as an actor ("Ankara launched", "Moscow supported") or as a nationality
    adjective ("Turkish soldiers"): not where the event happened."""
    return token.pos_ == "ADJ" or token.dep_ in ("nsubj", "nsubjpass", "dobj", "poss", "amod") or (
        token.dep_ == "pobj" and token.head.lower_ in ("against", "with", "by", "between", "to", "from"))


def _actor_key(actor: Actor | None) -> tuple | None:
    if actor is None or (actor.name is None and actor.country is None):
        return None
    return (actor.name or "", actor.country or "")


def merge_document_events(events: list[Event]) -> list[Event]:
    """Mentions of one happening across sentences become one event (the first keeps its id).

    Same type, the same resolved parties (either order for reciprocal types) or none at all, and
    no conflicting date: the later mention fills what the first lacks (date, place, recipient).
    """
    kept: list[Event] = []
    for event in events:
        twin = next((k for k in kept if _same_happening(k, event)), None)
        if twin is None:
            kept.append(event)
            continue
        for name in ("source", "target", "date", "date_precision", "date_text", "location", "size", "attribution"):
            if getattr(twin, name) is None and getattr(event, name) is not None:
                setattr(twin, name, getattr(event, name))
        twin.confidence = max(twin.confidence, event.confidence)
        twin.evidence += f"; merged with the mention at {event.trigger.start if event.trigger else '?'}"
    for event in kept:
        _orient_visit(event)
    return kept


def _same_happening(a: Event, b: Event) -> bool:
    if a.type != b.type or (a.date and b.date and a.date != b.date):
        return False
    if "negated" in (a.modality, b.modality):
        return False
    parties_a = {_actor_key(a.source), _actor_key(a.target)} - {None}
    parties_b = {_actor_key(b.source), _actor_key(b.target)} - {None}
    if not parties_b or not parties_a:
        # a party-less mention ("the talks are scheduled for March 5") joins a meeting it names
        return a.type in RECIPROCAL_TYPES
    if a.type in RECIPROCAL_TYPES:
        return parties_a == parties_b
    return _actor_key(a.source) == _actor_key(b.source) and _actor_key(a.target) == _actor_key(b.target)


def _orient_visit(event: Event) -> None:
    """CONSULT held in one party's country: the other party is the visitor (PLOVER mode 'visit')."""
    if event.type != "CONSULT" or event.location is None or event.source is None or event.target is None:
        return
    host = event.location.country
    if host and event.source.country == host and event.target.country not in (None, host):
        event.source, event.target = event.target, event.source
        event.evidence += "; visit: the party from the host country is the recipient"
    elif not (host and event.target.country == host and event.source.country not in (None, host)):
        return
    if event.mode is None:
        event.mode = "visit"
        event.intensity = ontology.intensity(event.type, event.mode)
