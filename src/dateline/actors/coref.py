"""Per-document memory of resolved actors, for pronouns and definite descriptions ('he', 'the Russian leader')."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from dateline.actors.kb import tokens

if TYPE_CHECKING:
    from dateline.actors.resolve import ActorResolver, Resolution

PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})
#: Plural pronouns stand for groups: "militants attempted an offensive ... a strike against them".
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "themselves"})
GROUP_KINDS = frozenset({"role", "group"})
#: How far back (in observed mentions) a pronoun looks: wire copy re-names an actor within a few
#: sentences, and an older antecedent is more often wrong than right.
PRONOUN_WINDOW = 12
#: Words of a description that say nothing about which person is meant.
_FILLER = frozenset({"the", "a", "an", "'s", "s", "this", "that", "said", "also", "then"})
#: First words of a description that may name someone seen earlier ("the Kremlin spokesman").
_DEFINITE = frozenset({"the", "this", "that"})
#: First words that may begin a mention `recall` can resolve; any other word in plain letters
#: stays among its tokens, so the mention is neither all pronouns nor a description.
_RECALLING = PERSONAL_PRONOUNS | PLURAL_PRONOUNS | _FILLER | _DEFINITE


@dataclass
class Coref:
    """Mentions in document order; the lead's pipeline calls observe() after each resolution it keeps."""

    mentions: list[tuple["Resolution", frozenset[str]]] = field(default_factory=list)

    def observe(self, resolution: "Resolution | None") -> None:
        if resolution is not None:
            self.mentions.append((resolution, frozenset(tokens(resolution.actor.text)) - _FILLER))

    def last_person(self) -> "Resolution | None":
        for res, _ in reversed(self.mentions[-PRONOUN_WINDOW:]):
            if res.kind == "person":
                return res
        return None

    def last_group(self) -> "Resolution | None":
        for res, _ in reversed(self.mentions[-PRONOUN_WINDOW:]):
            if res.kind in GROUP_KINDS:
                return res
        return None

    def recall(self, text: str, resolver: "ActorResolver", date: str | None) -> "Resolution | None":
        """A pronoun -> the last person; 'the Kremlin spokesman', 'the Russian leader' -> a person seen
        earlier whose mention shared those words, or who holds that office for that country."""
        from dateline.actors.resolve import Resolution

        first = text.split(None, 1)[0].lower() if text and not text.isspace() else ""
        if first.isascii() and first.isalpha() and first not in _RECALLING:
            return None  # a plain first word that is no pronoun, filler or "the": a name, not a reference
        words = frozenset(tokens(text)) - _FILLER
        if not words:
            return None
        if words <= PERSONAL_PRONOUNS:
            person = self.last_person()
            if person is None:
                return None
            return Resolution(replace(person.actor, text=text, start=None, end=None), "person",
                              [f"pronoun '{text}' -> last person mentioned: {person.actor.name}",
                               *person.reasons], person.score * 0.9)
        if words <= PLURAL_PRONOUNS:
            group = self.last_group()
            if group is None:
                return None
            return Resolution(replace(group.actor, text=text, start=None, end=None), group.kind,
                              [f"pronoun '{text}' -> last group mentioned: {group.actor.text}",
                               *group.reasons], group.score * 0.8)
        if first not in _DEFINITE:
            return None
        own = resolver.resolve(text, date)
        if own is None or own.kind == "person":
            return None
        for res, seen in reversed(self.mentions):
            if res.kind != "person":
                continue
            same_country = own.actor.country in (None, res.actor.country)
            described = words <= seen or (own.actor.name is not None and own.actor.name == res.actor.name)
            if same_country and described:
                return Resolution(replace(res.actor, text=text, start=None, end=None), "person",
                                  [f"description '{text}' -> earlier mention '{res.actor.text}'",
                                   *res.reasons], res.score * 0.9)
        return None
