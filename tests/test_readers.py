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

from pipeline.cli.main import app
from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.model import Document
from pipeline.outputs.names import ItemNames, item_slug
from pipeline.run import RunOptions, RunResult, run
from tests.conftest import DATA, FR_EN, SEED, ScriptedEngine

ARTICLES = DATA / "articles"
SOURCES = DATA / "sources"
SEED_PAGE = SOURCES / "seed-page.html"
SOME = ("orangesum_12476", "orangesum_24563", "orangesum_18994")
runner = CliRunner()


pytestmark = pytest.mark.usefixtures("echo_engine")


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
        from_page, from_text = docs[f"{name}-{_hash_of(result, name, '.htm')}"], docs[f"{name}-{_hash_of(result, name, '.txt')}"]
        assert english(from_page) == english(from_text)
        assert_offsets_exact(from_page)
        assert from_page.metadata["site"] == "Orange Actu"
        assert from_page.metadata["url"] == f"https://actu.orange.fr/monde/{name}.html"
        assert from_page.metadata["date"] == "2019-11-15"
        assert from_page.metadata["title"] == article(name).split("\n\n")[0]
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
    (folder / "a.html").write_text(
        news_page(text.split("\n\n"), title="t", date="2019-11-15", url="https://x/a", scripts=heavy), encoding="utf-8"
    )
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
        assert {k: item.metadata[k] for k in ("title", "date", "url", "id")} == {
            k: record[k] for k in ("title", "date", "url", "id")
        }
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
            assert (meta["title"], meta["date"], meta["url"], meta["id"]) == (
                record["headline"],
                record["published_at"],
                record["link"],
                record["guid"],
            )


