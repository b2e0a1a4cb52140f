"""The self-contained HTML report: hostile article text stays text, links stay in the page."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfuse.brief import write_brief
from newsfuse.crosscheck import crosscheck
from newsfuse.render.html import render_html
from newsfuse.types import (
    Alias,
    Analysis,
    Article,
    Brief,
    BriefSentence,
    Claim,
    Entity,
    Evidence,
    InputError,
    NumberRef,
    Quote,
    Repair,
    Span,
    Story,
    TimelineEntry,
)

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "</textarea><svg onload=alert(1)>",
    "\" onmouseover=\"alert(1)",
    "<iframe src='https://evil.example/'></iframe>",
    "<style>body{display:none}</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "{{ 7*7 }} {% for x in y %}",
    "&lt;script&gt; &amp; ]]> <!-- -->",
]


class Inspector(HTMLParser):
    """Collects what a browser would treat as markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
            if name == "id":
                self.ids.add(value or "")

    def handle_data(self, data):
        self.text.append(data)


def inspect(html: str) -> Inspector:
    parser = Inspector()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str) -> Inspector:
    page = inspect(html)
    assert "script" not in page.tags
    assert not {"iframe", "img", "svg", "object", "embed", "link", "textarea", "form"} & set(page.tags)
    assert page.tags.count("style") == 1  # ours, in the head
    for tag, name, value in page.attrs:
        assert not name.startswith("on"), (tag, name, value)
        assert name != "src", (tag, name, value)
        if name == "href":
            assert value.startswith("#"), (tag, name, value)
        assert "javascript:" not in value.lower()
    for tag, name, value in page.attrs:
        if name == "href":
            assert value[1:] in page.ids, f"dangling anchor {value}"
    return page


def hostile_analysis(bad: str) -> Analysis:
    text = f"The mayor said {bad} on Monday. Officials counted 120 homes {bad} damaged."
    original = text.replace("homes", "homes homes", 1)
    at = original.index("homes homes")
    repair = Repair(kind="doubled_word", start=at, end=at + len("homes homes"), original="homes homes", replacement="homes")
    a = Article(
        id="a1" + "0" * 14, path=f"in/{bad}.html", source=f"Outlet {bad}", title=f"Title {bad}",
        text=text, original_text=original, published="2025-01-01", url=f"javascript:alert('{bad}')",
        repairs=[repair], garbled=[Span(0, 5)],
    )
    s1 = text.index("Officials")
    ev = Evidence(article_id=a.id, sentence=text[s1:], start=s1, end=len(text), source=a.source)
    claim = Claim(
        id="c1", text=f"Claim {bad}", status="conflicting", evidence=[ev],
        numbers=[NumberRef(value=120, unit="homes", text=f"120 {bad}", article_id=a.id, source=a.source)],
        sources=[a.source], note=f"numbers differ {bad}",
    )
    quote = Quote(text=bad, start=text.index(bad), end=text.index(bad) + len(bad), speaker=f"Mayor {bad}")
    entity = Entity(id="e1", name=f"Name {bad}", type="PERSON", aliases=[Alias(name=f"Alias {bad}", article_id=a.id, count=1)],
                    article_ids=[a.id], mentions=2)
    brief = Brief(
        sentences=[BriefSentence(text=text[s1:], article_ids=[a.id], claim_ids=["c1"], sources=[a.source])],
        timeline=[TimelineEntry(date=f"2025 {bad}", text=f"event {bad}", article_ids=[a.id])],
        coverage={a.source: f"alone reports {bad}"},
    )
    story = Story(id=f"s {bad}", title=f"Story {bad}", label=f"label {bad}", article_ids=[a.id], entities=[entity],
                  quotes=[(a.id, quote)], claims=[claim], brief=brief)
    return Analysis(articles=[a], stories=[story], errors=[InputError(path=f"x/{bad}", error=f"bad {bad}", code="NF003")])


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_text_is_escaped(bad):
    html = render_html(hostile_analysis(bad), title=f"report {bad}")
    page = assert_inert(html)
    assert bad in "".join(page.text)  # shown to the reader, as text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            list("<>\"'=&;:/ ()!-{}%#`\\") + ["script", "onerror", "javascript:", "a", "img", "src", "href", "x", "\n", "\u2028", "\x00"]
        ),
        min_size=1,
        max_size=30,
    ).map("".join)
)
def test_any_text_renders_inert(bad):
    html = render_html(hostile_analysis(bad))
    assert_inert(html)


