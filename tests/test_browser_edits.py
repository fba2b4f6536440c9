"""Every edit shown, in Chromium: the "Old → new" view strikes out each word the normalisation removed.

The page comes from the real pipeline with Apertium, on sentences whose normalisation drops an
article the engine wrote and says a bracketed abbreviation once ("the Islamic State (EI)").
"""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests import test_browser
from tests.browser_engine import known_words_only
from tests.conftest import needs
from tests.render_fixtures import run_fixtures
from tests.test_browser import Site, load

pytestmark = needs("apertium", "chromium")
browser = test_browser.browser  # the fixture (module-scoped: this module gets its own browser)

EDITS = (
    "Les combattants de l’État islamique (EI) ont quitté la ville. "
    "Les jihadistes de Daech ont fui vers le nord, selon l'EI.\n"
)
# Each sentence of the view read without its new words (and without the page's own flags): the raw translation.
OLD_SIDE = """
return Array.prototype.map.call(document.querySelectorAll(".diff .seg"), function (seg) {
  var copy = seg.cloneNode(true);
  Array.prototype.forEach.call(copy.querySelectorAll("ins, .flag"), function (el) { el.remove(); });
  return [Number(seg.dataset.seg), copy.textContent];
});
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("in")
    (folder / "edits.txt").write_text(EDITS, encoding="utf-8")
    out = tmp_path_factory.mktemp("site")
    return Site(out, run_fixtures([folder / "edits.txt"], out, engine=known_words_only()))


def test_old_to_new_strikes_the_dropped_article_and_the_merged_abbreviation(browser: webdriver.Chrome, site: Site) -> None:
    doc = site.doc("edits")
    removed = [seg.mt for seg in doc.segments if "(EI)" in seg.mt and "(EI)" not in seg.target]
    assert removed, "the engine's English should hold the bracket the normalisation says once"
    load(browser, site.url("edits"))
    browser.find_element(By.CSS_SELECTOR, "label[for=show-diff]").click()
    struck = browser.find_elements(By.CSS_SELECTOR, ".diff del")
    assert struck and all(d.is_displayed() for d in struck)
    for d in struck:
        assert "line-through" in d.value_of_css_property("text-decoration-line")
    words = " ".join(d.text for d in struck)
    assert "(EI)" in words and "the" in words.lower().split()
    # each struck-out run is a highlight that opens its note
    assert all(d.find_element(By.XPATH, "..").get_attribute("data-note") for d in struck)
    old = dict(browser.execute_script(OLD_SIDE))
    assert old == {seg.id: seg.mt for seg in doc.segments}
