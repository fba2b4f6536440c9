"""The review workbench in Chromium (issue 33): keys on the current note, focus order, kept quotations, batch
decisions, triage filters, run-wide progress, and the phone layout.

The pages are served by ``normalize review`` over a real Apertium run (unknown words kept, as a desk sees them) of
the seed, the review text and two workbench documents (tests/review_fixtures.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import cast

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from pipeline.review.decisions import change_key, review_keys, same_change_keys
from tests.conftest import needs
from tests.review_fixtures import Served, serve_review, workbench_inputs
from tests.test_browser import SCREENSHOTS, chromium, console_problems, decision_of, inspector, load, select_words, shown, wait

pytestmark = needs("apertium", "chromium")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    driver = chromium(tmp_path_factory.mktemp("profile"))
    driver.get("about:blank")
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("bench")
    served = serve_review(folder, extra=workbench_inputs(folder / "more"))
    yield served
    served.stop()


def active(driver: webdriver.Chrome) -> WebElement:
    return driver.switch_to.active_element


def press(driver: webdriver.Chrome, keys: str) -> None:
    for key in keys:
        active(driver).send_keys(key)


def first_mark(driver: webdriver.Chrome, css: str) -> WebElement:
    mark = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    return mark


def status_line(driver: webdriver.Chrome) -> str:
    return shown(driver.find_element(By.ID, "status"))


# ---- step 1: keys, focus, headings, kinds without colour, kept quotations --------------------------------------


def test_keys_accept_reject_undo_and_comment_the_current_note_keeping_focus(browser: webdriver.Chrome, bench: Served) -> None:
    load(browser, bench.page("workbench-2"))
    mark = first_mark(browser, ".src a.hl.change")
    mark.click()
    note = str(mark.get_attribute("data-note"))
    assert active(browser) == mark
    press(browser, "a")
    wait(browser, lambda d: decision_of(d, note).startswith("accepted"))
    assert active(browser) == mark and "accepted" in status_line(browser)
    press(browser, "r")
    wait(browser, lambda d: decision_of(d, note).startswith("rejected"))
    press(browser, "c")
    box = active(browser)
    assert (
        box.get_attribute("name") == "comment"
        and inspector(browser).find_elements(By.CSS_SELECTOR, "input[name=comment]")[0] == box
    )
    box.send_keys("wrong group" + Keys.ENTER)
    wait(browser, lambda d: decision_of(d, note) == "rejected: wrong group")
    assert active(browser) == mark
    press(browser, "u")
    wait(browser, lambda d: decision_of(d, note) == "to review")
    assert active(browser) == mark
    assert console_problems(browser) == []


def test_tab_from_a_highlight_goes_into_its_panel_then_on_to_the_next_note(browser: webdriver.Chrome, bench: Served) -> None:
    load(browser, bench.page("workbench"))
    browser.find_element(By.TAG_NAME, "body").send_keys("n")
    press(browser, "nn")
    third = active(browser)
    note = third.get_attribute("data-note")
    third.send_keys(Keys.TAB)
    assert browser.execute_script("return document.getElementById('inspector').contains(document.activeElement)")
    assert inspector(browser).get_attribute("data-note") == note
    for _ in range(12):  # the panel's controls, then out of it
        if not browser.execute_script("return document.getElementById('inspector').contains(document.activeElement)"):
            break
        active(browser).send_keys(Keys.TAB)
    after = active(browser)
    assert after.get_attribute("data-note") is not None and int(str(after.get_attribute("data-note"))) > int(str(note))
    # Shift+Tab from the panel's first control goes back to its highlight
    after.send_keys(Keys.TAB)
    active(browser).send_keys(Keys.SHIFT + Keys.TAB)
    assert active(browser) == after


@pytest.mark.parametrize("page", ["workbench", "index"])
def test_heading_levels_never_jump(browser: webdriver.Chrome, bench: Served, page: str) -> None:
    load(browser, bench.url("index.html") if page == "index" else bench.page(page))
    levels = browser.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('h1, h2, h3, h4, h5, h6'), "
        "function (h) { return Number(h.tagName[1]); })"
    )
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_rewrites_findings_and_kept_quotations_differ_without_colour(browser: webdriver.Chrome, bench: Served) -> None:
    signs = {}
    for kind in ("change", "quoted", "finding"):
        load(browser, bench.page("workbench" if kind != "finding" else bench.workspace.docs[0].name))
        for place in ("main", ".legend"):
            mark = browser.find_element(By.CSS_SELECTOR, f"{place} .hl.{kind}:not(.flag)")
            signs[kind, place] = browser.execute_script("return getComputedStyle(arguments[0], '::before').content", mark)
    assert all(v not in ("none", "normal", "") for v in signs.values()), signs
    assert len({signs[k, "main"] for k in ("change", "quoted", "finding")}) == 3
    assert all(signs[k, "main"] == signs[k, ".legend"] for k in ("change", "quoted", "finding"))  # the legend explains them


def test_a_kept_quotation_is_drawn_kept_and_counted_even_when_its_spelling_is_standardised(
    browser: webdriver.Chrome, bench: Served
) -> None:
    load(browser, bench.page("workbench"))
    daech = next(m for m in browser.find_elements(By.CSS_SELECTOR, ".src a.hl") if shown(m) == "Daech")
    assert "quoted" in (daech.get_attribute("class") or "") and "change" not in (daech.get_attribute("class") or "")
    note = daech.get_attribute("data-note")
    english = browser.find_element(By.ID, f"n{note}t")
    assert "quoted" in (english.get_attribute("class") or "")
    style = browser.execute_script(
        "var s = getComputedStyle(arguments[0]); return [s.borderBottomStyle, s.backgroundColor]", english
    )
    legend = browser.execute_script(
        "var s = getComputedStyle(document.querySelector('.legend .hl.quoted')); return [s.borderBottomStyle, s.backgroundColor]"
    )
    assert style == legend and style[0] == "dashed"
    daech.click()
    text = shown(inspector(browser))
    assert "kept: inside a quotation" in text and "replaced by the glossary" not in text
    summary = shown(browser.find_element(By.ID, "summary-title"))
    assert re.search(r"\b1 kept in quotations?\b", summary), summary


def test_undo_is_offered_right_after_a_decision_without_a_reload(browser: webdriver.Chrome, bench: Served) -> None:
    load(browser, bench.page("workbench-2"))
    marks = browser.find_elements(By.CSS_SELECTOR, ".src a.hl.change")
    mark = marks[-1]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    note = str(mark.get_attribute("data-note"))
    browser.execute_script("window.notReloaded = true")
    inspector(browser).find_element(By.CSS_SELECTOR, "button[data-status=accepted]").click()
    wait(browser, lambda d: decision_of(d, note).startswith("accepted"))
    undo = inspector(browser).find_element(By.CSS_SELECTOR, 'button[data-status=""]')
    assert undo.is_displayed()
    undo.click()
    wait(browser, lambda d: decision_of(d, note) == "to review")
    assert browser.execute_script("return window.notReloaded === true")
    assert not inspector(browser).find_elements(By.CSS_SELECTOR, 'button[data-status=""]')


def test_the_saved_and_re_run_message_survives_the_reload(browser: webdriver.Chrome, bench: Served) -> None:
    load(browser, bench.page("tanzim"))
    select_words(browser, "td.src", "Tanzim Hurras")
    form = browser.find_element(By.ID, "add-term")
    form.find_element(By.NAME, "entry").send_keys("hurras-al-din")
    browser.execute_script("window.notReloaded = true")
    form.find_element(By.CSS_SELECTOR, "button[data-glossary=add-variant]").click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#inspector .edit-preview .preview-save")).click()  # previewed first
    wait(
        browser,
        lambda d: (
            d.execute_script("return window.notReloaded !== true")
            and d.find_elements(By.CSS_SELECTOR, '.src a.hl[data-entry="hurras-al-din"]')
        ),
    )
    assert re.search(r"Saved to .*re-run in [0-9.]+ s", status_line(browser)), status_line(browser)


def test_on_a_phone_the_panel_opens_right_under_the_tapped_highlight(browser: webdriver.Chrome, bench: Served) -> None:
    seed = bench.workspace.docs[0].name
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        load(browser, bench.page(seed))
        for css in (".src a.hl.change", ".normalised a.hl.change"):
            marks = browser.find_elements(By.CSS_SELECTOR, css)
            mark = marks[min(3, len(marks) - 1)]
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
            mark.click()
            gap = browser.execute_script(
                "var m = arguments[0].getBoundingClientRect(), p = document.getElementById('inspector').getBoundingClientRect();"
                "return [p.top - m.bottom, p.height, p.bottom <= window.innerHeight + p.height];",
                mark,
            )
            assert 0 <= gap[0] < 80 and gap[1] > 0, gap  # right under the words, not at the end of the paragraph
            shot = SCREENSHOTS / "review-phone.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(shot))
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# ---- step 2: batch decisions, triage, run-wide progress ----------------------------------------------------------


def test_batch_accepts_one_entrys_changes_in_the_whole_run_after_showing_the_count(
    browser: webdriver.Chrome, bench: Served
) -> None:
    ws = bench.workspace
    doc = ws.doc("workbench")
    assert doc is not None
    keys = [change_key(doc, s, c) for s in doc.segments for c in s.changes if not c.noop]
    key = max(keys, key=lambda k: len(same_change_keys(ws.docs, k)))
    like = same_change_keys(ws.docs, key)
    assert len(like) >= 4 and len({d.name for d, _ in like}) >= 2
    load(browser, bench.page("workbench"))
    note = browser.execute_script(
        "return document.querySelector('#details .review[data-key=\"' + arguments[0] + '\"]').closest('li').dataset.note", key
    )
    mark = first_mark(browser, f'main a[data-note="{note}"]')
    mark.click()
    panel = inspector(browser)
    panel.find_element(By.CSS_SELECTOR, "select[name=scope]").send_keys("in the whole run")
    panel.find_element(By.CSS_SELECTOR, "button[data-batch=accepted]").click()
    confirm = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#inspector .batch-confirm"))
    assert f"Accept all {len(like)} " in shown(confirm) and "in this run" in shown(confirm)
    before = bench.workspace.decisions.items
    assert not any(k in before for _, k in like)  # nothing is saved before the reviewer confirms
    browser.execute_script("window.notReloaded = true")
    confirm.find_element(By.CSS_SELECTOR, "button.batch-yes").click()
    wait(browser, lambda d: d.execute_script("return window.notReloaded !== true"))
    saved = json.loads((bench.out / "review.json").read_text(encoding="utf-8"))["decisions"]
    assert all(saved[k]["status"] == "accepted" for _, k in like)
    assert f"Accepted {len(like)}" in status_line(browser)
    load(browser, bench.page("workbench-2"))
    other = [k for d, k in like if d.name == "workbench-2"]
    states = browser.execute_script(
        "return arguments[0].map(function (k) { return document.querySelector('#details .review[data-key=\"' + k + '\"]')"
        ".closest('li').querySelector('.decision-state').textContent.trim(); })",
        other,
    )
    assert states and all(s.startswith("accepted") for s in states)


def test_filters_by_status_and_by_check(browser: webdriver.Chrome, bench: Served) -> None:
    seed = bench.workspace.docs[0].name
    load(browser, bench.page(seed))
    filter_ = browser.find_element(By.ID, "filter")
    values = [o.get_attribute("value") for o in filter_.find_elements(By.TAG_NAME, "option")]
    assert {"status:todo", "status:accepted", "status:rejected", "check:unknown-word"} <= set(values)
    Select(filter_).select_by_value("check:unknown-word")
    chosen = browser.find_elements(By.CSS_SELECTOR, "#details li.note.chosen")
    assert chosen and all(li.get_attribute("data-check") == "unknown-word" for li in chosen)
    Select(browser.find_element(By.ID, "filter")).select_by_value("")
    mark = first_mark(browser, ".src a.hl.change")
    mark.click()
    note = mark.get_attribute("data-note")
    press(browser, "r")
    wait(browser, lambda d: decision_of(d, str(note)).startswith("rejected"))
    Select(browser.find_element(By.ID, "filter")).select_by_value("status:rejected")
    assert [li.get_attribute("data-note") for li in browser.find_elements(By.CSS_SELECTOR, "#details li.note.chosen")] == [note]
    Select(browser.find_element(By.ID, "filter")).select_by_value("status:todo")
    todo = [li.get_attribute("data-note") for li in browser.find_elements(By.CSS_SELECTOR, "#details li.note.chosen")]
    assert note not in todo and todo


def test_unknown_words_are_grouped_by_word_and_folded(browser: webdriver.Chrome, bench: Served) -> None:
    seed = bench.workspace.docs[0]
    unknown = [f for s in seed.segments for f in s.findings if f.check == "unknown-word"]
    assert len(unknown) > 3
    load(browser, bench.page(seed.name))
    browser.find_element(By.ID, "summary-title").click()
    group = browser.find_element(By.CSS_SELECTOR, ".summary details.unknown-words")
    assert group.get_attribute("open") is None  # folded
    lines = group.find_elements(By.CSS_SELECTOR, "li")
    assert not any(li.is_displayed() for li in lines)
    group.find_element(By.TAG_NAME, "summary").click()
    words = [shown(li.find_element(By.CSS_SELECTOR, ".word")) for li in lines]
    assert len(words) == len(set(words)) and 0 < len(words) <= len(unknown)
    assert sum(int(cast(re.Match[str], re.search(r"×(\d+)", shown(li))).group(1)) for li in lines) == len(unknown)
    assert not [
        li
        for li in browser.find_elements(By.CSS_SELECTOR, ".summary .cols > div > ul.findings > li")
        if "unknown-word" in shown(li)
    ]


def test_index_shows_label_and_unknown_word_counts_run_progress_and_sorts_numbers_largest_first(
    browser: webdriver.Chrome, bench: Served
) -> None:
    load(browser, bench.url("index.html"))
    progress = shown(browser.find_element(By.CSS_SELECTOR, ".run-progress"))
    total = sum(len(review_keys(d)) for d in bench.workspace.docs if not d.failed)
    assert re.search(rf"\b\d[\d,]* of {total:,} notes reviewed", progress), progress
    seed = bench.workspace.docs[0]
    row = browser.find_element(By.CSS_SELECTOR, f'#documents tr[data-doc="{seed.name}"]')
    unknown = sum(1 for s in seed.segments for f in s.findings if f.check == "unknown-word")
    assert shown(row.find_element(By.CSS_SELECTOR, ".unknown-count")) == str(unknown)
    labels = sum(1 for s in seed.segments for c in s.changes if not c.noop) + sum(
        1 for s in seed.segments for f in s.findings if f.check != "unknown-word"
    )
    assert shown(row.find_element(By.CSS_SELECTOR, ".label-count")) == str(labels)
    heading = browser.find_element(By.XPATH, "//table[@id='documents']//th[button='Unknown words']")
    heading.find_element(By.TAG_NAME, "button").click()
    column = [int(shown(c)) for c in browser.find_elements(By.CSS_SELECTOR, "#documents tbody .unknown-count")]
    assert column == sorted(column, reverse=True) and heading.get_attribute("aria-sort") == "descending"


def test_already_standard_names_are_not_to_review(browser: webdriver.Chrome, bench: Served) -> None:
    doc = bench.workspace.doc("tanzim")
    assert doc is not None and any(c.noop for s in doc.segments for c in s.changes)  # "Le Hamas": Hamas
    load(browser, bench.page("tanzim"))
    summary = shown(browser.find_element(By.ID, "summary-title"))
    assert f"of {len(review_keys(doc))} reviewed" in summary
    load(browser, bench.url("index.html"))
    row = browser.find_element(By.CSS_SELECTOR, '#documents tr[data-doc="tanzim"] .review-count')
    assert shown(row).split()[0] == str(
        len(review_keys(doc)) - sum(1 for k in review_keys(doc) if k in bench.workspace.decisions.items)
    )
