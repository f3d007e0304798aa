"""The actor knowledge base: normalised alias tables, dated roles, role words, and their loader."""

from __future__ import annotations

import csv
import gzip
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from collections.abc import Sequence
from typing import Any, Iterable

import orjson
import yaml

from dateline.text import strip_accents

#: Package data directory holding the built KB and the curated sources it was built from.
DATA = resources.files("dateline") / "data" / "actors"
KB_FILE = "kb.json.gz"
KB_VERSION = 1

#: Columns of a curated or overlay actor row (TSV/CSV header, or YAML keys).
ACTOR_COLUMNS = ("name", "kind", "country", "sectors", "start", "end", "office", "aliases", "source")
ROLE_WORD_COLUMNS = ("phrase", "sectors", "source")

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"', "_": " ", "-": " ", "\u2010": " ",
                         "\u2011": " ", "\u2013": " ", "\u2014": " ", "/": " "})
# "U.S." and "US" (upper case only) mean the country; lower-case "us" is a pronoun
_US = re.compile(r"\bU\.\s?S\.?(?=\s|$|[^\w.])|\bUS\b")
_ACRONYM_DOTS = re.compile(r"(?<=\b[A-Za-z])\.(?=[A-Za-z]\b)|(?<=\b[A-Za-z])\.(?=\s|$)")
_TOKEN = re.compile(r"[a-z0-9]+|'s\b|,")


def fold(text: str) -> str:
    """Strip accents and unify quotes and dashes: 'Erdoğan' and 'Erdogan' fold the same."""
    plain = strip_accents(text.translate(_QUOTES))
    # letters NFKD cannot split
    return plain.replace("ı", "i").replace("ø", "o").replace("ł", "l").replace("đ", "d").replace("ß", "ss")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of a mention or alias ('Syria's' -> ['syria', "'s"], 'U.N.' -> ['un'])."""
    text = _US.sub("USA", fold(text))
    text = _ACRONYM_DOTS.sub("", text)
    return _TOKEN.findall(text.lower())


def key(text: str) -> str:
    """The lookup key of an alias or mention: its tokens joined by single spaces."""
    return " ".join(tokens(text))


def split_list(value: Any, sep: str = ",") -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value).split(sep) if part.strip()]


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a curated or overlay file: .tsv, .csv, or .yaml/.yml (a list of mappings)."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if isinstance(data, dict):  # {actors: [...], role_words: [...]}
            rows = []
            for section, items in data.items():
                for item in items or []:
                    rows.append({**item, "_section": section})
            return rows
        return [dict(item) for item in data]
    delimiter = "\t" if suffix == ".tsv" else ","
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        return [dict(row) for row in csv.DictReader(lines, delimiter=delimiter)]


@dataclass(slots=True)
class Role:
    """One dated role of an entity: country and sectors between start and end (ISO dates, inclusive)."""

    country: str | None
    sectors: list[str]
    start: str | None = None
    end: str | None = None
    office: str | None = None
    source: str = ""

    def covers(self, date: str) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)

    def to_list(self) -> list[Any]:
        return [self.country, self.sectors, self.start, self.end, self.office, self.source]


@dataclass(slots=True)
class Entity:
    """A named actor: a person, organisation, country or seat of government, with its roles."""

    id: int
    name: str
    kind: str
    roles: list[Role] = field(default_factory=list)
    default: Role | None = None          # what holds outside every dated role (PETRARCH's undated code)
    curated: bool = False                # curated roles outrank PETRARCH's for the dates they cover
    source: str = ""

    @property
    def country(self) -> str | None:
        for role in [*reversed(self.roles), self.default]:
            if role is not None and role.country:
                return role.country
        return None


class Entities(Sequence[Entity]):
    """The KB's entities, each built from its stored row on first access: a resolver touches a few
    hundred of the ~28,000, and building them all took half of the load time."""

    __slots__ = ("_rows", "_built")

    def __init__(self, rows: list[list[Any]]):
        # stored as tuples: the garbage collector stops tracking a tuple of strings and numbers, and
        # walking these 130,000 JSON lists again in every full collection cost coding time
        self._rows = [_frozen(row) for row in rows]
        self._built: list[Entity | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._built)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        entity = self._built[index]
        if entity is None:
            ident, name, kind, roles, default, curated, source = self._rows[index]
            entity = Entity(ident, name, kind, [_role(r) for r in roles],
                            _role(default) if default else None, bool(curated), source)
            self._built[index] = entity
        return entity

    def curated_ids(self) -> list[int]:
        """Ids of curated (and overlay) entities, without building the others."""
        return [i for i, built in enumerate(self._built)
                if (built.curated if built is not None else bool(self._rows[i][5]))]

    def append(self, entity: Entity) -> None:
        self._rows.append(())
        self._built.append(entity)


