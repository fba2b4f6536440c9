"""The review pages in a real browser: Debian's Chromium, headless, driven by selenium.

The pages come from the real pipeline with the Apertium engine, on the seed and
on fixtures with quoted labels and hostile markup. Screenshots of the seed's
page are kept under ``output/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.glossary.load import load_glossary_file
from pipeline.model import Document
from pipeline.review.decisions import segment_keys
from pipeline.review.glossary_edit import entry_blocks
from pipeline.run import RunResult
from pipeline.stages.names import UNKNOWN as UNKNOWN_NAME
from tests.browser_engine import known_words_only
from tests.conftest import CHROMEDRIVER, CHROMIUM, needs
from tests.render_fixtures import (
    IMG,
    ROOT,
    SCRIPT,
    SEED,
    SVG,
    XSS_NAME,
    run_fixtures,
    write_inputs,
)
from tests.review_fixtures import Served, http, serve_review

pytestmark = needs("apertium", "chromium")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
)
SCREENSHOTS = ROOT / "output" / "screenshots"
runner = CliRunner()


@dataclass
class Site:
    out: Path
    result: RunResult

    def url(self, name: str) -> str:
        return (self.out / f"{name}.html").as_uri()

    def doc(self, name: str) -> Document:
        return next(d for d in self.result.docs if d.name == name)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    files = write_inputs(tmp_path_factory.mktemp("in"))
    out = tmp_path_factory.mktemp("site")
    return Site(out, run_fixtures([SEED, files["quoted"], files["xss"]], out, engine=known_words_only()))


def chromium(profile: Path, *, javascript: bool = True) -> webdriver.Chrome:
    """Headless Chromium through the system chromedriver (given by path, so no driver is downloaded)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    driver = chromium(tmp_path_factory.mktemp("profile"))
    driver.get("about:blank")  # leave the start page before any test reads the logs
    yield driver
    driver.quit()


def load(driver: webdriver.Chrome, url: str) -> None:
    """Open ``url`` with the logs emptied first, so each test sees only its own page's messages and requests."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)


def requests(driver: webdriver.Chrome) -> list[str]:
    """Every URL requested since the last ``load``, except by the browser's own chrome:// pages (its new-tab page)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent" and not message["params"].get("documentURL", "").startswith("chrome://"):
            urls.append(message["params"]["request"]["url"])
    return urls


