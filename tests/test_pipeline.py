"""The pipeline's batches: stages run across a batch, a failure stays with its document, order holds."""

from __future__ import annotations

import pytest

from dateline.errors import ErrorKind
from dateline.pipeline import Pipeline
from dateline.records import Document

pytestmark = pytest.mark.model


def test_a_stage_failing_on_one_document_fails_it_alone_in_input_order(pipeline, monkeypatch):
    batched = Pipeline(pipeline.settings.merged(batch_size=2), pipeline.nlp, pipeline.resolver,
                       pipeline.geoparser, pipeline.extractor)
    places = batched._stage_places

    def flaky(work):
        if work.document.id == "c":
            raise ValueError("boom")
        return places(work)

    monkeypatch.setattr(batched, "_stage_places", flaky)
    text = "Turkish troops shelled Syrian army positions near Idlib on Tuesday, the ministry said."
    documents = [Document(id=i, text=text, published="2020-03-04") for i in "abcde"]
    documents.insert(1, Document(id="empty", text="  "))     # never reaches spaCy: keeps its place
    results = list(batched.code(documents))
    assert [r.document.id for r in results] == ["a", "empty", "b", "c", "d", "e"]
    by_id = {r.document.id: r for r in results}
    assert by_id["empty"].error.kind is ErrorKind.EMPTY
    failed = by_id["c"]
    assert failed.error.kind is ErrorKind.CODING and failed.error.reason == "ValueError: boom"
    assert failed.coded.events == [] and failed.coded.places == []   # no later stage ran on it
    for other in "abde":   # its batch-mate "d" and the rest are coded in full
        assert by_id[other].error is None and by_id[other].coded.events and by_id[other].coded.places
