"""Glossary edits from the review page in Chromium (issue 33): every edit is previewed across the run (before ->
after, with a count) and saved only on confirmation; a selected word becomes a context rule of an entry; an entry's
standard name, note and context rules are edited in place.

The pages are served by ``normalize review`` over a real Apertium run of the seed, the review text and the two
workbench documents (tests/review_fixtures.py); the glossary is the test's own copy.
"""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select
from typer.testing import CliRunner

from pipeline.cli.main import app
from tests import test_browser_review
from tests.conftest import needs
from tests.review_fixtures import Served
from tests.test_browser import SCREENSHOTS, console_problems, inspector, load, select_words, shown, wait

pytestmark = needs("apertium", "chromium")
# the fixtures (module-scoped: this module gets its own review server and browser)
bench, browser = test_browser_review.bench, test_browser_review.browser




def preview_of(driver: webdriver.Chrome) -> WebElement:
    box: WebElement = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#inspector .edit-preview"))
    return box


def items(box: WebElement) -> list[dict[str, str]]:
    """Each previewed sentence: where, source, the English before and after, and the words struck out and inserted."""
    found = []
    for li in box.find_elements(By.CSS_SELECTOR, "li.preview-item"):
        found.append(
            {
                "where": shown(li.find_element(By.CSS_SELECTOR, ".preview-where")),
                "source": shown(li.find_element(By.CSS_SELECTOR, ".preview-source")),
                "before": shown(li.find_element(By.CSS_SELECTOR, ".preview-before .preview-text")),
                "after": shown(li.find_element(By.CSS_SELECTOR, ".preview-after .preview-text")),
                "deleted": " ".join(shown(e) for e in li.find_elements(By.CSS_SELECTOR, ".preview-before del")),
                "inserted": " ".join(shown(e) for e in li.find_elements(By.CSS_SELECTOR, ".preview-after ins")),
            }
        )
    return found


def saved_and_reloaded(driver: webdriver.Chrome, box: WebElement) -> None:
    driver.execute_script("window.notReloaded = true")
    box.find_element(By.CSS_SELECTOR, "button.preview-save").click()
    wait(driver, lambda d: d.execute_script("return window.notReloaded !== true"))


def test_add_variant_shows_every_sentence_it_changes_and_saves_only_on_confirmation(
    browser: webdriver.Chrome, bench: Served
) -> None:
    before = bench.glossary.read_bytes()
    load(browser, bench.page("tanzim"))
    select_words(browser, "td.src", "Tanzim Hurras")
    form = browser.find_element(By.ID, "add-term")
    Select(form.find_element(By.NAME, "entry")).select_by_value("hurras-al-din")
    browser.execute_script("window.notReloaded = true")
    form.find_element(By.CSS_SELECTOR, "button[data-glossary=add-variant]").click()
    box = preview_of(browser)
    assert shown(box.find_element(By.CSS_SELECTOR, ".preview-count")).startswith("This edit changes 1 sentence in 1 document")
    (item,) = items(box)
    assert item["where"] == "tanzim, sentence 1" and "Tanzim Hurras" in item["source"]
    assert "Hurras al-Din" not in item["before"] and item["inserted"] == "Hurras al-Din" and item["deleted"]
    assert box.find_element(By.CSS_SELECTOR, "button.preview-save") == browser.switch_to.active_element
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "review-edit-preview.png"))
    assert bench.glossary.read_bytes() == before and browser.execute_script("return window.notReloaded === true")
    box.find_element(By.CSS_SELECTOR, "button.preview-cancel").click()
    assert not browser.find_elements(By.CSS_SELECTOR, "#inspector .edit-preview") and bench.glossary.read_bytes() == before
    form.find_element(By.CSS_SELECTOR, "button[data-glossary=add-variant]").click()
    saved_and_reloaded(browser, preview_of(browser))
    mark = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '.src a.hl.change[data-entry="hurras-al-din"]'))[0]
    assert shown(mark) == "Tanzim Hurras" and "- Tanzim Hurras\n" in bench.glossary.read_text(encoding="utf-8")
    assert "1 sentence changed" in shown(browser.find_element(By.ID, "status"))
    assert console_problems(browser) == []


