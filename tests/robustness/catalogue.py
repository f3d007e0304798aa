"""The catalogue of bad inputs: how each is made, how ingest reads it, and what a run makes of it.

Each entry writes its input under a folder and names the outcome of every input in it, in order:
`coded`, or `status:kind` (`skipped:empty`, `failed:malformed`, ...). docs/bad-inputs.md is the
same catalogue as a table; tests/robustness/test_catalogue.py checks both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import orjson

from dateline.errors import DocumentError
from dateline.records import Document

#: A 50 MB document: more than twice the 20 MB a file may have to be read at all.
HUGE_BYTES = 50_000_000
#: A document under the byte limit but over the default `max_chars` (1,000,000).
LONG_CHARS = 1_200_000
#: Words in the run-on sentence (no full stop until the end).
RUN_ON_WORDS = 20_000
#: Marks in the text whose quotes nest deeply or never close.
NESTED_QUOTES = 2_000

ENGLISH = ("Police detained more than 200 protesters in Minsk on Sunday as thousands marched against "
           "President Alexander Lukashenko, a rights group said.")
FRENCH = ("Le gouvernement français a annoncé mercredi de nouvelles sanctions contre la Russie. Le ministre des "
          "Affaires étrangères a déclaré à Genève que les négociations reprendraient après l'été, malgré les "
          "combats qui se poursuivent dans l'est du pays.")
RUSSIAN = ("Президент России Владимир Путин провел в среду переговоры с турецким коллегой Реджепом Тайипом "
           "Эрдоганом. Стороны договорились о прекращении огня в провинции Идлиб.")
GERMAN_DECLARED = "Die Regierung hat am Mittwoch neue Sanktionen gegen Russland beschlossen."
SCRIPT_MARK, IFRAME_MARK, STYLE_MARK, NAV_MARK = "SCRIPTTEXT", "IFRAMETEXT", "STYLETEXT", "Section menu"

Outcomes = tuple[str, ...]
Read = list["Document | DocumentError"]


@dataclass(frozen=True)
class BadInput:
    """One kind of bad input. `read_as` is what `ingest.read` yields for it ("doc" or an error
    kind, in order); `outcomes` what a `dateline run` makes of each input; the checks look
    closer at what was read and at the coded output lines."""

    name: str
    behaviour: str
    make: Callable[[Path], Path]
    read_as: tuple[str, ...]
    outcomes: Outcomes
    read_check: Callable[[Read], None] | None = None
    coded_check: Callable[[list[dict]], None] | None = None
    test: str = "test_catalogue_input_is_read_as_documented, test_whole_catalogue_is_accounted_for_by_a_run"


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _jsonl(path: Path, records: list[dict | str | bytes]) -> Path:
    lines = [r if isinstance(r, bytes) else r.encode() if isinstance(r, str) else orjson.dumps(r) for r in records]
    return _write(path, b"\n".join(lines) + b"\n")


def _huge_text_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = (ENGLISH + "\n\n").encode() * 1000
    with path.open("wb") as handle:
        written = 0
        while written < HUGE_BYTES:
            handle.write(block)
            written += len(block)
    return path


def _huge_jsonl_line(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = (ENGLISH + " ").encode() * 1000
    with path.open("wb") as handle:
        handle.write(orjson.dumps({"id": "huge-line-before", "text": ENGLISH}) + b"\n")
        handle.write(b'{"id": "huge-line", "text": "')
        written = 0
        while written < HUGE_BYTES:
            handle.write(block)
            written += len(block)
        handle.write(b'"}\n')
        handle.write(orjson.dumps({"id": "huge-line-after", "text": ENGLISH.replace("200", "300")}) + b"\n")
    return path


def _scripts_page(path: Path) -> Path:
    scripts = "".join(f"<script>var s{i} = '{SCRIPT_MARK} {i}'; document.write('{SCRIPT_MARK}');</script>"
                      for i in range(30))
    nav = "".join(f'<li><a href="/s{i}">{NAV_MARK} {i}</a></li>' for i in range(40))
    return _write(path, f"""<!DOCTYPE html><html><head><title>Police detain protesters in Minsk</title>{scripts}