@pytest.mark.parametrize("kind", ["jsonl", "csv", "json"])
def test_an_export_that_is_not_utf8_keeps_its_accents_and_says_so(tmp_path: Path, glossary: Glossary, kind: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = {"id": "utf8", "text": "Les combattants de Daech ont été repoussés à Raqqa."}
    legacy = {"id": "legacy", "text": "Les djihadistes ont fui la ville détruite, a précisé l’armée."}
    if kind == "jsonl":
        raw = (json.dumps(good, ensure_ascii=False) + "\n").encode() + (json.dumps(legacy, ensure_ascii=False) + "\n").encode(
            "cp1252"
        )
    elif kind == "csv":
        raw = b"id,text\n" + f'utf8,"{good["text"]}"\n'.encode() + f'legacy,"{legacy["text"]}"\n'.encode("cp1252")
    else:
        raw = json.dumps([good, legacy], ensure_ascii=False).encode("cp1252")
    (folder / f"export.{kind}").write_bytes(raw)
    docs = by_name(run_folder(folder, tmp_path / "out", glossary))
    read = docs["export--legacy"]
    assert read.text.strip() == legacy["text"] and "\ufffd" not in read.text
    (warning,) = [w for w in read.warnings if "not UTF-8" in w]
    assert "read as Windows-1252" in warning and "iconv -f WINDOWS-1252 -t UTF-8" in warning
    if kind != "json":  # a line-by-line export says which line, and only on its record
        assert "line" in warning and docs["export--utf8"].warnings == []


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
    assert (
        failed.error
        == f"line {line}: a cell or line is over the limit of 20.0 MB per document; split it, or raise the limit with --max-size"
    )
    assert sorted(d.name for d in result.documents if not d.failed) == ["big--orangesum-12476", "big--orangesum-24563"]


def test_a_csv_cell_over_a_small_max_size_fails_alone(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "e.csv").write_text(
        'id,text\na,"Le ministre a parlé."\nb,"' + "x" * 5000 + '"\nc,"Les djihadistes ont attaqué."\n', encoding="utf-8"
    )
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
    assert (
        item_slug("https://www.lemonde.fr/international/article/2018/10/12/syrie-les-djihadistes_5368.html?x=1#top")
        == "syrie-les-djihadistes-5368"
    )
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
    (folder / "export.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in export_records()[:2]), encoding="utf-8"
    )
    result = runner.invoke(app, ["eval", "--articles", str(folder), "--engine", "echo", "--json"])
    assert result.exit_code == 0, result.output
    docs = {d["name"]: d for d in json.loads(result.stdout)["documents"]}
    assert sorted(docs) == ["export--orangesum-12476", "export--orangesum-24563", "seed-page"]
    assert docs["seed-page"]["metadata"]["site"] == "Actualités du monde"
    assert docs["export--orangesum-24563"]["metadata"]["url"] == "https://actu.orange.fr/orangesum_24563"
    text = runner.invoke(app, ["eval", "--articles", str(folder), "--engine", "echo"]).stdout
    assert (
        "  seed-page: “Syrie : Daech s'empare de chlore à Idlib” — Actualités du monde, 2018-10-12, by Rédaction internationale, "
        in text
    )


# ---- feeds --------------------------------------------------------------------------------------------------------


def build_feed(tmp_path: Path, kind: str) -> Path:
    """An RSS 2.0 or Atom feed of the articles, written with feedparser's own test of it: parsed back before use."""
    import xml.etree.ElementTree as ET

    records = export_records()
    if kind == "rss":
        rss = ET.Element("rss", version="2.0", attrib={"xmlns:content": "http://purl.org/rss/1.0/modules/content/"})
        channel = ET.SubElement(rss, "channel")
        ET.SubElement(channel, "title").text = "Orange Actu — Monde"
        ET.SubElement(channel, "link").text = "https://actu.orange.fr/monde"
        for i, r in enumerate(records):
            item = ET.SubElement(channel, "item")
            ET.SubElement(item, "title").text = r["title"]
            ET.SubElement(item, "link").text = r["url"]
            ET.SubElement(item, "pubDate").text = f"Fri, 1{i} Nov 2019 08:00:00 +0100"
            paras = "".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n\n"))
            if i < 2:
                ET.SubElement(item, "description").text = html.escape(r["text"].split("\n\n")[1])
                ET.SubElement(item, "content:encoded").text = paras
            else:
                ET.SubElement(item, "description").text = paras  # the summary only
        path = tmp_path / "monde.rss"
        path.write_bytes(ET.tostring(rss, encoding="utf-8", xml_declaration=True))
    else:
        ns = "http://www.w3.org/2005/Atom"
        feed = ET.Element(f"{{{ns}}}feed")
        ET.SubElement(feed, f"{{{ns}}}title").text = "Orange Actu — Monde"
        for i, r in enumerate(records):
            entry = ET.SubElement(feed, f"{{{ns}}}entry")
            ET.SubElement(entry, f"{{{ns}}}title").text = r["title"]
            ET.SubElement(entry, f"{{{ns}}}link", href=r["url"])
            ET.SubElement(entry, f"{{{ns}}}id").text = f"urn:orange:{r['id']}"
            ET.SubElement(entry, f"{{{ns}}}updated").text = f"2019-11-1{i}T08:00:00Z"
            ET.SubElement(entry, f"{{{ns}}}content", type="html").text = "".join(
                f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n\n")
            )
        ET.register_namespace("", ns)
        path = tmp_path / "monde.xml"  # saved as .xml: found by its content
        path.write_bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))
    import feedparser

    assert len(feedparser.parse(path.read_bytes()).entries) == len(records)
    return path


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_feed_gives_one_document_per_item(tmp_path: Path, glossary: Glossary, kind: str) -> None:
    folder = tmp_path / "in"
    txt_folder(folder)
    build_feed(folder, kind)
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset><url><loc>https://x/</loc></url></urlset>', encoding="utf-8"
    )
    result = run_folder(folder, tmp_path / "out", glossary)
    assert result.exit_code == 0, result.failed
    docs = by_name(result)
    assert "sitemap" not in docs  # an .xml file that is not a feed is not an input
    for i, record in enumerate(export_records()):
        item = docs[f"monde--{record['id'].replace('_', '-')}"]
        assert english(item) == english(docs[record["id"]])
        assert_offsets_exact(item)
        assert item.metadata["url"] == record["url"] and item.metadata["title"] == record["title"]
        assert item.metadata["site"] == "Orange Actu — Monde" and item.metadata["date"] == f"2019-11-1{i}"
        summary_only = kind == "rss" and i == 2
        assert (SUMMARY_ONLY in item.warnings) == summary_only


