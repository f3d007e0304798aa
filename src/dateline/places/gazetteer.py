"""The embedded gazetteer: GeoNames cities500, countries, admin1 units and curated places in SQLite."""

from __future__ import annotations

import math
import re
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy
from rapidfuzz import fuzz, process

from dateline.text import strip_accents

#: How a name belongs to a place, strongest first (stored as the integer).
NAME_KINDS = {"name": 0, "alt": 1, "alias": 1, "abbr": 2, "demonym": 3}
KIND_NAMES = {0: "name", 1: "alt", 2: "abbr", 3: "demonym"}

#: Transliterations differ by a letter (Kfraya/Kafraya scores 92 with fuzz.ratio, Jarabulus/
#: Jarablus 94); at 80 different places slipped in (Sichuan/Xichang), so 88.
FUZZY_CUTOFF = 88
#: Fuzzy look-ups only for names this long: short names are one edit from many towns
#: (GeoNames has Idleb as an alternate name, so it needs no fuzzy match).
FUZZY_MIN_LEN = 6
FUZZY_LIMIT = 5
#: Names whose look-ups are kept (a few MB at most): a corpus repeats its places.
LOOKUP_CACHE = 20_000
#: Two-letter beginnings whose keys are kept for fuzzy look-ups. 2,000 NGEC stories asked 843
#: fuzzy look-ups in 177 of them; keeping them all is about 520,000 keys (30 MB), and each one kept
#: spares a ~1 ms range scan.
FUZZY_PREFIXES = 256

_PUNCT = str.maketrans({"’": "", "'": "", "‘": "", "ʻ": "", "ʼ": "", "`": "", ".": "", "-": " ", "‐": " ", "–": " ", ",": " "})


#: Words that say what kind of place a name is: "Idlib province", "the Euphrates River", "Quebec City".
KIND_WORDS = {
    "admin1": re.compile(r"\s+(province|governorate|region|state|oblast|prefecture)$", re.IGNORECASE),
    "city": re.compile(r"\s+city$", re.IGNORECASE),
    "river": re.compile(r"^river\s+|\s+river$", re.IGNORECASE),
}


def kind_word(name: str) -> tuple[str, str | None]:
    """('Idlib', 'admin1') for 'Idlib province'; (name, None) when no kind word is there."""
    for feature, pattern in KIND_WORDS.items():
        if pattern.search(name):
            return pattern.sub("", name).strip(), feature
    return name, None


def normalize(name: str) -> str:
    """The look-up key: accents folded, case folded, full stops and apostrophes dropped (U.S. = US)."""
    return " ".join(strip_accents(name).translate(_PUNCT).casefold().split())


@dataclass(slots=True, frozen=True)
class Candidate:
    """One gazetteer entry a name may refer to, with how the name matched it."""

    id: int
    name: str
    country: str | None
    admin1: str | None
    admin1_id: int | None
    lat: float
    lon: float
    geonameid: int | None
    feature: str
    population: int
    capital: bool      # a national capital
    kind: str          # name, alt, abbr, demonym, or fuzzy
    similarity: float  # 100 for an exact key, the rapidfuzz score for a fuzzy one


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


_COLUMNS = "p.id, p.name, p.country, p.admin1, p.admin1_id, p.lat, p.lon, p.geonameid, p.feature, p.population, p.capital"


