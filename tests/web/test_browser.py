"""End to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the
real app: ``python app.py`` in a subprocess with a fresh state dir, which builds its index on
first start. Screenshots go to test-artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.web.live import ARTIFACTS

pytestmark = pytest.mark.slow

BOX = "#bq-question textarea"
USER = '#bq-chat [data-testid="user"]'
BOT = '#bq-chat [data-testid="bot"]'


def bot_count(page) -> int:
    return page.locator(BOT).count()


def wait_answer(page, before: int, timeout_s: float = 60) -> str:
    """Wait for a new assistant message that has finished streaming; return its text."""
    page.wait_for_function(
        """([sel, n]) => {
            const bots = document.querySelectorAll(sel);
            return bots.length > n && !bots[bots.length - 1].querySelector('.bq-cursor')
                && bots[bots.length - 1].innerText.trim().length > 0;
        }""",
        arg=[BOT, before],
        timeout=timeout_s * 1000,
    )
    return page.locator(BOT).last.inner_text()


def ask(page, question: str) -> str:
    before = bot_count(page)
    page.fill(BOX, question)
    page.press(BOX, "Enter")
    return wait_answer(page, before)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def no_outside_requests(page) -> None:
    assert page.outside_requests == [], page.outside_requests
    assert page.dialogs == [], page.dialogs


def test_question_streams_an_answer_with_its_sources(page):
    # Record every length the last answer passes through: a streamed answer grows in pieces.
    page.evaluate(
        """() => {
            window.__lengths = [];
            new MutationObserver(() => {
                const bots = document.querySelectorAll('#bq-chat [data-testid="bot"]');
                if (bots.length) window.__lengths.push(bots[bots.length - 1].innerText.length);
            }).observe(document.querySelector('#bq-chat'), {subtree: true, childList: true, characterData: true});
        }"""
    )
    text = ask(page, "2024年三公经费是多少？")
    assert "101,000.00元" in text
    lengths = page.evaluate("window.__lengths")
    assert len(set(lengths)) >= 4, lengths  # several growing pieces, not one final message
    answer = page.locator(BOT).last
    sources = answer.locator("details.bq-sources")
    assert sources.count() == 1 and not sources.evaluate("d => d.open")  # collapsed until asked
    sources.locator("summary").click()
    assert sources.evaluate("d => d.open")
    cited = sources.inner_text()
    assert "表十" in cited and "“三公”经费支出预算表" in cited and "2024年预算数/合计" in cited
    assert "原文第353行" in cited
    screenshot(page, "chat-three-public.png")
    no_outside_requests(page)


def test_follow_up_and_example_buttons(page):
    assert (
        page.get_by_role("button", name="那去年呢？").count() == 0
        or not page.get_by_role("button", name="那去年呢？").is_visible()
    )  # nothing to follow up yet
    before = bot_count(page)
    page.get_by_role("button", name="2024年三公经费是多少？").click()
    assert "101,000.00元" in wait_answer(page, before)
    before = bot_count(page)
    page.get_by_role("button", name="那去年呢？").click()
    text = wait_answer(page, before)
    assert "111,000.00元" in text and "去年三公经费" in text
    before = bot_count(page)
    page.get_by_role("button", name="科普活动比去年少了多少钱？").click()
    text = wait_answer(page, before)
    assert "1,360,000.00元" in text and "计算：" in text
    no_outside_requests(page)


def test_enter_that_confirms_an_ime_candidate_does_not_send(page):
    question = "2024年三公经费是多少？"
    page.evaluate(
        """(q) => {
            const ta = document.querySelector('#bq-question textarea');
            ta.focus();
            ta.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true, data: ''}));
            ta.value = q;
            ta.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true, data: q,
                                                      inputType: 'insertCompositionText'}));
            for (const type of ['keydown', 'keypress']) {
                ta.dispatchEvent(new KeyboardEvent(type, {key: 'Enter', code: 'Enter', keyCode: 13,
                    isComposing: true, bubbles: true, cancelable: true}));
            }
            ta.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: q}));
        }""",
        question,
    )
    time.sleep(2)
    assert page.locator(USER).count() == 0  # nothing was sent
    assert page.input_value(BOX) == question  # the text is still there to edit
    assert page.evaluate("window.__bqImeBlocked") >= 1  # the guard saw and stopped the Enter
    page.press(BOX, "Enter")  # a plain Enter sends
    assert "101,000.00元" in wait_answer(page, 0)
    assert page.locator(USER).count() == 1


def test_markup_in_a_question_is_shown_as_text(page):
    for question in ["<script>alert(1)</script>", "**粗体**", "<img src=x onerror=alert(1)>"]:
        ask(page, question)
        assert page.locator(USER).last.inner_text().strip() == question
    chat = page.locator("#bq-chat")
    assert chat.locator("script").count() == 0 and chat.locator("img").count() == 0
    assert chat.locator('[data-testid="user"] strong').count() == 0
    time.sleep(1)
    assert page.dialogs == []  # no alert ran
    screenshot(page, "chat-markup-as-text.png")


def test_empty_and_too_long_questions_get_a_polite_answer(page):
    before = bot_count(page)
    page.press(BOX, "Enter")
    assert "请输入" in wait_answer(page, before)
    assert "问题太长" in ask(page, "三" * 501)


def test_like_is_recorded_for_staff(page, live_app):
    feedback = live_app.state_dir / "feedback.jsonl"
    lines_before = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
    ask(page, "办公费是多少？")
    page.locator("#bq-chat button[aria-label='赞']").last.click()  # 'Like', in the browser's Chinese
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        lines = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
        if len(lines) > len(lines_before):
            break
        time.sleep(0.3)
    record = json.loads(lines[-1])
    assert record["question"] == "办公费是多少？" and record["liked"] is True
    assert record["status"] in ("answered", "clarify") and record["answer"] and record["timestamp"]


def test_retry_and_clear(page):
    first = ask(page, "2024年三公经费是多少？")
    page.click("#bq-retry")
    page.wait_for_timeout(300)
    again = wait_answer(page, 0)
    assert again == first and page.locator(USER).count() == 1 and bot_count(page) == 1
    page.click("#bq-clear")
    page.wait_for_function("() => !document.querySelector('#bq-chat [data-testid=\"user\"]')")
    assert page.locator(USER).count() == 0


def test_budget_at_a_glance_and_tables(page):
    page.get_by_role("tab", name="预算一览").click()
    glance = page.locator("#bq-glance")
    glance.wait_for()
    text = glance.inner_text()
    assert "按功能分类（类）的支出" in text and "201 一般公共服务支出" in text
    assert "6,059,264.63元" in text and "基本支出与项目支出" in text and "2,759,264.63元" in text
    assert "“三公”经费：今年与去年" in text and "111,000.00元" in text
    assert glance.locator(".bq-bar").count() >= 10
    screenshot(page, "charts.png")

    page.locator("#bq-table-pick input").click()
    page.get_by_role("option", name=re.compile("^表十 ")).click()
    page.wait_for_function("() => document.querySelector('#bq-table').innerText.includes('101,000.00')")
    assert "本表相关审核" in page.locator("#bq-audit").inner_text()

    page.locator("#bq-table-pick input").click()
    page.get_by_role("option", name=re.compile("^表五 ")).click()
    page.wait_for_function("() => document.querySelector('#bq-table').innerText.includes('2060702')")
    page.locator("#bq-search textarea, #bq-search input").first.fill("科普")
    page.wait_for_function("() => !document.querySelector('#bq-table').innerText.includes('2012901')")
    table = page.locator("#bq-table").inner_text()
    assert "2060702" in table and "2,300,000.00" in table and "原文行号" in table
    screenshot(page, "tables.png")
    no_outside_requests(page)


def test_public_page_has_no_staff_feature(page):
    body = page.inner_text("body")
    assert "核对" not in body and "工作人员：" not in body
    assert "/staff" not in page.content()


def test_staff_login_and_fact_check(browser, live_app):
    from tests.web.live import STAFF_PASSWORD, STAFF_USER

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.goto(live_app.url + "staff/")
    pg.wait_for_selector("input[type=password]")
    assert "#bq-check-text" not in pg.content()  # nothing of the staff view before the login
    pg.locator("input[type=text]").fill(STAFF_USER)
    pg.locator("input[type=password]").fill("wrong")
    pg.get_by_role("button", name="登录").click()
    pg.wait_for_timeout(1000)
    assert pg.locator("#bq-check-text").count() == 0
    pg.locator("input[type=text]").fill(STAFF_USER)
    pg.locator("input[type=password]").fill(STAFF_PASSWORD)
    pg.get_by_role("button", name="登录").click()
    pg.wait_for_selector("#bq-check-text textarea", timeout=30000)
    # the seed: 三公经费 101,000元 in 2024, 111,000元 in 2023 (表十): the second claim is wrong
    pg.fill("#bq-check-text textarea", "2024年三公经费预算10.1万元，比上年增加1万元。")
    pg.click("#bq-check-go")
    pg.wait_for_selector("#bq-check-result", timeout=60000)
    result = pg.inner_text("#bq-check-out")
    assert "部分不符" in result and "101,000.00元" in result and "实际减少" in result and "表十" in result
    screenshot(pg, "staff-check.png")
    pg.get_by_role("tab", name="审核").click()
    pg.wait_for_selector("#bq-staff-audit")
    assert "收入合计等于支出合计" in pg.inner_text("#bq-staff-audit")
    pg.get_by_role("tab", name="反馈").click()
    pg.wait_for_selector("#bq-feedback")
    context.close()
