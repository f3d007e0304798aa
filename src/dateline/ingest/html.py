"""HTML pages: trafilatura finds the article text, title and publication date."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import lxml.html
import trafilatura
from lxml.etree import ParserError

from dateline.article import normalise_date
from dateline.errors import DocumentError, ErrorKind
from dateline.ingest.text import checked, read_file_text
from dateline.records import Document

#: Navigation, embedded frames and no-script notices are never the article: without this, a page
#: with no article text gives its menus or an iframe's fallback text (trafilatura falls back to
#: whatever text there is).
PRUNE_XPATH = ["//nav", "//iframe", "//noscript"]
#: Elements whose content is code or embedded pages, never text to code.
NOT_TEXT = ("script", "style", "noscript", "iframe", "template", "object", "embed", "svg")
#: Elements that end a paragraph when flattening an HTML fragment (a feed entry's content).
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")


def page_document(html: str, doc_id: str, origin: str) -> Document | DocumentError:
    """One document from a whole page: main text by trafilatura, metadata by trafilatura/htmldate."""
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=False,
                               prune_xpath=PRUNE_XPATH)
    if not text or not text.strip():
        return DocumentError(ErrorKind.EMPTY, "no article text found in the HTML", origin, doc_id)
    metadata = trafilatura.extract_metadata(html)
    title = metadata.title if metadata else None
    published = normalise_date(metadata.date) if metadata and metadata.date else None
    url = metadata.url if metadata else None
    source = metadata.sitename if metadata else None
    return checked(Document(id=doc_id, text=text, title=title, published=published,
                            url=url, source=source, origin=origin))


def read_html_file(path: Path, encoding: str | None = None) -> Iterator[Document | DocumentError]:
    """A .html/.htm file is one document, id = the file stem."""
    html = read_file_text(path, encoding)
    yield html if isinstance(html, DocumentError) else page_document(html, path.stem, str(path))


def fragment_text(html: str) -> str:
    """Plain text of an HTML fragment, a blank line between block elements."""
    if "<" not in html:
        return html.strip()
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return html.strip()
    for element in list(root.iter(*NOT_TEXT)):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n\n".join(line for line in lines if line)
