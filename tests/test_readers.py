"""Article sources: web pages, dataset exports (JSON Lines, JSON, CSV) … give the English their .txt version gives.

Every fixture is real text: the seed and articles of tests/data/articles (the
French corpus), wrapped in the markup of a news site (navigation, scripts,
comments, related links, a footer) or written as an export, here, at test
time; nothing is fetched. The engine is the scripted test engine, so the
English is a function of the source text: the same English means the reader
found the same text, paragraph for paragraph.
"""

from __future__ import annotations

import csv
import html
import json
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.engines import ENGINES
from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.model import Document
from pipeline.outputs import ItemNames, item_slug
from pipeline.run import RunOptions, RunResult, run
from tests.conftest import DATA, FR_EN, SEED, ScriptedEngine

ARTICLES = DATA / "articles"
SOURCES = DATA / "sources"
SEED_PAGE = SOURCES / "seed-page.html"
SOME = ("orangesum_12476", "orangesum_24563", "orangesum_18994")
runner = CliRunner()


class CliEcho(ScriptedEngine):
    """The scripted engine, built by name as the command line builds engines."""

    def __init__(self, source: str, target: str, **settings: object) -> None:
        super().__init__()

    @classmethod
    def available(cls, source: str, target: str) -> bool:
        return True


@pytest.fixture(autouse=True)
def _echo_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ENGINES, "echo", f"{__name__}:{CliEcho.__name__}")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary_file(FR_EN)


