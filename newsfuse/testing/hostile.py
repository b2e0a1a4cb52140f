"""A generator of hostile inputs, each with the outcome ingest must give it.

``write_hostile_corpus(directory, settings)`` writes one file per case and returns the cases.
Every case says how many outcomes of each kind its file must produce: ``"stored"`` (an
Article) or an NF code (``"NF014"`` is the timed-out outcome). Sizes follow the settings, so a
test can shrink the limits and stay fast while the same cases at default limits exercise the
real thing (the "huge" file is sparse: 100 MB on disk cost nothing to write).

All article text here is written for this generator; nothing is copied from real news.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import random
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import newsfuse.ingest.decode  # noqa: F401 - registers the newsfuse-cp1252 codec error handler
from newsfuse.settings import IngestSettings
from newsfuse.types import Article, InputError

# --------------------------------------------------------------------------- our own text
_STORY = (
    "The lighthouse keepers of Skarvik ended their vigil on Thursday after the coastal agency "
    "agreed to keep the station staffed for another ten years. Keeper Anja Holm said the deal "
    "\u201cgives the harbour a future\u201d and thanked the 1,200 residents who signed the petition. "
    "The agency had planned to automate the light by 2026, saving about 400,000 kroner a year."
)
_TITLE = "Skarvik Lighthouse Keepers Win Ten More Years"

# what must survive decoding, per encoding case (checked by tests/test_encodings.py)
_WESTERN = "Caf\u00e9 owner Ren\u00e9e Br\u00fcckner paid 12\u20ac for \u201cfresh\u201d bread \u2013 d\u00e9j\u00e0 vu in Z\u00fcrich."
_LATIN1 = "Caf\u00e9 owner Ren\u00e9e Br\u00fcckner paid 12 kroner for fresh bread; se\u00f1or Ib\u00e1\u00f1ez agreed in Z\u00fcrich."
_CHINESE = (
    "\u65af\u5361\u7ef4\u514b\u706f\u5854\u7684\u5b88\u62a4\u4eba\u5468\u56db\u7ed3\u675f\u4e86"
    "\u4ed6\u4eec\u7684\u6297\u8bae\uff0c\u6d77\u5cb8\u673a\u6784\u540c\u610f\u5728\u672a\u6765"
    "\u5341\u5e74\u5185\u7ee7\u7eed\u6d3e\u4eba\u503c\u5b88\u3002\u5b88\u62a4\u4eba\u8bf4\uff0c"
    "\u8fd9\u9879\u534f\u8bae\u7ed9\u4e86\u6e2f\u53e3\u4e00\u4e2a\u672a\u6765\u3002"
)


@dataclass
class HostileCase:
    """One hostile file and the outcomes it must get (label -> count)."""

    name: str
    filename: str
    outcomes: dict[str, int]
    note: str = ""
    # for stored cases: text that must appear in the article (decoding checks)
    must_contain: str | None = None
    # text that must never appear in any stored article (scripts, entity payloads)
    must_not_contain: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def expect(self) -> str:
        """'stored', 'rejected', 'timed out' or 'mixed' (several kinds of outcome)."""
        kinds = {"stored" if k == "stored" else "timed out" if k == "NF014" else "rejected"
                 for k in self.outcomes}
        return kinds.pop() if len(kinds) == 1 else "mixed"


def outcome_label(outcome: Article | InputError) -> str:
    return "stored" if isinstance(outcome, Article) else outcome.code


def belongs_to(outcome_path: str, file_path: str) -> bool:
    """Does an outcome path (``f``, ``f#3``, ``f:12``, ``f!member``) belong to this file?"""
    if outcome_path == file_path:
        return True
    return outcome_path.startswith(file_path) and outcome_path[len(file_path)] in "#:!"


def compare(cases: Sequence[HostileCase], directory: str | os.PathLike[str],
            outcomes: Iterable[Article | InputError]) -> list[str]:
    """Differences between expected and actual outcomes; [] when every case got its due."""
    got: dict[str, Counter[str]] = {case.filename: Counter() for case in cases}
    stored_text: dict[str, list[str]] = {case.filename: [] for case in cases}
    unmatched: list[str] = []
    prefix = os.path.join(os.fspath(directory), "")
    names = sorted(got, key=len, reverse=True)  # longest first: "a.txt.gz" before "a.txt"
    for outcome in outcomes:
        rel = outcome.path[len(prefix):] if outcome.path.startswith(prefix) else outcome.path
        owner = next((n for n in names if belongs_to(rel, n)), None)
        if owner is None:
            unmatched.append(outcome.path)
            continue
        got[owner][outcome_label(outcome)] += 1
        if isinstance(outcome, Article):
            stored_text[owner].append(outcome.title + "\n" + outcome.text)
    problems = [f"outcome for an unknown input: {p}" for p in unmatched]
    for case in cases:
        actual = dict(got[case.filename])
        if actual != case.outcomes:
            problems.append(f"{case.name} ({case.filename}): expected {case.outcomes}, got {actual}")
        texts = stored_text[case.filename]
        if case.must_contain and texts and not any(case.must_contain in t for t in texts):
            problems.append(f"{case.name}: stored text lacks {case.must_contain!r}")
        for bad in case.must_not_contain:
            if any(bad in t for t in texts):
                problems.append(f"{case.name}: stored text contains {bad!r}")
    return problems


# --------------------------------------------------------------------------- builders
def _article(title: str = _TITLE, body: str = _STORY) -> str:
    return f"{title}\n\n{body}\n"


def _html_page(body_html: str, head: str = "") -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Skarvik keepers stay</title>"
        f"{head}</head><body>{body_html}</body></html>"
    )


