"""Every reply in every language, from ``bot/replies/<lang>.yml`` filled with the facts."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import yaml

from bot import LANGUAGES
from bot.facts import placeholders

REPLIES_DIR = Path(__file__).parent / "replies"


class ReplyMissing(KeyError):
    """No reply text exists for that key in that language."""


class ReplyTemplateError(ValueError):
    """A reply names a placeholder that is not a known fact."""


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in tree.items():
        if isinstance(key, bool):  # YAML 1.1 reads an unquoted `yes:` key as True
            key = "yes" if key else "no"
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value).strip()
    return flat


@lru_cache(maxsize=8)
def load_replies(language: str, directory: Path = REPLIES_DIR) -> dict[str, str]:
    """Reply templates of one language, nested keys joined with dots (``rights.children``).

    :param language: da, en, th or pcm
    :param directory: folder with one YAML file per language
    """
    path = directory / f"{language}.yml"
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def template_fields(template: str) -> set[str]:
    """Placeholder names used in a template.

    :param template: reply text with ``{name}`` placeholders
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def render(key: str, language: str, **extra: str) -> str:
    """The reply ``key`` in ``language`` with every fact filled in.

    :param key: reply key, e.g. ``greet`` or ``rights.reflection_period``
    :param language: da, en, th or pcm (anything else falls back to English)
    :param extra: more placeholder values for this one reply
    """
    language = language if language in LANGUAGES else "en"
    replies = load_replies(language)
    if key not in replies:
        raise ReplyMissing(f"no reply {key!r} in {language}")
    values = {**placeholders(), **extra}
    template = replies[key]
    unknown = template_fields(template) - set(values)
    if unknown:
        raise ReplyTemplateError(f"reply {key!r} in {language} uses unknown {sorted(unknown)}")
    return template.format(**values)
