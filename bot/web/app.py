"""The gateway's ``init_app()`` factory: routes, middlewares and resources opened in ``cleanup_ctx``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator

import aiohttp
from aiohttp import web

from bot.engine import EngineClient
from bot.settings import Settings
from bot.store import Store
from bot.triage import Triager
from bot.web import views
from bot.web.staff import setup_staff_routes
from bot.web.keys import ENGINE, ENGINE_STATE, HTTP, SETTINGS, STORE, TRIAGER, EngineState
from bot.web.middlewares import json_errors, security_headers

log = logging.getLogger("hotline.gateway")
MAX_BODY_BYTES = 64 * 1024
ENGINE_POLL_SECONDS = 2.0


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", views.index)
    app.router.add_get("/api/health", views.health)
    app.router.add_get("/api/ui", views.ui_texts)
    app.router.add_post("/api/triage", views.triage)
    app.router.add_post("/api/chat", views.chat)
    app.router.add_post("/api/chat/poll", views.poll)
    setup_staff_routes(app)
    app.router.add_static("/static/", views.STATIC_DIR, show_index=False, append_version=False)


async def store_ctx(app: web.Application) -> AsyncIterator[None]:
    store = Store(app[SETTINGS].database_path)
    app[STORE] = store
    yield
    store.close()


async def _watch_engine(app: web.Application) -> None:
    state = app[ENGINE_STATE]
    while True:
        ready = await app[ENGINE].is_ready()
        if ready != state.ready:
            log.info("engine %s", "ready" if ready else "unavailable")
        state.ready = ready
        await asyncio.sleep(ENGINE_POLL_SECONDS if not ready else ENGINE_POLL_SECONDS * 5)


async def engine_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    session = aiohttp.ClientSession()
    app[HTTP] = session
    app[ENGINE] = EngineClient(settings.engine_url, settings.engine_token(), session)
    app[ENGINE_STATE] = EngineState()
    # spaCy pipelines and the language model take a few seconds: build them off the event loop
    app[TRIAGER] = await asyncio.to_thread(Triager, app[ENGINE])
    watcher = asyncio.create_task(_watch_engine(app))
    yield
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    await session.close()


def init_app(settings: Settings | None = None) -> web.Application:
    """Build the gateway application.

    :param settings: run-time settings (default: from the environment)
    """
    app = web.Application(middlewares=[security_headers, json_errors], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings or Settings()
    app.cleanup_ctx.extend([store_ctx, engine_ctx])
    setup_routes(app)
    return app
