"""`dateline actor`: show how one mention resolves and why (or resolve JSON lines from stdin)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, TextIO

import yaml

from dateline.actors.resolve import ActorResolver, Resolution

#: Exit codes: 0 resolved, 1 nothing resolved (single mode), 2 bad input or overlay.
EXIT_OK, EXIT_UNRESOLVED, EXIT_BAD_INPUT = 0, 1, 2
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _check_date(date: object) -> str | None:
    if date is None:
        return None
    if not isinstance(date, str) or not _DATE.match(date):
        raise ValueError(f"date {date!r} is not YYYY-MM-DD")
    return date


def resolve_mention(resolver: ActorResolver, text: str, date: str | None, context: str | None
                    ) -> tuple[Resolution | None, list[Resolution]]:
    """The mention's actor and, for a compound mention ('Putin and Erdogan'), every actor in it: the
    first of them stands for the line, the others follow under "parts"."""
    parts = resolver.resolve_all(text, date, context)
    if len(parts) > 1:
        return parts[0], parts
    return resolver.resolve(text, date, context), []


def result_object(text: str, resolution: Resolution | None, parts: list[Resolution] | None = None
                  ) -> dict[str, Any]:
    """One actor object as in FORMATS.md plus kind, score and reasons (null fields when unresolved);
    a compound mention adds "parts", one such object per actor it names."""
    if parts:
        data = result_object(text, resolution)
        data["reasons"] = [f"compound mention: {len(parts)} actors (each under parts)", *data["reasons"]]
        data["parts"] = [result_object(part.actor.text, part) for part in parts]
        return data
    if resolution is None:
        return {"text": text, "name": None, "country": None, "sectors": [], "wikidata": None,
                "kind": None, "score": 0.0, "reasons": ["no KB entry, place or role word matched"]}
    data = resolution.to_dict()
    data.pop("start", None)
    data.pop("end", None)
    return data


def run(text: str, date: str | None = None, context: str | None = None, as_json: bool = False,
        overlay: Path | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Resolve TEXT (or, when TEXT is '-', JSON lines {"actor", "date", "context"} from stdin)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        resolver = ActorResolver.load(overlay)
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as error:
        stdout.write(json.dumps({"error": f"cannot load overlay {overlay}: {error}"}) + "\n")
        return EXIT_BAD_INPUT
    if text == "-":
        return _batch(resolver, stdin, stdout)
    try:
        _check_date(date)
    except ValueError as error:
        stdout.write(json.dumps({"error": str(error)}) + "\n")
        return EXIT_BAD_INPUT
    resolution, parts = resolve_mention(resolver, text, date, context)
    if as_json:
        stdout.write(json.dumps(result_object(text, resolution, parts), ensure_ascii=False) + "\n")
    else:
        _table(text, date, result_object(text, resolution, parts), stdout)
    return EXIT_OK if resolution is not None else EXIT_UNRESOLVED


def _batch(resolver: ActorResolver, stdin: TextIO, stdout: TextIO) -> int:
    """One output line per input line, in order; a bad line gets an error line and the batch goes on."""
    status = EXIT_OK
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("actor"), str):
                raise ValueError("expected an object with a string field 'actor'")
            date = _check_date(row.get("date"))
            resolution, parts = resolve_mention(resolver, row["actor"], date, row.get("context") or None)
            out = result_object(row["actor"], resolution, parts)
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            out = {"error": f"<stdin>:{number}: {error}", "line": number}
            status = EXIT_BAD_INPUT
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return status


def _table(text: str, date: str | None, data: dict[str, Any], stdout: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stdout, width=120)
    table = Table(title=f"actor: {text!r}" + (f" at {date}" if date else ""), show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for field in ("name", "country", "sectors", "kind", "score"):
        value = data.get(field)
        table.add_row(field, ", ".join(value) if isinstance(value, list) else str(value))
    for i, reason in enumerate(data["reasons"]):
        table.add_row("why" if i == 0 else "", reason)
    for part in data.get("parts", []):
        table.add_row("part", f"{part['text']}: {part['name']} {part['country']} {', '.join(part['sectors'])}")
    console.print(table)
