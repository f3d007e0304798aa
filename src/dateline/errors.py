"""Error kinds: a bad document is recorded with a typed reason and the batch goes on.

Every input a run is given ends in exactly one status: coded, skipped or failed. A skip is a
document that was read but deliberately not coded (nothing to code, another language, over the
size limit, already stored); a failure is an input that could not be read or coded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ErrorKind(str, Enum):
    UNREADABLE = "unreadable"          # file missing, permission denied, binary
    DECODING = "decoding"              # bytes that no encoding explains
    MALFORMED = "malformed"            # bad JSON line, CSV row without text
    EMPTY = "empty"                    # nothing to code after cleaning
    TOO_LARGE = "too_large"            # over the configured size limit
    NOT_ENGLISH = "not_english"        # detected language is not English
    CODING = "coding"                  # a stage raised on this document
    DUPLICATE_ID = "duplicate_id"      # an id given twice in one run with different content
    UNCHANGED = "unchanged"            # already stored (or given earlier in the run) with the same content

    @property
    def status(self) -> str:
        """`skipped` for a document deliberately not coded, `failed` for one that could not be."""
        return SKIPPED if self in SKIP_KINDS else FAILED


CODED, SKIPPED, FAILED = "coded", "skipped", "failed"
#: Kinds that are a decision about a readable document, not a fault: raising `max_chars`,
#: declaring `"language": "en"` or changing the text would get these coded.
SKIP_KINDS = frozenset({ErrorKind.EMPTY, ErrorKind.TOO_LARGE, ErrorKind.NOT_ENGLISH, ErrorKind.UNCHANGED})


@dataclass(slots=True)
class DocumentError:
    """Why one document (or one unreadable input) could not be coded."""

    kind: ErrorKind
    reason: str
    origin: str | None = None          # file path, path:line, or "<stdin>:line"
    document_id: str | None = None

    @property
    def status(self) -> str:
        return self.kind.status

    def __str__(self) -> str:
        where = self.document_id or self.origin or "<unknown>"
        return f"{where}: {self.kind.value}: {self.reason}"

    def to_dict(self) -> dict[str, str | None]:
        """One line of a run's report: which input, where from, what became of it and why."""
        return {"document_id": self.document_id, "origin": self.origin, "status": self.status,
                "kind": self.kind.value, "reason": self.reason}


class DatelineError(Exception):
    """A failure of the run itself (bad option, unreadable database), not of one document."""