def console_problems(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def shown(element: WebElement) -> str:
    return " ".join(element.text.split())


def inspector(driver: webdriver.Chrome) -> WebElement:
    return driver.find_element(By.ID, "inspector")


def full_page_screenshot(driver: webdriver.Chrome, path: Path) -> None:
    """The whole page as one PNG (Chromium's DevTools can capture beyond the window)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))


PAGES = [SEED.stem, "quoted", XSS_NAME, "index"]


@pytest.mark.parametrize("name", PAGES)
def test_page_makes_no_request_and_logs_no_error(browser: webdriver.Chrome, site: Site, name: str) -> None:
    url = site.url(name)
    load(browser, url)
    body = browser.find_element(By.TAG_NAME, "body")
    for key in "nnp":  # exercise the script too: a broken handler would log an error
        body.send_keys(key)
    for label in browser.find_elements(By.CSS_SELECTOR, "label[for=show-mt], th button"):
        label.click()
    assert console_problems(browser) == []
    assert requests(browser), "the performance log recorded nothing; the check would prove nothing"
    assert all(u == url or u.startswith("data:") for u in requests(browser))


def test_every_change_on_the_seed_page_shows_its_provenance(browser: webdriver.Chrome, site: Site) -> None:
    doc = site.doc(SEED.stem)
    glossary = site.result.info.glossary
    changes = [c for seg in doc.segments for c in seg.changes]
    load(browser, site.url(SEED.stem))
    marks = browser.find_elements(By.CSS_SELECTOR, ".src a.hl.change")
    assert changes and len(marks) == len(changes)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".normalised a.hl.change")) == len(changes)
    for mark, change in zip(marks, changes, strict=True):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
        mark.click()
        panel = inspector(browser)
        assert panel.is_displayed()
        text = shown(panel)
        assert shown(mark) == change.source_text
        if change.entry == UNKNOWN_NAME:  # a protected name no glossary lists (names stage): no entry to cite
            assert all(expected in text for expected in (change.entry, change.source_text, change.mt_text, change.target_text))
        else:
            entry = glossary.entry(change.entry)
            for expected in (change.entry, f"{entry.file}:{entry.line}", change.source_text, change.mt_text, change.target_text):
                assert expected in text
            assert " ".join(entry.note.split()) in text
            assert all(ref in text for ref in entry.references)
        note = mark.get_attribute("data-note")
        linked = browser.find_elements(By.CSS_SELECTOR, f'main a[data-note="{note}"].linked')
        assert {str(e.get_attribute("id"))[-1] for e in linked} >= {"s", "t"}  # both sides lit up
    browser.find_element(By.CSS_SELECTOR, "#inspector .close").click()
    assert not inspector(browser).is_displayed()


def test_toggle_shows_exactly_the_raw_machine_translation(browser: webdriver.Chrome, site: Site) -> None:
    doc = site.doc(SEED.stem)
    load(browser, site.url(SEED.stem))
    normalised = browser.find_elements(By.CSS_SELECTOR, ".tgt .normalised")
    raw = browser.find_elements(By.CSS_SELECTOR, ".tgt .raw")
    assert all(e.is_displayed() for e in normalised) and not any(e.is_displayed() for e in raw)
    target = " ".join(shown(e) for e in normalised)
    assert target == " ".join(" ".join(s.target.split()) for s in doc.segments)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    full_page_screenshot(browser, SCREENSHOTS / "seed.png")

    browser.find_element(By.CSS_SELECTOR, "label[for=show-mt]").click()
    assert browser.find_element(By.ID, "show-mt").is_selected()
    assert not any(e.is_displayed() for e in normalised) and all(e.is_displayed() for e in raw)
    assert " ".join(shown(e) for e in raw) == " ".join(" ".join(s.mt.split()) for s in doc.segments)
    assert shown(browser.find_element(By.CSS_SELECTOR, ".bitext thead th:nth-child(2)")).startswith("Raw machine translation")
    struck = browser.find_elements(By.CSS_SELECTOR, ".raw a.hl.change")
    assert [shown(e) for e in struck] == [c.mt_text for s in doc.segments for c in s.changes if c.mt_text]
    full_page_screenshot(browser, SCREENSHOTS / "seed-raw.png")

    browser.find_element(By.CSS_SELECTOR, "label[for=show-target]").click()
    assert all(e.is_displayed() for e in normalised)


def changes_on(site: Site, name: str) -> int:
    return sum(len(seg.changes) for seg in site.doc(name).segments)


def test_keyboard_moves_between_changes_with_visible_focus(browser: webdriver.Chrome, site: Site) -> None:
    last = changes_on(site, SEED.stem) - 1
    load(browser, site.url(SEED.stem))
    body = browser.find_element(By.TAG_NAME, "body")

    def active() -> str:
        return str(browser.switch_to.active_element.get_attribute("id"))

    body.send_keys("n")
    assert active() == "n0s"
    first = next(c for seg in site.doc(SEED.stem).segments for c in seg.changes)
    assert inspector(browser).is_displayed() and first.entry in shown(inspector(browser))
    assert browser.execute_script("return document.activeElement.matches(':focus-visible')")
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    browser.switch_to.active_element.send_keys("n")
    assert active() == "n1s"
    browser.switch_to.active_element.send_keys("p")
    assert active() == "n0s"
    browser.switch_to.active_element.send_keys("p")
    assert active() == f"n{last}s"  # wraps to the last change, and says so
    assert shown(browser.find_element(By.ID, "status")).startswith("Wrapped to the last note")
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not inspector(browser).is_displayed()
    browser.switch_to.active_element.send_keys("n")
    assert active() == "n0s"  # and wraps forward to the first
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", browser.find_element(By.ID, "n6s"))
    browser.find_element(By.ID, "n6s").click()
    browser.switch_to.active_element.send_keys("n")
    assert active() == "n7s"  # continues from the change the reviewer clicked
    full_page = browser.get_screenshot_as_png()
    (SCREENSHOTS / "seed-inspector.png").write_bytes(full_page)


def test_raw_view_navigation_reaches_every_change(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url(SEED.stem))
    browser.find_element(By.CSS_SELECTOR, "label[for=show-mt]").click()
    seen = []
    for _ in range(changes_on(site, SEED.stem)):
        browser.switch_to.active_element.send_keys("n")
        seen.append(browser.switch_to.active_element.get_attribute("id"))
    assert seen == [f"n{i}s" for i in range(changes_on(site, SEED.stem))]


def test_hover_lights_up_the_sentence_and_change_on_the_other_side(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url(SEED.stem))
    source = browser.find_element(By.ID, "s3")
    ActionChains(browser).move_to_element(source).perform()
    lit = browser.find_elements(By.CSS_SELECTOR, ".seg.active")
    assert {e.get_attribute("data-seg") for e in lit} == {"3"}
    assert any(e.find_elements(By.XPATH, "ancestor::div[@class='normalised']") for e in lit)
    ActionChains(browser).move_to_element(browser.find_element(By.ID, "n5t")).perform()
    assert "linked" in (browser.find_element(By.ID, "n5s").get_attribute("class") or "")
    ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).perform()
    assert browser.find_elements(By.CSS_SELECTOR, ".seg.active, .linked") == []


def test_quoted_labels_and_findings_look_different_from_changes(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url("quoted"))
    styles = {}
    for kind in ("change", "quoted", "finding"):
        mark = browser.find_element(By.CSS_SELECTOR, f".src a.hl.{kind}")
        styles[kind] = browser.execute_script(
            "var s = getComputedStyle(arguments[0]); return [s.backgroundColor, s.borderBottomStyle]", mark
        )
    assert len({tuple(v) for v in styles.values()}) == 3
    quoted = browser.find_element(By.CSS_SELECTOR, ".src a.hl.quoted")
    quoted.click()
    text = shown(inspector(browser))
    assert "kept in quotation" in text and "quoted-label" in text and "group-militants" in text


@pytest.mark.parametrize("name", [XSS_NAME, "index"])
def test_hostile_markup_stays_inert_text(browser: webdriver.Chrome, site: Site, name: str) -> None:
    load(browser, site.url(name))
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 (reading it is how selenium asks whether an alert is open)
    counts = browser.execute_script(
        "return [document.querySelectorAll('img, svg, iframe, textarea').length, document.scripts.length]"
    )
    assert counts == [0, 1]
    text = browser.find_element(By.TAG_NAME, "body").text
    assert XSS_NAME in text
    if name == XSS_NAME:
        assert XSS_NAME in browser.title
        for payload in (SCRIPT, IMG, SVG):
            # The English went through Moses punctuation normalisation, which spaces brackets: "alert(1)" -> "alert (1)".
            english = " ".join(payload.replace("(", " (").replace(")", ") ").split())
            assert text.count(payload) >= 1 and text.count(english) >= 1  # source and normalised English
    else:
        browser.find_element(By.PARTIAL_LINK_TEXT, "onerror").click()
        assert browser.title.startswith(XSS_NAME)


def test_index_sorts_and_lists_totals(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url("index"))
    heading = browser.find_element(By.XPATH, "//table[@id='documents']//th[button='Rewrites']")

    def column() -> list[int]:
        return [int(c.text) for c in browser.find_elements(By.CSS_SELECTOR, "#documents tbody td:nth-child(4)")]

    heading.find_element(By.TAG_NAME, "button").click()  # numbers: the largest first, then the other way
    assert column() == sorted(column(), reverse=True) and heading.get_attribute("aria-sort") == "descending"
    heading.find_element(By.TAG_NAME, "button").click()
    assert column() == sorted(column()) and heading.get_attribute("aria-sort") == "ascending"
    rewrites = [c for d in site.result.docs for s in d.segments for c in s.changes if not c.noop]
    assert sum(column()) == len(rewrites)


def test_print_layout_keeps_both_columns(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url(SEED.stem))
    browser.find_element(By.ID, "n0s").click()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        widths = browser.execute_script(
            "var r = document.querySelector('#p1'); return [r.cells[0].offsetWidth, r.cells[1].offsetWidth]"
        )
        assert min(widths) > 300 and abs(widths[0] - widths[1]) < 50
        assert not inspector(browser).is_displayed()
        assert not browser.find_element(By.CSS_SELECTOR, "label[for=show-mt]").is_displayed()
        assert browser.find_element(By.ID, "details").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two computed ``rgb(...)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_contrast_meets_wcag_aa(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url("quoted"))
    pairs = browser.execute_script(
        """
        function background(el) {
          for (; el; el = el.parentElement) {
            var bg = getComputedStyle(el).backgroundColor;
            if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
          }
          return 'rgb(255, 255, 255)';
        }
        var selectors = ['.hl.change', '.hl.quoted', '.hl.finding', '.badge.change', '.badge.quoted', '.badge.finding',
                         '.meta', 'small', 'a[href]', '.legend', 'td.src', 'kbd'];
        return selectors.map(function (s) {
          var el = document.querySelector(s);
          return [s, getComputedStyle(el).color, background(el)];
        });
        """
    )
    for selector, fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (selector, fg, bg)


def test_page_reads_without_javascript(site: Site, tmp_path: Path) -> None:
    driver = chromium(tmp_path / "profile", javascript=False)
    try:
        url = site.url(SEED.stem)
        driver.get(url)
        details = driver.find_elements(By.CSS_SELECTOR, "#details li.note")
        assert len(details) == changes_on(site, SEED.stem) and all(d.is_displayed() for d in details)
        assert not driver.find_element(By.ID, "inspector").is_displayed()
        driver.find_element(By.CSS_SELECTOR, "label[for=show-mt]").click()  # the toggle is CSS only
        assert all(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, ".tgt .raw"))
        assert not any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, ".tgt .normalised"))
        driver.find_element(By.ID, "n3s").click()
        assert driver.current_url.endswith("#note3")  # with the script, a click opens the inspector instead
    finally:
        driver.quit()


def test_old_to_new_view_shows_what_the_engine_said_beside_each_rewrite(browser: webdriver.Chrome, site: Site) -> None:
    doc = site.doc(SEED.stem)
    load(browser, site.url(SEED.stem))
    browser.find_element(By.CSS_SELECTOR, "label[for=show-diff]").click()
    assert shown(browser.find_element(By.CSS_SELECTOR, ".bitext thead th:nth-child(2)")).startswith("English, old → new")
    tracked = browser.find_elements(By.CSS_SELECTOR, ".diff a.tracked")
    rewrites = [c for s in doc.segments for c in s.changes if not c.noop]
    assert tracked and len(tracked) >= len(rewrites)
    # each rewrite sits in a struck-out region that holds the engine's words and the standard name (the region
    # may be wider: an article the grammar dropped goes with the name it belonged to)
    pairs = [(shown(m.find_element(By.TAG_NAME, "del")) if m.find_elements(By.TAG_NAME, "del") else "",
              shown(m.find_element(By.TAG_NAME, "ins")) if m.find_elements(By.TAG_NAME, "ins") else "") for m in tracked]
    for change in rewrites:
        assert any(change.target_text in new and change.mt_text in old for old, new in pairs), change
    assert not any(e.is_displayed() for e in browser.find_elements(By.CSS_SELECTOR, ".tgt .normalised, .tgt .raw"))
    full_page_screenshot(browser, SCREENSHOTS / "seed-old-new.png")


def test_filter_limits_highlights_and_keys_to_one_kind_or_entry(browser: webdriver.Chrome, site: Site) -> None:
    load(browser, site.url("quoted"))
    choose = Select(browser.find_element(By.ID, "filter"))
    body = browser.find_element(By.TAG_NAME, "body")
    for value, wanted in (("change", lambda m: m.get_attribute("data-kind") == "change"),
                          ("finding", lambda m: m.get_attribute("data-kind") in ("finding", "quoted")),
                          ("entry:islamic-state", lambda m: m.get_attribute("data-entry") == "islamic-state")):  # fmt: skip
        choose.select_by_value(value)
        chosen = browser.find_elements(By.CSS_SELECTOR, "main a.hl.chosen")
        assert chosen and all(wanted(m) for m in chosen), value
        seen = set()
        for _ in range(len(chosen) + 1):
            body.send_keys("n")
            seen.add(browser.switch_to.active_element.get_attribute("data-note"))
        assert seen == {m.get_attribute("data-note") for m in chosen}, value
        hidden = [li for li in browser.find_elements(By.CSS_SELECTOR, "#details li.note") if not li.is_displayed()]
        assert hidden and all(not wanted(li) for li in hidden)
    choose.select_by_value("")
    assert browser.find_elements(By.CSS_SELECTOR, "main a.hl.chosen") == []
    assert console_problems(browser) == []


def test_findings_and_quoted_labels_are_marked_on_the_english_side_too(browser: webdriver.Chrome, site: Site) -> None:
    doc = site.doc("quoted")
    located = [f for s in doc.segments for f in s.findings if f.target_span is not None]
    assert located
    load(browser, site.url("quoted"))
    english = browser.find_elements(By.CSS_SELECTOR, ".normalised a.hl.quoted, .normalised a.hl.finding")
    texts = {shown(e) for e in english}
    for finding in located:
        seg = next(s for s in doc.segments if finding in s.findings)
        assert seg.target[finding.target_span[0] : finding.target_span[1]] in texts  # type: ignore[index]
    quoted = browser.find_element(By.CSS_SELECTOR, ".normalised a.hl.quoted")
    quoted.click()
    text = shown(inspector(browser))
    assert "A loaded label inside a quotation: the speaker's words are kept." in text
    assert "said by" in text and "Savtchenko" in text  # who said it, as the text writes the name


# ---- normalize review: the same pages served with actions ------------------------------------------------------


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("review")
    files = write_inputs(folder / "fixtures")
    served = serve_review(folder, extra=(files["quoted"], files["xss"]), known_words=True)
    yield served
    served.stop()


def wait(driver: webdriver.Chrome, condition: Any, timeout: float = 10) -> Any:
    return WebDriverWait(driver, timeout).until(condition)


def decision_of(driver: webdriver.Chrome, note: str) -> str:
    return shown(driver.find_element(By.CSS_SELECTOR, f"#note{note} .decision-state"))


def act(driver: webdriver.Chrome, mark_id: str, status: str, comment: str = "") -> str:
    """Open a highlight's panel, type a comment and press a decision button there; returns the note number."""
    mark = driver.find_element(By.ID, mark_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    panel = inspector(driver)
    note = str(mark.get_attribute("data-note"))
    if comment:
        panel.find_element(By.CSS_SELECTOR, "input[name=comment]").send_keys(comment)
    panel.find_element(By.CSS_SELECTOR, f"button[data-status={status}]").click()
    wait(driver, lambda d: decision_of(d, note).startswith(status))
    return note


def assert_clean(driver: webdriver.Chrome, origin: str) -> None:
    """No console message, and every request went to the review server (or is inline data)."""
    assert console_problems(driver) == []
    urls = requests(driver)
    assert urls and all(u.startswith(origin + "/") or u.startswith("data:") for u in urls), urls


def test_review_accept_reject_and_resolve_persist_across_reload_and_rerun(browser: webdriver.Chrome, review: Served) -> None:
    seed = review.workspace.docs[0].name
    load(browser, review.page(seed))
    accepted = act(browser, "n0s", "accepted", "vérifié, « bon »")
    rejected = act(browser, "n1s", "rejected", "wrong group")
    assert "accepted" in (browser.find_element(By.ID, "n0t").get_attribute("class") or "")
    assert_clean(browser, review.session.origin)

    load(browser, review.page("quoted"))
    finding = browser.find_element(By.CSS_SELECTOR, ".src a.hl.quoted")
    resolved = act(browser, str(finding.get_attribute("id")), "resolved", "attributed quote")

    def states() -> list[str]:
        load(browser, review.page(seed))
        return [decision_of(browser, accepted), decision_of(browser, rejected)]

    assert states() == ["accepted: vérifié, « bon »", "rejected: wrong group"]  # reload
    review.rerun()  # `normalize run` again into the same folder: the static pages keep the decisions
    static = (review.out / f"{seed}.html").read_text(encoding="utf-8")
    assert 'class="hl change decided accepted" id="n0s"' in static and 'class="hl change decided rejected" id="n1s"' in static
    load(browser, (review.out / f"{seed}.html").as_uri())
    assert [decision_of(browser, accepted), decision_of(browser, rejected)] == [
        "accepted: vérifié, « bon »",
        "rejected: wrong group",
    ]
    review.workspace.rerun([d.name for d in review.workspace.docs])  # and the server's own re-run
    assert states() == ["accepted: vérifié, « bon »", "rejected: wrong group"]
    load(browser, review.page("quoted"))
    assert decision_of(browser, resolved) == "resolved: attributed quote"

    load(browser, review.url("index.html"))
    row = browser.find_element(By.CSS_SELECTOR, f'#documents tr[data-doc="{seed}"] .review-count')
    total = sum(1 for s in review.workspace.docs[0].segments for _ in segment_keys(review.workspace.docs[0], s))
    assert shown(row) == f"{total - 2} (2 reviewed)"
    assert_clean(browser, review.session.origin)


def select_words(driver: webdriver.Chrome, css: str, words: str) -> None:
    """Select ``words`` inside the first of the elements ``css`` holding them, as a mouse would, and release the button there."""
    driver.execute_script(
        """
        var words = arguments[1], node = null;
        Array.prototype.forEach.call(document.querySelectorAll(arguments[0]), function (root) {
          var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), n;
          while (!node && (n = walker.nextNode())) if (n.data.indexOf(words) >= 0) node = n;
        });
        var range = document.createRange(), at = node.data.indexOf(words);
        range.setStart(node, at); range.setEnd(node, at + words.length);
        var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        node.parentElement.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        """,
        css,
        words,
    )
    wait(driver, lambda d: d.find_element(By.ID, "add-term").is_displayed())


def test_review_add_variant_from_a_selection_updates_yaml_and_page(browser: webdriver.Chrome, review: Served) -> None:
    doc = review.workspace.doc("tanzim")
    assert doc is not None
    hamas = next(k for s in doc.segments for k, _ in segment_keys(doc, s) if ":change:hamas:" in k)
    code, _ = http(review.url("api/decision"), method="POST",
                   data=json.dumps({"doc": "tanzim", "key": hamas, "status": "accepted"}).encode(),
                   headers={"Origin": review.session.origin, "Content-Type": "application/json"})  # fmt: skip
    assert code == 200
    before = review.glossary.read_text(encoding="utf-8")
    load(browser, review.page("tanzim"))
    assert not browser.find_elements(By.CSS_SELECTOR, 'a.hl[data-entry="hurras-al-din"]')
    select_words(browser, "td.src", "Tanzim Hurras")
    form = browser.find_element(By.ID, "add-term")
    assert "Tanzim Hurras" in shown(form)
    Select(form.find_element(By.NAME, "entry")).select_by_value("hurras-al-din")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "review-add-variant.png"))
    form.find_element(By.CSS_SELECTOR, "button[data-glossary=add-variant]").click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#inspector .edit-preview .preview-save")).click()  # previewed first
    mark = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '.src a.hl.change[data-entry="hurras-al-din"]'))[
        0
    ]  # reloaded
    assert shown(mark) == "Tanzim Hurras"
    note = mark.get_attribute("data-note")
    assert shown(browser.find_element(By.ID, f"n{note}t")) == "Hurras al-Din"
    assert "Hurras al-Din" in (review.out / "tanzim.html").read_text(encoding="utf-8")  # the static page too
    hamas_note = next(
        n.get_attribute("data-note") for n in browser.find_elements(By.CSS_SELECTOR, '.src a.hl[data-entry="hamas"]')
    )
    assert hamas_note is not None
    assert "accepted" in decision_of(browser, hamas_note)
    after = review.glossary.read_text(encoding="utf-8")
    assert runner.invoke(app, ["glossary", "check", str(review.glossary)]).exit_code == 0
    old, new = entry_blocks(before, review.glossary)["hurras-al-din"], entry_blocks(after, review.glossary)["hurras-al-din"]
    lines_before, lines_after = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert lines_before[: old[0]] == lines_after[: new[0]] and lines_before[old[1] :] == lines_after[new[1] :]  # byte for byte
    assert "      - Tanzim Hurras\n" in "".join(lines_after[new[0] : new[1]])
    assert_clean(browser, review.session.origin)


