import datetime as dt

import pytest
import yaml

from bot.facts import FactsError, load_facts, load_opening_hours, placeholders

CPH = dt.timezone(dt.timedelta(hours=1))  # Copenhagen in winter


def test_every_fact_has_value_source_and_date():
    facts = load_facts()
    assert {"emergency_number", "cmm_phone", "reflection_days_max"} <= set(facts)
    for fact in facts.values():
        assert fact.value and fact.source
        assert isinstance(fact.last_checked, dt.date)


def test_brief_values():
    values = placeholders()
    assert values["emergency_number"] == "112"
    assert values["cmm_phone"] == "+45 70 20 25 50"
    assert values["reflection_days_max"] == "120"


def test_fact_without_source_is_refused(tmp_path):
    path = tmp_path / "facts.yml"
    path.write_text(yaml.safe_dump({"facts": {"x": {"value": "1", "last_checked": "2026-01-01"}}}))
    with pytest.raises(FactsError, match="source"):
        load_facts(path)


@pytest.mark.parametrize("moment, is_open", [
    (dt.datetime(2026, 11, 23, 8, 29, tzinfo=CPH), False),   # Monday before opening
    (dt.datetime(2026, 11, 23, 8, 30, tzinfo=CPH), True),
    (dt.datetime(2026, 11, 23, 15, 59, tzinfo=CPH), True),
    (dt.datetime(2026, 11, 23, 16, 0, tzinfo=CPH), False),
    (dt.datetime(2026, 11, 22, 9, 30, tzinfo=CPH), True),    # Sunday, weekend hours
    (dt.datetime(2026, 11, 22, 15, 30, tzinfo=CPH), False),
])
def test_opening_hours(moment, is_open):
    assert load_opening_hours().is_open(moment) is is_open


def test_opening_hours_use_copenhagen_time():
    # 07:45 UTC on a Monday in winter is 08:45 in Copenhagen
    assert load_opening_hours().is_open(dt.datetime(2026, 11, 23, 7, 45, tzinfo=dt.timezone.utc))


@pytest.mark.parametrize("moment, expected", [
    (dt.datetime(2026, 11, 23, 17, 0, tzinfo=CPH), dt.datetime(2026, 11, 24, 8, 30, tzinfo=CPH)),  # Mon evening
    (dt.datetime(2026, 11, 27, 20, 0, tzinfo=CPH), dt.datetime(2026, 11, 28, 9, 0, tzinfo=CPH)),   # Fri -> Sat
    (dt.datetime(2026, 11, 23, 6, 0, tzinfo=CPH), dt.datetime(2026, 11, 23, 8, 30, tzinfo=CPH)),   # same morning
])
def test_next_opening(moment, expected):
    assert load_opening_hours().next_open(moment) == expected
