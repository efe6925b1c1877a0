"""Rights facts and CMM opening hours, kept once in ``bot/data/facts.yml``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

FACTS_PATH = Path(__file__).parent / "data" / "facts.yml"


class FactsError(ValueError):
    """The facts file is missing a field or has one in the wrong form."""


@dataclass(frozen=True)
class Fact:
    """One fact with where it comes from and when a person last checked it."""

    name: str
    value: str
    source: str
    last_checked: dt.date
    verify: bool = False


@dataclass(frozen=True)
class OpeningHours:
    """When the CMM hotline is staffed, in its own time zone."""

    timezone: str
    weekdays: tuple[dt.time, dt.time]
    weekends: tuple[dt.time, dt.time]

    def is_open(self, moment: dt.datetime) -> bool:
        """Whether people answer at ``moment`` (holidays count as weekends).

        :param moment: an aware datetime
        """
        local = moment.astimezone(ZoneInfo(self.timezone))
        opens, closes = self.weekdays if local.weekday() < 5 else self.weekends
        return opens <= local.time() < closes

    def next_open(self, moment: dt.datetime) -> dt.datetime:
        """When people are next at the hotline after ``moment``, in Copenhagen time.

        :param moment: an aware datetime
        """
        local = moment.astimezone(ZoneInfo(self.timezone))
        for days_ahead in range(8):
            day = (local + dt.timedelta(days=days_ahead)).date()
            opens = (self.weekdays if day.weekday() < 5 else self.weekends)[0]
            candidate = dt.datetime.combine(day, opens, tzinfo=ZoneInfo(self.timezone))
            if candidate > local:
                return candidate
        raise AssertionError("the hotline opens at least once a week")


def _time(text: str) -> dt.time:
    return dt.datetime.strptime(text, "%H:%M").time()


@lru_cache(maxsize=4)
def load_facts(path: Path = FACTS_PATH) -> dict[str, Fact]:
    """All facts by name.

    :param path: the YAML facts file
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = {}
    for name, entry in document.get("facts", {}).items():
        missing = {"value", "source", "last_checked"} - set(entry)
        if missing:
            raise FactsError(f"fact {name!r} in {path} lacks {', '.join(sorted(missing))}")
        facts[name] = Fact(
            name=name,
            value=str(entry["value"]),
            source=str(entry["source"]),
            last_checked=entry["last_checked"],
            verify=bool(entry.get("verify", False)),
        )
    return facts


@lru_cache(maxsize=4)
def load_opening_hours(path: Path = FACTS_PATH) -> OpeningHours:
    """CMM's opening hours from the facts file.

    :param path: the YAML facts file
    """
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))["opening_hours"]
    return OpeningHours(
        timezone=entry["timezone"],
        weekdays=(_time(entry["weekdays"]["open"]), _time(entry["weekdays"]["close"])),
        weekends=(_time(entry["weekends"]["open"]), _time(entry["weekends"]["close"])),
    )


def placeholders(path: Path = FACTS_PATH) -> dict[str, str]:
    """Fact values by placeholder name, for filling reply templates.

    :param path: the YAML facts file
    """
    return {name: fact.value for name, fact in load_facts(path).items()}