<style>body {{ color: red; }} /* {STYLE_MARK} */</style></head><body><nav><ul>{nav}</ul></nav>
<iframe src="https://ads.example.org/frame">{IFRAME_MARK}</iframe>{scripts}
<article><h1>Police detain protesters in Minsk</h1>
<p>MINSK, Nov. 1 (Reuters) - {ENGLISH}</p><script>alert('{SCRIPT_MARK} inline')</script>
<p>The opposition has called for a national strike, and the European Union has imposed sanctions on officials
it accuses of rigging the August election.</p><noscript>{SCRIPT_MARK} enable JavaScript</noscript>
<iframe srcdoc="<p>{IFRAME_MARK}</p>"></iframe></article><footer>Copyright</footer>{scripts}</body></html>""")


def _menu_page(path: Path) -> Path:
    nav = "".join(f'<li><a href="/s{i}">{NAV_MARK} {i}</a></li>' for i in range(40))
    scripts = f"<script>var x = '{SCRIPT_MARK}';</script>" * 20
    return _write(path, f"<html><head>{scripts}</head><body><nav><ul>{nav}</ul></nav>{scripts}"
                        f"<iframe src='x'>{IFRAME_MARK}</iframe></body></html>")


def _run_on_sentence(path: Path) -> Path:
    unit = "police arrested protesters in Minsk, "
    words = len(unit.split())
    return _write(path, "The ministry said " + unit * (RUN_ON_WORDS // words) + "and then talks ended.\n")


def _nested_quotes(path: Path) -> Path:
    nested = "".join(f"He said “{i} " for i in range(NESTED_QUOTES)) + "end" + "” " * NESTED_QUOTES
    unclosed = "“never closed " * NESTED_QUOTES + "``also open " * NESTED_QUOTES
    return _write(path, f"{ENGLISH}\n\n“We will not stop,” the opposition leader said.\n\n{nested}.\n\n{unclosed}\n")


# ------------------------------------------------------------------------------- checks


def _texts(read: Read) -> list[str]:
    return [item.text for item in read if isinstance(item, Document)]


def _reason_mentions(*words: str) -> Callable[[Read], None]:
    def check(read: Read) -> None:
        reasons = " ".join(item.reason for item in read if isinstance(item, DocumentError))
        for word in words:
            assert word in reasons, f"{word!r} not in {reasons!r}"
    return check


def _decoded(expected: str) -> Callable[[Read], None]:
    def check(read: Read) -> None:
        assert _texts(read) == [expected]
    return check


def _no_page_code(read: Read) -> None:
    [text] = _texts(read)
    assert "Lukashenko" in text
    for mark in (SCRIPT_MARK, IFRAME_MARK, STYLE_MARK, NAV_MARK, "alert(", "document.write"):
        assert mark not in text


def _warns(fragment: str) -> Callable[[list[dict]], None]:
    def check(coded: list[dict]) -> None:
        assert any(fragment in warning for line in coded for warning in line["warnings"]), fragment
    return check


def _february_30(coded: list[dict]) -> None:
    [line] = coded
    impossible = [t for t in line["timexes"] if "February 30" in t["text"] or "April 31" in t["text"]]
    assert impossible and all(t["value"] is None for t in impossible)
    assert all(e["date"] is None or not e["date"].endswith(("-02-30", "-04-31")) for e in line["events"])
    _warns("does not exist")(coded)


def _quotes_stay_sane(coded: list[dict]) -> None:
    [line] = coded
    assert any(q["text"] == "We will not stop" for q in line["quotes"])


MIXED_TEXT = ("The minister said in Genève that talks would resume. "
              "Officials in Zürich confirmed the café meeting on Monday.")

CATALOGUE: tuple[BadInput, ...] = (
    BadInput("empty-file", "a 0-byte file is skipped as `empty`", lambda d: _write(d / "empty-file.txt", b""),
             ("empty",), ("skipped:empty",)),
    BadInput("whitespace-only", "a file of spaces, tabs and line breaks is skipped as `empty`",
             lambda d: _write(d / "whitespace-only.txt", " \n\t \r\n\n   \u00a0\n"), ("empty",), ("skipped:empty",)),
    BadInput("empty-records", "JSONL records with an empty or blank `text` are skipped as `empty`; a record with "
             "no `text` at all fails as `malformed`; a blank line is no document",
             lambda d: _jsonl(d / "empty-records.jsonl", [{"id": "blank-1", "text": ""}, "",
                                                           {"id": "blank-2", "text": "  \n\t"},
                                                           {"id": "title-only", "title": "A headline and no text"}]),
             ("empty", "empty", "malformed"), ("skipped:empty", "skipped:empty", "failed:malformed")),
    BadInput("binary-file", "a file with NUL bytes (an image named .txt) fails as `unreadable`, never decoded",
             lambda d: _write(d / "binary-file.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
             ("unreadable",), ("failed:unreadable",), _reason_mentions("binary")),
    BadInput("binary-without-nul", "binary data without NUL bytes (control characters) fails as `unreadable`",
             lambda d: _write(d / "binary-without-nul.txt", bytes(range(1, 32)) * 300),
             ("unreadable",), ("failed:unreadable",), _reason_mentions("binary")),
    BadInput("invalid-utf8-line", "a JSONL line that is not UTF-8 fails as `decoding`, named file:line; the lines "
             "around it are coded",
             lambda d: _jsonl(d / "invalid-utf8-line.jsonl", [{"id": "utf8-before", "text": ENGLISH},
                                                               b'{"id": "utf8-bad", "text": "caf\xe9 \xff\xfe"}',
                                                               {"id": "utf8-after", "text": ENGLISH + " Again."}]),
             ("doc", "decoding", "doc"), ("coded", "failed:decoding", "coded"), _reason_mentions("UTF-8")),
    BadInput("legacy-encoding", "a Windows-1252 file is decoded by detection and coded",
             lambda d: _write(d / "legacy-encoding.txt", ("The café owner in Genève said police detained "
                                                          "protesters on Monday.").encode("cp1252")),
             ("doc",), ("coded",),
             _decoded("The café owner in Genève said police detained protesters on Monday.")),
    BadInput("mixed-encodings", "UTF-8 with a pasted Windows-1252 passage: each byte is decoded as what it is "
             "(no mojibake) and the document is coded",
             lambda d: _write(d / "mixed-encodings.txt", MIXED_TEXT[:54].encode("utf-8")
                              + MIXED_TEXT[54:].encode("cp1252")),
             ("doc",), ("coded",), _decoded(MIXED_TEXT)),
    BadInput("huge-file", "a single 50 MB document is skipped as `too_large` from its size alone: it is never "
             "read into memory", lambda d: _huge_text_file(d / "huge-file.txt"),
             ("too_large",), ("skipped:too_large",), _reason_mentions("50,", "byte limit")),
    BadInput("huge-line", "a 50 MB JSONL line is skipped as `too_large`, named file:line, read in bounded "
             "chunks; the lines around it are coded", lambda d: _huge_jsonl_line(d / "huge-line.jsonl"),
             ("doc", "too_large", "doc"), ("coded", "skipped:too_large", "coded"), _reason_mentions("byte limit")),
    BadInput("over-max-chars", "a document under the byte limit but over `max_chars` (1,000,000 characters) is "
             "skipped as `too_large` before spaCy",
             lambda d: _write(d / "over-max-chars.txt", (ENGLISH + "\n\n") * (LONG_CHARS // len(ENGLISH))),
             ("doc",), ("skipped:too_large",)),
    BadInput("html-scripts", "HTML full of scripts, styles, iframes and navigation: only the article text is "
             "read (no script, style, iframe or menu text) and coded", lambda d: _scripts_page(d / "html-scripts.html"),
             ("doc",), ("coded",), _no_page_code),
    BadInput("html-menu-only", "a page of navigation and scripts with no article is skipped as `empty`",
             lambda d: _menu_page(d / "html-menu-only.html"), ("empty",), ("skipped:empty",)),
    BadInput("malformed-jsonl", "malformed JSONL lines (truncated JSON, an array, a number, a string, `text` not a "
             "string) each fail as `malformed`, named file:line; the good lines are coded",
             lambda d: _jsonl(d / "malformed-jsonl.jsonl", [
                 {"id": "jsonl-good-1", "text": ENGLISH}, '{"id": "truncated", "text": "Police det', "[1, 2, 3]",
                 "42", '"just a string"', {"id": "numeric-text", "text": 12345}, "{'single': 'quotes'}",
                 {"id": "jsonl-good-2", "text": ENGLISH.replace("Sunday", "Monday")}]),
             ("doc", "malformed", "malformed", "malformed", "malformed", "malformed", "malformed", "doc"),
             ("coded",) + ("failed:malformed",) * 6 + ("coded",)),
    BadInput("csv-no-text-column", "a CSV without a `text` column: each row fails as `malformed`, naming the "
             "columns it has", lambda d: _write(d / "csv-no-text-column.csv", f"id,body\nr1,{ENGLISH}\nr2,Talks.\n"),
             ("malformed", "malformed"), ("failed:malformed", "failed:malformed"), _reason_mentions("'body'")),
    BadInput("csv-ragged", "CSV rows with missing columns are read with the rest empty (no text: skipped as "
             "`empty`), rows with extra columns and an unclosed quote fail as `malformed`, named file:row",
             lambda d: _write(d / "csv-ragged.csv", "id,text,published\n"
                              f'csv-good,"{ENGLISH}",2020-11-02\n'
                              "csv-short\n"
                              "csv-long,Talks.,2020-11-02,extra,columns\n"
                              f'csv-good-2,"{ENGLISH.replace("Minsk", "Grodno")}"\n'
                              'csv-open,"an unclosed quote runs to the end\n'),
             ("doc", "empty", "malformed", "doc", "malformed"),
             ("coded", "skipped:empty", "failed:malformed", "coded", "failed:malformed")),
    BadInput("truncated-feed", "an RSS feed cut off mid-entry: the whole entries are coded, the cut one has no "
             "text and is skipped as `empty`",
             lambda d: _write(d / "truncated-feed.rss", f"<rss><channel><title>Wire</title><item><title>Arrests"
                              f"</title><description>{ENGLISH}</description></item><item><title>Cut off"),
             ("doc", "empty"), ("coded", "skipped:empty")),
    BadInput("not-a-feed", "an .xml file that is no feed at all fails as `malformed`",
             lambda d: _write(d / "not-a-feed.xml", "this is { not XML at all"), ("malformed",),
             ("failed:malformed",), _reason_mentions("not a feed")),
    BadInput("non-english", "French and Russian articles are detected (py3langid) and skipped as `not_english`, "
             "never coded; a declared `language` is honoured either way; a mixed document that is mostly English "
             "is coded",
             lambda d: _jsonl(d / "non-english.jsonl", [
                 {"id": "french", "text": FRENCH}, {"id": "russian", "text": RUSSIAN},
                 {"id": "declared-german", "language": "de", "text": GERMAN_DECLARED},
                 {"id": "declared-english", "language": "en-GB", "text": ENGLISH},
                 {"id": "english-with-russian-quote", "text": ENGLISH + " «Мы не допустим этого», he told reporters."},
             ]),
             ("doc",) * 5, ("skipped:not_english",) * 3 + ("coded", "coded")),
    BadInput("run-on-sentence", "one 20,000-word sentence: spaCy parses it (seconds), the event extractor leaves "
             "it out with a warning (over 250 tokens) instead of running for hours",
             lambda d: _run_on_sentence(d / "run-on-sentence.txt"), ("doc",), ("coded",),
             coded_check=_warns("the event extractor reads")),
    BadInput("february-30", "dates that do not exist (February 30, April 31) keep a null value, with a warning",
             lambda d: _write(d / "february-30.txt", "MOSCOW, March 2. /TASS/. Russia said talks with Turkey "
                              "would be held on February 30, 2020, and rebels attacked Idlib on April 31.\n"),
             ("doc",), ("coded",), coded_check=_february_30),
    BadInput("nested-quotes", f"{NESTED_QUOTES:,}-deep nested quotes and thousands of quote marks that never "
             "close: found in one linear pass, the ordinary quote still attributed",
             lambda d: _nested_quotes(d / "nested-quotes.txt"), ("doc",), ("coded",), coded_check=_quotes_stay_sane),
    BadInput("repeated-ids", "the same document twice in a run is stored once (`skipped:unchanged`); the same id "
             "with other content fails as `duplicate_id`, the first one kept",
             lambda d: _jsonl(d / "repeated-ids.jsonl", [{"id": "twice", "text": ENGLISH},
                                                          {"id": "twice", "text": ENGLISH},
                                                          {"id": "twice", "text": FRENCH}]),
             ("doc", "doc", "doc"), ("coded", "skipped:unchanged", "failed:duplicate_id")),
)

MISSING_INPUT = "no-such-corpus.jsonl"
