"""spaCy loading: the components dateline adds to the shipped pipeline."""

import pytest

pytestmark = pytest.mark.model


@pytest.mark.parametrize("form, lemma", [
    ("staged", "stage"), ("waged", "wage"), ("hoped", "hope"), ("staging", "stage"),
    ("hopped", "hop"), ("planned", "plan"), ("fixed", "fix"), ("visited", "visit"), ("bombed", "bomb"),
])
def test_verb_lemmas_keep_their_final_e(nlp, form, lemma):
    doc = nlp(f"They {form} it.")
    assert doc[1].lemma_ == lemma


TEXT = ("MOSCOW, March 4. Putin and Erdogan will hold talks in Moscow tomorrow.\n\n"
        "The Syrian military carried out a strike, which killed 36 Turkish soldiers. Ankara retaliated.")


def test_cached_children_are_spacys_children_in_order(nlp):
    from dateline.nlp import children, release

    doc = nlp(TEXT)
    assert all([c.i for c in children(t)] == [c.i for c in t.children] for t in doc)
    release(doc)
    assert "dateline_children" not in doc.user_data


def test_cached_sentences_and_span_texts_are_spacys(nlp):
    from dateline.nlp import sentence_of, span_text

    doc = nlp(TEXT)
    for token in doc:
        assert (sentence_of(token).start, sentence_of(token).end) == (token.sent.start, token.sent.end)
    assert all(span_text(sentence) == sentence.text for sentence in doc.sents)


def test_cached_tokens_heads_and_ancestors_are_spacys(nlp):
    from dateline.nlp import ancestors, head_indices, release, tokens_of, words_of

    doc = nlp(TEXT)
    assert [t.i for t in tokens_of(doc)] == list(range(len(doc)))
    assert head_indices(doc) == [t.head.i for t in doc]
    assert all([a.i for a in ancestors(t)] == [a.i for a in t.ancestors] for t in doc)
    assert all([t.i for t in words_of(sentence)] == [t.i for t in sentence] for sentence in doc.sents)
    release(doc)
    assert not any(key.startswith("dateline_") and key != "dateline_text" for key in doc.user_data)


def test_words_read_the_parse_as_spacys_tokens_do(nlp):
    from spacy.tokens import Token

    from dateline.nlp import Word, release, tokens_of

    docs = list(nlp.pipe([TEXT, "Hamas fired 20 rockets at Ashkelon; the IDF responded within hours.",
                          "U.S.-led talks, staged in Doha, were hoped to end the war."]))
    assert [w.lemma_ for w in tokens_of(docs[2]) if w.text == "staged"] == ["stage"]   # lemma mended first
    for doc in docs:
        words = tokens_of(doc)
        for word, token in zip(words, doc, strict=True):
            assert isinstance(word, Word) and isinstance(word, Token) and word == token
            assert (word.pos_, word.dep_, word.lemma_, word.lower_, word.text) == (
                token.pos_, token.dep_, token.lemma_, token.lower_, token.text)
            assert word.head is words[token.head.i]             # a word's head is the document's word
            assert (word.tag_, word.ent_type_, word.idx) == (token.tag_, token.ent_type_, token.idx)
        release(doc)
        assert tokens_of(doc) is not words                      # made again after release


def test_a_released_document_is_freed_without_the_collector(nlp):
    import gc

    from spacy.tokens import Doc

    from dateline.nlp import children, release, sentence_of, tokens_of

    def live_docs() -> int:
        return sum(isinstance(o, Doc) for o in gc.get_objects())

    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = live_docs()
        doc = nlp(TEXT)
        words = tokens_of(doc)
        children(words[0]), sentence_of(words[-1])
        assert live_docs() == before + 1
        del words
        release(doc)
        del doc
        assert live_docs() == before                            # gone by reference counts alone
    finally:
        if enabled:
            gc.enable()


def test_the_names_table_forgets_past_its_limit(nlp):
    from dateline.nlp import _Names

    names = _Names(nlp.vocab.strings, limit=3)
    keys = [nlp.vocab.strings[word] for word in ("war", "peace", "talks", "truce")]
    assert [names[k] for k in keys] == ["war", "peace", "talks", "truce"]
    assert len(names) == 1                                      # emptied on the fourth


def test_a_remembered_phrase_is_the_one_worked_out_and_goes_with_release(nlp):
    from dateline.events.arguments import _phrase, phrase
    from dateline.nlp import release

    doc = nlp(TEXT)
    strike = next(t for t in doc if t.text == "strike")
    military = next(t for t in doc if t.text == "military")
    for head, avoid in ((military, None), (strike, None), (strike, strike.head), (military, strike)):
        first = phrase(head, avoid)
        assert phrase(head, avoid) is first                     # asked again: the same span
        assert (first.start, first.end) == (_phrase(head, avoid).start, _phrase(head, avoid).end)
    assert phrase(strike) is not phrase(strike, strike.head)    # `avoid` is part of what is remembered
    release(doc)
    assert "dateline_memos" not in doc.user_data
