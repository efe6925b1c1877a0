"""Shared fixtures: isolated settings, and one real engine with the trained model for the whole run."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.engine import EngineClient, start_action_server, start_engine, stop_process, wait_until_ready
from bot.settings import Settings

ENGINE_START_SECONDS = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose database and token live in a temporary folder and whose engine port is closed."""
    return replace(Settings(), var_dir=tmp_path / "var", engine_port=free_port(), actions_port=free_port())


@pytest.fixture(scope="session")
def engine_settings(tmp_path_factory) -> Settings:
    """A real engine (trained model) and action server on free loopback ports, up for the whole run."""
    base = Settings()
    if not base.model_path.exists():
        pytest.fail(f"no trained model at {base.model_path}: run `make train` (make test does)")
    settings = replace(base, var_dir=tmp_path_factory.mktemp("engine-var"),
                       engine_port=free_port(), actions_port=free_port())
    actions = start_action_server(settings)
    engine = start_engine(settings)

    async def ready() -> None:
        async with aiohttp.ClientSession() as session:
            await wait_until_ready(EngineClient(settings.engine_url, settings.engine_token(), session),
                                   ENGINE_START_SECONDS, engine)

    try:
        asyncio.run(ready())
        yield settings
    finally:
        stop_process(engine)
        stop_process(actions)


def run_hotline(*args: str, input_bytes: bytes, settings: Settings, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the installed ``hotline`` command against the given settings' ports and folders."""
    import os
    import sys

    env = dict(os.environ, HOTLINE_VAR=str(settings.var_dir), HOTLINE_ENGINE_PORT=str(settings.engine_port),
               HOTLINE_ACTIONS_PORT=str(settings.actions_port))
    command = [sys.executable, "-m", "bot.cli", *args]
    return subprocess.run(command, input=input_bytes, capture_output=True, env=env, timeout=timeout,
                          cwd=settings.root)


def run_action(action, slots: dict, sender: str = "nobody", intent: str = "seek_help") -> tuple[list[dict], list]:
    """Run a Rasa action on a tracker holding ``slots``; its messages and events."""
    dispatcher = CollectingDispatcher()
    tracker = Tracker(sender, slots, {"intent": {"name": intent}}, [], False, None, {}, "")
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


@pytest.fixture
async def live_client(aiohttp_client, engine_settings):
    """The gateway, through pytest-aiohttp, in front of the real engine of ``engine_settings``."""
    from bot.web import init_app

    return await aiohttp_client(init_app(engine_settings))


async def say(client, conversation: str | None, text: str, choice: str | None = None) -> dict:
    """Send one chat message (or button press) and return the gateway's answer, which must be 200."""
    response = await client.post("/api/chat", json={"conversation": conversation, "text": text, "choice": choice})
    assert response.status == 200
    return await response.json()
