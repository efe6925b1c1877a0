"""Batch triage speed: ``hotline triage`` on 1000 of the project's own messages, engine start included or not.

    .venv/bin/python -m bench.triage_speed

Writes ``bench/results/triage_speed.json``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from bot.engine import EngineClient, start_engine, stop_process, wait_until_ready
from bot.language import nlu_examples
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MESSAGES = 1000


def timed_triage(lines: bytes) -> tuple[float, int]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bot.cli", "triage"], input=lines, capture_output=True,
                          cwd=ROOT, check=True)
    return time.monotonic() - started, len(done.stdout.splitlines())


async def _ready(settings: Settings, engine) -> None:
    async with aiohttp.ClientSession() as session:
        await wait_until_ready(EngineClient(settings.engine_url, settings.engine_token(), session), 300, engine)


def main() -> None:
    texts = [text for text, _, _ in nlu_examples()]
    lines = ("\n".join((texts * (MESSAGES // len(texts) + 1))[:MESSAGES]) + "\n").encode()
    cold_seconds, cold_count = timed_triage(lines)  # starts the engine, judges, stops it
    settings = Settings()
    engine = start_engine(settings)
    try:
        asyncio.run(_ready(settings, engine))
        warm_seconds, warm_count = timed_triage(lines)  # reuses the running engine
    finally:
        stop_process(engine)
    result = {
        "messages": MESSAGES,
        "cold_seconds_including_engine_start": round(cold_seconds, 1),
        "warm_seconds_engine_running": round(warm_seconds, 1),
        "messages_per_second_warm": round(warm_count / warm_seconds, 1),
        "judged": [cold_count, warm_count],
        "machine": "2 cores (the project's CI machine size)",
        "date": time.strftime("%Y-%m-%d"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "triage_speed.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