def test_review_invalid_entry_shows_the_error_and_leaves_the_file_untouched(browser: webdriver.Chrome, review: Served) -> None:
    before = review.glossary.read_bytes()
    load(browser, review.page("tanzim"))
    select_words(browser, "td.src", "Gardiens de la religion")
    form = browser.find_element(By.ID, "add-term")
    form.find_element(By.NAME, "id").send_keys("Not An Id")
    form.find_element(By.NAME, "standard").send_keys("Guardians of the Religion")
    form.find_element(By.CSS_SELECTOR, "button[data-glossary=create]").click()
    error = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#add-term .term-error:not([hidden])"))
    assert "must match pattern" in shown(error) and str(review.glossary) in shown(error)
    assert review.glossary.read_bytes() == before
    assert console_problems(browser) == []  # a refused edit is an answer, not a failed request


def test_review_creates_an_entry_from_a_selection(browser: webdriver.Chrome, review: Served) -> None:
    load(browser, review.page("tanzim"))
    select_words(browser, "td.src", "Gardiens de la religion")
    form = browser.find_element(By.ID, "add-term")
    form.find_element(By.NAME, "id").send_keys("guardians-of-religion")
    form.find_element(By.NAME, "standard").send_keys("Hurras al-Din")
    Select(form.find_element(By.NAME, "kind")).select_by_visible_text("group")
    form.find_element(By.CSS_SELECTOR, "button[data-glossary=create]").click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#inspector .edit-preview .preview-save")).click()  # previewed first
    mark = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '.src a.hl[data-entry="guardians-of-religion"]'))[0]
    assert shown(mark) == "Gardiens de la religion"
    assert runner.invoke(app, ["glossary", "check", str(review.glossary)]).exit_code == 0
    text = review.glossary.read_text(encoding="utf-8")
    assert "  - id: guardians-of-religion\n    kind: group\n" in text and "variants:\n      - Gardiens de la religion\n" in text
    kinds = [str(e.kind) for e in load_glossary_file(review.glossary).entries]
    ids = [e.id for e in load_glossary_file(review.glossary).entries]
    assert "group" not in kinds[ids.index("guardians-of-religion") + 1 :]  # after the last group, in its section of the file


