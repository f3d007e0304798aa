"""A small store built by hand (no model), the demo corpus coded into a store, and a live server on loopback."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest

from dateline.store.duckdb import Store

TEXT = ("Syrian forces shelled Idlib on March 1. Turkey protested in Ankara on March 2, "
        "and Russia called for talks in Moscow.")


def _actor(text, name, country, start, sectors=("GOV",)):
    return {"text": text, "name": name, "country": country, "sectors": list(sectors), "start": start,
            "end": start + len(text)}


def _event(doc_id, n, type_, source, target, date, place, trigger, confidence, modality="asserted"):
    name, country, lat, lon = place or (None, None, None, None)
    return {"id": f"{doc_id}:{n}", "type": type_, "mode": None, "contexts": [], "cameo": "190",
            "quad": "MATERIAL_CONFLICT" if type_ == "ASSAULT" else "VERBAL_CONFLICT", "intensity": -5.0,
            "modality": modality, "source": source, "target": target, "date": date,
            "date_precision": "day" if date and len(date) == 10 else ("month" if date else None),
            "date_text": date,
            "location": {"text": name, "name": name, "country": country, "lat": lat, "lon": lon,
                         "geonameid": 1000 + n} if place else None,
            "size": {}, "sentence": {"start": 0, "end": 39}, "trigger": trigger, "confidence": confidence,
            "evidence": f"rule {type_.lower()}"}


IDLIB = ("Idlib", "SYR", 35.93, 36.63)
ANKARA = ("Ankara", "TUR", 39.92, 32.85)
FIJI = ("Suva", "FJI", -18.14, 178.44)


def documents():
    syria = _actor("Syrian forces", "Syrian Arab Armed Forces", "SYR", 0, ("MIL",))
    turkey = _actor("Turkey", "Turkey", "TUR", 40)
    russia = _actor("Russia", "Russia", "RUS", 84)
    trig = {"text": "shelled", "start": 14, "end": 21}
    doc1 = {"id": "doc-a", "title": "Idlib shelling", "published": "2020-03-04", "source": "TASS", "url": None,
            "events": [
                _event("doc-a", 0, "ASSAULT", syria, None, "2020-03-01", IDLIB, trig, 0.9),
                _event("doc-a", 1, "PROTEST", turkey, syria, "2020-03-02", ANKARA,
                       {"text": "protested", "start": 47, "end": 56}, 0.7),
                _event("doc-a", 2, "REQUEST", russia, None, None, None,
                       {"text": "called for", "start": 91, "end": 101}, 0.5, "requested")],
            "places": [{"text": "Idlib", "start": 22, "end": 27, "name": "Idlib", "country": "SYR"},
                       {"text": "Ankara", "start": 59, "end": 65, "name": "Ankara", "country": "TUR"}],
            "timexes": [{"text": "March 1", "start": 31, "end": 38, "value": "2020-03-01"}],
            "quotes": [], "warnings": []}
    doc2 = {"id": "doc-b", "title": "More", "published": "2020-04-10", "source": "AP", "url": None,
            "events": [
                _event("doc-b", 0, "ASSAULT", syria, turkey, "2020-04-01", IDLIB, trig, 0.8),
                _event("doc-b", 1, "ASSAULT", turkey, syria, "2020-04-02", IDLIB, trig, 0.6),
                _event("doc-b", 2, "ASSAULT", syria, turkey, "2020-04", IDLIB, trig, 0.4),
                _event("doc-b", 3, "AID", _actor("100% aid_group", "Aid_Group 100%", "FJI", 0, ("NGO",)), None,
                       "2020-04-05", FIJI, {"text": "gave", "start": 5, "end": 9}, 0.3)],
            "places": [], "timexes": [], "quotes": [], "warnings": []}
    return [({"id": "doc-a", "text": TEXT, "published": "2020-03-04"}, doc1, None),
            ({"id": "doc-b", "text": TEXT, "published": "2020-04-10"}, doc2, None)]


@pytest.fixture(scope="session")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("api") / "events.duckdb"
    with Store(path) as store:
        store.write_batch(documents(), "test-run")
    return path


@pytest.fixture(scope="session")
def client(store_path):
    from fastapi.testclient import TestClient

    from dateline.api import ServeConfig, create_app

    with TestClient(create_app(ServeConfig(db=store_path))) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory, pipeline):
    """The demo corpus (examples/corpus) coded into a store, as `make demo` does."""
    from dataclasses import replace

    from dateline.run import run
    from tests.conftest import EXAMPLES

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    run([str(EXAMPLES)], replace(pipeline.settings, db=path), pipeline=pipeline)
    return path


@contextmanager
def live_server(config):
    """uvicorn serving `config` on a free loopback port in a thread; yields the base URL."""
    import uvicorn

    from dateline.api import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
