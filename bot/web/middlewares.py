"""Security headers and error handling for every response."""

from __future__ import annotations

import logging

from aiohttp import web

log = logging.getLogger("hotline.gateway")

# Everything the pages need is served from here: no third-party assets, no inline code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def json_errors(request: web.Request, handler) -> web.StreamResponse:
    """API errors as JSON; an unexpected failure is logged by type only, never with message text."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if not request.path.startswith("/api/") or error.content_type == "application/json":
            raise
        return web.json_response({"error": error.reason}, status=error.status)
    except Exception as error:  # the client still gets an answer; its message is already stored
        log.error("unhandled %s on %s %s", type(error).__name__, request.method, request.path)
        if request.path.startswith("/api/"):
            return web.json_response({"error": "internal error; your message is saved"}, status=500)
        raise