def test_review_pages_keep_hostile_markup_inert(browser: webdriver.Chrome, review: Served) -> None:
    load(browser, review.page(XSS_NAME))
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    counts = browser.execute_script(
        "return [document.querySelectorAll('img, svg, iframe, textarea').length, document.scripts.length]"
    )
    assert counts == [0, 2]  # the page's script and the review script, nothing from the text
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-doc") == XSS_NAME
    mark = browser.find_element(By.CSS_SELECTOR, ".src a.hl")
    mark.click()
    assert inspector(browser).find_elements(By.CSS_SELECTOR, "button[data-status]")
    assert_clean(browser, review.session.origin)


def test_review_server_refuses_other_origins_and_missing_tokens(browser: webdriver.Chrome, review: Served) -> None:
    load(browser, f"{review.session.origin}/index.html")
    assert "session token" in browser.find_element(By.TAG_NAME, "body").text
    before = (review.out / "review.json").read_bytes() if (review.out / "review.json").exists() else b""
    load(browser, "about:blank")
    outcome = browser.execute_async_script(
        """
        var done = arguments[arguments.length - 1];
        fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"doc": "tanzim"}'})
          .then(function (r) { done('answered ' + r.status); }, function (e) { done('blocked'); });
        """,
        review.url("api/decision"),
    )
    assert outcome == "blocked"  # the preflight from another origin is refused, so the POST is never sent
    after = (review.out / "review.json").read_bytes() if (review.out / "review.json").exists() else b""
    assert after == before


