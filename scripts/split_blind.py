"""Split the blind evaluation set into a dev half and a lockbox half, without showing any text.

The blind messages were written by helpers who never saw the training data, the rules or the
tests. Whoever changes data, rules or the model may read the dev half for error analysis and
must never open the lockbox half: this script writes both without printing a message, and
``bench.blind`` only ever scores the lockbox.

Example::

    .venv/bin/python scripts/split_blind.py /path/to/staging   # reads <lang>.jsonl and <lang>_conversations.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

from bot import INDICATORS, INTENTS, LANGUAGES, URGENCIES

OUT = Path(__file__).resolve().parent.parent / "bench" / "data" / "blind"
HALVES = ("dev", "lockbox")


def _order_key(item: dict) -> str:
    # a fixed, content-derived order: the split is the same on every run and needs no seed file
    return hashlib.sha256(json.dumps(item, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def split(items: list[dict], stratum) -> dict[str, list[dict]]:
    """Alternate items of each stratum between the halves, in a fixed pseudo-random order.

    :param items: labelled messages or conversations
    :param stratum: function giving an item's stratum (language, urgency class, kind)
    """
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for item in items:
        groups[stratum(item)].append(item)
    halves: dict[str, list[dict]] = {half: [] for half in HALVES}
    for key in sorted(groups):
        for i, item in enumerate(sorted(groups[key], key=_order_key)):
            halves[HALVES[i % 2]].append(item)
    return halves


def check_message(item: dict, language: str) -> dict:
    """The item with its labels checked against the contract, or ValueError."""
    if not isinstance(item.get("text"), str) or not item["text"].strip():
        raise ValueError("an item has no text")
    if item.get("urgency") not in URGENCIES or item.get("intent") not in INTENTS:
        raise ValueError(f"bad urgency or intent label: {item.get('urgency')!r} {item.get('intent')!r}")
    unknown = set(item.get("indicators") or []) - set(INDICATORS)
    if unknown:
        raise ValueError(f"unknown indicators {sorted(unknown)}")
    return {**item, "lang": language}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("staging", type=Path)
    args = parser.parse_args(argv)
    messages, conversations = [], []
    for language in LANGUAGES:
        path = args.staging / f"{language}.jsonl"
        messages += [check_message(json.loads(line), language)
                     for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        path = args.staging / f"{language}_conversations.jsonl"
        if path.exists():
            conversations += [{**json.loads(line), "lang": language}
                              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # an item written twice must not stand in both halves
    seen: set[str] = set()
    unique = []
    for item in messages:
        key = " ".join(item["text"].lower().split())
        if key not in seen:
            seen.add(key)
            unique.append(item)
    by_message = split(unique, lambda m: (m["lang"], m["urgency"] == "emergency", m.get("kind", "")))
    by_conversation = split(conversations, lambda c: (c["lang"], c.get("kind", "")))
    OUT.mkdir(parents=True, exist_ok=True)
    for half in HALVES:
        (OUT / f"{half}.jsonl").write_text(
            "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in by_message[half]), encoding="utf-8")
        (OUT / f"{half}_conversations.jsonl").write_text(
            "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in by_conversation[half]), encoding="utf-8")
        counts = Counter((m["lang"], m["urgency"] == "emergency") for m in by_message[half])
        print(half, {f"{lang}:{'emergency' if e else 'other'}": n for (lang, e), n in sorted(counts.items())},
              f"{len(by_conversation[half])} conversations")
    print(f"{len(messages) - len(unique)} duplicate messages dropped")


if __name__ == "__main__":
    main()
