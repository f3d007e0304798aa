"""One record per real event: events from different reports of the same happening, linked.

Two coded events are mentions of one happening when they have the same type (or quad class),
compatible actors on both sides, dates within a window, and places within a distance. Events
are swept in date order within each type; each joins the first open cluster whose first mention
(its representative) it is compatible with, so a chain of near neighbours never drifts into one
cluster. A cluster's id comes from its first mention's event id: later reports leave it as it is.
Every mention is kept in `cluster_mentions`, with counts in `event_clusters` (GDELT's
NumMentions, NumArticles, NumSources).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable

from dateline.places.gazetteer import distance_km
from dateline.store.duckdb import Store

#: Modalities of events that happened; planned, hypothetical, negated and requested ones did not.
HAPPENED = ("asserted", "reported")
#: What "same kind of event" means: the PLOVER type, or only its quad class.
MATCH_LEVELS = ("type", "quad")


@dataclass(frozen=True)
class ClusterRules:
    """How close two mentions must be to report one happening (see the README's clusters section)."""

    window_days: int = 1             # dates at most this many days apart (a wire story filed next morning)
    distance_km: float = 50.0        # geocoded places at most this far apart (a city and its suburbs)
    match: str = "type"              # "type": same PLOVER type; "quad": same quad class only

    def __post_init__(self):
        if self.match not in MATCH_LEVELS:
            raise ValueError(f"cluster match must be one of {', '.join(MATCH_LEVELS)}, not {self.match!r}")
        if self.window_days < 0 or self.distance_km < 0:
            raise ValueError("the cluster window and distance cannot be negative")

    def kind(self, mention: "Mention") -> str:
        """What two mentions of one happening share: the PLOVER type, or only its quad class."""
        return mention.type if self.match == "type" else mention.quad or mention.type


@dataclass
class Mention:
    """One coded event, as the clustering reads it."""

    event_id: str
    document_id: str
    type: str
    quad: str | None
    day: dt.date
    source_country: str | None = None
    source_sectors: frozenset[str] = frozenset()
    target_country: str | None = None
    target_sectors: frozenset[str] = frozenset()
    location_country: str | None = None
    location_admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    cameo: str | None = None
    location_name: str | None = None
    source: str | None = None          # the reporting outlet, for NumSources


@dataclass
class Cluster:
    first: Mention
    mentions: list[Mention] = field(default_factory=list)

    @property
    def cluster_id(self) -> str:
        return "c-" + hashlib.sha1(self.first.event_id.encode()).hexdigest()[:16]


def _party(country_a, sectors_a, country_b, sectors_b) -> bool:
    """Actors are compatible when one is unknown, or the countries agree and the sectors do not clash."""
    if not country_a and not sectors_a or not country_b and not sectors_b:
        return True
    if country_a and country_b and country_a != country_b:
        return False
    return not (sectors_a and sectors_b) or bool(sectors_a & sectors_b)


def _place(a: Mention, b: Mention, rules: ClusterRules) -> bool:
    """Places are compatible when one is unknown, else near enough (or the same first-level division
    when there are no coordinates to measure)."""
    if a.location_country and b.location_country and a.location_country != b.location_country:
        return False
    if a.lat is not None and b.lat is not None:
        return distance_km(a.lat, a.lon, b.lat, b.lon) <= rules.distance_km
    if a.location_admin1 and b.location_admin1:
        return a.location_admin1 == b.location_admin1
    return True


def compatible(a: Mention, b: Mention, rules: ClusterRules) -> bool:
    """True when `a` and `b` can be two reports of one happening."""
    return (rules.kind(a) == rules.kind(b) and abs((a.day - b.day).days) <= rules.window_days
            and _party(a.source_country, a.source_sectors, b.source_country, b.source_sectors)
            and _party(a.target_country, a.target_sectors, b.target_country, b.target_sectors)
            and _place(a, b, rules))


def cluster(mentions: Iterable[Mention], rules: ClusterRules) -> list[Cluster]:
    """Group mentions into clusters (deterministic: the same mentions give the same clusters)."""
    kind = rules.kind
    ordered = sorted(mentions, key=lambda m: (kind(m), m.day, m.event_id))
    clusters: list[Cluster] = []
    open_: list[Cluster] = []          # clusters of the current kind whose first date is within reach
    current = None
    for mention in ordered:
        if kind(mention) != current:
            current, open_ = kind(mention), []
        # a cluster whose first mention is more than a window before this one can take no more
        open_ = [c for c in open_ if (mention.day - c.first.day).days <= rules.window_days]
        home = next((c for c in open_ if compatible(c.first, mention, rules)), None)
        if home is None:
            home = Cluster(first=mention)
            open_.append(home)
            clusters.append(home)
        home.mentions.append(mention)
    return clusters


def _day(value: str | None) -> dt.date | None:
    if not value or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _sectors(value: str | None) -> frozenset[str]:
    return frozenset(s for s in (value or "").split("|") if s)


def stored_mentions(store: Store) -> Iterable[Mention]:
    """The store's events that happened and have a day: the event's own date, else the report's."""
    cursor = store.con.execute(
        "SELECT e.event_id, e.document_id, e.type, e.quad, e.date, e.date_precision, d.published, "
        "e.source_country, e.source_sectors, e.target_country, e.target_sectors, e.location_country, "
        "e.location_admin1, e.lat, e.lon, e.cameo, e.location_name, d.source "
        "FROM events e JOIN documents d ON d.id = e.document_id WHERE e.modality IN (SELECT unnest(?))",
        [list(HAPPENED)])
    while batch := cursor.fetchmany(10_000):
        for (event_id, document_id, kind, quad, date, precision, published, s_country, s_sectors, t_country,
             t_sectors, l_country, l_admin1, lat, lon, cameo, l_name, source) in batch:
            # a month or a year is not a day: such events are matched on the report's date
            day = _day(date) if precision in (None, "day") else None
            day = day or _day(published)
            if day is None:
                continue
            yield Mention(event_id, document_id, kind, quad, day, s_country, _sectors(s_sectors), t_country,
                          _sectors(t_sectors), l_country, l_admin1, lat, lon, cameo, l_name, source)


def rebuild(store: Store, rules: ClusterRules) -> dict[str, int]:
    """Recompute every cluster from the stored events, in one transaction; returns counts."""
    clusters = cluster(stored_mentions(store), rules)
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for found in clusters:
        first, mentions = found.first, found.mentions
        days = [m.day for m in mentions]
        rows.append({
            "cluster_id": found.cluster_id, "type": first.type, "quad": first.quad, "cameo": first.cameo,
            "date": first.day.isoformat(), "first_date": min(days).isoformat(), "last_date": max(days).isoformat(),
            "source_country": _known(m.source_country for m in mentions),
            "target_country": _known(m.target_country for m in mentions),
            "location_name": _known(m.location_name for m in mentions),
            "location_country": _known(m.location_country for m in mentions),
            "lat": _known(m.lat for m in mentions), "lon": _known(m.lon for m in mentions if m.lat is not None),
            "mentions": len(mentions), "articles": len({m.document_id for m in mentions}),
            "sources": len({m.source or m.document_id for m in mentions}), "first_event_id": first.event_id})
        links.extend({"cluster_id": found.cluster_id, "event_id": m.event_id, "document_id": m.document_id}
                     for m in mentions)
    store.write_clusters(rows, links)
    return {"clusters": len(rows), "mentions": len(links),
            "merged": sum(1 for row in rows if row["mentions"] > 1)}


def _known(values: Iterable[Any]) -> Any:
    """The first known value among the mentions (the first mention's when it has one)."""
    return next((v for v in values if v is not None), None)