def test_review_after_a_run_behind_its_back_shows_the_new_name_and_accept_keeps_the_runs_report(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    served = serve_review(tmp_path, known_words=True)  # its own folder: the glossary is edited by hand
    try:
        load(browser, served.page("tanzim"))
        assert "Islamic State group" not in shown(browser.find_element(By.TAG_NAME, "main"))
        text = served.glossary.read_text(encoding="utf-8")
        served.glossary.write_text(
            text.replace("    standard: Islamic State\n", "    standard: Islamic State group\n", 1), encoding="utf-8"
        )
        served.rerun()  # `normalize run` into the folder while the server runs
        report = json.loads((served.out / "report.json").read_text(encoding="utf-8"))
        browser.refresh()
        mark = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '.tgt a.hl.change[data-entry="group-militants"]'))[0]
        assert "Islamic State group" in shown(mark)  # the page reloaded from the files on disk, not from memory
        act(browser, str(mark.get_attribute("id")), "accepted")
        after = json.loads((served.out / "report.json").read_text(encoding="utf-8"))
        assert after["glossaries"] == report["glossaries"] and after["changes_per_entry"] == report["changes_per_entry"]
        assert "Islamic State group" in (served.out / "tanzim.html").read_text(encoding="utf-8")
        load(browser, served.url("index.html"))
        assert "Islamic State group" in shown(browser.find_element(By.TAG_NAME, "body"))
        assert_clean(browser, served.session.origin)
    finally:
        served.stop()


