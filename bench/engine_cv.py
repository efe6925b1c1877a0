"""Train and parse one cross-validation run inside the engine env (Python 3.10, Rasa 3.6).

Called by ``bench/nlu.py``; reads a JSON job, writes a JSON list of parses.

    .venv-engine/bin/python bench/engine_cv.py JOB.json OUT.json
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def write_training_data(examples: list[dict], path: Path) -> None:
    """Rasa YAML with the annotated example lines grouped by (retrieval) intent."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        by_intent[example["full_intent"]].append(example["annotated"])
    lines = ['version: "3.1"', "nlu:"]
    for intent, annotated in by_intent.items():
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {line}" for line in annotated)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def parse_all(model_path: str, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    parses = []
    for text in texts:
        parsed = await agent.parse_message(text)
        parses.append({
            "intent": parsed.get("intent"),
            "intent_ranking": parsed.get("intent_ranking", [])[:5],
            "entities": [
                {k: e.get(k) for k in ("entity", "start", "end", "value", "confidence_entity")}
                for e in parsed.get("entities", [])
            ],
            "response_selector": {
                "ask_rights": {"response": {"intent_response_key": (
                    ((parsed.get("response_selector") or {}).get("ask_rights") or {})
                    .get("response", {}).get("intent_response_key"))}}
            },
        })
    return parses


def main(job_path: str, out_path: str) -> None:
    from rasa.model_training import train_nlu
    from rasa.utils.log_utils import configure_structlog

    # structlog's default prints every parsed text at debug level into bench/results/engine_cv.log
    configure_structlog(logging.INFO)

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as workdir:
        data_path = Path(workdir) / "train.yml"
        write_training_data(job["train"], data_path)
        model = train_nlu(
            config=job["config"], nlu_data=str(data_path), output=workdir,
            fixed_model_name="fold", domain=job["domain"],
        )
        if not model:
            sys.exit("training failed")
        parses = asyncio.run(parse_all(model, job["texts"]))
    Path(out_path).write_text(json.dumps(parses, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
