import datetime as dt
from decimal import Decimal

from dangbo.core.formatting import fmt_date, fmt_decimal, fmt_int, fmt_percent, parse_date


def test_integers_use_dots_for_thousands():
    assert fmt_int(6731) == "6.731"
    assert fmt_int(5600000) == "5.600.000"
    assert fmt_int(12) == "12"
    assert fmt_int(-1234) == "-1.234"


def test_percentages_use_a_decimal_comma():
    assert fmt_percent(96.66) == "96,7%"
    assert fmt_percent(2, 3) == "66,7%"
    assert fmt_percent(1, 0) == ""


def test_decimals_round_half_up():
    assert fmt_decimal(Decimal("0.05"), 1) == "0,1"
    assert fmt_decimal(1234.5, 1) == "1.234,5"


def test_dates_are_day_month_year():
    assert fmt_date(dt.date(2018, 6, 20)) == "20/06/2018"
    assert parse_date("20/06/2018") == dt.date(2018, 6, 20)
    assert parse_date("2018-06-20") == dt.date(2018, 6, 20)
