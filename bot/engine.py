"""The Rasa engine: its HTTP client and the process that runs it in ``.venv-engine``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bot.settings import Settings


class EngineUnavailable(RuntimeError):
    """The engine did not answer, answered with an error, or has no model loaded."""


class EngineSetupError(RuntimeError):
    """The engine cannot be started: no engine virtualenv or no trained model."""


def engine_environment(settings: Settings) -> dict[str, str]:
    """Environment for every engine process: telemetry off, project importable, action port known.

    :param settings: run-time settings
    """
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        # two cores: more TensorFlow threads than that only fight each other
        TF_INTRA_OP_PARALLELISM_THREADS=env.get("TF_INTRA_OP_PARALLELISM_THREADS", "2"),
        TF_INTER_OP_PARALLELISM_THREADS=env.get("TF_INTER_OP_PARALLELISM_THREADS", "1"),
        PYTHONPATH=str(settings.root) + os.pathsep + env.get("PYTHONPATH", ""),
        HOTLINE_ACTIONS_PORT=str(settings.actions_port),
        # the action server opens cases in the gateway's database
        HOTLINE_VAR=str(settings.var_dir),
        SANIC_HOST="127.0.0.1",
    )
    return env


def rasa_command(settings: Settings) -> Path:
    """The ``rasa`` executable inside the engine virtualenv.

    :param settings: run-time settings
    """
    return settings.engine_venv / "bin" / "rasa"


@dataclass
class EngineClient:
    """Talks to a running engine over loopback.

    :param url: base URL, e.g. ``http://127.0.0.1:5005``
    :param token: the engine's ``--auth-token``
    :param session: an open aiohttp session
    :param timeout: seconds for one request
    """

    url: str
    token: str
    session: aiohttp.ClientSession
    timeout: float = 20.0

    async def _request(self, method: str, path: str, *, authed: bool, **kwargs) -> object:
        params = {"token": self.token} if authed else None
        try:
            async with self.session.request(
                method, f"{self.url}{path}", params=params,
                timeout=aiohttp.ClientTimeout(total=self.timeout), **kwargs,
            ) as response:
                if response.status >= 400:
                    raise EngineUnavailable(f"engine answered {response.status} on {path}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError) as error:
            raise EngineUnavailable(f"engine not reachable on {path}: {type(error).__name__}") from error

    async def is_ready(self) -> bool:
        """Whether the engine answers and has a model loaded."""
        try:
            status = await self._request("GET", "/status", authed=True)
        except EngineUnavailable:
            return False
        return bool(isinstance(status, dict) and status.get("model_file"))

    async def parse(self, text: str) -> dict:
        """The NLU parse of one message: intent, ranking, entities, response selector.

        :param text: the message
        """
        result = await self._request("POST", "/model/parse", authed=True, json={"text": text})
        if not isinstance(result, dict) or "intent" not in result:
            raise EngineUnavailable("engine gave no parse")
        return result

    async def converse(self, sender: str, intent: str, entities: dict[str, str]) -> list[dict]:
        """Send an already-judged intent to the dialogue and return the bot's messages.

        The text itself never reaches the dialogue: the gateway has judged it and
        only the intent and its codes travel, so the engine's tracker holds no
        user words.

        :param sender: the conversation id
        :param intent: one contract intent
        :param entities: codes for the slots (language, urgency, role, rights_topic, situation)
        """
        message = f"/{intent}{json.dumps(entities, separators=(',', ':'))}"
        result = await self._request(
            "POST", "/webhooks/rest/webhook", authed=False, json={"sender": sender, "message": message}
        )
        if not isinstance(result, list):
            raise EngineUnavailable("engine gave no messages")
        return result


async def wait_until_ready(client: EngineClient, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll until the engine has its model loaded.

    :param client: client for the engine
    :param timeout: seconds to wait at most
    :param process: the engine process, to stop waiting if it dies
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await client.is_ready():
            return
        if process is not None and process.poll() is not None:
            raise EngineUnavailable(f"engine exited with code {process.returncode} while starting")
        await asyncio.sleep(0.5)
    raise EngineUnavailable(f"engine not ready after {timeout:.0f} s")


def _spawn(command: list[str], settings: Settings, log_file: Path) -> subprocess.Popen:
    # its own session, so stop_process can end it with all its children
    with open(log_file, "ab") as log:
        return subprocess.Popen(
            command, cwd=settings.root, env=engine_environment(settings),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )


def start_engine(settings: Settings, log_file: Path | None = None) -> subprocess.Popen:
    """Start ``rasa run`` on 127.0.0.1 with the auth token and the trained model.

    :param settings: run-time settings
    :param log_file: where the engine's own log goes (default ``var/log/engine.log``)
    """
    rasa = rasa_command(settings)
    if not rasa.exists():
        raise EngineSetupError(f"no engine at {rasa}: run `make setup` first")
    if not settings.model_path.exists():
        raise EngineSetupError(f"no model at {settings.model_path}: run `make train` first")
    log_file = log_file or settings.var_dir / "log" / "engine.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    # Rasa does not expand variables in endpoints.yml: write the action server's port into a copy
    endpoints = settings.var_dir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{settings.actions_port}/webhook"\n', encoding="utf-8"
    )
    command = [
        str(rasa), "run", "--enable-api", "--auth-token", settings.engine_token(),
        "--interface", "127.0.0.1", "--port", str(settings.engine_port),
        "--model", str(settings.model_path), "--endpoints", str(endpoints),
    ]
    return _spawn(command, settings, log_file)


def start_action_server(settings: Settings, log_file: Path | None = None) -> subprocess.Popen:
    """Start the rasa-sdk action server of the app env on 127.0.0.1.

    :param settings: run-time settings
    :param log_file: where its log goes (default ``var/log/actions.log``)
    """
    log_file = log_file or settings.var_dir / "log" / "actions.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.actions_port)]
    return _spawn(command, settings, log_file)


def stop_process(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a started process and its children: SIGTERM, then SIGKILL after ``grace`` seconds.

    :param process: a process started with ``start_new_session=True``
    :param grace: seconds to wait before killing
    """
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
