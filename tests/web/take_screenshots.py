"""Screenshots for the README, with the browser setup of the tests (not a test itself):

    python -m tests.web.take_screenshots                 # starts the app on a temp state dir
    python -m tests.web.take_screenshots --url http://127.0.0.1:7860/   # a running app

writes docs/screenshot-chat.png and docs/screenshot-charts.png.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.web import live

DOCS = live.REPO / "docs"
BOT = '#bq-chat [data-testid="bot"]'


def wait_answer(page, before: int) -> None:
    page.wait_for_function(
        """([sel, n]) => { const b = document.querySelectorAll(sel);
            return b.length > n && !b[b.length - 1].querySelector('.bq-cursor'); }""",
        arg=[BOT, before],
        timeout=60_000,
    )


def shoot(url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = live.launch_browser(p)
        page = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN").new_page()
        page.goto(url)
        page.wait_for_selector("#bq-question textarea")
        for button in ("2024年三公经费是多少？", "那去年呢？", "科普活动比去年少了多少钱？"):
            before = page.locator(BOT).count()
            page.get_by_role("button", name=button).click()
            wait_answer(page, before)
        page.locator(BOT).last.locator("details.bq-sources summary").click()
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "screenshot-chat.png"))
        page.get_by_role("tab", name="预算一览").click()
        page.locator("#bq-glance").wait_for()
        page.wait_for_timeout(500)
        page.locator("#bq-glance").screenshot(path=str(out / "screenshot-charts.png"))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running app (default: start one on a temp state dir)")
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args()
    if args.url:
        shoot(args.url, args.out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        app = live.start_app(Path(tmp) / "state", Path(tmp) / "app.log")
        try:
            shoot(app.url, args.out)
        finally:
            app.stop()


if __name__ == "__main__":
    main()
