"""The pipeline: document -> article structure -> spaCy -> dates, places, actors, events, quotes.

The stages run in the order `STAGES` names; each takes the `Work` record and returns it enriched.
spaCy runs between `article` and the rest, batched with `nlp.pipe` so documents stream.
"""

from __future__ import annotations

import gc
import itertools
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from dateline import article, language
from dateline.config import Settings
from dateline.dates import Anchor, find_timexes, normalise
from dateline.errors import DocumentError, ErrorKind
from dateline.events.extract import DocumentContext, EventExtractor
from dateline.nlp import load_nlp, release, span_text
from dateline.quotes import find_quotes
from dateline.records import CodedDocument, Dateline, Document, Span, Timex

log = logging.getLogger(__name__)

#: The stages after spaCy, in order. Each is a method `_stage_<name>(work) -> work`.
STAGES = ("dates", "places", "events", "quotes", "filter")
#: Sentences longer than this many tokens are left out of event extraction, with a warning: the
#: longest sentence in the dev gold sets has 86 tokens, and the extractor compares every pair of
#: triggers in a sentence, so a 20,000-word run-on "sentence" (a list, a scrape without full
#: stops) would take hours instead of seconds.
MAX_EVENT_SENTENCE_TOKENS = 250
#: A month name and day inside a dateline ("MOSCOW, March 4. /TASS/."), for its timex.
DATELINE_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?", re.I)


@dataclass
class Work:
    """A document on its way through the pipeline (None for an input that failed before ingest
    could make a document of it)."""

    document: Document | None
    structure: article.Structure | None = None
    published: str | None = None
    anchor: Anchor | None = None
    nlp_text: str = ""                 # the text spaCy reads: boilerplate blanked, offsets kept
    doc: Doc | None = None
    skip: list[tuple[int, int]] = field(default_factory=list)
    coded: CodedDocument | None = None
    error: DocumentError | None = None
    memory: object | None = None


@dataclass
class Result:
    """What coding one input gave: the document (None for an input that never became one), the
    output line (None for an input with no id), and the error if it could not be coded."""

    document: Document | None
    coded: CodedDocument | None
    error: DocumentError | None = None


class CodedData:
    """A coded document already in its JSON shape (what worker processes send back); it answers
    `to_dict` as a CodedDocument does, so writers take either."""

    __slots__ = ("data",)

    def __init__(self, data: dict):
        self.data = data

    def to_dict(self) -> dict:
        return self.data


#: The collector's young-generation threshold while coding (CPython's default is 700). A story
#: makes and drops thousands of container objects (its words, spans, candidates, records): at 700
#: the collector walks the live ones about once a story, at 50,000 most are gone before it looks
#: (0.4-0.9 ms an article less on NGEC stories). Cycles are still collected, a little later.
YOUNG_THRESHOLD = 50_000