class Gazetteer:
    """Read-only look-ups in the SQLite index built by scripts/build_gazetteer.py."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        # a name is looked up many times per document and across a corpus; entries are frozen
        self._lookups: OrderedDict[tuple[str, str | None], tuple[Candidate, ...]] = OrderedDict()

    @classmethod
    def load(cls, path: Path | None = None) -> "Gazetteer":
        """Open the shipped index (or `path`) read-only; nothing is read into memory up front."""
        if path is None:
            path = Path(str(resources.files("dateline") / "data" / "places" / "gazetteer.sqlite"))
        if not Path(path).exists():
            raise FileNotFoundError(f"gazetteer index not found: {path} (run scripts/build_gazetteer.py)")
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        return cls(db)

    def candidates(self, name: str, country: str | None = None, fuzzy: bool = True) -> list[Candidate]:
        """Entries called `name` (exact key, else fuzzy), most populous first; `country` filters (ISO3).

        `fuzzy=False` is for a caller that weighs only exact names: near spellings are the costly
        part of a look-up (a range scan of ~2,000 keys, about a millisecond), so it is skipped."""
        key = normalize(name)
        if not key:
            return []
        cached = self._lookups.get((key, country))
        if cached is not None:
            self._lookups.move_to_end((key, country))
            return list(cached)
        if not fuzzy and not self._known_key(key):
            return []
        found = self._exact(key, country)
        if not found and len(key) >= FUZZY_MIN_LEN:
            if not fuzzy:
                return []  # not remembered: a later caller that weighs near spellings looks them up
            found = self._fuzzy(key, country)
        self._lookups[(key, country)] = tuple(found)
        if len(self._lookups) > LOOKUP_CACHE:
            self._lookups.popitem(last=False)
        return found

    def place(self, place_id: int) -> Candidate | None:
        row = self._db.execute(f"SELECT {_COLUMNS}, 0 FROM places p WHERE p.id = ?", (place_id,)).fetchone()
        return self._candidate(row, 100.0) if row else None

    @lru_cache(maxsize=LOOKUP_CACHE)
    def has_name(self, name: str) -> bool:
        # asked for every capitalised word run of every story, most of them the same few hundred
        key = normalize(name)
        return bool(key) and self._known_key(key)

    @lru_cache(maxsize=LOOKUP_CACHE)
    def _known_key(self, key: str) -> bool:
        # spellings of one key ('U.S.', 'US') share the query
        return self._db.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)).fetchone() is not None

    def is_adjective(self, name: str) -> bool:
        """An English adjective that is also a place name ('Central', 'Mobile', 'Olympic')."""
        return self._db.execute("SELECT 1 FROM adjectives WHERE key = ?", (normalize(name),)).fetchone() is not None

    def _exact(self, key: str, country: str | None) -> list[Candidate]:
        sql = f"SELECT {_COLUMNS}, n.kind FROM names n JOIN places p ON p.id = n.place WHERE n.key = ?"
        args: tuple = (key,)
        if country:
            sql += " AND p.country = ?"
            args += (country,)
        rows = self._db.execute(sql + " ORDER BY p.population DESC", args).fetchall()
        return [self._candidate(row, 100.0) for row in rows]

    def _fuzzy(self, key: str, country: str | None) -> list[Candidate]:
        # same first two letters and a similar length
        known, lengths = self._keys_from(key[:2])
        keys = known[numpy.abs(lengths - len(key)) <= 2].tolist()
        matches = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=FUZZY_LIMIT)
        found: dict[int, Candidate] = {}
        for match, score, _ in matches:
            for cand in self._exact(match, country):
                if cand.id not in found:
                    found[cand.id] = replace(cand, kind="fuzzy", similarity=float(score))
        found = list(found.values())
        found.sort(key=lambda c: (-c.similarity, -c.population))
        return found

    @lru_cache(maxsize=FUZZY_PREFIXES)
    def _keys_from(self, prefix: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The keys that begin with `prefix`, in key order, and their lengths. The primary key is
        sorted, so this is a range scan of ~1/300 of the names (a first-letter range took 10-15 ms);
        kept, as the scan takes one or two milliseconds and near spellings are asked for again and
        again."""
        high = prefix[0] + chr(ord(prefix[1]) + 1)
        keys = [row[0] for row in self._db.execute(
            "SELECT DISTINCT key FROM names WHERE key >= ? AND key < ?", (prefix, high))]
        return numpy.array(keys, dtype=object), numpy.fromiter(map(len, keys), dtype=numpy.int64, count=len(keys))

    @staticmethod
    def _candidate(row: tuple, similarity: float) -> Candidate:
        return Candidate(*row[:10], capital=bool(row[10]), kind=KIND_NAMES[row[11]], similarity=similarity)
