"""Actor resolution speed and KB load time, against a plain dict lookup of the same strings, in one run.

    python bench/actors.py [--shared ../shared] [--repeat 5]

Mentions are every actor string of the dev sets (ngec_actor_cases, and the gold source/target texts of
plover_gsr_dev) when ../shared is present, else a built-in list of typical mentions. Prints:
- KB load: median seconds of `load_kb()` (the issue's target: under one second);
- resolution, uncached: mean microseconds per mention through the whole resolver with its cache cleared
  before each pass (the cost of a mention seen for the first time);
- resolution, cached: the same mentions again (what a corpus that repeats its actors mostly pays);
- baseline: a dict lookup of the normalised string in the KB's alias table (the least any resolver does),
  and the ratios of the two resolver figures to it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FALLBACK = ["Russian President Vladimir Putin", "Putin", "the Russian leader", "Syrian military",
            "36 Turkish soldiers", "ordinary Kazakhs", "Kremlin", "Ankara", "the White House",
            "Putin and Erdogan", "former President Nazarbayev", "the Kremlin spokesman", "Erdoğan",
            "Idleb", "militants", "Hayat Tahrir al-Sham", "U.N. Secretary-General Antonio Guterres"]


def mentions(shared: Path) -> tuple[list[tuple[str, str | None]], str]:
    dev = shared / "eval" / "dev"
    if not dev.is_dir():
        return [(text, "2020-03-04") for text in FALLBACK], "built-in list"
    out: list[tuple[str, str | None]] = []
    for line in (dev / "ngec_actor_cases.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        date = record.get("date")
        out.append((record.get("actor") or "", None if date in (None, "", "today") else date))
    for line in (dev / "plover_gsr_dev.jsonl").read_text(encoding="utf-8").splitlines():
        for event in json.loads(line).get("events") or []:
            for role in ("source", "target"):
                value = event.get(role) or []
                for member in value if isinstance(value, list) else [value]:
                    if member and member.get("text"):
                        out.append((member["text"], None))
    return [m for m in out if m[0].strip()], "dev sets (ngec_actor_cases + plover_gsr_dev gold actors)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT / ".." / "shared")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the mentions (and KB loads)")
    args = parser.parse_args(argv)

    from dateline.actors.kb import key, load_kb
    from dateline.actors.resolve import ActorResolver

    loads = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        kb = load_kb()
        loads.append(time.perf_counter() - started)
    resolver = ActorResolver(kb)
    items, source = mentions(args.shared)
    print(f"mentions: {len(items)} from {source}; {args.repeat} passes")
    print(f"KB load: median {statistics.median(loads):.3f} s (min {min(loads):.3f}, max {max(loads):.3f}); "
          f"{len(kb.entities)} entities, {len(kb.aliases)} aliases")

    def per_mention(run) -> float:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) / len(items))
        return statistics.median(times) * 1e6

    def uncached() -> None:
        resolver.clear_caches()
        for text, date in items:
            resolver.resolve(text, date)

    def cached() -> None:
        for text, date in items:
            resolver.resolve(text, date)

    aliases = kb.aliases

    def baseline() -> None:
        for text, _ in items:
            aliases.get(key(text))

    cold = per_mention(uncached)
    cached()  # fill the cache
    warm = per_mention(cached)
    base = per_mention(baseline)
    print(f"resolution, uncached: {cold:8.1f} us/mention  ({cold / base:5.1f}x the baseline)")
    print(f"resolution, cached:   {warm:8.1f} us/mention  ({warm / base:5.1f}x the baseline)")
    print(f"baseline (key() + alias dict lookup): {base:8.1f} us/mention")
    return 0


if __name__ == "__main__":
    sys.exit(main())