def _frozen(value: Any) -> Any:
    """A stored JSON row with every list made a tuple."""
    return tuple(_frozen(item) for item in value) if isinstance(value, list) else value


def _role(row: tuple) -> Role:
    """A Role from its stored row: [country, sectors, start, end, office, source]."""
    country, sectors, *rest = row
    return Role(country, list(sectors), *rest)


@dataclass(slots=True)
class KnowledgeBase:
    """Everything the resolver looks up; built by scripts/build_kb.py, loaded in well under a second."""

    entities: Entities
    aliases: dict[str, list[int]]              # alias key -> entity ids
    places: dict[str, list[Any]]               # key -> [country, kind, name]; kind: country|demonym|capital|city|region
    role_words: dict[str, list[str]]           # key -> PLOVER sectors ([] = a person noun that takes its modifier's sectors)
    modifiers: dict[str, str]                  # key -> FORMER or a PLOVER sector the word adds
    titles: dict[str, str]                     # key -> office (head_of_state, foreign_minister, ...)
    offices: dict[str, list[list[Any]]]        # "RUS head_of_state" -> [[entity id, start, end], ...]
    case_sensitive: frozenset[str] = frozenset()  # acronym keys that match only an upper-case mention
    max_alias_tokens: int = 8
    max_place_tokens: int = 6
    max_role_tokens: int = 8

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "KnowledgeBase":
        if data.get("version") != KB_VERSION:
            raise ValueError(f"actor KB version {data.get('version')!r}, expected {KB_VERSION}: rebuild it")
        kb = cls(Entities(data["entities"]), data["aliases"], data["places"], data["role_words"], data["modifiers"],
                 data["titles"], data["offices"], frozenset(data.get("case_sensitive", ())))
        kb.refresh_lengths()
        return kb

    def refresh_lengths(self) -> None:
        self.max_alias_tokens = max((k.count(" ") + 1 for k in self.aliases), default=1)
        self.max_place_tokens = max((k.count(" ") + 1 for k in self.places), default=1)
        self.max_role_tokens = max((k.count(" ") + 1 for k in self.role_words), default=1)

    def add_entity(self, name: str, kind: str, roles: list[Role], aliases: Iterable[str],
                   curated: bool = True, source: str = "") -> Entity:
        """Add (or extend, when the name is already an alias of a curated entity) an entity."""
        existing = [self.entities[i] for i in self.aliases.get(key(name), []) if self.entities[i].curated]
        if existing and existing[0].name == name:
            entity = existing[0]
            entity.roles.extend(roles)
        else:
            entity = Entity(len(self.entities), name, kind, roles, None, curated, source)
            self.entities.append(entity)
        for alias in {name, *aliases}:
            ids = self.aliases.setdefault(key(alias), [])
            if entity.id not in ids:
                ids.insert(0, entity.id)  # an overlay entry outranks the shipped ones
        return entity

    def apply_overlay(self, path: Path) -> None:
        """Add a user's actors and role words (TSV/CSV/YAML, ACTOR_COLUMNS or ROLE_WORD_COLUMNS)."""
        for row in read_rows(path):
            if row.get("phrase") or row.get("_section") == "role_words":
                self.role_words[key(row["phrase"])] = split_list(row.get("sectors"))
                continue
            name = str(row.get("name") or "").strip()
            if not name:
                raise ValueError(f"{path}: an overlay row has neither 'name' nor 'phrase': {row}")
            role = Role(str(row.get("country") or "").strip() or None, split_list(row.get("sectors")),
                        _date(row.get("start")), _date(row.get("end")), row.get("office") or None,
                        f"overlay:{path.name}")
            self.add_entity(name, str(row.get("kind") or "organisation"), [role],
                            split_list(row.get("aliases"), "|"), True, f"overlay:{path.name}")
        self.refresh_lengths()


def _date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return str(value)


def dump(data: dict[str, Any], path: Path) -> None:
    """Write the KB byte-reproducibly: sorted keys, gzip without a timestamp."""
    payload = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    with path.open("wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as handle:
            handle.write(payload)


def load_kb(path: Path | None = None) -> KnowledgeBase:
    """Load the built KB (package data unless `path` is given)."""
    if path is None:
        blob = (DATA / KB_FILE).read_bytes()
    else:
        blob = Path(path).read_bytes()
    return KnowledgeBase.from_dict(orjson.loads(gzip.decompress(blob)))
