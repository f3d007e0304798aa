"""Ingest: every format and every way an input can be bad, each reported and the rest read."""

from __future__ import annotations

import io
from pathlib import Path

from dateline.errors import DocumentError, ErrorKind
from dateline.ingest import read
from dateline.records import Document

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"


def _read(*inputs, **options) -> list[Document | DocumentError]:
    return list(read([str(item) for item in inputs], **options))


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------- plain text


def test_text_file_is_one_document_with_its_bytes_decoded(tmp_path):
    text = "All news\r\n\r\nHeadline\r\n\r\nMOSCOW, March 4. /TASS/. Body.\r\n"
    path = _write(tmp_path / "tass-note.txt", text)
    [document] = _read(path)
    assert (document.id, document.text, document.origin) == ("tass-note", text, str(path))


def test_utf8_bom_is_dropped(tmp_path):
    path = _write(tmp_path / "bom.txt", b"\xef\xbb\xbfKremlin expects talks")
    assert _read(path)[0].text == "Kremlin expects talks"


def test_latin1_file_is_decoded_by_detection(tmp_path):
    sentence = "Le président a déclaré à Genève que les négociations reprendraient après l'été."
    path = _write(tmp_path / "latin.txt", sentence.encode("latin-1"))
    [document] = _read(path)
    assert isinstance(document, Document)
    assert document.text == sentence


def test_invalid_bytes_for_the_given_encoding_are_a_decoding_error(tmp_path):
    path = _write(tmp_path / "bad.txt", "déclaré".encode("latin-1"))
    [error] = _read(path, encoding="utf-8")
    assert error.kind is ErrorKind.DECODING
    assert error.origin == str(path)


def test_unknown_encoding_name_is_a_decoding_error(tmp_path):
    path = _write(tmp_path / "a.txt", "text")
    assert _read(path, encoding="no-such-codec")[0].kind is ErrorKind.DECODING


def test_binary_file_is_unreadable(tmp_path):
    path = _write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    [error] = _read(path)
    assert error.kind is ErrorKind.UNREADABLE
    assert "binary" in error.reason


def test_utf16_with_bom_is_text_not_binary(tmp_path):
    path = _write(tmp_path / "wide.txt", "Talks resumed in Geneva".encode("utf-16"))
    assert _read(path)[0].text == "Talks resumed in Geneva"


def test_missing_path_is_unreadable_and_named(tmp_path):
    missing = tmp_path / "nowhere.txt"
    [error] = _read(missing)
    assert error.kind is ErrorKind.UNREADABLE
    assert error.origin == str(missing)
    assert str(missing) in str(error)


def test_whitespace_only_file_is_empty(tmp_path):
    path = _write(tmp_path / "blank.txt", " \n\t\n")
    [error] = _read(path)
    assert (error.kind, error.document_id) == (ErrorKind.EMPTY, "blank")


def test_unknown_extension_named_explicitly_is_read_as_text(tmp_path):
    path = _write(tmp_path / "story.md", "Talks resumed in Geneva.")
    assert _read(path)[0].text == "Talks resumed in Geneva."


# ---------------------------------------------------------------- HTML


def test_html_page_gives_article_text_title_and_date():
    [document] = _read(CORPUS / "voa-2020-11-01-belarus-protest.html")
    assert document.id == "voa-2020-11-01-belarus-protest"
    assert document.title == "Belarus Police Fire Warning Shots, Detain Protesters"
    assert document.published == "2020-11-01"
    assert "detained protesters in Minsk" in document.text
    assert "Accessibility links" not in document.text


def test_html_without_article_text_is_empty(tmp_path):
    path = _write(tmp_path / "blank.html", "<html><head><title>Nothing</title></head><body></body></html>")
    [error] = _read(path)
    assert error.kind is ErrorKind.EMPTY


# ---------------------------------------------------------------- JSON Lines


def test_malformed_jsonl_lines_are_reported_and_the_rest_read(tmp_path):
    lines = [
        '{"id": "a", "text": "First story.", "published": "2020-03-04", "source": "TASS", "topic": "x"}',
        '{"id": "b", "text": ',
        "",
        '["not", "an", "object"]',
        '{"id": "d", "title": "no text"}',
        '{"id": "e", "text": "   "}',
        '{"text": "Last story."}',
    ]
    path = _write(tmp_path / "docs.jsonl", "\n".join(lines) + "\n")
    results = _read(path)
    kinds = [r.kind if isinstance(r, DocumentError) else "doc" for r in results]
    assert kinds == ["doc", ErrorKind.MALFORMED, ErrorKind.MALFORMED, ErrorKind.MALFORMED, ErrorKind.EMPTY, "doc"]
    assert [r.origin for r in results] == [f"{path}:{n}" for n in (1, 2, 4, 5, 6, 7)]
    first, last = results[0], results[-1]
    assert (first.published, first.source, first.extra) == ("2020-03-04", "TASS", {"topic": "x"})
    assert last.id.startswith("doc-")  # derived from the content
    assert results[3].document_id == "d"


def test_jsonl_line_with_bad_utf8_is_a_decoding_error(tmp_path):
    path = _write(tmp_path / "docs.ndjson", b'{"text": "caf\xe9"}\n{"text": "ok"}\n')
    results = _read(path)
    assert results[0].kind is ErrorKind.DECODING
    assert results[1].text == "ok"


def test_corpus_jsonl_keeps_published_source_and_url():
    documents = _read(CORPUS / "us-government-news.jsonl")
    assert all(isinstance(d, Document) for d in documents)
    assert all(d.published and d.source and d.url for d in documents)


# ---------------------------------------------------------------- CSV


