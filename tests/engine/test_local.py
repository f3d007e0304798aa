"""The local engine: the same coded output for any number of workers, in input order."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

from dateline.config import Settings
from dateline.engine.local import code_local
from dateline.errors import DocumentError, ErrorKind
from dateline.records import Document
from tests.conftest import EXAMPLES, ROOT
from tests.engine.stub import LineCoder


def paragraph_corpus(path, n: int = 40) -> list[str]:
    """`n` documents made of the example corpus's paragraphs (numbered again when there are fewer),
    as JSON Lines; returns their ids."""
    from dateline.ingest import read

    paragraphs = [p.strip() for d in read([str(EXAMPLES)]) if hasattr(d, "text")
                  for p in d.text.split("\n\n") if len(p.split()) > 12]
    with open(path, "wb") as handle:
        for i in range(n):
            text = paragraphs[i % len(paragraphs)]
            if i >= len(paragraphs):
                text = f"Update {i // len(paragraphs)}: {text}"
            handle.write(orjson.dumps({"id": f"p{i:03d}", "text": text, "published": "2020-03-04"}) + b"\n")
    return [f"p{i:03d}" for i in range(n)]


def test_a_short_input_is_coded_in_process_in_order():
    items = [Document(id=f"d{i}", text=f"line {i}") for i in range(5)]
    items.insert(2, DocumentError(ErrorKind.MALFORMED, "bad line", "x.jsonl:3"))
    results = list(code_local(items, Settings(n_process=2, batch_size=8), pipeline=LineCoder()))
    assert [r.document.id if r.document else None for r in results] == ["d0", "d1", None, "d2", "d3", "d4"]


def test_in_process_coding_keeps_loaded_objects_out_of_the_collector_until_done():
    import gc

    from dateline.pipeline import YOUNG_THRESHOLD

    class FreezeWatcher(LineCoder):
        def code(self, documents):
            for result in super().code(documents):
                seen.append((gc.get_freeze_count(), gc.get_threshold()[0]))
                yield result

    seen: list[tuple[int, int]] = []
    items = [Document(id=f"d{i}", text=f"line {i}") for i in range(3)]
    assert gc.get_freeze_count() == 0
    before = gc.get_threshold()
    assert len(list(code_local(items, Settings(n_process=1), pipeline=FreezeWatcher()))) == 3
    assert len(seen) == 3 and min(frozen for frozen, _ in seen) > 0      # frozen while coding,
    assert {young for _, young in seen} == {YOUNG_THRESHOLD}             # young objects left longer
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before   # and all given back after
    gc.freeze()                                  # a process that froze its own objects keeps them frozen
    try:
        frozen = gc.get_freeze_count()
        list(code_local(items, Settings(n_process=1), pipeline=FreezeWatcher()))
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


@pytest.mark.model
def test_one_and_two_workers_code_the_same(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    ids = paragraph_corpus(corpus)
    # no hash seed is pinned: every worker is its own interpreter, and the output must not depend on it
    env = dict(os.environ)
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"j{workers}.jsonl"
        subprocess.run([sys.executable, "-m", "dateline.cli", "code", str(corpus), "-j", workers, "--batch-size", "4",
                        "-o", str(out)], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        outputs[workers] = out.read_bytes()
    assert [orjson.loads(line)["id"] for line in outputs["2"].splitlines()] == ids
    assert outputs["1"] == outputs["2"]


def test_ray_options_without_the_ray_engine_are_refused(tmp_path):
    from dateline.errors import DatelineError
    from dateline.run import run

    with pytest.raises(DatelineError, match="--engine ray"):
        run(["x.jsonl"], Settings(db=tmp_path / "s.duckdb"), address="auto")
    with pytest.raises(DatelineError, match="unknown engine"):
        run(["x.jsonl"], Settings(db=tmp_path / "s.duckdb"), engine="spark")
