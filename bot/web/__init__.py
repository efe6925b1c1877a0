"""The public aiohttp gateway: web chat, HTTP API and (later) the staff console."""

from bot.web.app import init_app

__all__ = ["init_app"]
