"""What a store must look like after any run, killed or not: the checks the engine tests share."""

from __future__ import annotations

from pathlib import Path

from dateline.store.duckdb import Store

#: (table, column, parent table, parent column): a row whose parent is missing is half-written.
PARENTS = (
    ("events", "document_id", "documents", "id"),
    ("event_actors", "event_id", "events", "event_id"),
    ("event_actors", "document_id", "documents", "id"),
    ("places", "document_id", "documents", "id"),
    ("timexes", "document_id", "documents", "id"),
    ("quotes", "document_id", "documents", "id"),
)


def check_store(db: Path, corpus_ids: set[str]) -> dict[str, int]:
    """Assert the store opens and is whole; returns documents stored and the runs' coded total."""
    with Store(db, read_only=True) as store:
        con = store.con
        ids = [row[0] for row in con.execute("SELECT id FROM documents").fetchall()]
        assert len(ids) == len(set(ids)), "a document is stored twice"
        assert set(ids) <= corpus_ids, "a stored document is not in the corpus"
        for table, column, parent, key in PARENTS:
            orphans = con.execute(f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
                                  f"(SELECT 1 FROM {parent} p WHERE p.{key} = t.{column})").fetchone()[0]
            assert orphans == 0, f"{orphans} {table} rows without their {parent} row"
        # every stored document has all its rows: the coded JSON and the tables agree
        torn = con.execute("SELECT d.id FROM documents d LEFT JOIN (SELECT document_id, count(*) AS n FROM events "
                           "GROUP BY 1) e ON e.document_id = d.id "
                           "WHERE json_array_length(d.coded, '$.events') <> coalesce(e.n, 0)").fetchall()
        assert not torn, f"documents whose event rows and coded events differ: {torn[:5]}"
        runs = con.execute("SELECT id, status, finished, coded, events FROM runs ORDER BY started").fetchall()
        assert all(status in ("finished", "interrupted", "running") for _, status, _, _, _ in runs)
        # only the last run can be unfinished and not yet marked: a new run marks the ones before it
        assert all(status != "running" for _, status, _, _, _ in runs[:-1])
        assert all((status == "finished") == (finished is not None) for _, status, finished, _, _ in runs)
        coded_by_runs = sum(coded for _, _, _, coded, _ in runs)
        events_by_runs = sum(events for *_, events in runs)
        # each run counts exactly what it committed: a document coded twice would be counted twice
        assert coded_by_runs == len(ids), f"runs say {coded_by_runs} documents were coded, the store has {len(ids)}"
        assert events_by_runs == con.execute("SELECT count(*) FROM events").fetchone()[0]
        return {"documents": len(ids), "runs": len(runs),
                "interrupted": sum(status == "interrupted" for _, status, _, _, _ in runs)}
