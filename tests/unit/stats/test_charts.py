"""Charts render to PNG with the CJK font, with data and without (pure rendering, no app)."""
import io
from datetime import date

import pytest
from PIL import Image

from app.stats.charts import monthly_chart, open_cases_chart
from app.stats.domain import Approval, OpenCase, monthly, open_cases

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
CASES = [OpenCase("village_review", "dibao_rural", True, -2), OpenCase("checking", "tekun", False, 1),
         OpenCase("checking", "tekun", False, 9)]


def decoded(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def ink(image: Image.Image) -> int:
    """Pixels that are not white: a chart with text and bars has many."""
    return sum(count for value, count in enumerate(image.convert("L").histogram()) if value < 200)


@pytest.mark.parametrize("by, key", [("stages", "by_stage"), ("types", "by_type")])
@pytest.mark.parametrize("cases", [CASES, []])
def test_open_cases_chart(by, key, cases):
    rows = open_cases(cases, due_within=3)[key]
    image = decoded(open_cases_chart(rows, by=by, region_name="扶风县", due_within=3, font_path=FONT))
    assert image.size == (800, 450) and ink(image) > 500


@pytest.mark.parametrize("approvals", [[Approval(date(2026, 11, 2), None), Approval(date(2026, 3, 2), 330)], []])
def test_monthly_chart(approvals):
    image = decoded(monthly_chart(monthly(approvals, date(2026, 12, 3)), region_name="扶风县", font_path=FONT))
    assert image.size == (800, 450) and ink(image) > 500


def test_an_empty_chart_says_there_is_no_data_not_an_empty_axis():
    empty = decoded(monthly_chart(monthly([], date(2026, 12, 3)), region_name="扶风县", font_path=FONT))
    full = decoded(monthly_chart(monthly([Approval(date(2026, 11, 2), 330)], date(2026, 12, 3)),
                                 region_name="扶风县", font_path=FONT))
    # No axes, no ticks: only the title and 暂无数据 are drawn.
    assert ink(empty) < ink(full)