@contextmanager
def settled() -> Iterator[None]:
    """While a corpus is coded in this process, what is alive when it starts (the loaded models
    and knowledge above all) stays out of the cyclic garbage collector's passes, which otherwise
    walk those ~200,000 objects every few hundred stories (0.55 -> 0.09 ms an article of
    collection on NGEC stories), and young objects are collected after YOUNG_THRESHOLD of them
    rather than 700. Undone at the end, so a library caller's objects are collected as before,
    only later; nothing when objects are frozen already (a worker that settled)."""
    if gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class Pipeline:
    """Codes documents. Models and knowledge are passed in; `Pipeline.load` builds the defaults."""

    def __init__(self, settings: Settings, nlp: Language, resolver, geoparser, extractor: EventExtractor):
        self.settings = settings
        self.nlp = nlp
        self.resolver = resolver
        self.geoparser = geoparser
        self.extractor = extractor

    @classmethod
    def load(cls, settings: Settings | None = None) -> "Pipeline":
        from dateline.actors import ActorResolver
        from dateline.events.classifier import EventClassifier
        from dateline.events.lexicon import Lexicon
        from dateline.places import Gazetteer, Geoparser

        settings = settings or Settings()
        nlp = load_nlp(settings.model)
        nlp.max_length = max(nlp.max_length, settings.max_chars + 1)
        return cls(settings, nlp, ActorResolver.load(settings.overlay), Geoparser(Gazetteer.load()),
                   EventExtractor(Lexicon.load(), EventClassifier.load()))

    def settle(self) -> "Pipeline":
        """For a process that exists to code with this pipeline until it ends (an engine's worker):
        what is loaded now lives as long as the process, so the cyclic garbage collector need not
        walk its ~200,000 objects again in every full collection (0.48 -> 0.20 ms an article on
        NGEC stories), and young objects are collected after YOUNG_THRESHOLD of them. Process-wide,
        so a library caller decides for itself: whatever is alive is frozen with it, and a cycle
        among those objects is never freed."""
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        return self

    # -- public ------------------------------------------------------------------------------

    def code(self, documents: Iterable[Document | DocumentError]) -> Iterator[Result]:
        """One Result per item, in input order; a failing document never stops the rest.

        An input that failed before it became a document (an ingest error) passes through as a
        Result with its error; it has an output line (`coded`) only when it had an id.
        """
        prepared = (self._unreadable(item) if isinstance(item, DocumentError) else self._prepare(item)
                    for item in documents)
        waiting: dict[int, Work] = {}      # input position -> work not yet given back
        given = 0

        def texts() -> Iterator[tuple[str, int]]:
            nonlocal given
            for work in prepared:
                waiting[given] = work
                given += 1
                if work.error is None:
                    yield work.nlp_text, given - 1

        done = 0
        # the engines run whole pipelines in parallel; spaCy's own processes only when asked (n_process > 1)
        parsed = self.nlp.pipe(texts(), as_tuples=True, batch_size=self.settings.batch_size,
                               n_process=max(1, self.settings.n_process))
        while batch := list(itertools.islice(parsed, max(1, self.settings.batch_size))):
            works = []
            for doc, index in batch:
                work = waiting.pop(index)
                work.doc = doc
                works.append(work)
            for (_, index), work in zip(batch, self._finish(works)):
                # inputs that never reached spaCy come out in their input place
                while done < index:
                    yield self._result(waiting.pop(done))
                    done += 1
                yield self._result(work)
                done = index + 1
        while done < given:
            yield self._result(waiting.pop(done))
            done += 1

    def code_one(self, document: Document) -> Result:
        return next(self.code([document]))

    # -- before spaCy ------------------------------------------------------------------------

    @staticmethod
    def _unreadable(error: DocumentError) -> Work:
        work = Work(document=None, error=error)
        if error.document_id:
            work.coded = CodedDocument(id=error.document_id, title=None, published=None, source=None,
                                       warnings=[f"not coded: {error.kind.value}: {error.reason}"])
        return work

    def _prepare(self, document: Document) -> Work:
        work = Work(document=document)
        # the input's own date only once read as ISO: a document skipped before it is analysed still
        # gets a valid output line
        work.coded = CodedDocument(id=document.id, title=document.title,
                                   published=article.normalise_date(document.published),
                                   source=document.source, url=document.url, extra=dict(document.extra))
        try:
            if not document.text.strip():
                return self._fail(work, ErrorKind.EMPTY, "the document has no text")
            if len(document.text) > self.settings.max_chars:
                return self._fail(work, ErrorKind.TOO_LARGE,
                                  f"{len(document.text):,} characters is over the limit of {self.settings.max_chars:,}")
            structure = article.analyse(document)
            work.structure = structure
            published, warnings = article.publication_date(document, structure, self.settings.published)
            work.published = published
            work.coded.warnings.extend(warnings)
            work.coded.title = structure.title
            work.coded.published = published
            dateline = structure.dateline
            if dateline is not None:
                work.coded.dateline = Dateline(place=dateline.place, agency=dateline.agency, start=dateline.start,
                                               end=dateline.end,
                                               date=article.dateline_date(structure.dateline_parts, published))
                work.coded.source = work.coded.source or dateline.agency
            work.anchor = self._anchor(published, structure)
            work.skip = [(s.start, s.end) for s in structure.boilerplate]
            if dateline is not None:
                work.skip.append((dateline.start, dateline.end))
            blanked = structure.boilerplate + ([Span(dateline.start, dateline.end)] if dateline else [])
            work.nlp_text = article.mask(document.text, blanked)
            if not work.nlp_text.strip():
                return self._fail(work, ErrorKind.EMPTY, "nothing but boilerplate")
            verdict = language.check(work.nlp_text, document.language)
            if not verdict.english:
                return self._fail(work, ErrorKind.NOT_ENGLISH, verdict.reason)
        except Exception as error:  # a stage bug on one document must not stop the batch
            log.exception("preparing %s failed", document.id)
            return self._fail(work, ErrorKind.CODING, f"{type(error).__name__}: {error}")
        return work

    @staticmethod
    def _anchor(published: str | None, structure: article.Structure) -> Anchor | None:
        if published:
            return Anchor.from_iso(published)
        parts = structure.dateline_parts
        if parts and parts[1]:
            # month and day known from the dateline, year not: relative dates stay honest (null)
            return Anchor(parts[0], parts[1], parts[2])
        return None

    # -- after spaCy ---------------------------------------------------------------------------

    def _finish(self, works: list[Work]) -> list[Work]:
        """The stages after spaCy over a batch of parsed documents, each stage across the batch
        before the next: a stage's tables then stay in the CPU's caches from one document to the
        next (0.5-0.9 ms an article less than all stages one document at a time, on NGEC stories).
        A document a stage fails on is failed alone, and goes through no further stage."""
        failed: set[int] = set()
        try:
            for name in STAGES:
                stage = getattr(self, f"_stage_{name}")
                for i, work in enumerate(works):
                    if i in failed:
                        continue
                    try:
                        works[i] = stage(work)
                    except Exception as error:
                        log.exception("coding %s failed", work.document.id)
                        work.coded.events, work.coded.quotes = [], []
                        self._fail(work, ErrorKind.CODING, f"{type(error).__name__}: {error}")
                        failed.add(i)
        finally:
            for work in works:
                release(work.doc)
        return works

    def _stage_dates(self, work: Work) -> Work:
        timexes = find_timexes(work.doc, work.anchor, work.skip)
        dateline = work.coded.dateline
        if dateline is not None and dateline.start is not None:
            text = work.document.text[dateline.start:dateline.end]
            match = DATELINE_DATE.search(text)
            if match:
                value, precision = normalise(match.group(0), work.anchor)
                timexes.append(Timex(text=match.group(0), start=dateline.start + match.start(),
                                     end=dateline.start + match.end(), value=value, precision=precision))
        timexes.sort(key=lambda t: t.start)
        for timex in timexes:
            impossible = article.nonexistent_day(timex.text) if timex.value is None else None
            if impossible:
                work.coded.warnings.append(f"date '{impossible}' at character {timex.start} does not exist: "
                                           "its value is left null")
        work.coded.timexes = timexes
        return work

    def _stage_places(self, work: Work) -> Work:
        focus = []
        dateline = work.coded.dateline
        if dateline is not None and dateline.place:
            home = self.geoparser.resolve(dateline.place)
            if home is not None and home.country:
                focus.append(home.country)
        work.coded.places = self.geoparser.find(work.doc, skip=work.skip, focus=focus)
        return work

    def _stage_events(self, work: Work) -> Work:
        memory = self.resolver.new_memory()
        work.memory = memory
        date = work.published

        def resolve(span):
            return self.resolver.resolve_span(span, date, memory)

        sentences = [s for s in work.doc.sents
                     if span_text(s).strip() and not _inside(s.start_char, s.end_char, work.skip)]
        for sentence in sentences:
            if len(sentence) > MAX_EVENT_SENTENCE_TOKENS:
                work.coded.warnings.append(
                    f"sentence at characters {sentence.start_char}-{sentence.end_char} has {len(sentence):,} tokens, "
                    f"over the {MAX_EVENT_SENTENCE_TOKENS} the event extractor reads: no events taken from it")
        sentences = [s for s in sentences if len(s) <= MAX_EVENT_SENTENCE_TOKENS]
        # the dateline's date is when the report was filed, not when anything in it happened
        timexes = [t for t in work.coded.timexes if not _inside(t.start, t.end, work.skip)]
        context = DocumentContext(doc_id=work.document.id, date=date, timexes=timexes,
                                  places=work.coded.places, resolve=resolve)
        work.coded.events = self.extractor.extract(sentences, context)
        work.coded.warnings.extend(dict.fromkeys(context.warnings))
        return work

    def _stage_quotes(self, work: Work) -> Work:
        def resolve(span):
            return self.resolver.resolve_span(span, work.published, work.memory)

        work.coded.quotes = find_quotes(work.doc, resolve, work.skip)
        return work

    def _stage_filter(self, work: Work) -> Work:
        threshold = self.settings.min_confidence
        if threshold > 0:
            work.coded.events = [e for e in work.coded.events if e.confidence >= threshold]
        return work

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _fail(work: Work, kind: ErrorKind, reason: str) -> Work:
        work.error = DocumentError(kind=kind, reason=reason, origin=work.document.origin, document_id=work.document.id)
        work.coded.warnings.append(f"not coded: {kind.value}: {reason}")
        return work

    @staticmethod
    def _result(work: Work) -> Result:
        return Result(document=work.document, coded=work.coded, error=work.error)


def _inside(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    """True when [start, end) lies within one skipped range (boilerplate, the dateline)."""
    return any(a <= start and end <= b for a, b in ranges)
