"""Property tests: the dateline parser, the date normaliser, the ingest readers, the writer and the
whole pipeline never crash on any input, and every output line validates against the JSON Schema."""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline import article
from dateline.dates import Anchor, normalise
from dateline.errors import DocumentError
from dateline.ingest import READERS, read, read_path
from dateline.pipeline import Pipeline
from dateline.quotes import quote_marks
from dateline.records import Document
from dateline.store.writers import Writer
from tests.golden.test_founding_example import validate

#: Pieces that real datelines, dates and headlines are made of, to steer generated text near them.
PIECES = ["MOSCOW", "WASHINGTON, D.C.", "Idlib", ", ", ". ", " - ", " — ", "(Reuters)", "/TASS/", "(AP)", "March",
          "Feb.", "Sept", "4", "29", "30", "31", "2020", "1999", "\n", "\n\n", "  ", "“", "”", '"', "``", "''", ":",
          "All news", "Share", "By John Smith", "yesterday", "on Thursday", "last week", "February 30", "\t", "é", "Я"]
wire_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40).map("".join)
any_text = st.text(max_size=300) | wire_text
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ the dateline parser (article.py)


@given(text=any_text, published=st.none() | st.sampled_from(["2020-03-04", "2020-03", "2020", "bad", "29.02.2020"]))
@fast
def test_article_analysis_never_crashes_and_its_spans_lie_in_the_text(text, published):
    document = Document(id="p", text=text, published=published)
    structure = article.analyse(document)
    for span in [structure.headline, structure.subtitle, *structure.boilerplate, *structure.paragraphs]:
        if span is not None:
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start:span.end] == span.text
    if structure.dateline is not None:
        assert 0 <= structure.dateline.start <= structure.dateline.end <= len(text)
        assert structure.dateline.date is None or date.fromisoformat(structure.dateline.date)
    anchor, warnings = article.publication_date(document, structure)
    assert anchor is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", anchor)
    assert all(isinstance(w, str) for w in warnings)
    assert len(article.mask(text, structure.boilerplate)) == len(text)


@given(value=st.text(max_size=40) | wire_text)
@fast
def test_publication_dates_are_read_as_a_real_iso_date_or_not_at_all(value):
    iso = article.normalise_date(value)
    if iso is not None and len(iso) == 10:
        date.fromisoformat(iso)
    assert iso is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", iso)


# ------------------------------------------------------------------ the date normaliser


@given(text=wire_text | st.text(max_size=30), year=st.none() | st.integers(1, 9999),
       month=st.none() | st.integers(1, 12), day=st.none() | st.integers(1, 31),
       tense=st.sampled_from([None, "past", "future"]))
@fast
def test_normalised_values_are_real_dates_at_the_precision_they_claim(text, year, month, day, tense):
    value, precision = normalise(text, Anchor(year, month, day), tense) if tense else normalise(text, Anchor(year, month, day))
    assert (value is None) == (precision is None)
    if value is not None:
        pattern = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}[precision]
        assert re.fullmatch(pattern, value), (value, precision)
        if precision == "day":
            date.fromisoformat(value)


# ------------------------------------------------------------------ quotes


_REFERENCE_QUOTES = re.compile(r"“([^”]{2,}?)”|\"([^\"\n]{2,}?)\"|``(.{2,}?)''", re.S)


@given(text=st.text(alphabet=st.sampled_from(list("ab \n“”\"`'")), max_size=60))
@settings(max_examples=400, deadline=None)
def test_linear_quote_finder_agrees_with_the_regular_expression_it_replaced(text):
    expected = []
    for match in _REFERENCE_QUOTES.finditer(text):
        group = next(i for i in (1, 2, 3) if match.group(i) is not None)
        expected.append((match.start(), match.start(group), match.end(group), match.end()))
    assert list(quote_marks(text)) == expected


# ------------------------------------------------------------------ ingest readers

SMALL_INT = st.integers(-(2 ** 53), 2 ** 53)
RECORD = st.fixed_dictionaries({}, optional={
    "id": st.none() | st.text(max_size=10) | SMALL_INT, "text": st.none() | any_text | SMALL_INT,
    "title": st.none() | st.text(max_size=20) | SMALL_INT, "published": st.none() | st.text(max_size=12),
    "language": st.none() | st.sampled_from(["en", "fr", "und", "EN-us", ""]),
    "events": st.text(max_size=5), "topic": st.lists(SMALL_INT, max_size=3)})
FILE_CONTENT = (st.binary(max_size=400)
                | st.lists(RECORD.map(orjson.dumps) | st.binary(max_size=30), max_size=6).map(b"\n".join)
                | any_text.map(str.encode))


@pytest.mark.parametrize("suffix", sorted(set(READERS)))
@given(content=FILE_CONTENT)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_reader_yields_documents_or_named_errors_for_any_bytes(suffix, content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(content)
        for item in read_path(path):
            if isinstance(item, DocumentError):
                assert item.reason and item.origin and item.origin.startswith(str(path))
            else:
                assert isinstance(item, Document) and item.id and item.text.strip()
                assert item.origin.startswith(str(path))


@given(content=FILE_CONTENT)
@fast
def test_stdin_yields_documents_or_named_errors_for_any_bytes(content):
    for item in read(["-"], stdin=io.BytesIO(content)):
        assert isinstance(item, (Document, DocumentError))
        assert (item.origin or "").startswith("<stdin>")


# ------------------------------------------------------------------ the pipeline and the writer


@pytest.mark.model
@given(records=st.lists(RECORD, min_size=1, max_size=4), max_chars=st.sampled_from([1_000_000, 30]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_any_input_gives_one_output_line_each_that_validates(pipeline, records, max_chars):
    # a tight size limit sends documents down the too-large path too
    coder = Pipeline(replace(pipeline.settings, max_chars=max_chars), pipeline.nlp, pipeline.resolver,
                     pipeline.geoparser, pipeline.extractor)
    lines = [orjson.dumps(record) for record in records]
    items = list(read(["-"], stdin=io.BytesIO(b"\n".join(lines) + b"\n")))
    results = list(coder.code(items))
    assert len(results) == len(items)
    buffer = io.StringIO()
    writer = Writer("jsonl", buffer)
    for result in results:
        if result.coded is not None:
            writer.write(result.coded.to_dict())
    writer.close()
    for line in buffer.getvalue().splitlines():
        coded = orjson.loads(line)
        validate(coded)
        if any(w.startswith("not coded:") for w in coded["warnings"]):
            assert coded["events"] == []


@pytest.mark.model
@given(text=wire_text)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_any_text_codes_to_a_valid_line_in_every_format(pipeline, text):
    result = pipeline.code_one(Document(id="fuzz", text=text, published="2020-03-04"))
    coded = result.coded.to_dict()
    validate(coded)
    for fmt in ("jsonl", "events"):
        buffer = io.StringIO()
        writer = Writer(fmt, buffer)
        writer.write(coded, text)
        writer.close()
        assert buffer.getvalue()
