"""AST rules: financial assets, vehicles, homes and business registrations against local limits."""
import pytest

from app.verification.policy.rules.assets import asset_tests, businesses, financial_assets, homes, vehicles
from tests.unit.verification.policy.builders import asset, facts, params

THREE = (0, 1, 2)


@pytest.mark.parametrize("rule, assets, without, outcome", [
    # Financial assets: 24 months × 630.00 = 15120.00 per person.
    pytest.param(financial_assets, [], (), "pass", id="financial: none declared"),
    pytest.param(financial_assets, [asset("deposit", value="30000.00"), asset("security", value="15360.00")], (),
                 "pass", id="financial: 15120.00 per person is the limit"),
    pytest.param(financial_assets, [asset("deposit", value="45360.03")], (), "fail", id="financial: above the limit"),
    pytest.param(financial_assets, [asset("deposit")], (), "missing", id="financial: amount not given"),
    pytest.param(financial_assets, [asset("deposit", value="100.00")], ("financial_assets_months",), "missing",
                 id="financial: months not configured"),
    pytest.param(financial_assets, [asset("deposit", value="100.00")], ("dibao_rural_standard",), "missing",
                 id="financial: standard not configured"),
    # Vehicles: 30000.00 in total.
    pytest.param(vehicles, [], (), "pass", id="vehicle: none"),
    pytest.param(vehicles, [asset("vehicle", value="20000.00"), asset("vehicle", value="10000.00")], (), "pass",
                 id="vehicle: at the limit"),
    pytest.param(vehicles, [asset("vehicle", value="30000.01")], (), "fail", id="vehicle: above the limit"),
    pytest.param(vehicles, [asset("vehicle")], (), "missing", id="vehicle: value not given"),
    pytest.param(vehicles, [asset("vehicle", value="5000.00")], ("vehicle_value_limit",), "missing",
                 id="vehicle: limit not configured"),
    # Homes: one home, 60 m² per person.
    pytest.param(homes, [], (), "pass", id="home: none"),
    pytest.param(homes, [asset("home", area="180")], (), "pass", id="home: 60 m² per person"),
    pytest.param(homes, [asset("home", area="60"), asset("home", area="40", member=1)], (), "fail",
                 id="home: a second home"),
    pytest.param(homes, [asset("home", area="181")], (), "fail", id="home: too large"),
    pytest.param(homes, [asset("home")], (), "missing", id="home: area not given"),
    pytest.param(homes, [asset("home", area="80")], ("home_area_per_person_limit",), "missing",
                 id="home: limit not configured"),
    # Business registrations: registered capital up to 50000.00.
    pytest.param(businesses, [], (), "pass", id="business: none"),
    pytest.param(businesses, [asset("business", value="50000.00")], (), "pass", id="business: small capital"),
    pytest.param(businesses, [asset("business", value="50000.01")], (), "fail", id="business: large capital"),
    pytest.param(businesses, [asset("business")], (), "missing", id="business: capital unknown"),
    pytest.param(businesses, [asset("business", value="1000.00")], ("business_capital_limit",), "missing",
                 id="business: limit not configured"),
])
def test_asset_rules(rule, assets, without, outcome):
    assert rule(facts(assets=assets), THREE, params(without=without)).outcome == outcome


@pytest.mark.parametrize("owner, outcome", [
    pytest.param(None, "fail", id="a household asset counts"),
    pytest.param(1, "fail", id="a counted member's asset counts"),
    pytest.param(2, "pass", id="an uncounted member's asset does not"),
])
def test_whose_assets_count(owner, outcome):
    finding = vehicles(facts(assets=[asset("vehicle", member=owner, value="80000.00")]), (0, 1), params())
    assert finding.outcome == outcome


def test_financial_limit_is_explained_with_both_parameters():
    finding = financial_assets(facts(assets=[asset("deposit", value="50000.00")]), THREE, params())
    assert finding.explanation == (
        "金融资产合计 50000.00 元，人均 16666.67 元 > 人均金融资产上限 24 个月低保标准（区划 610300000000 规定，"
        "2026-01-01 起执行） × 当地农村低保标准 630.00 元/人·月（区划 610300000000 规定，2026-01-01 起执行）"
        " = 15120.00 元")


def test_urban_household_uses_the_urban_standard():
    finding = financial_assets(facts(assets=[asset("deposit", value="50000.00")], hukou_type="urban"), THREE,
                               params())
    assert (finding.outcome, finding.values["limit"]) == ("pass", "19920.00")


def test_all_four_tests_run():
    assert [f.code for f in asset_tests(facts(), THREE, params())] == ["AST-001", "AST-002", "AST-003", "AST-004"]
