"""Runs killed with SIGKILL at random points: the store opens, holds whole batches only, and the
next run finishes the job with every document stored once (issues 7 and 8)."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dateline.store.duckdb import Store
from tests.conftest import ROOT
from tests.engine.store_checks import check_store
from tests.engine.stub import run_stubbed, write_corpus
from tests.engine.test_local import paragraph_corpus

#: Issue 8's target: no loss and no duplicate over this many random kills.
KILLS = 20
SEED = 20240501


def _forkserver():
    # runs fork from a clean server that has imported dateline already: a kill costs milliseconds
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["dateline.run", "dateline.ingest", "dateline.engine.local", "tests.engine.stub"])
    return context


def test_twenty_random_sigkills_lose_and_duplicate_nothing(tmp_path):
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "store.duckdb"
    ids = write_corpus(corpus, 2000)
    context = _forkserver()
    rng = random.Random(SEED)
    warm = context.Process(target=int)      # starts the fork server, which imports dateline once
    warm.start()
    warm.join()
    # how long a whole run takes here, to spread the kills over it
    probe = context.Process(target=run_stubbed, args=(str(corpus), str(tmp_path / "probe.duckdb"), 7))
    begun = time.perf_counter()
    probe.start()
    probe.join()
    assert probe.exitcode == 0
    whole = time.perf_counter() - begun
    stored = []
    for kill in range(KILLS):
        started = context.Event()
        process = context.Process(target=run_stubbed, args=(str(corpus), str(db), 7, started))
        process.start()
        if kill % 2:
            # every other kill lands while documents are coded and stored; the others may land
            # anywhere from opening the store on
            assert started.wait(30), "the run did not start coding"
        time.sleep(rng.uniform(0.0, whole / 10))
        assert process.exitcode is None, f"the run ended (exit code {process.exitcode}) before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        assert process.exitcode == -signal.SIGKILL
        if db.exists():
            stored.append(check_store(db, ids)["documents"])
    assert stored == sorted(stored), "a kill lost documents an earlier run had stored"
    assert 0 < stored[-1] < len(ids), "the kills did not land in the middle of the corpus"
    finisher = context.Process(target=run_stubbed, args=(str(corpus), str(db), 7))
    finisher.start()
    finisher.join()
    assert finisher.exitcode == 0
    final = check_store(db, ids)
    assert final["documents"] == len(ids)
    # a kill before the run recorded itself leaves no row; every other killed run is marked
    assert final["runs"] == final["interrupted"] + 1 and final["interrupted"] >= KILLS // 2
    with Store(db, read_only=True) as store:
        last = store.con.execute("SELECT status, coded, unchanged FROM runs ORDER BY started DESC LIMIT 1").fetchone()
    assert last == ("finished", len(ids) - stored[-1], stored[-1])


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.model
def test_a_killed_dateline_run_is_finished_by_the_next(tmp_path):
    """A real `dateline run` with two workers, killed with SIGKILL once it has stored a batch."""
    corpus = tmp_path / "corpus.jsonl"
    ids = set(paragraph_corpus(corpus, n=120))
    db, out = tmp_path / "store.duckdb", tmp_path / "coded.jsonl"
    command = [sys.executable, "-m", "dateline.cli", "run", str(corpus), "--db", str(db), "-j", "2",
               "--batch-size", "4", "--jsonl", str(out)]
    env = {**os.environ, "DATELINE_STORE_BATCH": "4"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    rng = random.Random(SEED)
    # the JSONL output is written as documents come back: kill a little after the first ones
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size == 0):
        assert process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    time.sleep(rng.uniform(0.2, 1.0))
    workers = _children(process.pid)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed = check_store(db, ids)
    assert 0 < killed["documents"] < len(ids), "the kill did not land in the middle of the run"
    # the workers notice their parent is gone and leave: nothing keeps coding for nobody
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers), "worker processes outlived their killed run"
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert "had been interrupted" in finished.stderr
    final = check_store(db, ids)
    assert final["documents"] == len(ids) and final["interrupted"] == 1
