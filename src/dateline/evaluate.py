"""Gold scoring as FORMATS.md section 4 defines it: pure functions over gold and coded dicts."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from dateline.events.ontology import quad as quad_of_type

#: The geoparsing literature's standard tolerance ("accuracy at 161 km", i.e. 100 miles).
PLACE_TOLERANCE_KM = 161.0
#: FORMATS.md: an event location counts as right within 50 km.
EVENT_LOCATION_TOLERANCE_KM = 50.0
#: ConfliBERT's quad class for statements outside the four quads; FORMATS.md: not scored.
UNSCORED_QUADS = {"NEUTRAL"}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def overlaps(a: dict | None, b: dict | None) -> bool:
    if not a or not b or a.get("start") is None or b.get("start") is None:
        return False
    return a["start"] < b["end"] and b["start"] < a["end"]


@dataclass
class Ratio:
    """A share with its counts, so tables can say '0.83 (124/150)'."""

    hits: float = 0
    total: int = 0

    def add(self, hit: bool | float) -> None:
        self.hits += float(hit)
        self.total += 1

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


#: Confidence bands for the reliability rows: what a --min-confidence threshold buys.
CONFIDENCE_BANDS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 1.0))


def _band(confidence: float) -> str:
    low, high = next((b for b in CONFIDENCE_BANDS if confidence < b[1]), CONFIDENCE_BANDS[-1])
    return f"{low:.1f}-{high:.1f}"


@dataclass
class Scores:
    """Every figure FORMATS.md section 4 names, filled only where the gold has the field."""

    documents: int = 0
    type: PRF = field(default_factory=PRF)
    type_by_label: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    top1: Ratio = field(default_factory=Ratio)
    top1_by_confidence: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    quad: PRF = field(default_factory=PRF)
    quad_top1: Ratio = field(default_factory=Ratio)
    mode: Ratio = field(default_factory=Ratio)
    cameo_root: Ratio = field(default_factory=Ratio)
    aligned_quad: Ratio = field(default_factory=Ratio)
    modality: Ratio = field(default_factory=Ratio)
    source_country: Ratio = field(default_factory=Ratio)
    target_country: Ratio = field(default_factory=Ratio)
    source_sector: Ratio = field(default_factory=Ratio)
    target_sector: Ratio = field(default_factory=Ratio)
    event_date: Ratio = field(default_factory=Ratio)
    location_country: Ratio = field(default_factory=Ratio)
    location_admin1: Ratio = field(default_factory=Ratio)
    location_50km: Ratio = field(default_factory=Ratio)
    places: PRF = field(default_factory=PRF)
    places_161km: Ratio = field(default_factory=Ratio)
    places_geonameid: Ratio = field(default_factory=Ratio)
    places_found_and_161km: Ratio = field(default_factory=Ratio)
    timexes: PRF = field(default_factory=PRF)
    timex_value: Ratio = field(default_factory=Ratio)
    timex_value_calendar: Ratio = field(default_factory=Ratio)
    quotes: PRF = field(default_factory=PRF)
    quote_speaker: Ratio = field(default_factory=Ratio)

    @property
    def macro_f1(self) -> float | None:
        values = [prf.f1 or 0.0 for prf in self.type_by_label.values() if prf.tp + prf.fn > 0]
        return sum(values) / len(values) if values else None

    def rows(self) -> list[tuple[str, float | None, str]]:
        """(metric, value, support) rows for every figure that had something to score."""
        out: list[tuple[str, float | None, str]] = []

        def prf(name: str, value: PRF) -> None:
            if value.tp + value.fp + value.fn:
                support = f"tp={value.tp} fp={value.fp} fn={value.fn}"
                out.extend([(f"{name} precision", value.precision, support), (f"{name} recall", value.recall, support),
                            (f"{name} F1", value.f1, support)])

        def ratio(name: str, value: Ratio) -> None:
            if value.total:
                out.append((name, value.value, f"{value.hits:g}/{value.total}"))

        prf("event type", self.type)
        if self.type.tp + self.type.fn:
            out.append(("event type macro-F1", self.macro_f1, f"{sum(1 for p in self.type_by_label.values() if p.tp + p.fn)} types"))
        ratio("event type top-1", self.top1)
        for band in CONFIDENCE_BANDS:
            name = f"{band[0]:.1f}-{band[1]:.1f}"
            if name in self.top1_by_confidence:
                ratio(f"  top-1 at confidence {name}", self.top1_by_confidence[name])
        prf("quad class", self.quad)
        ratio("quad class top-1", self.quad_top1)
        ratio("mode", self.mode)
        ratio("CAMEO root", self.cameo_root)
        ratio("quad (aligned)", self.aligned_quad)
        ratio("modality", self.modality)
        ratio("source country", self.source_country)
        ratio("source sector", self.source_sector)
        ratio("target country", self.target_country)
        ratio("target sector", self.target_sector)
        ratio("event date", self.event_date)
        ratio("event location country", self.location_country)
        ratio("event location admin1", self.location_admin1)
        ratio("event location within 50 km", self.location_50km)
        prf("places", self.places)
        ratio("places within 161 km", self.places_161km)
        ratio("places same geonameid", self.places_geonameid)
        ratio("gold places found and within 161 km", self.places_found_and_161km)
        prf("timexes", self.timexes)
        ratio("timex value", self.timex_value)
        ratio("timex value (calendar)", self.timex_value_calendar)
        prf("quotes", self.quotes)
        ratio("quote speaker", self.quote_speaker)
        return out


# -- events -------------------------------------------------------------------------------------

def _actor_members(value: Any) -> list[dict]:
    if not value:
        return []
    return [member for member in (value if isinstance(value, list) else [value]) if member]


def _actor_spans_overlap(gold: dict, pred: dict) -> bool:
    for role in ("source", "target"):
        for member in _actor_members(gold.get(role)):
            if overlaps(member, pred.get(role)):
                return True
    return False


def _gold_label(event: dict) -> tuple[str, str] | None:
    if event.get("type"):
        return "type", event["type"]
    if event.get("quad"):
        return "quad", event["quad"]
    return None


def _pred_label(event: dict, kind: str) -> str | None:
    if kind == "type":
        return event.get("type")
    return event.get("quad") or (quad_of_type(event["type"]) if event.get("type") else None)


def align_events(gold: Sequence[dict], pred: Sequence[dict]) -> list[tuple[dict, dict]]:
    """One-to-one alignment: equal type first (with overlapping spans before without), then spans."""
    pairs: list[tuple[dict, dict]] = []
    free = list(range(len(pred)))

    def take(g: dict, accept) -> bool:
        ranked = sorted(free, key=lambda i: -float(pred[i].get("confidence") or 0))
        for i in ranked:
            if accept(g, pred[i]):
                pairs.append((g, pred[i]))
                free.remove(i)
                return True
        return False

    def same_label(g: dict, p: dict) -> bool:
        label = _gold_label(g)
        return bool(label) and label[1] != "ANY" and _pred_label(p, label[0]) == label[1]

    def spans(g: dict, p: dict) -> bool:
        return overlaps(g.get("trigger"), p.get("trigger")) or _actor_spans_overlap(g, p)

    pending = list(gold)
    for accept in (lambda g, p: same_label(g, p) and spans(g, p), same_label,
                   lambda g, p: overlaps(g.get("trigger"), p.get("trigger")), _actor_spans_overlap):
        pending = [g for g in pending if not take(g, accept)]
    return pairs


def _score_actor(gold_value: Any, pred: dict | None, country: Ratio, sector: Ratio) -> None:
    members = _actor_members(gold_value)
    if not members:
        return
    pred = pred or {}
    with_country = [m for m in members if m.get("country")]
    if with_country:
        country.add(any(m["country"] == pred.get("country") for m in with_country))
    with_sectors = [m for m in members if m.get("sectors")]
    if with_sectors:
        predicted = set(pred.get("sectors") or [])
        # compound gold: the member that best matches the prediction is the one it stands for
        sector.add(max(sum(s in predicted for s in m["sectors"]) / len(m["sectors"]) for m in with_sectors))


def _location_ok(gold: dict, pred: dict | None, scores: Scores, alternatives: Sequence[dict]) -> None:
    options = [gold, *alternatives]
    pred = pred or {}
    if any(o.get("country") for o in options):
        scores.location_country.add(any(o.get("country") and o["country"] == pred.get("country") for o in options))
    if any(o.get("admin1") for o in options):
        scores.location_admin1.add(any(o.get("admin1") and o["admin1"] == pred.get("admin1") for o in options))
    with_coords = [o for o in options if o.get("lat") is not None]
    if with_coords:
        near = pred.get("lat") is not None and any(
            haversine_km(o["lat"], o["lon"], pred["lat"], pred["lon"]) <= EVENT_LOCATION_TOLERANCE_KM for o in with_coords)
        scores.location_50km.add(near)
    elif any(o.get("start") is not None for o in options):
        scores.location_50km.add(any(overlaps(o, pred) for o in options))


def score_events(gold_doc: dict, coded: dict, scores: Scores) -> None:
    gold_events = gold_doc.get("events")
    if gold_events is None:
        return
    pred_events = coded.get("events") or []
    scope = gold_doc.get("gold_scope")
    for kind, prf, by_label in (("type", scores.type, scores.type_by_label), ("quad", scores.quad, None)):
        gold_labels = {label[1] for label in map(_gold_label, gold_events)
                       if label and label[0] == kind and label[1] != "ANY" and label[1] not in UNSCORED_QUADS}
        if not gold_labels and not (kind == "type" and gold_events == []):
            continue
        pred_labels = {_pred_label(p, kind) for p in pred_events} - {None}
        if scope in ("main_event", "partial"):
            # only predictions that meet a gold label are judged (FORMATS.md section 3)
            pred_labels &= gold_labels
        prf.tp += len(gold_labels & pred_labels)
        prf.fn += len(gold_labels - pred_labels)
        prf.fp += len(pred_labels - gold_labels)
        if by_label is not None:
            for label in gold_labels | pred_labels:
                by_label[label].tp += label in gold_labels and label in pred_labels
                by_label[label].fn += label in gold_labels and label not in pred_labels
                by_label[label].fp += label in pred_labels and label not in gold_labels
        scoreable = [g for g in gold_events if (_gold_label(g) or ("", ""))[1] not in UNSCORED_QUADS | {"ANY", ""}]
        if len(scoreable) == 1 and len(gold_events) == 1 and _gold_label(scoreable[0])[0] == kind:
            best = max(pred_events, key=lambda p: float(p.get("confidence") or 0), default=None)
            target = scores.top1 if kind == "type" else scores.quad_top1
            hit = best is not None and _pred_label(best, kind) == _gold_label(scoreable[0])[1]
            target.add(hit)
            if kind == "type" and best is not None:
                # how far a confidence threshold can be trusted: top-1 accuracy per band
                scores.top1_by_confidence[_band(float(best.get("confidence") or 0))].add(hit)

    for gold, pred in align_events(gold_events, pred_events):
        if gold.get("mode"):
            scores.mode.add(pred.get("mode") == gold["mode"])
        if gold.get("cameo"):
            scores.cameo_root.add(str(pred.get("cameo") or "")[:2] == str(gold["cameo"])[:2])
        if gold.get("quad") and gold.get("type") and gold["quad"] not in UNSCORED_QUADS:
            scores.aligned_quad.add(_pred_label(pred, "quad") == gold["quad"])
        if gold.get("modality"):
            scores.modality.add(pred.get("modality") == gold["modality"])
        _score_actor(gold.get("source"), pred.get("source"), scores.source_country, scores.source_sector)
        _score_actor(gold.get("target"), pred.get("target"), scores.target_country, scores.target_sector)
        if gold.get("date"):
            scores.event_date.add(pred.get("date") == gold["date"])
        if gold.get("location"):
            _location_ok(gold["location"], pred.get("location"), scores, gold.get("locations") or [])


# -- places, timexes, quotes --------------------------------------------------------------------

def _match_spans(gold: Sequence[dict], pred: Sequence[dict], unscored: Sequence[dict]) -> tuple[list[tuple[dict, dict]], int, int]:
    """Greedy one-to-one matching by overlap; returns pairs, unmatched gold and judged unmatched preds."""
    pairs, used = [], set()
    for g in gold:
        for i, p in enumerate(pred):
            if i not in used and overlaps(g, p):
                pairs.append((g, p))
                used.add(i)
                break
    false_positives = sum(1 for i, p in enumerate(pred)
                          if i not in used and not any(overlaps(p, u) for u in unscored))
    return pairs, len(gold) - len(pairs), false_positives


def _tally(prf: PRF, gold: Sequence[dict], pred: Sequence[dict], unscored: Sequence[dict]) -> list[tuple[dict, dict]]:
    """Add span recognition counts to `prf`; returns the matched (gold, predicted) pairs."""
    pairs, missed, false_pos = _match_spans(gold, pred, unscored)
    prf.tp += len(pairs)
    prf.fn += missed
    prf.fp += false_pos
    return pairs


def score_places(gold_doc: dict, coded: dict, scores: Scores) -> None:
    gold = gold_doc.get("places")
    if gold is None:
        return
    pairs = _tally(scores.places, gold, coded.get("places") or [], gold_doc.get("unscored_places") or [])
    found = {id(g): p for g, p in pairs}
    for g in gold:
        if g.get("lat") is None:
            continue
        p = found.get(id(g))
        near = bool(p) and p.get("lat") is not None and haversine_km(g["lat"], g["lon"], p["lat"], p["lon"]) <= PLACE_TOLERANCE_KM
        scores.places_found_and_161km.add(near)
        if p is not None:
            scores.places_161km.add(near)
            if g.get("geonameid") is not None:
                scores.places_geonameid.add(p.get("geonameid") == g["geonameid"])


def score_timexes(gold_doc: dict, coded: dict, scores: Scores) -> None:
    gold = gold_doc.get("timexes")
    if gold is None:
        return
    pairs = _tally(scores.timexes, gold, coded.get("timexes") or [], gold_doc.get("unscored_timexes") or [])
    for g, p in pairs:
        if g.get("value") is None:
            continue
        scores.timex_value.add(p.get("value") == g["value"])
        if g.get("value_is_calendar", True):
            scores.timex_value_calendar.add(p.get("value") == g["value"])


def score_quotes(gold_doc: dict, coded: dict, scores: Scores) -> None:
    gold = gold_doc.get("quotes")
    if gold is None:
        return
    pairs = _tally(scores.quotes, gold, coded.get("quotes") or [], [])
    for g, p in pairs:
        if (g.get("speaker") or {}).get("name"):
            scores.quote_speaker.add(((p.get("speaker") or {}).get("name") or "") == g["speaker"]["name"])


def score_document(gold_doc: dict, coded: dict, scores: Scores) -> None:
    scores.documents += 1
    score_events(gold_doc, coded, scores)
    score_places(gold_doc, coded, scores)
    score_timexes(gold_doc, coded, scores)
    score_quotes(gold_doc, coded, scores)


def score(gold: Iterable[dict], coded: Iterable[dict]) -> Scores:
    """Score coded documents against gold records, matched by id (missing coded docs score empty)."""
    by_id = {doc["id"]: doc for doc in coded}
    scores = Scores()
    for gold_doc in gold:
        score_document(gold_doc, by_id.get(gold_doc["id"], {"events": [], "places": [], "timexes": [], "quotes": []}), scores)
    return scores


def is_actor_case(record: dict) -> bool:
    """Actor-resolution gold (ngec_actor_cases): an actor string and the expected entity, no text."""
    return "actor" in record and "expected" in record and "text" not in record


# -- files --------------------------------------------------------------------------------------

def read_jsonl(path) -> list[dict]:
    import orjson

    with open(path, "rb") as handle:
        return [orjson.loads(line) for line in handle if line.strip()]


def evaluate_file(path, settings, predictions=None, limit: int | None = None, pipeline=None) -> dict[str, Any]:
    """Code the documents of one gold file (or read `predictions`) and score them.

    Actor-resolution cases (an actor string and its expected entity) are scored by the resolver.
    """
    gold = read_jsonl(path)[:limit] if limit else read_jsonl(path)
    if gold and all(is_actor_case(record) for record in gold):
        from dateline.actors import ActorResolver
        from dateline.actors.cases import score_actor_cases

        figures = score_actor_cases(gold, ActorResolver.load(settings.overlay))
        rows = [(name, value if isinstance(value, float) else None, "" if isinstance(value, float) else str(value))
                for name, value in figures.items()]
        return {"documents": len(gold), "rows": rows, "scores": {name: value for name, value, _ in rows}}
    if predictions is not None:
        coded = read_jsonl(predictions)
    else:
        from dateline.pipeline import Pipeline
        from dateline.records import DOCUMENT_FIELDS, Document

        pipeline = pipeline or Pipeline.load(settings)
        # only the input fields: the gold answers must not ride along into the coded output
        documents = [Document.from_mapping({k: record.get(k) for k in DOCUMENT_FIELDS}, origin=str(path))
                     for record in gold]
        coded = [result.coded.to_dict() for result in pipeline.code(documents)]
    scores = score(gold, coded)
    rows = scores.rows()
    return {"documents": scores.documents, "rows": rows, "scores": {name: value for name, value, _ in rows}}
