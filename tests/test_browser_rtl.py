"""A right-to-left source on the review page, in Chromium (issue 36): an Arabic article's source column and each of
its sentences are dir="rtl" with lang="ar", they lay out right to left, and words selected in them (by a double
click, as a reviewer does, or a range) are offered as a variant with their text intact.

The article is run with the synthetic ar->en Argos package (tests/argos_fixture.py: gibberish English, real
Arabic sentences) and served by ``normalize review``'s server (tests/review_fixtures.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.engines.argos.packages import install_file
from pipeline.review.workspace import Workspace
from tests.argos_fixture import AR_SENTENCES
from tests.conftest import needs
from tests.review_fixtures import start_server
from tests.test_browser import assert_clean, chromium, load, select_words, shown, wait

pytestmark = needs("chromium")


class Site:
    def __init__(self, out: Path, origin: str, token: str) -> None:
        self.out, self.origin, self.token = out, origin, token

    def url(self, name: str) -> str:
        return f"{self.origin}/{self.token}/{name}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, argos_ru_ar_archives: dict[str, Path]) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("rtl")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGOS_PACKAGES_DIR", str(root / "packages"))
        patch.setenv("XDG_CACHE_HOME", str(root / "cache"))
        install_file(argos_ru_ar_archives["ar-en"], root / "packages")
        (root / "in").mkdir()
        text = "\n\n".join(sentence for _, sentence in AR_SENTENCES) + "\n"
        (root / "in" / "arabic.txt").write_text(text, encoding="utf-8")
        out = root / "out"
        result = CliRunner().invoke(app, ["run", str(root / "in"), "--source", "ar", "--engine", "argos", "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
        session, server, thread = start_server(Workspace(out))
        try:
            yield Site(out, session.origin, session.token)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            session.workspace.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    driver = chromium(tmp_path_factory.mktemp("profile"))
    driver.get("about:blank")
    yield driver
    driver.quit()


def test_the_static_page_marks_the_source_right_to_left(site: Site) -> None:
    html = (site.out / "arabic.html").read_text(encoding="utf-8")
    assert '<td lang="ar" dir="rtl" class="src">' in html
    assert html.count('<span class="seg" dir="rtl" id="s') == len(AR_SENTENCES)
    assert '<td lang="en" class="tgt">' in html  # the English stays left to right


def test_the_source_lays_out_right_to_left_and_the_english_left_to_right(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url("arabic.html"))
    cells = browser.find_elements(By.CSS_SELECTOR, "td.src")
    assert cells and all(c.get_attribute("dir") == "rtl" and c.get_attribute("lang") == "ar" for c in cells)
    styles = browser.execute_script(
        """
        function of(el) { var s = getComputedStyle(el); return [s.direction, s.textAlign]; }
        return {
          src: of(document.querySelector('td.src')),
          seg: Array.prototype.map.call(document.querySelectorAll('td.src .seg'), function (e) { return getComputedStyle(e).direction; }),
          tgt: of(document.querySelector('td.tgt')),
        };
        """  # noqa: E501 (a line of JavaScript in the string)
    )
    assert styles["src"][0] == "rtl" and styles["src"][1] in ("start", "right")
    assert set(styles["seg"]) == {"rtl"} and len(styles["seg"]) == len(AR_SENTENCES)
    assert styles["tgt"][0] == "ltr"
    # the first word of a sentence is drawn at its right end
    first, last = browser.execute_script(
        """
        var seg = document.querySelector('td.src .seg'), node = seg.firstChild;
        while (node && node.nodeType !== 3) node = node.firstChild;
        var words = node.data.split(' '), range = document.createRange();
        range.setStart(node, 0); range.setEnd(node, words[0].length);
        var a = range.getBoundingClientRect();
        var end = node.data.indexOf(words[1]);
        range.setStart(node, end); range.setEnd(node, end + words[1].length);
        return [a.left, range.getBoundingClientRect().left];
        """
    )
    assert first > last


def test_words_selected_in_the_rtl_source_are_offered_as_a_variant(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url("arabic.html"))
    select_words(browser, "td.src", "حراسة مقاتلي")
    form = browser.find_element(By.ID, "add-term")
    assert shown(form.find_element(By.CSS_SELECTOR, ".term-text")) == "حراسة مقاتلي"
    assert "added as a variant" in shown(form)
    assert_clean(browser, site.origin)


def test_a_double_clicked_arabic_word_is_offered_whole(browser: webdriver.Chrome, site: Site) -> None:
    """A reviewer's double click selects one word of the right-to-left text; the form gets that word, as written."""
    load(browser, site.url("arabic.html"))
    word = browser.execute_script(
        """
        var seg = document.querySelector('td.src .seg'), node = seg.firstChild;
        while (node && node.nodeType !== 3) node = node.firstChild;
        seg.scrollIntoView({block: 'center'});
        var at = node.data.indexOf('تركيا'), range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + 'تركيا'.length);
        var box = range.getBoundingClientRect();
        return {x: Math.round(box.left + box.width / 2), y: Math.round(box.top + box.height / 2)};
        """
    )
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(word["x"], word["y"])
    actions.pointer_action.double_click()
    actions.perform()
    form = wait(
        browser, lambda d: d.find_element(By.ID, "add-term") if d.find_element(By.ID, "add-term").is_displayed() else None
    )
    assert shown(form.find_element(By.CSS_SELECTOR, ".term-text")) == "تركيا"
