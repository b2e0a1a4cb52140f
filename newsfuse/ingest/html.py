"""HTML pages: a cheap size/depth guard, then trafilatura for main text and metadata.

Guard first: a linear scan of the tags (one regex pass, no backtracking across tags) counts
elements and estimates nesting depth *before* any parser sees the page. libxml2 silently drops
everything nested deeper than 256 levels, and trafilatura recurses over the tree, so a page
over ``max_html_nodes`` / ``max_html_depth`` is refused (NF013) rather than half-read.

Then trafilatura extracts the main text (favouring precision: no comments, no navigation) and
its metadata (title, author, sitename, date via htmldate). When trafilatura finds nothing, the
text of the page's paragraphs and headings is used; when that is empty too, the page is NF007.
Scripts, styles and templates never contribute text.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from newsfuse.errors import NewsfuseError

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})[^<>]{0,4000}?(/?)>")
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr basefont frame keygen".split()
)
# elements whose end tag is optional: opening one closes an open one of the same name
_SELF_CLOSING_SIBLINGS = frozenset(
    "p li dt dd tr td th option optgroup tbody thead tfoot colgroup caption rt rp".split()
)
_NO_TEXT = frozenset(("script", "style", "noscript", "template", "iframe", "object", "svg", "head"))
_BLOCKS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li blockquote pre div article section br tr dt dd figcaption".split()
)


def html_shape(text: str, max_nodes: int) -> tuple[int, int]:
    """(element count, estimated max depth); stops counting once past ``max_nodes``."""
    stack: list[str] = []
    nodes = 0
    depth = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            # pop back to the matching open tag if it is near the top; stray end tags are ignored
            for back in range(1, min(len(stack), 64) + 1):
                if stack[-back] == name:
                    del stack[-back:]
                    break
            continue
        nodes += 1
        if nodes > max_nodes:
            return nodes, depth
        if name in _VOID or self_closing:
            continue
        if name in _SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
            stack.pop()
        stack.append(name)
        depth = max(depth, len(stack))
    return nodes, depth


_ENTITY_DECL = re.compile(r"<!\s*ENTITY", re.IGNORECASE)


def check_html_shape(text: str, path: str, max_nodes: int, max_depth: int) -> None:
    """Raise NF013 when the page is larger or deeper than the limits, NF009 for XML entities."""
    if _ENTITY_DECL.search(text):
        raise NewsfuseError("NF009", "the page declares XML entities", path)
    nodes, depth = html_shape(text, max_nodes)
    if nodes > max_nodes:
        raise NewsfuseError("NF013", f"more than {max_nodes:,} elements", path)
    if depth > max_depth:
        raise NewsfuseError("NF013", f"nesting depth {depth} > {max_depth}", path)


def _parse(text: str) -> lxml.html.HtmlElement | None:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError, TypeError):
        return None


def _block_text(root: lxml.html.HtmlElement) -> str:
    """Readable text of a tree: block elements on their own lines, no script/style text."""
    parts: list[str] = []
    hidden = 0  # how many script/style/... elements we are inside
    for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if tag is None or tag in _NO_TEXT:
                hidden += 1
                continue
            if not hidden:
                if tag in _BLOCKS:
                    parts.append("\n")
                if el.text:
                    parts.append(el.text)
        else:
            if tag is None or tag in _NO_TEXT:
                hidden -= 1
            elif not hidden and tag in _BLOCKS:
                parts.append("\n")
            if not hidden and el.tail and el is not root:
                parts.append(el.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content); plain text passes through."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    root = _parse(f"<html><body>{fragment}</body></html>")
    if root is None:
        return re.sub(r"<[^<>]{0,2000}>", " ", fragment).strip()
    body = root.find("body")
    return _block_text(body if body is not None else root)


def extract_html(text: str, path: str) -> dict[str, Any]:
    """Fields of one page: body, title, source, published, url, extra. Raises NF007."""
    import trafilatura  # imported here: it is heavy and only HTML needs it

    tree = _parse(text)
    if tree is None:
        raise NewsfuseError("NF007", "the parser found no document", path)
    # trafilatura keeps the text of some of these (<template>, <noscript>): never article text
    lxml.etree.strip_elements(tree, *(_NO_TEXT - {"head"}), with_tail=False)
    fallback_text = None
    doc = None
    try:
        doc = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, include_tables=True,
            favor_precision=True, include_images=False, include_links=False,
        )
    except (ValueError, TypeError, AttributeError, lxml.etree.LxmlError, RecursionError):
        doc = None
    data: dict[str, Any] = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else dict(doc or {})
    title = (data.get("title") or "").strip()
    body = (data.get("text") or "").strip()
    if not body:
        fresh = _parse(text)  # trafilatura prunes the tree it is given
        fallback_text = _block_text(fresh) if fresh is not None else ""
        body = fallback_text
        if not title and fresh is not None:
            found = fresh.find(".//title")
            title = found.text_content().strip() if found is not None else ""
    if not body.strip():
        raise NewsfuseError("NF007", "no article text found in the page", path)
    # trafilatura keeps the headline as the first line of the text: it is the title, not body
    first, _, rest = body.partition("\n")
    if title and rest.strip() and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        body = rest.strip()

    url = data.get("url") or None
    hostname = data.get("hostname") or (urlsplit(url).hostname if url else None)
    source = (data.get("sitename") or "").strip() or (hostname or "").removeprefix("www.")
    extra: dict[str, Any] = {"format": "html"}
    for key in ("author", "sitename", "hostname", "description", "categories", "tags"):
        value = data.get(key)
        if value:
            extra[key] = value
    if fallback_text is not None:
        extra["extraction"] = "paragraph fallback"
    return {
        "body": body,
        "title": title,
        "source": source or None,
        "published": data.get("date") or None,
        "date_source": "html metadata (htmldate)" if data.get("date") else None,
        "url": url,
        "extra": extra,
    }
