"""Typed application keys shared by the gateway's modules."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from aiohttp import web

from bot.engine import EngineClient
from bot.settings import Settings
from bot.store import Store
from bot.triage import Triager


@dataclass
class EngineState:
    """What the gateway last saw of the engine."""

    ready: bool = False


SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
HTTP = web.AppKey("http", aiohttp.ClientSession)
ENGINE = web.AppKey("engine", EngineClient)
ENGINE_STATE = web.AppKey("engine_state", EngineState)
TRIAGER = web.AppKey("triager", Triager)
