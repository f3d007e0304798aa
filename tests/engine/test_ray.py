"""The Ray engine: sources through fsspec, and the same coded store as the local engine."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

from dateline.errors import ErrorKind
from tests.conftest import ROOT
from tests.engine.test_local import paragraph_corpus

fsspec = pytest.importorskip("fsspec", reason="the ray extra (make install) brings fsspec and Ray")


@pytest.fixture
def memory_corpus():
    fs = fsspec.filesystem("memory")
    fs.pipe("/corpus/a.jsonl", b'{"id": "j1", "text": "Police arrested ten protesters in Minsk."}\n{bad json\n')
    fs.pipe("/corpus/b.txt", "MOSCOW, March 4. /TASS/. Russia and Turkey agreed to talks.".encode())
    fs.pipe("/corpus/c.csv", b"id,text\nc1,hello\n")
    fs.pipe("/corpus/.hidden/d.txt", b"not a document")
    yield "memory://corpus"
    fs.rm("/corpus", recursive=True)


def test_sources_are_listed_through_fsspec_with_reasons(memory_corpus):
    from dateline.engine.ray import list_sources

    sources = list_sources([memory_corpus, "memory://corpus/c.csv", "memory://nowhere"])
    assert [(name.replace(":///", "://"), reason) for name, reason in sources[:2]] == [
        ("memory://corpus/a.jsonl", None), ("memory://corpus/b.txt", None)]
    assert "--engine local" in sources[2][1]
    assert sources[3] == ("memory://nowhere", "no such file or directory")


def test_sources_read_as_the_local_readers_read_them(memory_corpus, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dateline.engine.ray import _error, read_source

    rows = read_source({"index": 0, "source": "memory://corpus/a.jsonl", "reason": ""})
    first = orjson.loads(rows[0]["document"])
    assert (first["id"], first["origin"]) == ("j1", "memory://corpus/a.jsonl:1")
    assert _error(rows[1]["error"]).kind is ErrorKind.MALFORMED and rows[1]["position"] == 1
    text = orjson.loads(read_source({"index": 1, "source": "memory://corpus/b.txt", "reason": ""})[0]["document"])
    assert text["id"] == "b" and text["text"].startswith("MOSCOW")
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": ["One.", "Two."], "published": ["2024-05-01", None]}),
                   tmp_path / "docs.parquet")
    parquet = [orjson.loads(r["document"]) for r in
               read_source({"index": 2, "source": (tmp_path / "docs.parquet").as_uri(), "reason": ""})]
    assert [(d["id"], d["published"]) for d in parquet] == [("p1", "2024-05-01"), ("p2", None)]


def _stored(db):
    from dateline.store.duckdb import Store

    with Store(db, read_only=True) as store:
        return dict(store.con.execute("SELECT id, coded FROM documents").fetchall())


@pytest.mark.ray
@pytest.mark.model
def test_ray_engine_stores_what_the_local_engine_stores(tmp_path):
    pytest.importorskip("ray", reason="the ray extra is not installed")
    folder = tmp_path / "corpus"
    folder.mkdir()
    paragraph_corpus(folder / "paragraphs.jsonl", n=16)
    (folder / "note.txt").write_text("ANKARA, March 5. Turkey closed its border with Syria on Thursday.\n")
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "dateline.cli", "run", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=400)
        assert done.returncode == 0, done.stderr[-3000:]

    run(str(folder), "--db", str(tmp_path / "local.duckdb"), "-j", "1")
    parts = tmp_path / "parts"
    run(folder.as_uri(), "--db", str(tmp_path / "ray.duckdb"), "--engine", "ray", "-j", "2", "--batch-size", "4",
        "--parquet", str(parts))
    local, ray = _stored(tmp_path / "local.duckdb"), _stored(tmp_path / "ray.duckdb")
    assert len(local) == 17 and ray == local
    assert list(parts.glob("*.parquet")), "the coded Parquet parts asked for are kept"
    # incremental through Ray too: nothing new, nothing coded
    run(folder.as_uri(), "--db", str(tmp_path / "ray.duckdb"), "--engine", "ray", "-j", "2")
    from dateline.store.duckdb import Store

    with Store(tmp_path / "ray.duckdb", read_only=True) as store:
        last = store.con.execute("SELECT status, given, coded, unchanged FROM runs ORDER BY started DESC").fetchone()
    assert last == ("finished", 17, 0, 17)
