"""The review workbench in Chromium on a paginated run and a long paragraph (issue 33, items 11 and 13): every page of
the index counts the run's review progress, labels apart from the engine's unknown words, and a decision moves it on
every page; on a phone the panel opens next to the tapped highlight even in a paragraph many screens long."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from pipeline.outputs import folder as outputs_folder
from pipeline.review.decisions import is_noise, review_keys
from tests import test_browser
from tests.conftest import needs
from tests.review_fixtures import Served, serve_review, workbench_inputs
from tests.test_browser import console_problems, decision_of, load, select_words, shown, wait

pytestmark = needs("apertium", "chromium")
browser = test_browser.browser  # the fixture (module-scoped: this module gets its own browser)

# One paragraph of 24 sentences, each with a label: at 390 px it is many screens long.
LONG_PARAGRAPH = " ".join(
    f"Les combattants de l'EI ont attaqué le village numéro {i} pendant la nuit et les habitants ont fui vers le nord."
    for i in range(24)
)


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The seed, the review text, the two workbench documents and the long paragraph, two documents an index page."""
    folder = tmp_path_factory.mktemp("paged")
    long = folder / "more" / "long.txt"
    extra = workbench_inputs(folder / "more")
    long.write_text(LONG_PARAGRAPH + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outputs_folder, "INDEX_PAGE_SIZE", 2)
        served = serve_review(folder, extra=(*extra, long))
        yield served
        served.stop()


def progress(driver: webdriver.Chrome) -> tuple[int, int, int, int, int, int]:
    """(decided, notes, label decided, label notes, noise decided, noise notes) as the index page says them."""
    line = shown(driver.find_element(By.CSS_SELECTOR, ".run-progress"))
    found = re.fullmatch(
        r"([\d,]+) of ([\d,]+) notes reviewed in the run: label notes ([\d,]+) of ([\d,]+) · "
        r"the engine’s unknown words ([\d,]+) of ([\d,]+) \(names the engine already wrote are not counted\)",
        line,
    )
    assert found, line
    a, b, c, d, e, f = (int(g.replace(",", "")) for g in found.groups())
    return a, b, c, d, e, f


def run_totals(served: Served) -> tuple[int, int]:
    keys = [k for d in served.workspace.docs if not d.failed for k in review_keys(d)]
    return len(keys), sum(1 for k in keys if is_noise(k))


def decide_with_key(driver: webdriver.Chrome, served: Served, name: str, check: str | None) -> None:
    """Open ``name``, focus its first change (``check`` None) or finding of ``check``, and press ``a``."""
    load(driver, served.page(name))
    css = "#details li.note-change" if check is None else f'#details li.note[data-check="{check}"]'
    note = str(driver.find_elements(By.CSS_SELECTOR, css)[0].get_attribute("data-note"))
    mark = next(m for m in driver.find_elements(By.CSS_SELECTOR, f'a.hl[data-note="{note}"]') if m.is_displayed())
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    mark.send_keys("a")
    wait(driver, lambda d: decision_of(d, note).startswith(("accepted", "resolved")))


def test_every_index_page_counts_the_runs_progress_and_a_decision_moves_it_on_each(
    browser: webdriver.Chrome, paged: Served
) -> None:
    notes, noise = run_totals(paged)
    assert noise > 0 and notes > noise  # the seed has words Apertium does not know
    pages = ["index.html", "index.2.html", "index.3.html"]
    for page in pages:
        load(browser, paged.url(page))
        assert len(browser.find_elements(By.CSS_SELECTOR, "#documents tbody tr")) <= 2
        assert progress(browser) == (0, notes, 0, notes - noise, 0, noise), page
    decide_with_key(browser, paged, "long", None)  # on the last page
    decide_with_key(browser, paged, paged.workspace.docs[0].name, "unknown-word")  # the seed, on the first
    for page in pages:
        load(browser, paged.url(page))
        assert progress(browser) == (2, notes, 1, notes - noise, 1, noise), page
        assert console_problems(browser) == []


def test_on_a_phone_the_panel_opens_next_to_a_highlight_tapped_in_a_long_paragraph(
    browser: webdriver.Chrome, paged: Served
) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        load(browser, paged.page("long"))
        paragraph = browser.find_element(By.CSS_SELECTOR, ".src a.hl.change").find_element(By.XPATH, "./ancestor::tr[1]")
        screen = int(browser.execute_script("return window.innerHeight"))
        assert paragraph.size["height"] > 3 * screen  # a paragraph several screens long
        marks = browser.find_elements(By.CSS_SELECTOR, ".src a.hl.change")
        for mark in (marks[0], marks[len(marks) // 2], marks[-1]):
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
            mark.click()
            gap, height = browser.execute_script(
                "var m = arguments[0].getBoundingClientRect(), p = document.getElementById('inspector').getBoundingClientRect();"
                "return [p.top - m.bottom, p.height];",
                mark,
            )
            assert height > 0 and 0 <= gap < screen, (gap, height)  # within one screen below the tapped words
            assert abs(gap) < 80  # in fact right under them
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_selection_with_brackets_is_refused_in_plain_words_before_any_preview(browser: webdriver.Chrome, paged: Served) -> None:
    before = paged.glossary.read_bytes()
    load(browser, paged.page(paged.workspace.docs[0].name))  # the seed: "… al-Qaïda (rebaptisé Tahrir al-Cham)"
    select_words(browser, "td.src", "(rebaptisé")
    form = browser.find_element(By.ID, "add-term")
    form.find_element(By.NAME, "id").send_keys("tahrir")
    form.find_element(By.NAME, "standard").send_keys("Tahrir al-Sham")
    form.find_element(By.CSS_SELECTOR, "button[data-glossary=create]").click()
    error = wait(
        browser, lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "#add-term .term-error") if e.is_displayed()), None)
    )
    message = shown(error)
    assert "the glossary reads as a pattern" in message and "“(s)” marks an optional ending" in message, message
    assert "by hand" in message and not browser.find_elements(By.CSS_SELECTOR, ".edit-preview")
    assert paged.glossary.read_bytes() == before
    assert console_problems(browser) == []
