"""Is a document English? The declared `language` if any, else py3langid on a sample of the text.

A long sample dense with English function words ("the", "of", "which") is English without asking
the model: that settles nearly every news story in a few hundredths of a millisecond, where the
model takes most of a millisecond. Anything else (short, sparse, mixed, foreign) goes to py3langid.

dateline's lexicon, model and knowledge base are English: coding French or Russian text would
turn out garbage events, so such a document is skipped as `not_english`. The check is built to
spare English: it rejects only what the detector is sure of and where English is all but ruled
out, because a short English headline ("Putin, Erdogan meet in Moscow") may score low as English
without scoring high as anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Values of an input's `language` field that mean English (BCP 47 primary subtag, ISO 639-2, name).
ENGLISH_TAGS = frozenset({"en", "eng", "english"})
#: Values that say nothing about the language: detect it from the text instead.
UNDECLARED_TAGS = frozenset({"", "und", "mul", "zxx", "mis", "unknown", "none", "null"})
#: py3langid labels that may come out for English text: Nigerian Pidgin and Scots share most of
#: its words (the ConfliBERT dev set has Nigerian news the model calls `pcm`), and `zxx` is
#: "no linguistic content" (names, numbers), not another language.
ENGLISH_LIKE = frozenset({"en", "pcm", "sco", "zxx"})
#: The detector reads this many characters: about 1 ms, and plenty to tell a language apart.
SAMPLE_CHARS = 3000
#: Less than this much letter text is too little to judge ("Gaza", "12:30 GMT"): such text is
#: coded. Letters are weighed in UTF-8 bytes, as the detector reads them: 20 Latin letters, 10
#: Cyrillic or Arabic ones, 7 Chinese characters (each of which says more).
MIN_LETTER_BYTES = 20
#: Skip only when the winning language has at least this probability...
MIN_CONFIDENCE = 0.5
#: ...and English at most this much. On the dev gold (1,717 English texts) English never fell
#: below 0.048; French, German, Russian, Arabic, Chinese or Turkish sentences give it 0.000.
MAX_ENGLISH_PROBABILITY = 0.01
#: Function words frequent in English and rare as words of other languages. Some are words elsewhere
#: ("was" and "will" in German, "of", "had" and "been" in Dutch), which the share below allows for.
ENGLISH_MARKERS = frozenset({
    "the", "of", "and", "was", "were", "that", "with", "said", "has", "have", "had", "from", "this",
    "which", "been", "would", "their", "they", "who", "its", "are",
})
#: A sample is taken for English by its markers when it has at least this many words, markers are
#: at least this share of them, and this many different markers occur. In 3,228 English texts of
#: 40 words or more (dev gold and NGEC stories), 99.4% pass; the languages spaCy gives examples for
#: (German and Dutch among them) stay below 0.03.
MARKER_MIN_WORDS = 40
MARKER_MIN_SHARE = 0.08
MARKER_MIN_DISTINCT = 4
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the check found: the language (ISO 639 code, None when not judged), and why."""

    english: bool
    language: str | None
    reason: str


@lru_cache(maxsize=1)
def _identifier():
    # the model ships inside the py3langid wheel; loading it takes about a second, once
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def declared(value: str | None) -> str | None:
    """The primary language subtag of a declared `language` ("en-GB" -> "en"), None if undeclared."""
    if value is None:
        return None
    tag = str(value).strip().lower().replace("_", "-").split("-")[0]
    return None if tag in UNDECLARED_TAGS else tag


def check(text: str, language: str | None = None) -> Verdict:
    """Whether `text` should be coded as English; a declared `language` is taken at its word."""
    tag = declared(language)
    if tag is not None:
        if tag in ENGLISH_TAGS:
            return Verdict(True, "en", "declared English")
        return Verdict(False, tag, f"the input declares language {language!r}; dateline codes English only")
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if not _enough_letters(sample):
        return Verdict(True, None, "too little text to judge its language")
    share = _marker_share(sample)
    if share is not None:
        return Verdict(True, "en", f"English function words are {share:.0%} of the text's words")
    ranked = dict(_identifier().rank(sample))
    best, confidence = max(ranked.items(), key=lambda item: item[1])
    english = ranked.get("en", 0.0)
    if best in ENGLISH_LIKE or confidence < MIN_CONFIDENCE or english > MAX_ENGLISH_PROBABILITY:
        return Verdict(True, "en" if best in ENGLISH_LIKE else None,
                       f"detected {best} ({confidence:.2f}), English {english:.2f}")
    return Verdict(False, best, f"detected language {best!r} (probability {confidence:.2f}; English {english:.3f}); "
                                "dateline codes English only")


def _enough_letters(sample: str) -> bool:
    """At least MIN_LETTER_BYTES of letters, counted until there are enough (a story has them in
    its first words; weighing all 3,000 characters took a third of the check's time)."""
    weight = 0
    for ch in sample:
        if ch.isalpha():
            weight += len(ch.encode("utf-8"))
            if weight >= MIN_LETTER_BYTES:
                return True
    return False


def _marker_share(sample: str) -> float | None:
    """The share of ENGLISH_MARKERS among the sample's words when it marks the text as English, else None."""
    words = _WORDS.findall(sample.lower())
    if len(words) < MARKER_MIN_WORDS:
        return None
    found = [word for word in words if word in ENGLISH_MARKERS]
    share = len(found) / len(words)
    if share < MARKER_MIN_SHARE or len(set(found)) < MARKER_MIN_DISTINCT:
        return None
    return share