SUMMARY_ONLY = "the feed gives only a summary of this item, not its full text; save the article's page for all of it"
LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10))
TRICKS = {
    "laughs": f'<?xml version="1.0"?><!DOCTYPE rss [{LAUGHS}]><rss version="2.0"><channel><title>t</title>'
    "<item><title>&lol9;</title><link>https://x/1</link><description>Le ministre a parlé.</description></item></channel></rss>",
    "xxe": '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<rss version="2.0"><channel><title>t</title>'
    "<item><title>&x;</title><link>https://x/1</link><description>Le ministre a parlé.</description></item></channel></rss>",
    "remote": '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % d SYSTEM "http://127.0.0.1:9/evil.dtd"> %d;]><rss version="2.0">'
    "<channel><title>t</title><item><title>t</title><description>Le ministre a parlé.</description></item></channel></rss>",
}


def test_entity_tricks_in_a_feed_fail_alone_with_one_line(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    for name, text in TRICKS.items():
        (folder / f"{name}.rss").write_text(text, encoding="utf-8")
    (folder / "plain.rss").write_text(
        '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "">'
        '<rss version="0.91"><channel><title>t</title><item><title>Un</title><link>https://x/1</link>'
        "<description>Le ministre a parlé.</description></item></channel></rss>",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = run_folder(folder, tmp_path / "out", glossary)
    assert time.monotonic() - started < 30
    failures = {Path(d.path).stem: d.error or "" for d in result.failed}
    assert sorted(failures) == sorted(TRICKS)
    for error in failures.values():
        assert error.startswith("declares XML entities or an external DTD") and "\n" not in error
    assert sorted(d.name for d in result.documents if not d.failed) == ["plain--1", "seed"]


# ---- web archives -------------------------------------------------------------------------------------------------


def build_warc(path: Path, pages: dict[str, str], *, gzip: bool = True) -> None:
    """A web archive written with warcio itself: a request and an HTML response per page, plus an image and a redirect."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def record(url: str, kind: str, payload: bytes, headers: StatusAndHeaders | None = None) -> None:
        made = writer.create_warc_record(url, kind, payload=BytesIO(payload), http_headers=headers)
        writer.write_record(made)
        made.raw_stream.close()  # warcio's buffer of the payload, which it leaves open

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for url, page in pages.items():
            record(url, "request", b"GET / HTTP/1.1\r\n\r\n")
            record(
                url,
                "response",
                page.encode(),
                StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"),
            )
        record(
            "https://actu.orange.fr/logo.png",
            "response",
            b"\x89PNG",
            StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"),
        )
        moved = StatusAndHeaders(
            "301 Moved", [("Location", "https://actu.orange.fr/"), ("Content-Type", "text/html")], protocol="HTTP/1.1"
        )
        record("http://actu.orange.fr/", "response", b"<p>moved</p>", moved)


@pytest.mark.parametrize("gzip", [True, False])
def test_a_web_archive_gives_one_document_per_html_page(tmp_path: Path, glossary: Glossary, gzip: bool) -> None:
    folder = tmp_path / "in"
    txt_folder(folder)
    pages = {}
    for r in export_records():
        pages[r["url"]] = news_page(r["text"].split("\n\n"), title=r["title"], date=r["date"], url=r["url"])
    pages["https://actu.orange.fr/vide"] = "<html><head><script>x()</script></head><body><script>y()</script></body></html>"
    build_warc(folder / ("crawl.warc.gz" if gzip else "crawl.warc"), pages, gzip=gzip)
    result = run_folder(folder, tmp_path / "out", glossary)
    docs = by_name(result)
    for r in export_records():
        item = docs[f"crawl--{r['id'].replace('_', '-')}"]
        assert english(item) == english(docs[r["id"]])
        assert_offsets_exact(item)
        assert (item.metadata["url"], item.metadata["date"], item.metadata["site"]) == (r["url"], r["date"], "Orange Actu")
    (failed,) = result.failed
    assert failed.name == "crawl--vide" and (failed.error or "").startswith("record 8: no article text found")
    assert (tmp_path / "out" / "crawl--orangesum-12476.html").exists()


def test_a_damaged_web_archive_keeps_the_records_before_the_damage(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    r = export_records()[0]
    build_warc(
        folder / "cut.warc",
        {r["url"]: news_page(r["text"].split("\n\n"), title=r["title"], date=r["date"], url=r["url"])},
        gzip=False,
    )
    data = (folder / "cut.warc").read_bytes()
    (folder / "cut.warc").write_bytes(data + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort")
    (folder / "not.warc").write_bytes(b"GIF89a not an archive at all")
    result = run_folder(folder, tmp_path / "out", glossary)
    assert [d.name for d in result.documents if not d.failed] == ["cut--orangesum-12476"]
    errors = {d.name: d.error or "" for d in result.failed}
    assert errors["not"].startswith("is not a readable web archive (WARC)")
    assert all("\n" not in e for e in errors.values())


# ---- office files -------------------------------------------------------------------------------------------------


def build_docx(path: Path, paragraphs: Sequence[str], title: str) -> None:
    import datetime

    import docx

    word = docx.Document()
    word.add_heading(paragraphs[0], level=1)
    for p in paragraphs[1:]:
        word.add_paragraph(p)
        word.add_paragraph("")
    word.core_properties.title = title
    word.core_properties.author = "AFP"
    word.core_properties.created = datetime.datetime(2019, 11, 15, 8, 0)
    word.save(str(path))


def build_odt(path: Path, paragraphs: Sequence[str], title: str) -> None:
    import zipfile
    from xml.sax.saxutils import escape

    body = f'<text:h text:outline-level="1">{escape(paragraphs[0])}</text:h>' + "".join(
        f"<text:p>{escape(p).replace('  ', ' <text:s/>')}"
        "<text:note><text:note-body><text:p>une note</text:p></text:note-body></text:note></text:p>"
        if i == 0
        else f"<text:p>{escape(p)}</text:p>"
        for i, p in enumerate(paragraphs[1:])
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        f"{body}</office:text></office:body></office:document-content>"
    )
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>'
        f"<dc:title>{escape(title)}</dc:title><meta:initial-creator>AFP</meta:initial-creator>"
        "<meta:creation-date>2019-11-15T08:00:00</meta:creation-date></office:meta></office:document-meta>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", meta)


def test_word_and_opendocument_files_give_their_paragraphs(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = article(SOME[0])
    paragraphs = text.split("\n\n")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    build_docx(folder / "b.docx", paragraphs, "Le Drian")
    build_odt(folder / "c.odt", paragraphs, "Le Drian")
    docs = by_name(run_folder(folder, tmp_path / "out", glossary))
    for name in ("b", "c"):
        assert english(docs[name]) == english(docs["a"])
        assert_offsets_exact(docs[name])
        assert docs[name].metadata == {"title": "Le Drian", "date": "2019-11-15", "author": "AFP"}
    assert "une note" not in docs["c"].text


def test_word_tables_are_read_in_order_a_merged_cell_once(tmp_path: Path, glossary: Glossary) -> None:
    import docx

    folder = tmp_path / "in"
    folder.mkdir()
    word = docx.Document()
    word.add_paragraph("Bilan des combats à Idleb.")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Pertes des jihadistes de Daech"
    table.cell(1, 0).text = "Hommes tués"
    table.cell(1, 1).text = "Quarante-deux"
    word.add_paragraph("Selon l’OSDH, les combats continuent.")
    word.save(str(folder / "bilan.docx"))
    doc = by_name(run_folder(folder, tmp_path / "out", glossary))["bilan"]
    assert doc.text.split("\n\n") == [
        "Bilan des combats à Idleb.",
        "Pertes des jihadistes de Daech",
        "Hommes tués",
        "Quarante-deux",
        "Selon l’OSDH, les combats continuent.",
    ]
    assert_offsets_exact(doc)


def test_a_word_zip_bomb_fails_alone(tmp_path: Path, glossary: Glossary) -> None:
    import zipfile

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    build_docx(folder / "real.docx", ["Titre", "Le ministre a parlé."], "t")
    with zipfile.ZipFile(folder / "real.docx") as real, zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in real.infolist():
            bomb.writestr(info.filename, real.read(info.filename))
        with bomb.open("word/media/image1.png", "w", force_zip64=True) as fh:  # 100 MB of zeros in 100 kB
            block = bytes(1 << 20)
            for _ in range(100):
                fh.write(block)
    (folder / "fake.docx").write_bytes(b"not a zip")
    assert (folder / "bomb.docx").stat().st_size < 1 << 20
    result = run_folder(folder, tmp_path / "out", glossary)
    errors = {d.name: d.error or "" for d in result.failed}
    assert errors["bomb"].startswith("unpacks to 100.8 MB, over the limit of 20.0 MB per document (a zip bomb")
    assert errors["fake"].startswith("is not a Word document (not a zip archive")
    assert sorted(d.name for d in result.documents if not d.failed) == ["real", "seed"]


# ---- metadata on every output -----------------------------------------------------------------------------------

HOSTILE = {"id": "h1", "title": '<script>alert(1)</script> « Daech » & co', "text": "Le ministre a parlé.",
           "url": "javascript:alert(document.cookie)", "site": '"><img src=x onerror=alert(1)>', "date": "2019-11-15"}


def test_metadata_in_the_page_header_index_and_exports(tmp_path: Path, glossary: Glossary) -> None:
    from html.parser import HTMLParser

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_PAGE, folder / "seed-page.html")
    shutil.copy(SEED, folder / "seed.txt")
    records = export_records()[:2]
    (folder / "export.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*records, HOSTILE]), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run_folder(folder, out, glossary, formats=("html", "json", "tmx", "xliff"))
    assert result.exit_code == 0, result.failed

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.links: list[dict[str, str | None]] = []
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            if tag == "a" and not (dict(attrs).get("href") or "#").startswith("#"):
                self.links.append(dict(attrs))

    page = (out / "seed-page.html").read_text(encoding="utf-8")
    assert "<title>Syrie : Daech s&#39;empare de chlore à Idlib — normalize review</title>" in page
    assert "<h1>Syrie : Daech s&#39;empare de chlore à Idlib</h1>" in page
    assert '<strong class="outlet">Actualités du monde</strong> · by Rédaction internationale · ' in page
    assert ", dated 2018-10-12" in page and "from <code>seed-page.html</code>" in page
    links = Links()
    links.feed(page)
    (original,) = [a for a in links.links if a.get("class") == "original"]
    assert original == {"class": "original", "href": "https://news.example.org/fr/2018/10/12/syrie-daech-chlore-idlib.html",
                        "rel": "noreferrer noopener", "referrerpolicy": "no-referrer"}
    assert "default-src &#39;none&#39;" in page and '<meta name="referrer" content="no-referrer">' in page

    hostile = (out / "export--h1.html").read_text(encoding="utf-8")
    parsed = Links()
    parsed.feed(hostile)
    assert "script" not in parsed.tags[: parsed.tags.index("body") + 5] and "img" not in parsed.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt; « Daech » &amp; co" in hostile
    assert not [a for a in parsed.links if "javascript" in (a.get("href") or "")]
    assert '<span class="original">javascript:alert(document.cookie)</span>' in hostile

    index = (out / "index.html").read_text(encoding="utf-8")
    for head in ("Headline", "Date", "Outlet", "Source"):
        assert f'<th scope="col">{head}</th>' in index
    assert '<td data-sort="Actualités du monde" data-label="Outlet">Actualités du monde</td>' in index
    assert '<td data-sort="2018-10-12" data-label="Date">2018-10-12</td>' in index
    assert f'<a href="export--orangesum-12476.html">{records[0]["title"].replace(chr(34), "&#34;")}</a>' in index
    assert "<code>export.jsonl</code> <small>line 2</small>" in index
    assert "<img" not in index and "javascript:" not in index.replace("javascript:alert(document.cookie)", "")

    tmx = (out / "export--orangesum-12476.tmx").read_text(encoding="utf-8")
    assert f'<prop type="x-title">{html.escape(records[0]["title"], quote=False)}</prop>' in tmx
    assert '<prop type="x-url">https://actu.orange.fr/orangesum_12476</prop>' in tmx
    assert '<prop type="x-date">2019-11-10</prop>' in tmx
    xliff = (out / "seed-page.xlf").read_text(encoding="utf-8")
    assert '<note id="source-site" category="source-site">Actualités du monde</note>' in xliff
    assert (
        '<note id="source-url" category="source-url">https://news.example.org/fr/2018/10/12/syrie-daech-chlore-idlib.html</note>'
        in xliff
    )

    txt_page = (out / "seed.html").read_text(encoding="utf-8")
    assert "<h1>seed</h1>" in txt_page and 'class="meta source"' not in txt_page  # a .txt file's page is as it was


def test_a_rerun_skips_the_items_that_did_not_change(tmp_path: Path, glossary: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    records = export_records()
    export = folder / "export.jsonl"
    export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    options = RunOptions(
        inputs=[folder], out=out, glossary=glossary, engine="echo", quiet=True, cache_path=tmp_path / "cache.sqlite"
    )
    assert run(options, engine=ScriptedEngine()).report.skipped == 0
    records[1]["text"] = records[1]["text"].replace("jihadistes", "djihadistes", 1)
    export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    again = run(options, engine=ScriptedEngine())
    assert again.report.skipped == 2 and len(again.report.done) == 3