def _paragraphs() -> str:
    return "".join(f"<p>{s.strip()}.</p>" for s in _STORY.split(". ") if s.strip())


def _rss(items: str, preamble: str = "") -> str:
    return (
        f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>{preamble}<rss version=\"2.0\"><channel>"
        f"<title>Skarvik Tidende</title><link>https://tidende.example/</link>{items}</channel></rss>"
    )


def _item(title: str, body: str) -> str:
    return f"<item><title>{title}</title><link>https://tidende.example/a</link><description>{body}</description></item>"


def _compressed_zeros(total: int) -> bytes:
    """A gzip stream of ``total`` zero bytes, built chunk by chunk (small memory)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = io.BytesIO()
    chunk = b"\x00" * (1 << 20)
    left = total
    while left > 0:
        out.write(comp.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    out.write(comp.flush())
    return out.getvalue()


def _deep_html(depth: int) -> str:
    return _html_page("<div>" * depth + _paragraphs() + "</div>" * depth)


def _wide_html(nodes: int) -> str:
    return _html_page("<span>x</span>" * nodes + _paragraphs())


def _slow_html(paragraphs: int) -> str:
    unit = "<div><p>" + _STORY + "</p><a href='#'>more</a></div>"
    return _html_page(unit * paragraphs)


def write_hostile_corpus(
    directory: str | os.PathLike[str],
    settings: IngestSettings | None = None,
    *,
    huge_bytes: int | None = None,
    seed: int = 7,
) -> list[HostileCase]:
    """Write every hostile case into ``directory`` (created) and return the cases.

    ``huge_bytes`` is the size of the sparse "huge" file (default: 100 MB, or just over
    ``max_input_bytes`` when that is larger). The timed-out case is only written when
    ``settings.seconds_per_article`` is at most 1 s (at 20 s it would slow every run down).
    """
    settings = settings or IngestSettings()
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    cases: list[HostileCase] = []

    def add(name: str, filename: str, content: bytes | str, outcomes: dict[str, int], **kw: object) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = root / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        cases.append(HostileCase(name, filename, outcomes, **kw))  # type: ignore[arg-type]

    stored = {"stored": 1}

    # ---- empty, binary, lying names
    add("empty file", "empty.txt", b"", {"NF002": 1})
    add("only whitespace", "blank.txt", " \n\t\r\n  \n", {"NF002": 1})
    add("random bytes", "random.txt", rng.randbytes(4096), {"NF003": 1})
    add("PNG named .txt", "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(300), {"NF003": 1})
    add("PDF named .html", "report.html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + rng.randbytes(200), {"NF003": 1})
    add("ELF executable", "tool.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + rng.randbytes(400), {"NF003": 1})
    add("NUL-heavy data", "nulls.txt", (b"\x00" * 50 + b"ab") * 80, {"NF003": 1})
    add("high-byte noise (invalid UTF-8, no text)", "noise.txt",
        bytes(rng.randrange(0x80, 0x100) for _ in range(3000)), {"NF004": 1})

    # ---- size limits
    huge = huge_bytes or max(100_000_000, settings.max_input_bytes + 1)
    with open(root / "huge.txt", "wb") as fh:  # sparse: costs no disk or time to write
        fh.truncate(huge)
    cases.append(HostileCase("huge file", "huge.txt", {"NF005": 1}, note=f"{huge:,} bytes, sparse"))
    add("one endless line", "endless.txt", "word" * (settings.max_article_chars // 4 + 10), {"NF011": 1})
    add("too short", "short.txt", "Tiny.", {"NF012": 1})

    # ---- compression
    add("gzip bomb", "bomb.txt.gz", _compressed_zeros(settings.max_decompressed_bytes * 2), {"NF006": 1})
    add("gzip in gzip in gzip", "nested.txt.gz",
        gzip.compress(gzip.compress(gzip.compress(_article().encode()))), {"NF006": 1})
    add("gzip of an article", "story.txt.gz", gzip.compress(_article().encode()), stored, must_contain="Anja Holm")
    add("bz2 of an article", "story2.txt.bz2", bz2.compress(_article("Keepers Stay On").encode()), stored)
    add("truncated gzip", "cut.txt.gz", gzip.compress((_article() * 20).encode())[:120], {"NF016": 1})
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("one.txt", _article("Keepers Celebrate"))
        zf.writestr("sub/two.html", _html_page("<article><h1>Light stays on</h1>" + _paragraphs() + "<p>Extra line.</p></article>"))
        zf.writestr("picture.jpg", b"\xff\xd8\xff\xe0" + rng.randbytes(100))
    add("zip with two articles and a photo", "bundle.zip", zbuf.getvalue(), {"stored": 2, "NF003": 1})
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("zeros.txt", "w") as member:
            chunk = b"\x00" * (1 << 20)
            for _ in range(settings.max_decompressed_bytes // len(chunk) + 2):
                member.write(chunk)
    add("zip bomb", "bomb.zip", zbuf.getvalue(), {"NF006": 1})
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    add("office document", "letter.txt", zbuf.getvalue(), {"NF003": 1})

    # ---- HTML
    full = _html_page("<nav>Home | Weather</nav><article><h1>Keepers stay</h1>" + _paragraphs() + "</article>")
    add("truncated HTML", "truncated.html", full[: full.index("</article>") - 40], stored, must_contain="Anja Holm")
    add("deeply nested HTML", "deep.html", _deep_html(settings.max_html_depth + 50), {"NF013": 1})
    add("too many elements", "wide.html", _wide_html(settings.max_html_nodes + 10), {"NF013": 1})
    scripts = (
        "<script>document.write('SCRIPT_PAYLOAD_1')</script>"
        "<img src=x onerror=\"alert('ATTR_PAYLOAD')\">"
        "<style>body{background:url('STYLE_PAYLOAD')}</style>"
        "<noscript>NOSCRIPT_PAYLOAD</noscript><template>TEMPLATE_PAYLOAD</template>"
    )
    add("script-laden HTML", "scripts.html",
        _html_page("<article><h1>Keepers stay</h1>" + scripts + _paragraphs() + scripts + "</article>",
                   head=scripts),
        stored, must_contain="Anja Holm",
        must_not_contain=("SCRIPT_PAYLOAD", "ATTR_PAYLOAD", "STYLE_PAYLOAD", "NOSCRIPT_PAYLOAD",
                          "TEMPLATE_PAYLOAD", "<script", "alert("))
    add("HTML without text", "shell.html",
        _html_page("<script>var app = 1;</script><div id='root'></div>"), {"NF007": 1})
    add("HTML declaring entities", "entities.html",
        '<!DOCTYPE html [<!ENTITY boom "BOOMBOOMBOOM">]><html><body><p>&boom; ' + _STORY + "</p></body></html>",
        {"NF009": 1})
    add("tag soup", "soup.html",
        "<html><body><p>" + _STORY + "<b><i></p></b></i><td><tr><p>" + _STORY.upper() + "</table></div></span>",
        stored)

    # ---- XML and feeds
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + ']><rss version="2.0"><channel><title>&lol9;</title><item><title>x</title>'
        "<description>&lol9;</description></item></channel></rss>"
    )
    add("billion laughs", "laughs.xml", laughs, {"NF009": 1}, must_not_contain=("lollol",))
    add("XXE feed", "xxe.rss",
        _rss(_item("leak", "&xxe; " + _STORY), '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
        {"NF009": 1}, must_not_contain=("root:",))
    add("XXE parameter entity", "xxe_param.rss",
        _rss(_item("leak", _STORY),
             '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>'),
        {"NF009": 1})
    add("XXE in UTF-16", "xxe16.rss",
        _rss(_item("leak", "&xxe; " + _STORY), '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
        .replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"), {"NF009": 1})
    add("truncated feed", "cut.rss", "<?xml version='1.0'?><rss><channel><item><title>x</ti", {"NF008": 1})
    add("tiny HTML with NUL bytes", "nul.html", b"<html><body><div><p>\x00\x00<<<>>></div></sp", {"NF012": 1})
    add("XML that is not a feed", "data.xml", '<?xml version="1.0"?><catalog><book id="1"></catalog>',
        {"NF008": 1})
    add("feed with scripts", "scripted.rss",
        _rss(_item("Keepers stay", "&lt;p&gt;" + _STORY + "&lt;/p&gt;&lt;script&gt;alert('FEED_PAYLOAD')&lt;/script&gt;")
             + _item("Second entry", "Residents gathered at the pier on Friday evening to celebrate the decision with music.")),
        {"stored": 2}, must_not_contain=("FEED_PAYLOAD", "<script"))
    add("feed with an empty entry", "gappy.rss",
        _rss(_item("Keepers stay", _STORY) + _item("Nothing here", "")), {"stored": 1, "NF002": 1})
    add("HTML named .rss", "page.rss", _html_page("<article>" + _paragraphs() + "</article>"), stored)

    # ---- JSON
    lines = [
        json.dumps({"title": "Keepers stay", "text": _STORY, "source": "Tidende", "id": "t-1"}),
        "{broken json",
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text here"}),
        json.dumps({"text": _STORY.replace("Thursday", "Friday") + " \ud800 lone surrogate"}),
        json.dumps({"body": _STORY.replace("Skarvik", "Skarvika"), "n": 10}).replace("10", "1" * 5000),
        json.dumps({"content": _STORY + " Second copy with a different ending."}),
    ]
    add("JSONL with bad lines", "mixed.jsonl", "\n".join(lines) + "\n", {"stored": 3, "NF010": 4})
    add("deeply nested JSON", "deep.json", "[" * 100_000 + "]" * 100_000, {"NF010": 1})
    add("not JSON at all", "broken.json", "{ this is not json", {"NF010": 1})
    add("text that starts like JSON", "bracket.txt", "[Updated] " + _STORY, stored, must_contain="[Updated]")

    # ---- encodings (tests/test_encodings.py checks must_contain)
    western_article = _article("Caf\u00e9 Prices Rise in Z\u00fcrich", _STORY + " " + _WESTERN)
    ascii_story = _STORY.replace("\u201c", '"').replace("\u201d", '"')
    latin_article = _article("Bread Prices Rise", ascii_story + " " + _LATIN1)
    add("UTF-8 with BOM", "utf8_bom.txt", b"\xef\xbb\xbf" + western_article.encode(), stored, must_contain=_WESTERN, tags=("encoding",))
    add("UTF-16 LE with BOM", "utf16le.txt", western_article.encode("utf-16"), stored, must_contain=_WESTERN, tags=("encoding",))
    add("UTF-16 BE with BOM", "utf16be.txt", b"\xfe\xff" + western_article.encode("utf-16-be"), stored, must_contain=_WESTERN, tags=("encoding",))
    add("UTF-16 LE without BOM", "utf16nobom.txt", western_article.encode("utf-16-le"), stored, must_contain=_WESTERN, tags=("encoding",))
    add("UTF-32 with BOM", "utf32.txt", western_article.encode("utf-32"), stored, must_contain=_WESTERN, tags=("encoding",))
    add("cp1252", "cp1252.txt", western_article.encode("cp1252"), stored, must_contain=_WESTERN, tags=("encoding",))
    add("Latin-1", "latin1.txt", latin_article.encode("latin-1"), stored, must_contain=_LATIN1, tags=("encoding",))
    add("GB18030", "gb18030.txt", ("\u706f\u5854\u5b88\u62a4\u4eba\u83b7\u80dc\n\n" + _CHINESE * 3).encode("gb18030"),
        stored, must_contain=_CHINESE, tags=("encoding",))
    add("NUL bytes in text", "nul_bytes.txt", _article().encode().replace(b" the ", b" the\x00 ", 3), stored,
        must_contain="Anja Holm", must_not_contain=("\x00",), tags=("encoding",))
    add("mixed line endings", "newlines.txt",
        (_TITLE + "\r\n\r\n" + _STORY.replace(". ", ".\r", 1).replace(". ", ".\n", 1) + "\r\nLast line.\n").encode(),
        stored, must_contain="Anja Holm", must_not_contain=("\r",), tags=("encoding",))
    add("UTF-8 with stray cp1252 bytes", "damaged.txt",
        western_article.encode() + " Price: 5\u20ac. ".encode("cp1252") + _STORY.encode(), stored,
        must_contain="5\u20ac", tags=("encoding",))
    add("mojibake (double-encoded UTF-8)", "mojibake.txt",
        western_article.encode("utf-8").decode("cp1252", errors="newsfuse-cp1252").encode("utf-8"), stored,
        tags=("encoding", "mojibake"))
    add("control characters and bidi tricks", "controls.txt",
        _article().replace("Thursday", "Thurs\x07day\x1b[31m").replace("Holm", "Holm\u202e\u200b"), stored,
        must_contain="Anja Holm", must_not_contain=("\x07", "\x1b"), tags=("encoding",))

    # ---- time budget: only deterministic when the budget is short
    if settings.seconds_per_article <= 1.0:
        target_nodes = min(settings.max_html_nodes - 10, 150_000)
        add("slow to extract", "slow.html", _slow_html(max(target_nodes // 4, 10)), {"NF014": 1},
            note="trafilatura takes many seconds on this page")
    return cases
