"""Which policy parameter is in force: nearest region first, then the newest effective one."""
from datetime import date
from decimal import Decimal

import pytest

from app.common.regions import lineage
from app.verification.domain import Parameter, in_force

PROVINCE, CITY, DISTRICT, TOWNSHIP, VILLAGE = (
    "610000000000", "610300000000", "610324000000", "610324106000", "610324106201")
CHAIN = lineage(VILLAGE)
ON = date(2024, 6, 1)


def standard(value, effective_from, region, name="dibao_urban_standard"):
    return Parameter(name, Decimal(value), effective_from, region)


@pytest.mark.parametrize("candidates, expected", [
    pytest.param([standard(700, date(2024, 1, 1), PROVINCE)], 700, id="only the province sets it"),
    pytest.param([standard(700, date(2024, 1, 1), PROVINCE), standard(760, date(2023, 1, 1), DISTRICT)],
                 760, id="nearest region wins over a newer farther one"),
    pytest.param([standard(740, date(2023, 1, 1), DISTRICT), standard(760, date(2024, 1, 1), DISTRICT)],
                 760, id="newest in force wins in one region"),
    pytest.param([standard(760, date(2024, 6, 1), DISTRICT), standard(740, date(2023, 1, 1), DISTRICT)],
                 760, id="effective on the day itself"),
    pytest.param([standard(740, date(2023, 1, 1), DISTRICT), standard(800, date(2024, 6, 2), DISTRICT)],
                 740, id="future-dated value ignored"),
    pytest.param([standard(700, date(2023, 1, 1), CITY), standard(800, date(2025, 1, 1), TOWNSHIP)],
                 700, id="nearer region with only a future value falls back"),
])
def test_the_value_in_force(candidates, expected):
    chosen = in_force(candidates, CHAIN, ON)
    assert chosen["dibao_urban_standard"].value == Decimal(expected)


@pytest.mark.parametrize("candidates", [
    pytest.param([], id="nothing set"),
    pytest.param([standard(800, date(2024, 7, 1), DISTRICT)], id="only future values"),
    pytest.param([standard(800, date(2023, 1, 1), DISTRICT, name="tekun_urban_standard")], id="another name"),
])
def test_a_name_with_no_value_in_force_is_absent(candidates):
    assert "dibao_urban_standard" not in in_force(candidates, CHAIN, ON)


def test_each_name_is_chosen_independently():
    candidates = [
        standard(760, date(2024, 1, 1), DISTRICT),
        standard(1000, date(2024, 1, 1), PROVINCE, name="tekun_urban_standard"),
        standard(Decimal("1.5"), date(2020, 1, 1), CITY, name="low_income_multiple"),
    ]
    chosen = in_force(candidates, CHAIN, ON)
    assert {name: p.region_code for name, p in chosen.items()} == {
        "dibao_urban_standard": DISTRICT, "tekun_urban_standard": PROVINCE, "low_income_multiple": CITY}


def test_the_answer_does_not_depend_on_the_order_of_candidates():
    candidates = [standard(700, date(2022, 1, 1), CITY), standard(760, date(2024, 1, 1), DISTRICT),
                  standard(740, date(2023, 1, 1), DISTRICT), standard(800, date(2025, 1, 1), DISTRICT)]
    assert in_force(candidates, CHAIN, ON) == in_force(candidates[::-1], CHAIN, ON)
