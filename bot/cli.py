"""The ``hotline`` command: triage, train, run."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from contextlib import asynccontextmanager
from typing import AsyncIterator, BinaryIO, Iterable, Iterator

import aiohttp
import click

from bot import LANGUAGES
from bot.engine import (
    EngineClient, EngineSetupError, EngineUnavailable, engine_environment, rasa_command,
    start_action_server, start_engine, stop_process, wait_until_ready,
)
from bot.settings import Settings
from bot.triage import Triage, Triager, TriageInputError

ENGINE_START_SECONDS = 300
BATCH_SIZE = 64


def _warn(message: str) -> None:
    click.echo(f"hotline: {message}", err=True)


@click.group()
@click.version_option(package_name="hotline")
def cli() -> None:
    """Hotline assistant against human trafficking (da, en, th, pcm)."""


def read_messages(stream: BinaryIO) -> Iterator[tuple[object, dict]]:
    """``(text or error, fields to copy)`` for each input line: plain text or JSON Lines with "text".

    :param stream: binary input
    """
    for raw in stream.read().splitlines():
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield TriageInputError("line is not UTF-8"), {}
            continue
        stripped = line.strip()
        if stripped.startswith("{"):
            try:
                record = json.loads(stripped)
            except json.JSONDecodeError:
                record = None
            if isinstance(record, dict):
                if "text" not in record:
                    yield TriageInputError('JSON line has no "text" field'), {}
                else:
                    yield record["text"], {k: v for k, v in record.items() if k != "text"}
                continue
        yield line, {}


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@asynccontextmanager
async def engine_for_batch(settings: Settings, session: aiohttp.ClientSession) -> AsyncIterator[EngineClient]:
    """A running engine: the one already up on the engine port, else one started now and stopped after.

    :param settings: run-time settings
    :param session: an open HTTP session
    """
    client = EngineClient(settings.engine_url, settings.engine_token(), session, timeout=60)
    if await client.is_ready():
        yield client
        return
    _warn("starting the engine (about a minute)...")
    process = start_engine(settings)
    try:
        await wait_until_ready(client, ENGINE_START_SECONDS, process)
        yield client
    finally:
        stop_process(process)


async def _triage_stream(messages: Iterator[tuple[object, dict]], language: str | None,
                         settings: Settings, use_engine: bool, progress: bool) -> None:
    async with aiohttp.ClientSession() as session:
        if use_engine:
            engine_context = engine_for_batch(settings, session)
        else:
            engine_context = _no_engine()
        async with engine_context as engine:
            triager = Triager(engine)
            bar = None
            if progress:
                from tqdm import tqdm
                bar = tqdm(unit="msg", file=sys.stderr)
            for chunk in _chunks(messages, BATCH_SIZE):
                texts = [text for text, _ in chunk]
                results = await triager.triage_many(
                    [t if not isinstance(t, TriageInputError) else None for t in texts], language
                )
                for (text, fields), result in zip(chunk, results):
                    if isinstance(text, TriageInputError):
                        result = text
                    if isinstance(result, Triage):
                        output = {**fields, **result.to_contract()}
                    else:
                        output = {**fields, "error": str(result)}
                    sys.stdout.write(json.dumps(output, ensure_ascii=False) + "\n")
                sys.stdout.flush()
                if bar:
                    bar.update(len(chunk))
            if bar:
                bar.close()


@asynccontextmanager
async def _no_engine() -> AsyncIterator[None]:
    yield None


@cli.command()
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of every message, if known.")
@click.option("--no-engine", is_flag=True, help="Judge with the rule layers only (no model).")
@click.argument("file", type=click.File("rb"), default="-")
def triage(lang: str | None, no_engine: bool, file: BinaryIO) -> None:
    """Judge messages as the triage contract says: one JSON object per input line.

    FILE (or standard input) holds one message per line, or JSON Lines with a
    "text" field; other fields are copied to the output. A line that cannot be
    judged gets {"error": "..."} in its place.

    \b
    Example:
        echo '{"text": "my boss took my passport"}' | hotline triage
        hotline triage --lang da messages.txt > judged.jsonl
    """
    settings = Settings()
    try:
        asyncio.run(_triage_stream(read_messages(file), lang, settings, not no_engine, sys.stderr.isatty()))
    except (EngineSetupError, EngineUnavailable) as error:
        _warn(f"could not start: {error}")
        sys.exit(2)


def train_model(settings: Settings, force: bool = False) -> int:
    """Train the model with Rasa in the engine env; Rasa skips training when nothing changed.

    :param settings: run-time settings
    :param force: train even when nothing changed
    """
    rasa = rasa_command(settings)
    if not rasa.exists():
        raise EngineSetupError(f"no engine at {rasa}: run `make setup` first")
    command = [
        str(rasa), "train", "--config", "config.yml", "--domain", "domain.yml",
        "--data", "nlu_data", "dialogue", "--out", str(settings.model_dir), "--fixed-model-name", "hotline",
    ]
    if force:
        command.append("--force")
    from bot.semantic import enabled, ensure_index

    code = subprocess.call(command, cwd=settings.root, env=engine_environment(settings))
    if code == 0 and enabled():
        # the semantic index of the same examples, kept beside the model (a few minutes when the data changed)
        ensure_index(settings)
    return code


@cli.command()
@click.option("--force", is_flag=True, help="Train even when nothing changed.")
def train(force: bool) -> None:
    """Train the NLU and dialogue model into models/hotline.tar.gz.

    \b
    Example:
        hotline train
    """
    try:
        sys.exit(train_model(Settings(), force))
    except EngineSetupError as error:
        _warn(str(error))
        sys.exit(2)


@cli.command()
@click.option("--host", default=None, help="Interface for the web chat (default 127.0.0.1 or HOTLINE_HOST).")
@click.option("--port", type=int, default=None, help="Port for the web chat (default 8080 or HOTLINE_PORT).")
def run(host: str | None, port: int | None) -> None:
    """Start the engine, the action server and the web chat; Ctrl-C stops them all.

    \b
    Example:
        hotline run --port 8080
    """
    from aiohttp import web

    from bot.web import init_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = Settings()
    host = host or settings.host
    port = port or settings.port
    settings.staff_token()  # made now, so staff can read it before the first call
    try:
        actions = start_action_server(settings)
        engine = start_engine(settings)
    except EngineSetupError as error:
        _warn(str(error))
        sys.exit(2)
    try:
        web.run_app(
            init_app(settings), host=host, port=port,
            # no client address in the log: only what was asked and how it went
            access_log_format='"%r" %s %b %Tfs',
            print=lambda _: click.echo(
                f"Hotline chat: http://{host}:{port}/  (the engine needs about a minute to load; Ctrl-C stops everything)\n"
                f"Staff API token: {settings.var_dir / 'staff.token'} (or HOTLINE_STAFF_TOKEN)"
            ),
        )
    finally:
        stop_process(engine)
        stop_process(actions)


def replies_markdown() -> str:
    """Every reply of every flow in every language, facts filled in, as one Markdown document."""
    from bot.replies import load_replies, render

    sample = {"case_code": "K7M-4QX-9TB", "next_open": "(when the hotline next opens)", "day": "(day)", "time": "08:30"}
    lines = [
        "# Every reply in every language",
        "",
        "Generated by `hotline replies` from `bot/replies/<lang>.yml` and `bot/data/facts.yml`;",
        "do not edit this file, edit those. Case codes and opening times below are examples.",
    ]
    for key in load_replies("en"):
        lines += ["", f"## `{key}`", ""]
        for language in LANGUAGES:
            text = render(key, language, **sample).replace("\n", "  \n> ")
            lines.append(f"**{language}**\n> {text}\n")
    return "\n".join(lines) + "\n"


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False), default="docs/replies.md", show_default=True)
def replies(out: str) -> None:
    """Write every reply in every language, facts filled in, for reviewers.

    \b
    Example:
        hotline replies --out docs/replies.md
    """
    from pathlib import Path

    Path(out).write_text(replies_markdown(), encoding="utf-8")
    click.echo(f"wrote {out}", err=True)


if __name__ == "__main__":
    cli()
