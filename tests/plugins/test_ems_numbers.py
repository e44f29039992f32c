"""Mail item numbers as agents type them and callers key them: the UPU S10 check digit
against published examples, the two special cases (10 → 0, 11 → 5), 13-digit domestic
numbers, and the forms a Chinese input method produces."""
from __future__ import annotations

import pytest

from plugins.ems import numbers
from plugins.ems.numbers import BadNumber, ItemNumber, check_digit, parse, parse_keyed


def test_the_upu_example_number_checks():
    # The example of the UPU's S10 standard (and of every description of it): AA 47312482 9 GB.
    assert check_digit("47312482") == 9
    assert parse("AA473124829GB") == ItemNumber("AA473124829GB", numbers.S10)


@pytest.mark.parametrize("number", ["EA123456785CN", "RR123456785CN", "CP123456785CN"])
def test_the_usual_china_post_example_checks(number):
    # 1·8 + 2·6 + 3·4 + 4·2 + 5·3 + 6·5 + 7·9 + 8·7 = 204; 204 mod 11 = 6; 11 − 6 = 5
    assert parse(number).text == number


def test_ten_becomes_zero_and_eleven_becomes_five():
    assert sum(int(d) * w for d, w in zip("00000008", numbers.WEIGHTS)) % 11 == 1  # 11 − 1 = 10
    assert check_digit("00000008") == 0
    assert check_digit("00000000") == 5  # 11 − 0 = 11
    assert parse("EA000000080CN").kind == numbers.S10
    assert parse("EA000000005CN").kind == numbers.S10


@pytest.mark.parametrize("wrong", ["AA473124828GB", "EA123456780CN", "EA000000081CN"])
def test_a_wrong_check_digit_is_refused(wrong):
    with pytest.raises(BadNumber) as caught:
        parse(wrong)
    assert caught.value.reason == "check_digit"


@pytest.mark.parametrize("bad", ["", "EA12345678CN", "EA1234567855CN", "E1123456785CN", "1234567890", "EA12345678XCN"])
def test_a_malformed_number_is_a_format_error(bad):
    with pytest.raises(BadNumber) as caught:
        parse(bad)
    assert caught.value.reason == "format"


def test_spaces_dashes_lower_case_and_full_width_are_read():
    assert parse(" ea 1234 5678 5 cn ").text == "EA123456785CN"
    assert parse("ＥＡ１２３４５６７８５ＣＮ").text == "EA123456785CN"
    assert parse("1100-1234-56789").text == "1100123456789"


def test_a_domestic_number_is_13_digits():
    number = parse("1100123456789")
    assert (number.kind, number.serial) == (numbers.DOMESTIC, "1100123456789")


def test_the_serial_is_what_a_caller_keys():
    assert parse("EA123456785CN").serial == "123456785"


def test_keyed_digits():
    assert parse_keyed("123456785") == "123456785"
    assert parse_keyed("1100123456789") == ItemNumber("1100123456789", numbers.DOMESTIC)
    with pytest.raises(BadNumber) as caught:
        parse_keyed("123456784")
    assert caught.value.reason == "check_digit"
    with pytest.raises(BadNumber):
        parse_keyed("12345678")
