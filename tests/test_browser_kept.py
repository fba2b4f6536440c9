"""Every edit shown, in Chromium (issue 33): a former name stays, a kept quotation is drawn and counted as
kept, and a name the engine translated is flagged on its English words.

The pages come from the real pipeline with Apertium, on sentences of the team's French articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from pipeline.model import Check
from tests.conftest import needs
from tests.render_fixtures import run_fixtures
from tests.test_browser import Site, chromium, load
from tests.test_former_names import EIIL

pytestmark = needs("apertium", "chromium")

TEXTS = {
    "former": EIIL + "\n",
    # a loaded label kept in a quotation, spelled "Daesh" there; a word the text explains, kept too but not quoted
    "quoted": "« L'EI et Daech sont là », a dit un habitant. Daech, acronyme arabe de l'EI, a revendiqué l'attaque.\n",
    # tests/data/articles/orangesum_25777.txt and orangesum_12590.txt
    "names": "Et des enfants en bas âge, observe M. Le Drian.\n\nSon époux de l'époque, identifié comme Nadar H., est mort.\n",
}
QUOTED_BACKGROUND = "rgba(219, 233, 255, 1)"  # page.css --quoted


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("in")
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("site")
    return Site(out, run_fixtures([folder / f"{name}.txt" for name in TEXTS], out))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    driver = chromium(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


def english(browser: webdriver.Chrome) -> str:
    return " ".join(" ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".tgt .normalised")).split())


def test_a_former_name_stays_in_the_english_and_its_note_says_why(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url("former"))
    shown = english(browser)
    assert "(EIIL, " in shown  # not "Islamic State (resulted Islamic State in 2014)"
    assert shown.count("Islamic State") == 1
    marks = [a for a in browser.find_elements(By.CSS_SELECTOR, ".tgt .normalised a.hl") if a.text == "EIIL"]
    assert marks, "the kept former name is marked in the English"
    marks[0].click()
    panel = browser.find_element(By.ID, "inspector")
    assert panel.is_displayed()
    assert "former name" in panel.text and "former-name" in panel.text


def test_a_kept_quotation_is_drawn_and_counted_as_kept(browser: webdriver.Chrome, site: Site) -> None:
    doc = site.doc("quoted")
    findings = [f for seg in doc.segments for f in seg.findings if f.check == Check.QUOTED_LABEL]
    inside = [f for f in findings if "inside a quotation" in f.message]
    assert len(inside) == 1
    load(browser, site.url("quoted"))
    summary = browser.find_element(By.ID, "summary-title").text
    assert re.search(r"\b1 kept in quotations\b", summary), summary  # not 2: the explained "Daech" is no quotation
    assert "1 kept as the word the text explains" in summary
    daesh = [a for a in browser.find_elements(By.CSS_SELECTOR, ".tgt .normalised a.hl") if a.text == "Daesh"]
    assert len(daesh) == 2
    for mark in daesh:  # blue and dashed, as the legend's "kept in a quotation", never a yellow rewrite
        assert mark.get_attribute("data-kind") == "quoted"
        assert mark.value_of_css_property("background-color") == QUOTED_BACKGROUND
        assert "dashed" in mark.value_of_css_property("border-bottom-style")
    legend = browser.find_element(By.CSS_SELECTOR, ".legend .hl.quoted")
    assert legend.value_of_css_property("background-color") == QUOTED_BACKGROUND
    browser.find_element(By.CSS_SELECTOR, "label[for=show-diff]").click()
    tracked = [a for a in browser.find_elements(By.CSS_SELECTOR, ".diff a.hl") if "Daesh" in a.text]
    assert tracked and all(a.get_attribute("data-kind") == "quoted" for a in tracked)
    notes = browser.find_elements(By.CSS_SELECTOR, "li.note-quoted")
    heads = [li.find_element(By.CSS_SELECTOR, ".note-head").text for li in notes]
    assert sum("kept: inside a quotation" in h for h in heads) == 1
    assert sum("kept: explained by the text" in h for h in heads) == 1


def test_a_name_the_engine_translated_is_flagged_on_its_english_words(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url("names"))
    shown = english(browser)
    assert "M. The Drian" in shown and "Swimming H." in shown  # the English is the engine's: a flag, not a fix
    flagged = {a.text: a for a in browser.find_elements(By.CSS_SELECTOR, ".tgt .normalised a.hl.finding")}
    assert {"The", "Swimming"} <= set(flagged)
    for word in ("The", "Swimming"):
        note = browser.find_element(By.ID, f"note{flagged[word].get_attribute('data-note')}")
        assert note.get_attribute("data-check") == "mangled-name"
    flagged["The"].click()
    panel = browser.find_element(By.ID, "inspector")
    assert panel.is_displayed() and "“Le”" in panel.text and "M. Le Drian" in panel.text
    # the source word it came from is marked too
    source = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".src a.hl.finding")]
    assert "Le" in source and "Nadar" in source
    # "Swimming" is a name the engine translated, not a word it did not know
    unknown = browser.find_elements(By.CSS_SELECTOR, "li.note[data-check=unknown-word]")
    assert all("Swimming" not in (li.get_attribute("textContent") or "") for li in unknown)
