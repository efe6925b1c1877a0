"""Check one language's training data against itself and against the emergency rule layer.

    .venv/bin/python scripts/data_report.py pcm

Prints: examples per intent, duplicate or conflicting examples (same folded text,
two intents), emergency examples the rule layer misses, and out-of-scope or
other non-emergency examples on which the rule layer fires (false alarms).
Exit status 1 when duplicates, conflicts or false alarms were found.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

from bench.nlu import load_examples
from bot import LANGUAGES
from bot.rules import default_rule_layer
from hotline_nlu.textnorm import fold


def main(argv: list[str]) -> int:
    languages = argv or list(LANGUAGES)
    examples = [e for e in load_examples() if e.language in languages]
    rules = default_rule_layer()
    problems = 0
    print("examples per intent:", dict(Counter(e.intent for e in examples)))
    folded = [fold(e.text).strip() for e in examples]
    seen: dict[str, set[str]] = defaultdict(set)
    for example, text in zip(examples, folded):
        seen[text].add(example.full_intent)
    # the same short word ("ok") may well be an example in two languages, but not twice in one
    counts = Counter((e.language, text) for e, text in zip(examples, folded))
    for text, intents in seen.items():
        if len(intents) > 1:
            problems += 1
            print(f"CONFLICT {sorted(intents)}: {text}")
    for (language, text), count in counts.items():
        if count > 1 and len(seen[text]) == 1:
            problems += 1
            print(f"DUPLICATE [{language}]: {text}")
    missed, fired = [], []
    for example in examples:
        hit = any(m.layer == "emergency" for m in rules.analyse(example.text))
        if example.intent == "emergency" and not hit:
            missed.append(example)
        if example.intent != "emergency" and hit:
            fired.append(example)
    emergencies = sum(e.intent == "emergency" for e in examples)
    print(f"\nemergency examples the rules miss: {len(missed)} of {emergencies}")
    for example in missed:
        print(f"  MISS [{example.language}] {example.text}")
    print(f"\nnon-emergency examples on which the rules fire: {len(fired)}")
    for example in fired:
        print(f"  FALSE [{example.language}/{example.intent}] {example.text}")
    problems += len(fired)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