def test_self_contained_no_external_resources():
    html = render_html(hostile_analysis("plain words"))
    lowered = html.lower()
    assert "<link" not in lowered and "@import" not in lowered and "url(" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    assert "<script" not in lowered


def test_repairs_shown_struck_through_and_inserted():
    html = render_html(hostile_analysis("plain words"))
    assert "<del" in html and ">homes homes</del>" in html and "<ins>homes</ins>" in html


STORY = [
    Article(
        id="n" + str(i) * 15, path=f"ex{i}.txt", source=outlet, title=title, text=text, original_text=text,
        published="2025-04-10",
    )
    for i, (outlet, title, text) in enumerate(
        [
            ("Lakeside News", "Library fire",
             "A fire damaged the old town library in Lakeside on Tuesday night, firefighters said. "
             "About 3,000 books were destroyed, the library director Eva Lind said. "
             "The cause of the fire is still unknown."),
            ("County Post", "Blaze at Lakeside library",
             "Firefighters said a fire damaged Lakeside's old town library on Tuesday night. "
             "Library director Eva Lind said 3,100 books had been destroyed. "
             "The library will reopen in a temporary building next month."),
        ]
    )
]


@pytest.fixture(scope="module")
def real_report() -> tuple[str, Analysis]:
    claims = crosscheck(STORY, {}, [], {})
    brief = write_brief(STORY, {}, claims, [], {})
    story = Story(id="st1", title="Library fire", article_ids=[a.id for a in STORY], claims=claims, brief=brief)
    analysis = Analysis(articles=STORY, stories=[story])
    return render_html(analysis), analysis


def test_report_shows_brief_with_citation_chips(real_report):
    html, analysis = real_report
    page = assert_inert(html)
    brief = analysis.stories[0].brief
    assert brief.sentences
    chips = [v for t, n, v in page.attrs if n == "href"]
    for s in brief.sentences:
        assert s.text in html
    # every brief sentence cites its outlets with chips that land on a cited sentence
    for outlet in {o for s in brief.sentences for o in s.sources}:
        assert f">{outlet}</a>" in html
    assert any(c.startswith("#s0-a") for c in chips)
    assert 'class="cited"' in html


def test_report_shows_claim_badges(real_report):
    html, analysis = real_report
    statuses = {c.status for c in analysis.stories[0].claims}
    assert "corroborated" in statuses
    assert "b-corroborated" in html and "b-single_source" in html


@pytest.mark.browser
def test_chromium_renders_report_without_running_anything(real_report, tmp_path: Path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Debian's chromium is not installed")
    html, analysis = real_report
    path = tmp_path / "report.html"
    path.write_text(render_html(hostile_analysis("<script>document.title='pwned'</script>")), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--dump-dom", path.as_uri()],
            capture_output=True, text=True, timeout=120,
        )
    assert out.returncode == 0, out.stderr[-500:]
    dom = out.stdout
    assert "<title>newsfuse report</title>" in dom
    assert "pwned" not in dom.split("<body")[0]
    assert "&lt;script&gt;document.title" in dom


def test_who_said_what_groups_a_speaker_whatever_its_case() -> None:
    """'Investigators said' opens one sentence, 'investigators said' follows a comma in another:
    one speaker on the board, in Markdown and HTML alike."""
    from newsfuse.render.markdown import render_markdown

    text = (
        "Investigators said the fire started in the kitchen. The hall was empty, though "
        "investigators said a door was open. Investigators said the alarm worked."
    )
    article = Article(id="f1", path="f1.txt", source="Valley Courier", title="Hall fire", text=text,
                      original_text=text, published="2031-05-10")

    def said(clause: str) -> Quote:
        start = text.index(clause)
        speaker = text[: start].split()[-2]  # the word before "said", as written
        return Quote(clause, start, start + len(clause), speaker, "reported")

    quotes = [said("the fire started in the kitchen"), said("a door was open"), said("the alarm worked")]
    assert [q.speaker for q in quotes] == ["Investigators", "investigators", "Investigators"]
    story = Story(id="s_fire", title="Hall fire", article_ids=["f1"], quotes=[("f1", q) for q in quotes])
    analysis = Analysis(articles=[article], stories=[story])
    markdown = render_markdown(analysis)
    assert markdown.count("- **Investigators**") == 1 and "**investigators**" not in markdown
    page = render_html(analysis)
    assert page.count(">Investigators<") == 1 and ">investigators<" not in page
