"""Show what the danger rule layer finds in sentences, and how often it fires on everyday text.

Example::

    .venv/bin/python scripts/danger_check.py --lang en sentences.txt   # one sentence a line
    .venv/bin/python scripts/danger_check.py --lang en --everyday      # structural emergencies in everyday text
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.danger import read_danger
from bot.language import corpus_lines, nlu_examples
from bot.rules import RuleLayer

ROOT = Path(__file__).resolve().parent.parent


def everyday_lines(language: str) -> list[str]:
    """Lines that must not be emergencies: the everyday corpus and the out_of_scope training examples."""
    lines = [line for path in sorted((ROOT / "bot/data/lid").glob(f"{language}*.txt")) for line in corpus_lines(path)]
    return lines + [text for text, intent, lang in nlu_examples() if intent == "out_of_scope" and lang == language]


_RULES: list[RuleLayer] = []


def describe(text: str) -> tuple[bool, bool, str, str]:
    if not _RULES:
        _RULES.append(RuleLayer(only=("emergency", "danger")))
    matches = _RULES[0].analyse(text)
    cues = {m.label for m in matches if m.layer == "danger"}
    reading = read_danger(cues)
    phrase = any(m.layer == "emergency" for m in matches)
    shown = ", ".join(f"{m.label}={m.text!r}" for m in matches if m.layer == "danger")
    return phrase, reading.emergency, reading.reason or "", shown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", required=True, choices=["da", "en", "th", "pcm"])
    parser.add_argument("--everyday", action="store_true", help="count structural emergencies in everyday text")
    parser.add_argument("file", nargs="?")
    args = parser.parse_args(argv)
    if args.everyday:
        lines = everyday_lines(args.lang)
        fired = [(line, describe(line)) for line in lines]
        structural = [(l, d) for l, d in fired if d[1] and not d[0]]
        print(f"{len(lines)} everyday lines; emergency phrase {sum(d[0] for _, d in fired)}, "
              f"danger structure alone {len(structural)}, cue (would ask) {sum(bool(d[2]) for _, d in fired)}")
        for line, (_, _, reason, shown) in structural:
            print(f"  STRUCTURE {reason}: {line}  [{shown}]")
        return
    source = open(args.file, encoding="utf-8") if args.file else sys.stdin
    for line in source:
        if line.strip():
            phrase, structural, reason, shown = describe(line.strip())
            verdict = "EMERGENCY(phrase)" if phrase else "EMERGENCY(structure)" if structural else \
                "ask" if reason else "-"
            print(f"{verdict:22} {reason:24} {line.strip()}  [{shown}]")


if __name__ == "__main__":
    main()