def test_a_selected_word_becomes_a_context_rule_instead_of_being_swallowed(browser: webdriver.Chrome, bench: Served) -> None:
    load(browser, bench.page("workbench"))
    select_words(browser, "td.src", "contrôle")
    form = browser.find_element(By.ID, "add-term")
    assert Select(form.find_element(By.NAME, "entry")).first_selected_option.get_attribute("value") == "islamic-state"
    Select(form.find_element(By.NAME, "context")).select_by_value("not_before")
    form.find_element(By.CSS_SELECTOR, "button[data-glossary=add-context]").click()
    box = preview_of(browser)
    (item,) = items(box)
    assert "contrôle" in item["source"] and "Islamic State" in item["deleted"] and "Islamic State" not in item["after"]
    assert "not_before" not in bench.glossary.read_text(encoding="utf-8").split("id: islamic-state")[1].split("- id:")[0]
    saved_and_reloaded(browser, box)
    block = bench.glossary.read_text(encoding="utf-8").split("  - id: islamic-state\n")[1].split("  - id:")[0]
    assert "    not_before: [contrôle]\n" in block
    assert CliRunner().invoke(app, ["glossary", "check", str(bench.glossary)]).exit_code == 0
    sentence = next(s for s in browser.find_elements(By.CSS_SELECTOR, "td.src .seg") if "contrôle" in shown(s))
    assert not sentence.find_elements(By.CSS_SELECTOR, 'a.hl[data-entry="islamic-state"]')


def test_an_entry_is_edited_in_place_with_a_run_wide_preview(browser: webdriver.Chrome, bench: Served) -> None:
    load(browser, bench.page("workbench-2"))
    mark = browser.find_element(By.CSS_SELECTOR, '.src a.hl.change[data-entry="islamic-state"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    inspector(browser).find_element(By.CSS_SELECTOR, "button[data-edit-entry]").click()
    editor = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#inspector form.edit-entry"))
    standard = editor.find_element(By.NAME, "standard")
    assert standard.get_attribute("value") == "Islamic State" and browser.switch_to.active_element == standard
    assert editor.find_element(By.NAME, "not_before").get_attribute("value") == "contrôle"  # the rule added above
    standard.send_keys(Keys.END, " group")
    editor.find_element(By.NAME, "note").clear()
    editor.find_element(By.NAME, "note").send_keys('AP: "the Islamic State group". <img src=x onerror=alert(1)>')
    editor.find_element(By.CSS_SELECTOR, "button[data-glossary=edit-entry]").click()
    box = preview_of(browser)
    found = items(box)
    documents = {i["where"].split(",")[0] for i in found}
    assert len(documents) >= 3 and {"workbench", "workbench-2"} <= documents  # across the run, not this page
    assert f"changes {len(found)} sentences in {len(documents)} documents" in shown(box)
    assert all("Islamic State group" in i["after"] and "group" in i["inserted"] for i in found)
    saved_and_reloaded(browser, box)
    text = bench.glossary.read_text(encoding="utf-8")
    assert "    standard: Islamic State group\n" in text
    assert CliRunner().invoke(app, ["glossary", "check", str(bench.glossary)]).exit_code == 0
    assert any(shown(m) == "Islamic State group" for m in browser.find_elements(By.CSS_SELECTOR, ".normalised a.hl.change"))
    why = browser.find_element(By.XPATH, "//section[@id='details']//dt[text()='Why']/following-sibling::dd")
    assert "<img src=x onerror=alert(1)>" in str(why.get_attribute("textContent"))  # the note is text, never markup
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert console_problems(browser) == []
