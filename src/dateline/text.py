"""Plain-text helpers shared by the knowledge base and the gazetteer keys."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """Letters without their combining marks, by NFKD decomposition: 'Erdoğan' -> 'Erdogan'.
    ASCII text is returned as it is (it has none to strip, and the per-letter walk is slow)."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
