"""Display masking (GB/T 35273): what staff lists and public notices show."""
import pytest

from app.common.masking import mask_id_number, mask_middle, mask_name, mask_numbers_in, mask_phone


@pytest.mark.parametrize("value, shown", [
    ("61032419900101123X", "610324********123X"),
    ("610324199001011230", "610324********1230"),
    ("610324900101123", "610324*****1123"),  # the 15-digit numbers issued before 1999
    ("12345678901", "123456*8901"),
])
def test_id_number_shows_the_first_six_and_last_four(value, shown):
    assert mask_id_number(value) == shown


@pytest.mark.parametrize("value, shown", [
    ("13812345678", "138****5678"),
    ("19900001111", "199****1111"),
    ("12345678", "123*5678"),
])
def test_phone_shows_the_first_three_and_last_four(value, shown):
    assert mask_phone(value) == shown


@pytest.mark.parametrize("value, shown", [
    ("张伟", "张*"),
    ("张", "张*"),
    ("李小明", "李**"),
    ("欧阳娜娜", "欧***"),
])
def test_name_shows_only_the_first_character(value, shown):
    assert mask_name(value) == shown


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name])
@pytest.mark.parametrize("value", [None, ""])
def test_missing_values_pass_through(mask, value):
    assert mask(value) == value


@pytest.mark.parametrize("mask, value", [
    (mask_id_number, "1234567890"),
    (mask_id_number, "61"),
    (mask_phone, "1381234"),
    (mask_phone, "1"),
])
def test_values_too_short_to_keep_a_prefix_are_fully_masked(mask, value):
    assert mask(value) == "*" * len(value)


@pytest.mark.parametrize("mask, value", [
    (mask_id_number, "61032419900101123X"),
    (mask_phone, "13812345678"),
    (mask_name, "王小二"),
])
def test_masking_keeps_the_length(mask, value):
    assert len(mask(value)) == len(value)


@pytest.mark.parametrize("value, start, end, shown", [
    ("陕C3K582", 2, 2, "陕C****2"),                      # never more than half kept
    ("扶风县段家镇青龙村三组12号", 6, 0, "扶风县段家镇********"),
    ("610324001234", 4, 2, "6103******34"),
    ("AB", 2, 2, "A*"),
    ("", 2, 2, ""),
    (None, 2, 2, None),
])
def test_other_identifying_text_keeps_at_most_half(value, start, end, shown):
    assert mask_middle(value, keep_start=start, keep_end=end) == shown


@pytest.mark.parametrize("text, shown", [
    ("签名与本人不符，电话13912345678", "签名与本人不符，电话139****5678"),
    ("身份证号610324199001011230的人员", "身份证号610324********1230的人员"),
    ("旧证号610324900101123，新证号11010519491231002x", "旧证号610324*****1123，新证号110105********002x"),
    ("每月3500元，账户尾号4821，2026年10月31日", "每月3500元，账户尾号4821，2026年10月31日"),
    ("编号123456789012（12位）与电话013912345678", "编号123456789012（12位）与电话013912345678"),
    (None, None),
])
def test_numbers_typed_into_free_text_are_masked(text, shown):
    assert mask_numbers_in(text) == shown
