"""The chat page in Debian's chromium through Playwright, against a live gateway (engine down)."""

import shutil
import socket
import threading

import pytest
from aiohttp import web

from bot.replies import render
from bot.web import init_app

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def live_gateway(settings):
    """The gateway on a free port, served by its own event loop in a background thread."""
    import asyncio

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started, stopping = threading.Event(), None
    loop_holder = {}

    async def serve():
        nonlocal stopping
        stopping = asyncio.Event()
        loop_holder["loop"] = asyncio.get_running_loop()
        runner = web.AppRunner(init_app(settings))
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        started.set()
        await stopping.wait()
        await runner.cleanup()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert started.wait(timeout=60), "gateway did not start"
    yield f"http://127.0.0.1:{port}/"
    loop_holder["loop"].call_soon_threadsafe(stopping.set)
    thread.join(timeout=30)


def test_chat_page_keeps_message_and_shows_numbers(live_gateway):
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not __import__("os").path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (make browser installs it)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 390, "height": 800})  # a phone
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(live_gateway)
        page.select_option("#language", "da")
        page.fill("#text", "<b>hej</b> jeg har brug for hjælp")
        page.click("#send")
        page.wait_for_selector(".msg.bot")
        bubbles = page.locator(".msg")
        # the user's text is shown as text, never as markup
        assert bubbles.nth(0).inner_text() == "<b>hej</b> jeg har brug for hjælp"
        assert page.locator(".msg b").count() == 0
        assert render("engine_down", "da").splitlines()[0] in page.locator(".msg.bot").last.inner_text()
        assert page.locator("#banner").is_visible()
        assert page.evaluate("document.documentElement.lang") == "da"
        assert all(url.startswith(live_gateway) for url in requests), "no third-party requests"
        browser.close()
