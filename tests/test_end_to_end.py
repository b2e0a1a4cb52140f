"""The whole path, as a user runs it: real CLI, real store, the real seed articles."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsfuse.render.contract import validate
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad")
    files = {
        "empty": d / "empty.txt",
        "binary": d / "photo.txt",
        "invalid_utf8": d / "latin.txt",
        "huge": d / "huge.txt",
        "malformed_html": d / "broken.html",
        "malformed_xml": d / "broken.xml",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    # not UTF-8 at all: a byte soup that no text encoding makes sense of
    files["invalid_utf8"].write_bytes(b"\xff\xfe\xfa" + bytes(range(128, 256)) * 40)
    with files["huge"].open("wb") as fh:  # 100 MB, sparse: cheap to make
        fh.truncate(100 * 1024 * 1024)
    files["malformed_html"].write_bytes(b"<html><body><div><p>\x00\x00<<<>>></div></sp")
    files["malformed_xml"].write_bytes(b"<?xml version='1.0'?><rss><channel><item><title>x</ti")
    return files


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, bad_inputs) -> dict:
    out = tmp_path_factory.mktemp("seeds")
    db = out / "store.db"
    args = [
        "analyze",
        str(seeds_dir),
        *[str(p) for p in bad_inputs.values()],
        "--db", str(db),
        "--json", str(out / "brief.json"),
        "--html", str(out / "brief.html"),
        "--md", str(out / "brief.md"),
    ]
    proc = run_cli(*args)
    return {
        "proc": proc,
        "db": db,
        "json": json.loads((out / "brief.json").read_text(encoding="utf-8")),
        "html": (out / "brief.html").read_text(encoding="utf-8"),
        "md": (out / "brief.md").read_text(encoding="utf-8"),
        "args": args,
    }


def test_seeds_make_one_story_with_both_articles(seeds_run: dict) -> None:
    doc = seeds_run["json"]
    assert len(doc["articles"]) == 2
    ids = {a["id"] for a in doc["articles"]}
    assert any(set(s["article_ids"]) == ids for s in doc["stories"]), doc["stories"]


def test_seeds_hegseth_is_an_entity(seeds_run: dict) -> None:
    story = max(seeds_run["json"]["stories"], key=lambda s: len(s["article_ids"]))
    names = {e["name"] for e in story["entities"]} | {
        a for e in story["entities"] for a in e["aliases"]
    }
    assert "Hegseth" in " ".join(names)


def test_seeds_brief_cites_both_outlets(seeds_run: dict) -> None:
    doc = seeds_run["json"]
    story = max(doc["stories"], key=lambda s: len(s["article_ids"]))
    assert 1 <= len(story["brief"]) <= 8
    cited = {aid for b in story["brief"] for aid in b["article_ids"]}
    assert cited == set(story["article_ids"])
    by_id = {a["id"]: a for a in doc["articles"]}
    for b in story["brief"]:
        assert b["article_ids"], b
        for aid in b["article_ids"]:
            assert aid in by_id


def test_json_validates_against_schema(seeds_run: dict) -> None:
    validate(seeds_run["json"])


def test_spans_point_into_the_text(seeds_run: dict) -> None:
    doc = seeds_run["json"]
    by_id = {a["id"]: a for a in doc["articles"]}
    for a in doc["articles"]:
        for r in a["repairs"]:
            assert a["original_text"][r["start"] : r["end"]] == r["original"]
    for s in doc["stories"]:
        for q in s["quotes"]:
            assert by_id[q["article_id"]]["text"][q["start"] : q["end"]] == q["text"]
        for c in s["claims"]:
            for e in c["evidence"]:
                assert by_id[e["article_id"]]["text"][e["start"] : e["end"]] == e["sentence"]


def test_bad_inputs_are_reported_and_skipped(seeds_run: dict, bad_inputs) -> None:
    proc = seeds_run["proc"]
    assert proc.returncode == 1, proc.stderr.decode()
    stderr = proc.stderr.decode()
    errors = seeds_run["json"]["errors"]
    reported = {e["path"] for e in errors}
    for path in bad_inputs.values():
        assert str(path) in reported, (path, errors)
        lines = [line for line in stderr.splitlines() if str(path) in line]
        assert len(lines) == 1, (path, stderr)
        assert lines[0].startswith("[NF0"), lines[0]
    assert "Traceback" not in stderr


def test_html_report_is_self_contained(seeds_run: dict) -> None:
    html = seeds_run["html"]
    assert "<html" in html.lower()
    assert "Hegseth" in html
    for marker in ('src="http', "src='http", 'href="http://', '<link rel="stylesheet" href'):
        assert marker not in html


def test_markdown_has_the_brief(seeds_run: dict) -> None:
    assert "### Brief" in seeds_run["md"]


def test_rerun_changes_nothing(seeds_run: dict) -> None:
    def snapshot() -> dict[str, int]:
        con = sqlite3.connect(seeds_run["db"])
        try:
            tables = [r[0] for r in con.execute(
                "select name from sqlite_master where type='table' and name not like 'sqlite_%'"
                " and name not like '%fts%'"
            )]
            return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
        finally:
            con.close()

    before = snapshot()
    proc = run_cli(*seeds_run["args"][:2], "--db", str(seeds_run["db"]), "--quiet")
    assert proc.returncode == 0, proc.stderr.decode()
    assert snapshot() == before
    con = sqlite3.connect(seeds_run["db"])
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_store_and_reports_inside_the_input_folder_are_not_read_back(seeds_dir: Path, tmp_path: Path) -> None:
    """``newsfuse analyze news/ --db news/store.db --json news/brief.json`` run every day: the
    second run finds its own store and report in news/ and must not read them as articles; a
    report left from another run is recognised by its content and named (NF017)."""
    folder = tmp_path / "news"
    folder.mkdir()
    for seed in seeds_dir.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    reports = ["--json", str(folder / "brief.json"), "--md", str(folder / "brief.md"),
               "--html", str(folder / "brief.html")]
    first = run_cli("analyze", str(folder), "--db", str(folder / "store.db"), *reports, "--quiet")
    assert first.returncode == 0, first.stderr.decode()
    again = run_cli("analyze", str(folder), "--db", str(folder / "store.db"), *reports, "--quiet", "--force")
    assert again.returncode == 0, again.stderr.decode()
    assert len(json.loads((folder / "brief.json").read_text(encoding="utf-8"))["articles"]) == 2

    later = run_cli("analyze", str(folder), str(folder / "store.db"), "--db", str(folder / "store.db"))
    assert later.returncode == 1
    lines = [ln for ln in later.stderr.decode().splitlines() if ln.startswith("[NF")]
    assert sorted(lines) == sorted([
        f"[NF017] {folder / 'brief.html'}: not an input: an HTML report or page newsfuse wrote"
        " (pass the articles, not the store or the reports newsfuse writes)",
        f"[NF017] {folder / 'brief.json'}: not an input: a newsfuse JSON report"
        " (pass the articles, not the store or the reports newsfuse writes)",
        f"[NF017] {folder / 'brief.md'}: not an input: a newsfuse Markdown report"
        " (pass the articles, not the store or the reports newsfuse writes)",
        f"[NF017] {folder / 'store.db'}: not an input: this run writes to it"
        " (pass the articles, not the store or the reports newsfuse writes)",
    ])
    assert "0 new, 2 already in the store, 4 rejected" in later.stderr.decode()


def test_stories_and_show_read_the_store(seeds_run: dict) -> None:
    proc = run_cli("stories", "--db", str(seeds_run["db"]), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    listed = json.loads(proc.stdout)
    story = max(seeds_run["json"]["stories"], key=lambda s: len(s["article_ids"]))
    assert story["id"] in {s["id"] for s in listed}
    shown = run_cli("show", story["id"], "--db", str(seeds_run["db"]), "--json")
    assert shown.returncode == 0, shown.stderr.decode()
    doc = json.loads(shown.stdout)
    validate(doc)
    assert doc["stories"][0]["id"] == story["id"]


def test_examples_from_a_pipe(examples_dir: Path, tmp_path: Path) -> None:
    """``cat articles.jsonl | newsfuse analyze - --json -``: JSON only on stdout."""
    lines = []
    for path in sorted(examples_dir.glob("0[1-4]_*.txt")):
        text = path.read_text(encoding="utf-8")
        title, _, body = text.partition("\n\n")
        lines.append(json.dumps({"title": title, "text": body, "source": path.stem}))
    proc = run_cli("analyze", "-", "--json", "-", "--no-store", stdin="\n".join(lines).encode())
    assert proc.returncode == 0, proc.stderr.decode()
    doc = json.loads(proc.stdout)
    validate(doc)
    assert len(doc["articles"]) == len(lines)


def test_usage_errors_exit_2() -> None:
    assert run_cli("analyze").returncode == 2
    assert run_cli("analyze", "x.txt", "--engine", "warp").returncode == 2


def test_stderr_notes_name_articles_not_in_english_and_records_without_outlet(
    examples_dir: Path, tmp_path: Path
) -> None:
    """The English model still reads other languages, so the user is told which ones will read
    poorly; records with no source or url are one outlet, so the user is told why nothing among
    them corroborates."""
    french = tmp_path / "depeche.txt"
    french.write_text(
        "Le conseil municipal de Brévanne a voté jeudi soir la fermeture du pont des Tanneurs, "
        "après la découverte de fissures dans deux piles de l'ouvrage construit en 1962. Selon "
        "l'adjointe chargée des travaux, les inspecteurs ont relevé ces fissures lors d'une visite "
        "de routine. La circulation sera déviée par la rocade nord pendant au moins six semaines.",
        encoding="utf-8",
    )
    batch = tmp_path / "scraped.jsonl"
    records = [
        {"text": "The Alder ferry resumed its crossings on Monday after a nine-day strike ended with "
                 "a pay deal, the operator said. The first boat left at six with 140 passengers."},
        {"text": "Crossings between Alder and the islands restarted on Monday when the strike ended, "
                 "and the operator said all timetabled sailings would run by Wednesday."},
        {"text": "Alder's council approved a new quay for the island ferries on Tuesday by seven votes "
                 "to two; building starts in the spring.", "source": "Alder Courier"},
    ]
    batch.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = run_cli("analyze", str(french), str(examples_dir), str(batch), "--no-store")
    assert done.returncode == 0, done.stderr.decode()
    notes = [line for line in done.stderr.decode().splitlines() if line.startswith("newsfuse: note:")]
    assert notes == [
        "newsfuse: note: 1 article(s) not in English (fr 1); names, quotes and claims are read "
        "with an English model and will be poor for them",
        f"newsfuse: note: 2 articles of {batch} have no source or url, so they count as one outlet "
        "('scraped') and none corroborates another; give each record a source",
    ]


def test_files_out_of_date_order_give_the_stories_of_date_order() -> None:
    """A folder read in file order: January's ferry strike, June's fire, then more January
    articles. Batches of one article and stories leaving memory 60 days behind the stream used
    to split January's story in two; the run now reaches the clusterer in date order."""
    from dataclasses import replace

    from newsfuse.ingest import read_bytes_input
    from newsfuse.pipeline import analyze_articles
    from newsfuse.settings import Settings

    strike = [
        "Ferry workers in Port Alder walked out on Monday, halting every crossing to Gull Island as "
        "the union demanded a 9 percent pay rise from the Alder Ferry Company.",
        "The strike by Port Alder ferry crews stopped all sailings to Gull Island; the union wants "
        "9 percent more pay and the Alder Ferry Company says it cannot afford it.",
        "No ferries ran between Port Alder and Gull Island for a second day as the crews' union and "
        "the Alder Ferry Company failed to agree on a 9 percent pay rise.",
    ]
    fire = [
        "A forest fire north of Orsk forced 900 residents to leave their homes on Tuesday as strong "
        "winds pushed the flames towards the town, regional officials said.",
        "About 900 people were evacuated from the edge of Orsk as a wind-driven forest fire closed in "
        "on the town, officials in the region said on Tuesday.",
        "Firefighters battled a blaze in the forests north of Orsk, where 900 residents had been "
        "evacuated as the wind drove the fire towards the town.",
    ]
    rows = [{"id": f"s{i}", "title": "", "text": t, "published": f"2024-01-1{i}", "source": f"Outlet {i}"}
            for i, t in enumerate(strike)]
    rows += [{"id": f"f{i}", "title": "", "text": t, "published": f"2024-06-0{i + 1}", "source": f"Outlet {i}"}
             for i, t in enumerate(fire)]
    data = "\n".join(json.dumps(r) for r in rows).encode()
    articles = [a for a in read_bytes_input(data, "mixed.jsonl") if not hasattr(a, "error")]
    by_row = {a.extra["id"]: a for a in articles}
    file_order = [by_row[k] for k in ("s0", "f0", "f1", "f2", "s1", "s2")]
    settings = Settings()
    settings = replace(settings, store=replace(settings.store, batch_size=1))
    stories = analyze_articles(file_order, settings=settings, until="cluster").stories
    groups = sorted(sorted(s.article_ids) for s in stories)
    assert groups == sorted([sorted(by_row[k].id for k in ("s0", "s1", "s2")),
                             sorted(by_row[k].id for k in ("f0", "f1", "f2"))])