def article(name: str) -> str:
    return (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")


def news_page(paragraphs: Sequence[str], *, title: str, date: str, url: str, site: str = "Orange Actu", author: str = "AFP",
              scripts: str = "") -> str:
    """``paragraphs`` as a news site serves them: the headline as the article's <h1>, the rest as <p>s among boilerplate."""
    e = html.escape
    body = []
    for i, p in enumerate(paragraphs[1:]):
        body.append(f"<p>{e(p)}</p>\n")
        if i == 0:
            body.append('<!-- pub --><div class="ad"><script>adsbygoogle.push({});</script></div>\n')
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{e(title)} - {e(site)}</title>
<meta property="og:title" content="{e(title)}"><meta property="og:site_name" content="{e(site)}">
<meta property="article:published_time" content="{date}T08:00:00+01:00"><meta name="author" content="{e(author)}">
<link rel="canonical" href="{e(url)}"><script>var config = {{"tag": "<p>Les terroristes de Daech</p>"}};</script>{scripts}
</head><body>
<header><a href="/">{e(site)}</a><nav><ul><li><a href="/monde">Monde</a></li><li><a href="/france">France</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/meteo">Météo</a></li></ul></nav></header>
<main><article><h1>{e(paragraphs[0])}</h1>
{"".join(body)}</article>
<aside><h3>Les plus lus</h3><ul><li><a href="/a">Un autre article</a></li><li><a href="/b">Encore un</a></li></ul></aside></main>
<footer><p>© 2019 {e(site)} · Mentions légales · Cookies</p></footer>
<script>(function () {{ track("pageview"); }})();</script>
</body></html>
"""


def run_folder(folder: Path, out: Path, glossary: Glossary, **kw: object) -> RunResult:
    options = RunOptions(inputs=[folder], out=out, glossary=glossary, engine="echo", cache=False, quiet=True, **kw)  # type: ignore[arg-type]
    return run(options, engine=ScriptedEngine())


def english(doc: Document) -> list[str]:
    return [seg.target for seg in doc.segments]


def by_name(result: RunResult) -> dict[str, Document]:
    return {d.name: d for d in result.documents}


def assert_offsets_exact(doc: Document) -> None:
    assert doc.segments
    for seg in doc.segments:
        assert doc.text[seg.start : seg.end] == seg.source


# ---- web pages --------------------------------------------------------------------------------------------------


def test_a_saved_page_gives_the_english_of_its_text(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    shutil.copy(SEED_PAGE, folder / "seed-page.html")
    for name in SOME:
        text = article(name)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        page = news_page(text.split("\n\n"), title=text.split("\n\n")[0], date="2019-11-15", url=f"https://actu.orange.fr/monde/{name}.html")
        (folder / f"{name}.htm").write_text(page, encoding="utf-8")
    result = run_folder(folder, tmp_path / "out", glossary)
    assert result.exit_code == 0, result.failed
    docs = by_name(result)
    assert english(docs["seed-page"]) == english(docs["seed"])
    assert any(c.entry for s in docs["seed-page"].segments for c in s.changes)  # the glossary did its work on the page too
    for name in SOME:
        page, text = docs[f"{name}-{_hash_of(result, name, '.htm')}"], docs[f"{name}-{_hash_of(result, name, '.txt')}"]
        assert english(page) == english(text)
        assert_offsets_exact(page)
        assert page.metadata["site"] == "Orange Actu"
        assert page.metadata["url"] == f"https://actu.orange.fr/monde/{name}.html"
        assert page.metadata["date"] == "2019-11-15"
        assert page.metadata["title"] == article(name).split("\n\n")[0]
    data = json.loads((tmp_path / "out" / "seed-page.json").read_text(encoding="utf-8"))
    assert data["source"]["metadata"] == {
        "title": "Syrie : Daech s'empare de chlore à Idlib",
        "date": "2018-10-12",
        "author": "Rédaction internationale",
        "site": "Actualités du monde",
        "url": "https://news.example.org/fr/2018/10/12/syrie-daech-chlore-idlib.html",
    }
    text = docs["seed-page"].text
    for boilerplate in ("googletag", "Partager", "Lire aussi", "Mentions légales", "propagande", "Rechercher", "takfiristes</p>"):
        assert boilerplate not in text
    assert "\n\n" in text and "\n\n\n" not in text


def _hash_of(result: RunResult, stem: str, suffix: str) -> str:
    """The hash output_names gave ``stem`` (the .txt and the page share it), read from the report."""
    (summary,) = [d for d in result.report.docs if d.path.endswith(stem + suffix)]
    return summary.name.rsplit("-", 1)[1]


def test_ten_megabytes_of_scripts_fail_alone_with_one_line(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    junk = "<script>" + "var a = 'x';\n" * 800_000 + "</script>"  # 10 MB of script, nothing to read
    (folder / "scripts.html").write_text(f"<html><head>{junk}</head><body>{junk}</body></html>", encoding="utf-8")
    started = time.monotonic()
    result = run_folder(folder, tmp_path / "out", glossary)
    assert time.monotonic() - started < 60
    assert result.exit_code == 1
    (failed,) = result.failed
    assert failed.path.endswith("scripts.html") and "\n" not in (failed.error or "")
    assert (failed.error or "").startswith("no article text found in the page")
    assert (tmp_path / "out" / "seed.html").exists()


def test_scripts_around_an_article_are_left_out(tmp_path: Path, glossary: Glossary) -> None:
    text = article(SOME[0])
    heavy = "<script>" + "var a = 'Les terroristes takfiristes';\n" * 20_000 + "</script>"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "a.html").write_text(news_page(text.split("\n\n"), title="t", date="2019-11-15", url="https://x/a", scripts=heavy), encoding="utf-8")
    docs = by_name(run_folder(folder, tmp_path / "out", glossary))
    page, txt = (d for name, d in sorted(docs.items(), key=lambda kv: kv[1].path.suffix != ".html"))
    assert english(page) == english(txt)
    assert "takfiristes';" not in page.text


# ---- dataset exports --------------------------------------------------------------------------------------------


def export_records() -> list[dict[str, str]]:
    out = []
    for i, name in enumerate(SOME):
        text = article(name)
        out.append({"id": name, "title": text.split("\n\n")[0], "text": text, "date": f"2019-11-1{i}", "url": f"https://actu.orange.fr/{name}"})
    return out


def txt_folder(folder: Path) -> None:
    folder.mkdir()
    for name in SOME:
        (folder / f"{name}.txt").write_text(article(name), encoding="utf-8")


def test_json_lines_export_one_document_per_record(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    txt_folder(folder)
    records = export_records()
    lines = [json.dumps(records[0], ensure_ascii=False), "", "{not json", json.dumps(["a", "list"]),
             json.dumps({"id": "empty", "title": "Pas de texte"}), *(json.dumps(r, ensure_ascii=False) for r in records[1:])]
    (folder / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_folder(folder, tmp_path / "out", glossary)
    docs = by_name(result)
    for record in records:
        item = docs[f"export--{record['id'].replace('_', '-')}"]
        assert english(item) == english(docs[record["id"]])
        assert_offsets_exact(item)
        assert {k: item.metadata[k] for k in ("title", "date", "url", "id")} == {k: record[k] for k in ("title", "date", "url", "id")}
    errors = sorted((d.error or "") for d in result.failed)
    assert len(errors) == 3 and all("\n" not in e for e in errors)
    assert errors[0].startswith("line 3: not valid JSON")
    assert errors[1].startswith("line 4: is a JSON list, not an object")
    assert errors[2].startswith("line 5: has no text in 'text' or 'content' or 'body'")
    data = json.loads((tmp_path / "out" / "export--orangesum-24563.json").read_text(encoding="utf-8"))
    assert data["source"]["path"].endswith("export.jsonl")
    assert data["source"]["metadata"]["record"] == "line 6"


def test_csv_and_json_exports_with_chosen_fields(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    txt_folder(folder)
    records = [{"guid": r["id"], "headline": r["title"], "body_text": r["text"], "published_at": r["date"], "link": r["url"]}
               for r in export_records()]
    with (folder / "news.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    (folder / "api.json").write_text(json.dumps({"status": "ok", "articles": records}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "--out", str(out), "--engine", "echo", "--no-cache", "-q",
                                 "--text-field", "body_text", "--title-field", "headline", "--id-field", "guid",
                                 "--date-field", "published_at", "--url-field", "link", "--formats", "json"])
    assert result.exit_code == 0, result.output
    for record in records:
        slug = record["guid"].replace("_", "-")
        txt = json.loads((out / f"{record['guid']}.json").read_text(encoding="utf-8"))
        for source in ("news", "api"):
            item = json.loads((out / f"{source}--{slug}.json").read_text(encoding="utf-8"))
            assert [s["target"] for s in item["segments"]] == [s["target"] for s in txt["segments"]]
            meta = item["source"]["metadata"]
            assert (meta["title"], meta["date"], meta["url"], meta["id"]) == (record["headline"], record["published_at"], record["link"], record["guid"])


def test_a_hundred_megabyte_csv_cell_fails_alone(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    records = export_records()
    with (folder / "big.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "text"])
        writer.writerow([records[0]["id"], records[0]["title"], records[0]["text"]])
        fh.write('huge,Énorme,"')
        chunk = "Daech " * 100_000
        for _ in range(175):  # 105 MB in one cell
            fh.write(chunk)
        fh.write('"\n')
        writer.writerow([records[1]["id"], records[1]["title"], records[1]["text"]])
    result = run_folder(folder, tmp_path / "out", glossary, formats=("json",))
    (failed,) = result.failed
    line = 3 + records[0]["text"].count("\n")  # the record that starts there (the first one spans lines)
    assert failed.error == f"line {line}: a cell or line is over the limit of 20.0 MB per document; split it, or raise the limit with --max-size"
    assert sorted(d.name for d in result.documents if not d.failed) == ["big--orangesum-12476", "big--orangesum-24563"]


def test_a_csv_cell_over_a_small_max_size_fails_alone(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "e.csv").write_text('id,text\na,"Le ministre a parlé."\nb,"' + "x" * 5000 + '"\nc,"Les djihadistes ont attaqué."\n', encoding="utf-8")
    result = run_folder(folder, tmp_path / "out", glossary, max_size=2000, formats=("json",))
    assert [(d.name, d.error is None) for d in result.documents] == [("e--a", True), ("e--line-3", False), ("e--c", True)]


def test_a_missing_reader_library_fails_that_file_with_the_command(tmp_path: Path, glossary: Glossary,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def without_trafilatura(name: str, package: str | None = None) -> object:
        if name == "trafilatura":
            raise ImportError("No module named 'trafilatura'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_trafilatura)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_PAGE, folder / "page.html")
    shutil.copy(SEED, folder / "seed.txt")
    result = run_folder(folder, tmp_path / "out", glossary)
    (failed,) = result.failed
    assert failed.error == "reading web pages needs trafilatura, which is not installed: pip install 'normalize[sources]'"


# ---- names --------------------------------------------------------------------------------------------------------


def test_item_names_are_safe_and_unique() -> None:
    assert item_slug("https://www.lemonde.fr/international/article/2018/10/12/syrie-les-djihadistes_5368.html?x=1#top") == "syrie-les-djihadistes-5368"
    assert item_slug("Les « terroristes » : qui ? ../../etc/passwd") == "les-terroristes-qui-etc-passwd"
    assert item_slug("https://example.org/") == "example-org"
    names = ItemNames("feed", Path("in/feed.rss"), taken={"feed--a"})
    made = [names(k) for k in ("a", "B", "b", "", "--x--", "\x1b[31mred")]
    assert made[0].startswith("feed--a-") and made[1] == "feed--b" and made[2].startswith("feed--b-")
    assert made[3] == "feed--4" and made[4] == "feed--x" and made[5] == "feed--31mred"
    assert len({m.casefold() for m in made}) == len(made)
    assert all("--" not in m.split("--", 1)[1] for m in made)
    long = ItemNames("é" * 200, Path("in/x.jsonl"))("t" * 500)
    assert len(long.encode()) < 200


def test_pages_a_run_wrote_are_never_read_back_as_articles(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_PAGE, folder / "page.html")
    (folder / "mine.json").write_text(json.dumps([{"id": "x", "text": "Le ministre a parlé."}]), encoding="utf-8")
    first = run_folder(folder, folder / "out", glossary)  # an output folder inside the input folder
    again = run_folder(folder, folder / "out", glossary, force=True)
    elsewhere = run_folder(folder, tmp_path / "out2", glossary)  # its manifest still marks the first run's pages
    assert sorted(d.name for d in first.documents) == ["mine--x", "page"]
    assert [d.name for d in again.documents] == [d.name for d in elsewhere.documents] == [d.name for d in first.documents]
    (folder / "a.txt").write_text("Le ministre a parlé.\n", encoding="utf-8")
    itself = run_folder(folder, folder, glossary)  # --out the input folder: only its .txt files are articles
    assert [d.name for d in itself.documents] == ["a"]


def test_eval_articles_reads_every_format_and_shows_the_metadata(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEED_PAGE, folder / "seed-page.html")
    (folder / "export.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in export_records()[:2]), encoding="utf-8")
    result = runner.invoke(app, ["eval", "--articles", str(folder), "--engine", "echo", "--json"])
    assert result.exit_code == 0, result.output
    docs = {d["name"]: d for d in json.loads(result.stdout)["documents"]}
    assert sorted(docs) == ["export--orangesum-12476", "export--orangesum-24563", "seed-page"]
    assert docs["seed-page"]["metadata"]["site"] == "Actualités du monde"
    assert docs["export--orangesum-24563"]["metadata"]["url"] == "https://actu.orange.fr/orangesum_24563"
    text = runner.invoke(app, ["eval", "--articles", str(folder), "--engine", "echo"]).stdout
    assert "  seed-page: “Syrie : Daech s'empare de chlore à Idlib” — Actualités du monde, 2018-10-12, by Rédaction internationale, " in text
