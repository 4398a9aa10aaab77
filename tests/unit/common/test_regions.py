"""Division codes: levels, scope prefixes and ancestry."""
import pytest

from app.common.regions import division_level, is_division_code, lineage, parent_code, scope_prefix, within

PROVINCE, CITY, DISTRICT = "610000000000", "610300000000", "610324000000"
TOWNSHIP, VILLAGE = "610324106000", "610324106201"
OTHER_DISTRICT_VILLAGE = "610302001001"
NEIGHBOUR_VILLAGE = "610325106201"  # same township and village digits, next district


@pytest.mark.parametrize("code, level, prefix", [
    (PROVINCE, "province", "61"),
    (CITY, "city", "6103"),
    (DISTRICT, "district", "610324"),
    (TOWNSHIP, "township", "610324106"),
    (VILLAGE, "village", VILLAGE),
])
def test_level_and_scope_prefix_follow_the_padding(code, level, prefix):
    assert division_level(code) == level
    assert scope_prefix(code) == prefix


@pytest.mark.parametrize("code, parent", [
    (VILLAGE, TOWNSHIP),
    (TOWNSHIP, DISTRICT),
    (DISTRICT, CITY),
    (CITY, PROVINCE),
    (PROVINCE, None),
])
def test_parent_is_the_next_level_up(code, parent):
    assert parent_code(code) == parent


def test_lineage_runs_from_the_code_to_the_province():
    assert lineage(VILLAGE) == [VILLAGE, TOWNSHIP, DISTRICT, CITY, PROVINCE]
    assert lineage(PROVINCE) == [PROVINCE]


@pytest.mark.parametrize("scope, code, inside", [
    (PROVINCE, VILLAGE, True),
    (CITY, VILLAGE, True),
    (DISTRICT, VILLAGE, True),
    (TOWNSHIP, VILLAGE, True),
    (VILLAGE, VILLAGE, True),
    (DISTRICT, DISTRICT, True),
    (CITY, OTHER_DISTRICT_VILLAGE, True),
    (DISTRICT, OTHER_DISTRICT_VILLAGE, False),
    (DISTRICT, NEIGHBOUR_VILLAGE, False),
    (TOWNSHIP, "610324107201", False),
    (VILLAGE, "610324106202", False),
    (VILLAGE, TOWNSHIP, False),
    (DISTRICT, CITY, False),
    (PROVINCE, "620000000000", False),
])
def test_within_is_true_only_for_the_subtree(scope, code, inside):
    assert within(scope, code) is inside


@pytest.mark.parametrize("code, valid", [
    (VILLAGE, True),
    (PROVINCE, True),
    ("000000000000", False),
    ("61032410620", False),
    ("6103241062011", False),
    ("61032410620A", False),
    ("", False),
    (None, False),
])
def test_is_division_code(code, valid):
    assert is_division_code(code) is valid
