"""A coded article for the terminal: the text with every span highlighted, and its events beside it."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

#: One style per kind of span; later kinds paint over earlier ones where spans overlap.
STYLES = {
    "quote": "italic grey62",
    "place": "bold green",
    "timex": "bold magenta",
    "actor": "bold cyan",
    "trigger": "bold white on red",
}


def span_records(coded: dict[str, Any]) -> list[dict[str, Any]]:
    """Every span the coder found, in painting order, with a label saying what it was read as and,
    for triggers and actors, the event it belongs to (the web page's highlighting)."""
    found: list[dict[str, Any]] = []
    for quote in coded.get("quotes") or []:
        speaker = _who(quote.get("speaker"))
        found.append({"start": quote["start"], "end": quote["end"], "kind": "quote",
                      "label": f"quote of {speaker}" if speaker else "quote", "event": None})
    for place in coded.get("places") or []:
        if place.get("start") is not None:
            where = ", ".join(filter(None, [place.get("name"), place.get("admin1"), place.get("country")]))
            found.append({"start": place["start"], "end": place["end"], "kind": "place",
                          "label": where or "unresolved place", "event": None})
    for timex in coded.get("timexes") or []:
        found.append({"start": timex["start"], "end": timex["end"], "kind": "timex",
                      "label": timex.get("value") or "date not known", "event": None})
    for event in coded.get("events") or []:
        for role in ("source", "target"):
            actor = event.get(role) or {}
            if actor.get("start") is not None:
                found.append({"start": actor["start"], "end": actor["end"], "kind": "actor",
                              "label": f"{role}: {_who(actor)}", "event": event.get("id")})
        trigger = event.get("trigger") or {}
        if trigger.get("start") is not None:
            found.append({"start": trigger["start"], "end": trigger["end"], "kind": "trigger",
                          "label": event["type"] + (f"/{event['mode']}" if event.get("mode") else ""),
                          "event": event.get("id")})
    order = list(STYLES)
    return sorted(found, key=lambda item: order.index(item["kind"]))


def spans(coded: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of everything the coder found, in painting order."""
    return [(span["start"], span["end"], span["kind"]) for span in span_records(coded)]


def _who(actor: dict | None) -> str:
    if not actor:
        return ""
    name = actor.get("name") or actor.get("text") or ""
    tags = " ".join(filter(None, [actor.get("country"), "/".join(actor.get("sectors") or [])]))
    return f"{name} ({tags})" if tags else name


def render(coded: dict[str, Any], text: str) -> list[RenderableType]:
    body = Text(text)
    for start, end, kind in spans(coded):
        if 0 <= start < end <= len(text):
            body.stylize(STYLES[kind], start, end)
    dateline = coded.get("dateline") or {}
    header = " | ".join(filter(None, [coded.get("title"), coded.get("source"), coded.get("published"),
                                      dateline.get("place")]))
    legend = Text("  ").join(Text(kind, style=style) for kind, style in STYLES.items())
    out: list[RenderableType] = [Panel(body, title=header or coded["id"], subtitle=legend)]
    events = Table(title=f"{len(coded.get('events') or [])} event(s)")
    for column in ("#", "type", "modality", "actor", "recipient", "date", "place", "size", "conf."):
        events.add_column(column, overflow="fold")
    evidence = Text()
    for number, event in enumerate(coded.get("events") or [], 1):
        size = event.get("size") or {}
        location = event.get("location") or {}
        kind = event["type"] + (f"/{event['mode']}" if event.get("mode") else "")
        events.add_row(
            str(number), kind, event.get("modality") or "", _who(event.get("source")), _who(event.get("target")),
            event.get("date") or (event.get("date_text") or ""), location.get("name") or location.get("text") or "",
            ", ".join(f"{k} {v}" for k, v in size.items() if v is not None), f"{event.get('confidence', 0):.2f}")
        evidence.append(f"{number}. ", style="bold").append(f"{event.get('evidence') or ''}\n", style="dim")
    out.extend([events, evidence])
    if coded.get("quotes"):
        quotes = Table(title="quotes")
        quotes.add_column("speaker")
        quotes.add_column("quote", overflow="fold")
        for quote in coded["quotes"]:
            quotes.add_row(_who(quote.get("speaker")), quote["text"])
        out.append(quotes)
    if coded.get("warnings"):
        out.append(Text("warnings: " + "; ".join(coded["warnings"]), style="yellow"))
    return out