def test_csv_without_text_column_reports_each_row_naming_the_columns(tmp_path):
    path = _write(tmp_path / "docs.csv", "id,body\n1,Talks resumed.\n2,Talks ended.\n")
    errors = _read(path)
    assert [(e.kind, e.origin) for e in errors] == [(ErrorKind.MALFORMED, f"{path}:2"), (ErrorKind.MALFORMED, f"{path}:3")]
    assert "'text'" in errors[0].reason and "'body'" in errors[0].reason


def test_csv_rows_become_documents_and_bad_rows_are_reported(tmp_path):
    content = (
        "id,Text,published,outlet\n"
        'a,"Talks resumed, officials said.",2020-03-04,TASS\n'
        "b,,2020-03-05,TASS\n"
        "c,Too,many,fields,here\n"
        "\n"
        "d,Talks ended.\n"
    )
    path = _write(tmp_path / "docs.csv", content)
    results = _read(path)
    assert isinstance(results[0], Document)
    assert (results[0].id, results[0].text, results[0].extra) == ("a", "Talks resumed, officials said.", {"outlet": "TASS"})
    assert (results[1].kind, results[1].origin) == (ErrorKind.EMPTY, f"{path}:3")
    assert (results[2].kind, results[2].origin) == (ErrorKind.MALFORMED, f"{path}:4")
    assert (results[3].id, results[3].origin) == ("d", f"{path}:6")


# ---------------------------------------------------------------- feeds

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>Talks resume</title><link>https://example.org/1</link>
<pubDate>Wed, 04 Mar 2020 10:00:00 GMT</pubDate>
<description>&lt;p&gt;GENEVA, March 4 - Talks resumed.&lt;/p&gt;&lt;p&gt;Both sides spoke.&lt;/p&gt;</description></item>
<item><title>Empty</title><link>https://example.org/2</link><description></description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Agency</title>
<entry><id>urn:1</id><title>Ceasefire agreed</title><updated>2021-05-20T12:00:00Z</updated>
<link href="https://example.org/a"/><content type="html">&lt;p&gt;Both sides agreed to a ceasefire.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_feed_gives_one_document_per_entry(tmp_path):
    path = _write(tmp_path / "wire.rss", RSS)
    first, second = _read(path)
    assert first.text == "GENEVA, March 4 - Talks resumed.\n\nBoth sides spoke."
    assert (first.title, first.published, first.url, first.source) == (
        "Talks resume", "2020-03-04", "https://example.org/1", "Wire")
    assert first.origin == f"{path}:1"
    assert (second.kind, second.origin) == (ErrorKind.EMPTY, f"{path}:2")


def test_atom_feed_entry_uses_its_content(tmp_path):
    [document] = _read(_write(tmp_path / "agency.atom", ATOM))
    assert (document.id, document.text, document.published) == (
        "urn:1", "Both sides agreed to a ceasefire.", "2021-05-20")


def test_xml_that_is_no_feed_is_malformed(tmp_path):
    [error] = _read(_write(tmp_path / "data.xml", "<root><a>1</a></root>"))
    assert error.kind is ErrorKind.MALFORMED


# ---------------------------------------------------------------- stdin, directories, globs


def test_stdin_jsonl():
    stream = io.BytesIO(b'{"id": "a", "text": "One."}\nnot json\n{"id": "b", "text": "Two."}\n')
    results = list(read(["-"], stdin=stream))
    assert [getattr(r, "id", None) for r in results] == ["a", None, "b"]
    assert results[1].origin == "<stdin>:2"


def test_stdin_plain_text_is_one_document():
    text = "Headline\n\nMOSCOW, March 4. /TASS/. Body.\n"
    [document] = read(["-"], stdin=io.BytesIO(text.encode()))
    assert (document.text, document.origin) == (text, "<stdin>")
    assert document.id.startswith("doc-")


def test_directory_is_read_recursively_in_sorted_order(tmp_path):
    _write(tmp_path / "b.txt", "Second.")
    _write(tmp_path / "a" / "z.txt", "First.")
    _write(tmp_path / "c.jsonl", '{"id": "c1", "text": "Third."}\n')
    _write(tmp_path / "notes.md", "not a document")
    _write(tmp_path / ".hidden" / "x.txt", "hidden")
    assert [d.text for d in _read(tmp_path)] == ["First.", "Second.", "Third."]


def test_directory_without_documents_is_reported(tmp_path):
    [error] = _read(tmp_path)
    assert (error.kind, error.origin) == (ErrorKind.UNREADABLE, str(tmp_path))


def test_glob_reads_matching_files_sorted(tmp_path):
    _write(tmp_path / "b.txt", "B.")
    _write(tmp_path / "a.txt", "A.")
    _write(tmp_path / "c.html", "<html><body><p>C.</p></body></html>")
    assert [d.text for d in _read(tmp_path / "*.txt")] == ["A.", "B."]


def test_glob_without_matches_is_reported(tmp_path):
    [error] = _read(tmp_path / "*.txt")
    assert error.kind is ErrorKind.UNREADABLE


def test_a_single_path_string_is_one_input(tmp_path):
    path = _write(tmp_path / "a.txt", "A.")
    assert [d.text for d in read(str(path))] == ["A."]


def test_inputs_keep_their_order_and_errors_do_not_stop_the_run(tmp_path):
    first = _write(tmp_path / "z.txt", "Z.")
    second = _write(tmp_path / "a.txt", "A.")
    results = _read(first, tmp_path / "missing.txt", second)
    assert [getattr(r, "text", None) for r in results] == ["Z.", None, "A."]


def test_demo_corpus_reads_without_errors():
    results = _read(CORPUS)
    assert all(isinstance(r, Document) for r in results)
    assert len(results) == 7
