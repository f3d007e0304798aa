"""Records' JSON shapes: the fast writer gives the same bytes as the dict the writers take."""

from __future__ import annotations

import json

import orjson
import pytest

from dateline.records import Document
from tests.conftest import EXAMPLES


@pytest.mark.model
def test_to_json_is_to_dict_written_by_orjson(pipeline):
    record = json.loads((EXAMPLES / "tass-2020-03-04-idlib.jsonl").read_text(encoding="utf-8"))
    # carried-through fields, one of them named like a coder field, which must not overwrite it
    record |= {"feed": {"name": "wire", "rank": 2}, "events": "not the coder's", "tags": ["a", 1.5, None]}
    coded = pipeline.code_one(Document.from_mapping(record)).coded
    assert coded.events and coded.places and coded.timexes and coded.quotes and coded.dateline
    assert coded.to_json() == orjson.dumps(coded.to_dict())
    data = orjson.loads(coded.to_json())
    assert data["feed"] == {"name": "wire", "rank": 2} and isinstance(data["events"], list)