LAYOUTS = [(1440, 900), (390, 844)]


@pytest.mark.parametrize(("width", "height"), LAYOUTS, ids=["desktop", "phone"])
def test_layout_fits_the_screen_and_the_panel_never_covers_the_text(
    browser: webdriver.Chrome, review: Served, width: int, height: int
) -> None:
    seed = review.workspace.docs[0].name
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700}
    )
    try:
        for url in (
            review.page(seed),
            (review.out / f"{seed}.html").as_uri(),
            review.url("index.html"),
            (review.out / "index.html").as_uri(),
        ):
            load(browser, url)
            overflow = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            assert overflow[0] <= overflow[1], (url, overflow)
            if "index" in url:
                continue
            top = browser.execute_script("return document.querySelector('.bitext tbody').getBoundingClientRect().top")
            assert top < height * (0.3 if width > 700 else 0.6), top  # the article starts in the first screen
            columns = browser.execute_script(
                "var r = document.querySelector('#p1'); "
                "return [r.cells[0].getBoundingClientRect().left, r.cells[1].getBoundingClientRect().left]"
            )
            assert (columns[0] == columns[1]) == (width < 700)  # one column on a phone, two side by side otherwise
            changes = [str(m.get_attribute("id")) for m in browser.find_elements(By.CSS_SELECTOR, ".src a.hl.change")]
            third = changes[min(3, len(changes) - 1)]
            for mark_id in (third, third[:-1] + "t", changes[-1][:-1] + "t"):
                mark = browser.find_element(By.ID, mark_id)
                browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
                mark.click()
                boxes = browser.execute_script(
                    """
                    var panel = document.getElementById('inspector').getBoundingClientRect();
                    var marks = Array.prototype.filter.call(document.querySelectorAll('main a.hl'), function (m) {
                      var r = m.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
                    });
                    var covered = marks.filter(function (m) {
                      if (m.closest('#inspector')) return false;
                      var r = m.getBoundingClientRect();
                      return r.left < panel.right && panel.left < r.right && r.top < panel.bottom && panel.top < r.bottom;
                    });
                    return [covered.length, marks.length, panel.width];
                    """
                )
                assert boxes[0] == 0 and boxes[1] > 0 and boxes[2] > 0, (url, mark_id, boxes)
                assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
            if url.startswith("http") and width > 700:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                mark = browser.find_element(By.ID, third)
                browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
                mark.click()
                browser.save_screenshot(str(SCREENSHOTS / "review.png"))
            assert console_problems(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
