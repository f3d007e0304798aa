"""The page in Debian's chromium, driven headless by Playwright, against the demo store served by uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from dateline.api import ServeConfig
from tests.api.conftest import live_server

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium with nothing of its own on the network: no updates, sync, QUIC probes or first-run pages.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: `make screenshots` sets this to docs/ to refresh the README's screenshots.
SHOTS = os.environ.get("DATELINE_SCREENSHOTS")


@pytest.fixture(scope="module")
def demo_url(demo_store):
    with live_server(ServeConfig(db=demo_store)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: `apt-get install chromium` (.ci/run does) to run the browser test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives the browser a fresh temporary profile (user data dir) of its own
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _shot(page, tmp_path: Path, name: str) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000  # a drawn page, not a blank one
    return path


@pytest.mark.model
@pytest.mark.browser
def test_analyst_filters_events_and_reads_an_article(browser, demo_url, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(demo_url + "/")
    page.wait_for_selector("body[data-ready]")
    total = int(page.text_content("#count").split()[0].replace(",", ""))
    assert total > 50 and page.locator("#countries path").count() > 170
    assert page.locator("#places circle").count() > 0 and page.locator("#timeline rect.bar").count() > 0

    page.select_option("#f-type", "ASSAULT")
    page.wait_for_function("() => !document.querySelector('#count').textContent.startsWith('…') && "
                           "document.querySelector('#count').textContent !== '%d event(s)'" % total)
    badges = page.locator("#events .badge").all_text_contents()
    assert badges and all(badge.startswith("ASSAULT") for badge in badges)
    assert int(page.text_content("#count").split()[0]) < total

    # brush the right half of the timeline: the dates are chosen and the list narrows to them
    assault = int(page.text_content("#count").split()[0])
    box = page.locator("#timeline").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + 40, steps=5)
    page.mouse.up()
    page.wait_for_selector("#brush-clear:not([hidden])")
    page.wait_for_function("() => !document.querySelector('#count').textContent.startsWith('…')")
    assert "chosen" in page.text_content("#timeline-label")
    assert int(page.text_content("#count").split()[0]) < assault
    page.click("#brush-clear")
    page.wait_for_function("() => document.querySelector('#count').textContent === '%d event(s)'" % assault)

    page.locator("#events li").first.click()
    page.wait_for_selector("#article:not([hidden]) #event-fields")
    assert page.locator("#article-fields dd").first.text_content().startswith("ASSAULT")
    assert page.locator("#article-text .k-trigger").count() > 0
    assert page.locator("#article-text .selected-event").count() > 0
    _shot(page, tmp_path, "screenshot-article.png")
    page.keyboard.press("Escape")
    assert page.locator("#article").is_hidden()
    _shot(page, tmp_path, "screenshot.png")
    assert errors == []
    assert all(url.startswith(demo_url) or url.startswith("data:") for url in requested)  # nothing from elsewhere


@pytest.mark.model
@pytest.mark.browser
def test_page_fits_a_phone(browser, demo_url, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                            has_touch=True)
    page.goto(demo_url + "/")
    page.wait_for_selector("body[data-ready]")
    # nothing wider than the screen: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, tmp_path, "screenshot-phone.png")
    page.locator("#events li").first.tap()
    page.wait_for_selector("#article:not([hidden]) #event-fields")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, tmp_path, "screenshot-phone-article.png")


@pytest.mark.model
def test_a_real_server_refuses_an_oversized_body_on_the_socket(demo_store):
    with live_server(ServeConfig(db=demo_store, max_body=1000)) as url:
        response = httpx.post(url + "/code", content=b"{" + b" " * 5000 + b"}",
                              headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert httpx.get(url + "/health").json()["status"] == "ok"


@pytest.mark.model
@pytest.mark.browser
def test_api_docs_render_offline(browser, demo_url):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(demo_url + "/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "dateline" in page.text_content(".swagger-ui .info .title")
    assert page.locator(".opblock").count() >= 8
    assert all(url.startswith(demo_url) or url.startswith("data:") for url in requested)


@pytest.mark.model
@pytest.mark.browser
def test_zooming_the_map_and_choosing_a_country_narrow_the_list(browser, demo_url):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(demo_url + "/")
    page.wait_for_selector("body[data-ready]")
    total = page.text_content("#count")
    box = page.locator("#map").bounding_box()
    # wheel in over Syria (38 E, 35 N: the map spans 180 W-180 E and 84 N-62 S at first)
    page.mouse.move(box["x"] + box["width"] * (38 + 180) / 360, box["y"] + box["height"] * (84 - 35) / 146)
    for _ in range(6):
        page.mouse.wheel(0, -200)
    page.check("#f-inview")
    page.wait_for_function("t => !['…', t].includes(document.querySelector('#count').textContent)", arg=total)
    in_view = int(page.text_content("#count").split()[0])
    assert 0 < in_view < int(total.split()[0])
    page.uncheck("#f-inview")
    page.locator("#countries path[data-iso3=TUR]").click()
    page.wait_for_function("() => document.querySelector('#f-country').value === 'TUR'")
    page.wait_for_function("t => !['…', t].includes(document.querySelector('#count').textContent)", arg=total)
    assert page.locator("#countries path.selected").count() == 1
    assert int(page.text_content("#count").split()[0]) < int(total.split()[0])
