"""Turn extracted fields into an Article, or the InputError that says why not.

Every format module ends here, so the checks that hold for every article live in one place:
clean text (valid UTF-8, no controls), empty/too short/too long, the content id, the language,
the publication date as ISO 8601 (with a warning for dates in the future or unparseable ones).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from newsfuse.errors import NewsfuseError
from newsfuse.ingest.decode import clean_text
from newsfuse.ingest.identity import article_id, source_from_name
from newsfuse.settings import IngestSettings
from newsfuse.types import Article, InputError

_LANG_SAMPLE = 2_000
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def input_error(code: str, path: str, detail: str = "") -> InputError:
    """The InputError for ``code``; ``error`` is the one line the user sees."""
    return InputError(path=path, error=NewsfuseError(code, detail, path).line(), code=code)


_warm: set[str] = set()


def warm_up(html: bool = False) -> None:
    """Pay one-off start-up costs *outside* any time budget, once per process: py3langid's
    model, and for HTML trafilatura's lazily loaded fallbacks (readability, jusText stoplists,
    about a second on first use). A first article must not be timed out by them."""
    if "lang" not in _warm:
        import py3langid

        py3langid.classify("warm up the language model")
        _warm.add("lang")
    if html and "html" not in _warm:
        import trafilatura

        page = "<html><body><div id='app'><span>menu</span></div><p>Short words here.</p></body></html>"
        trafilatura.bare_extraction(page, with_metadata=True, favor_precision=True)
        _warm.add("html")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code from py3langid on the first 2,000 characters; None for too little text."""
    sample = text[:_LANG_SAMPLE]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    import py3langid  # loaded once per process by py3langid itself; import is cheap after that

    lang, _score = py3langid.classify(sample)
    return lang


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%d %b %Y", "%Y%m%d")


def normalise_date(value: Any) -> tuple[str | None, str | None]:
    """(ISO date or datetime, warning) from whatever a source gave us; never raises."""
    if value is None or value == "":
        return None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            stamp = float(value) / (1000 if value > 1e11 else 1)  # milliseconds or seconds
            return _with_future_check(datetime.fromtimestamp(stamp, UTC))
        except (OverflowError, OSError, ValueError):
            return None, f"unparseable date: {str(value)[:40]}"
    if isinstance(value, datetime):
        return _with_future_check(value)
    if isinstance(value, date):
        return _with_future_check(value)
    raw = str(value).strip()[:100]
    parsed: datetime | date | None = None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            parsed = parsed.date()
    except ValueError:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(raw, fmt).date()
                    break
                except ValueError:
                    continue
    if parsed is None:
        return None, f"unparseable date: {raw[:40]}"
    return _with_future_check(parsed)


def _with_future_check(value: datetime | date) -> tuple[str | None, str | None]:
    today = datetime.now(UTC).date()
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(value, datetime) and value.tzinfo is not None:
        day = value.astimezone(UTC).date()
    if day.year < 1800:
        return None, f"implausible date: {value.isoformat()}"
    warning = "date is in the future" if day > today + timedelta(days=1) else None
    return value.isoformat(), warning


def _host_of(url: str) -> str:
    """The outlet a URL names (``https://www.bbc.co.uk/news/x`` -> ``bbc.co.uk``), or ''."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.") if "." in host else ""


def make_article(
    *,
    path: str,
    body: str,
    settings: IngestSettings,
    title: str = "",
    source: str | None = None,
    published: Any = None,
    date_source: str | None = None,
    url: str | None = None,
    extra: dict[str, Any] | None = None,
    name_for_source: str | None = None,
) -> Article | InputError:
    """Check and assemble one article; ``name_for_source`` is the file the outlet falls back to."""
    body = _TRAILING_SPACE.sub("\n", clean_text(body)).strip()
    if not body:
        return input_error("NF002", path, "no article text")
    if len(body) > settings.max_article_chars:
        return input_error("NF011", path, f"{len(body):,} characters > {settings.max_article_chars:,}")
    if len(body) < settings.min_article_chars:
        return input_error("NF012", path, f"{len(body)} characters < {settings.min_article_chars}")
    extra = dict(extra or {})
    iso, warning = normalise_date(published)
    if iso is None and published not in (None, ""):
        extra["published_raw"] = str(published)[:100]
    if warning:
        extra["date_warning"] = warning
    if iso is not None and date_source:
        extra["date_source"] = date_source
    clean_title = " ".join(clean_text(title or "").split())[:500]
    outlet = " ".join(clean_text(source or "").split())[:200]
    clean_url = clean_text(str(url)).strip()[:2000] if url else None
    if not outlet and clean_url:
        outlet = _host_of(clean_url)
        if outlet:
            extra.setdefault("source_from", "url")
    if not outlet:
        outlet = source_from_name(name_for_source if name_for_source is not None else path)
        extra.setdefault("source_from", "file name")
    return Article(
        id=article_id(body),
        path=path,
        source=outlet,
        title=clean_title,
        text=body,
        original_text=body,
        published=iso,
        language=detect_language(body),
        url=clean_url or None,
        extra=extra,
    )
