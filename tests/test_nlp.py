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
