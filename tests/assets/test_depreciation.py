"""assets.depreciation: straight line by fiscal year (1 Oct – 30 Sep, BE), first year pro rata by
days held, each charge rounded to the satang, carried down to 1.00 baht (DOMAIN.md section 3).

Expected figures are worked out by hand in the comments, never by calling the code under test.
"""

import datetime as dt
from decimal import Decimal

import pytest

from assets.depreciation import Standing, YearLine, annual_rate, schedule, standing

D = Decimal
ZERO = D("0.00")
ONE = D("1.00")


def _lines(rows):
    """[(fiscal_year, charge, accumulated, net), ...] as YearLines."""
    return [YearLine(year, D(charge), D(accumulated), D(net)) for year, charge, accumulated, net in rows]


def _check_invariants(cost: Decimal, lines: list[YearLine]):
    """What every schedule must satisfy."""
    assert lines, "a cost above 1.00 must give at least one line"
    years = [line.fiscal_year for line in lines]
    assert years == list(range(years[0], years[0] + len(lines))), "consecutive fiscal years"
    running = ZERO
    for line in lines:
        assert line.charge.as_tuple().exponent == -2, f"{line.charge} must have 2 decimal places"
        assert line.accumulated.as_tuple().exponent == -2
        assert line.net.as_tuple().exponent == -2
        assert line.charge >= 0
        running += line.charge
        assert line.accumulated == running
        assert line.net == cost - line.accumulated
        assert line.net >= ONE
    assert lines[-1].accumulated == cost - ONE
    assert lines[-1].net == ONE


# --- annual_rate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("life", "rate"), [(1, "100.00"), (2, "50.00"), (3, "33.33"), (5, "20.00"), (8, "12.50"), (15, "6.67")]
)
def test_annual_rate(life, rate):
    assert annual_rate(life) == D(rate)


# --- schedule: DOMAIN.md's worked example -------------------------------------------------


def test_domain_example_motorcycle_acquired_on_first_day_of_fiscal_year():
    # 45,000 baht over 5 years (20 %/year = 9,000/year), acquired 1 Oct 2023 = first day of FY 2567:
    # four full years of 9,000, then the last year takes 44,999 - 36,000 = 8,999, leaving 1.00.
    lines = schedule(D("45000.00"), 5, dt.date(2023, 10, 1))
    assert lines == _lines(
        [
            (2567, "9000.00", "9000.00", "36000.00"),
            (2568, "9000.00", "18000.00", "27000.00"),
            (2569, "9000.00", "27000.00", "18000.00"),
            (2570, "9000.00", "36000.00", "9000.00"),
            (2571, "8999.00", "44999.00", "1.00"),
        ]
    )
    assert lines[-1].accumulated == D("44999.00")
    assert lines[-1].net == D("1.00")
    _check_invariants(D("45000.00"), lines)


def test_domain_example_acquired_mid_year():
    # Acquired 1 Apr 2024. FY 2567 runs 1 Oct 2023 – 30 Sep 2024 = 366 days (29 Feb 2024).
    # Held 1 Apr – 30 Sep 2024 = 30+31+30+31+31+30 = 183 days -> 9,000 x 183/366 = 4,500.00.
    # Then 9,000 in FY 2568–2571 (accumulated 40,500), remainder 44,999 - 40,500 = 4,499 in FY 2572.
    lines = schedule(D("45000.00"), 5, dt.date(2024, 4, 1))
    assert lines == _lines(
        [
            (2567, "4500.00", "4500.00", "40500.00"),
            (2568, "9000.00", "13500.00", "31500.00"),
            (2569, "9000.00", "22500.00", "22500.00"),
            (2570, "9000.00", "31500.00", "13500.00"),
            (2571, "9000.00", "40500.00", "4500.00"),
            (2572, "4499.00", "44999.00", "1.00"),
        ]
    )
    _check_invariants(D("45000.00"), lines)


def test_acquired_on_last_day_of_fiscal_year_charges_one_day():
    # 30 Sep 2024 is the last day of FY 2567 (366 days): 9,000 x 1/366 = 24.5901… -> 24.59.
    # Then 4 x 9,000 (accumulated 36,024.59) and 44,999 - 36,024.59 = 8,974.41 in FY 2572.
    lines = schedule(D("45000.00"), 5, dt.date(2024, 9, 30))
    assert lines == _lines(
        [
            (2567, "24.59", "24.59", "44975.41"),
            (2568, "9000.00", "9024.59", "35975.41"),
            (2569, "9000.00", "18024.59", "26975.41"),
            (2570, "9000.00", "27024.59", "17975.41"),
            (2571, "9000.00", "36024.59", "8975.41"),
            (2572, "8974.41", "44999.00", "1.00"),
        ]
    )
    _check_invariants(D("45000.00"), lines)


def test_acquired_on_first_day_of_next_fiscal_year_charges_a_full_year():
    # 1 Oct 2024 is the first day of FY 2568 (365 days): a full 9,000.
    lines = schedule(D("45000.00"), 5, dt.date(2024, 10, 1))
    assert lines == _lines(
        [
            (2568, "9000.00", "9000.00", "36000.00"),
            (2569, "9000.00", "18000.00", "27000.00"),
            (2570, "9000.00", "27000.00", "18000.00"),
            (2571, "9000.00", "36000.00", "9000.00"),
            (2572, "8999.00", "44999.00", "1.00"),
        ]
    )
    _check_invariants(D("45000.00"), lines)


def test_acquired_mid_year_in_a_365_day_fiscal_year():
    # FY 2568 = 1 Oct 2024 – 30 Sep 2025, 365 days. Held 1 Apr – 30 Sep 2025 = 183 days:
    # 9,000 x 183/365 = 4,512.3287… -> 4,512.33. Then 4 x 9,000 -> 40,512.33; last 4,486.67.
    lines = schedule(D("45000.00"), 5, dt.date(2025, 4, 1))
    assert [line.fiscal_year for line in lines] == [2568, 2569, 2570, 2571, 2572, 2573]
    assert [line.charge for line in lines] == [
        D("4512.33"), D("9000.00"), D("9000.00"), D("9000.00"), D("9000.00"), D("4486.67"),
    ]
    _check_invariants(D("45000.00"), lines)


def test_acquired_on_31_march_in_leap_fiscal_year():
    # 31 Mar 2024 – 30 Sep 2024 = 1+30+31+30+31+31+30 = 184 days of 366:
    # 12,000/4 = 3,000 a year; 3,000 x 184/366 = 1,508.1967… -> 1,508.20.
    lines = schedule(D("12000.00"), 4, dt.date(2024, 3, 31))
    assert lines[0] == YearLine(2567, D("1508.20"), D("1508.20"), D("10491.80"))
    # 1,508.20 + 3 x 3,000 = 10,508.20; last year 11,999 - 10,508.20 = 1,490.80.
    assert [line.charge for line in lines[1:]] == [D("3000.00")] * 3 + [D("1490.80")]
    assert lines[-1].fiscal_year == 2571
    _check_invariants(D("12000.00"), lines)


def test_annual_charge_that_does_not_divide_evenly_is_rounded_to_the_satang():
    # 10,000 / 3 = 3,333.33 a year; last year 9,999 - 6,666.66 = 3,332.34.
    lines = schedule(D("10000.00"), 3, dt.date(2023, 10, 1))
    assert lines == _lines(
        [
            (2567, "3333.33", "3333.33", "6666.67"),
            (2568, "3333.33", "6666.66", "3333.34"),
            (2569, "3332.34", "9999.00", "1.00"),
        ]
    )


def test_half_satang_rounds_up():
    # 10.05 / 2 = 5.025 -> 5.03 a year (half up); last year 9.05 - 5.03 = 4.02.
    lines = schedule(D("10.05"), 2, dt.date(2023, 10, 1))
    assert [line.charge for line in lines] == [D("5.03"), D("4.02")]
    assert lines[-1].net == ONE


def test_one_year_life():
    lines = schedule(D("100000.00"), 1, dt.date(2023, 10, 1))
    assert lines == _lines([(2567, "99999.00", "99999.00", "1.00")])
    # Mid-year: 100,000 x 183/366 = 50,000.00, then 49,999.00 the next year.
    lines = schedule(D("100000.00"), 1, dt.date(2024, 4, 1))
    assert lines == _lines(
        [
            (2567, "50000.00", "50000.00", "50000.00"),
            (2568, "49999.00", "99999.00", "1.00"),
        ]
    )


def test_small_costs_just_above_one_baht():
    # 1.01: only 0.01 may be depreciated, in one line.
    assert schedule(D("1.01"), 5, dt.date(2023, 10, 1)) == _lines([(2567, "0.01", "0.01", "1.00")])
    # 2.00 over 5 years: 0.40 a year; 0.40, 0.40, then 0.20 brings it to 1.00.
    assert schedule(D("2.00"), 5, dt.date(2023, 10, 1)) == _lines(
        [
            (2567, "0.40", "0.40", "1.60"),
            (2568, "0.40", "0.80", "1.20"),
            (2569, "0.20", "1.00", "1.00"),
        ]
    )


def test_cost_given_as_int_or_str():
    expected = [D("9000.00")] * 4 + [D("8999.00")]
    assert [line.charge for line in schedule(45000, 5, dt.date(2023, 10, 1))] == expected
    assert [line.charge for line in schedule("45000.00", 5, dt.date(2023, 10, 1))] == expected


@pytest.mark.parametrize("cost", ["1.00", "1", "0.99", "0.50", "0.00", "0"])
def test_cost_of_one_baht_or_less_gives_no_lines(cost):
    assert schedule(D(cost), 5, dt.date(2023, 10, 1)) == []


@pytest.mark.parametrize("life", [0, -1, -5, None])
def test_zero_or_negative_useful_life_raises(life):
    with pytest.raises(ValueError):
        schedule(D("45000.00"), life, dt.date(2023, 10, 1))


def test_negative_cost_raises():
    with pytest.raises(ValueError):
        schedule(D("-100.00"), 5, dt.date(2023, 10, 1))


@pytest.mark.parametrize("cost", ["1.01", "2.00", "99.99", "1234.56", "10000.00", "45000.00", "123456.78", "9999999.99"])
@pytest.mark.parametrize("life", [1, 2, 3, 5, 7, 8, 10, 12, 20, 25])
@pytest.mark.parametrize(
    "acquired_on",
    [
        dt.date(2023, 10, 1),
        dt.date(2023, 10, 2),
        dt.date(2024, 2, 29),
        dt.date(2024, 4, 1),
        dt.date(2024, 9, 30),
        dt.date(2024, 10, 1),
        dt.date(2025, 6, 15),
    ],
)
def test_every_schedule_ends_at_cost_minus_one(cost, life, acquired_on):
    cost = D(cost)
    lines = schedule(cost, life, acquired_on)
    _check_invariants(cost, lines)
    # FY of acquisition, by hand: BE year + 1 from October on.
    first_year = acquired_on.year + 543 + (1 if acquired_on.month >= 10 else 0)
    assert lines[0].fiscal_year == first_year
    # Never longer than the useful life plus the extra year a pro-rata start causes.
    assert len(lines) <= life + 1
    # Middle years charge the full (rounded) annual amount.
    annual = (cost / life).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    for line in lines[1:-1]:
        assert line.charge == annual


# --- standing -------------------------------------------------------------------------------


def test_standing_before_acquisition_is_cost():
    result = standing(D("45000.00"), 5, dt.date(2024, 4, 1), dt.date(2024, 3, 31))
    assert result == Standing(ZERO, ZERO, D("45000.00"))
    result = standing(D("45000.00"), 5, dt.date(2024, 4, 1), dt.date(2020, 1, 1))
    assert result == Standing(ZERO, ZERO, D("45000.00"))


def test_standing_on_acquisition_day_charges_one_day():
    # Acquired 1 Oct 2023, seen the same day: 9,000 x 1/366 = 24.59.
    result = standing(D("45000.00"), 5, dt.date(2023, 10, 1), dt.date(2023, 10, 1))
    assert result == Standing(D("9000.00"), D("24.59"), D("44975.41"))


def test_standing_mid_first_year_pro_rata():
    # Acquired 1 Apr 2024 (first-year charge 4,500 for 183 days); on 30 Jun 2024 it has been
    # held 30+31+30 = 91 days: 4,500 x 91/183 = 2,237.7049… -> 2,237.70.
    result = standing(D("45000.00"), 5, dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert result == Standing(D("4500.00"), D("2237.70"), D("42762.30"))


def test_standing_at_end_of_fiscal_year_is_the_full_charge():
    result = standing(D("45000.00"), 5, dt.date(2023, 10, 1), dt.date(2024, 9, 30))
    assert result == Standing(D("9000.00"), D("9000.00"), D("36000.00"))
    result = standing(D("45000.00"), 5, dt.date(2024, 4, 1), dt.date(2024, 9, 30))
    assert result == Standing(D("4500.00"), D("4500.00"), D("40500.00"))


def test_standing_on_first_day_of_the_next_year():
    # FY 2567 complete (9,000) plus 1 day of FY 2568 (365 days): 9,000/365 = 24.6575… -> 24.66.
    result = standing(D("45000.00"), 5, dt.date(2023, 10, 1), dt.date(2024, 10, 1))
    assert result == Standing(D("9000.00"), D("9024.66"), D("35975.34"))


def test_standing_mid_later_year_pro_rata():
    # Acquired 1 Oct 2023. On 31 Mar 2025: FY 2567 complete (9,000) plus FY 2568 (365 days) held
    # 31+30+31+31+28+31 = 182 days: 9,000 x 182/365 = 4,487.6712… -> 4,487.67.
    result = standing(D("45000.00"), 5, dt.date(2023, 10, 1), dt.date(2025, 3, 31))
    assert result == Standing(D("9000.00"), D("13487.67"), D("31512.33"))


def test_standing_mid_last_year_pro_rata_of_the_remainder():
    # Last line is FY 2571 (1 Oct 2027 – 30 Sep 2028, 366 days), charge 8,999. On 31 Mar 2028 it
    # has been 31+30+31+31+29+31 = 183 days: 8,999 x 183/366 = 4,499.50; plus 36,000 before.
    result = standing(D("45000.00"), 5, dt.date(2023, 10, 1), dt.date(2028, 3, 31))
    assert result == Standing(D("8999.00"), D("40499.50"), D("4500.50"))


@pytest.mark.parametrize("on", [dt.date(2028, 9, 30)])
def test_standing_on_last_day_of_depreciation(on):
    result = standing(D("45000.00"), 5, dt.date(2023, 10, 1), on)
    assert result == Standing(D("8999.00"), D("44999.00"), D("1.00"))


@pytest.mark.parametrize("on", [dt.date(2028, 10, 1), dt.date(2030, 6, 1), dt.date(2060, 9, 30)])
def test_standing_after_full_depreciation_stays_at_one_baht(on):
    result = standing(D("45000.00"), 5, dt.date(2023, 10, 1), on)
    assert result.annual == ZERO
    assert result.accumulated == D("44999.00")
    assert result.net == D("1.00")


def test_standing_of_cost_at_most_one_baht_is_never_depreciated():
    result = standing(D("1.00"), 5, dt.date(2023, 10, 1), dt.date(2030, 1, 1))
    assert result == Standing(ZERO, ZERO, D("1.00"))


def test_standing_never_decreases_and_ends_at_one_baht():
    cost = D("45000.00")
    acquired = dt.date(2024, 4, 1)
    day = acquired - dt.timedelta(days=3)
    previous = ZERO
    while day <= dt.date(2029, 12, 31):
        result = standing(cost, 5, acquired, day)
        assert result.accumulated >= previous
        assert result.net == cost - result.accumulated
        assert result.net >= ONE
        assert result.accumulated.as_tuple().exponent == -2
        previous = result.accumulated
        day += dt.timedelta(days=7)
    assert previous == D("44999.00")


def test_standing_at_each_fiscal_year_end_matches_the_schedule_by_hand():
    # Year ends for the mid-year example: 4,500 / 13,500 / 22,500 / 31,500 / 40,500 / 44,999.
    expected = {
        dt.date(2024, 9, 30): "4500.00",
        dt.date(2025, 9, 30): "13500.00",
        dt.date(2026, 9, 30): "22500.00",
        dt.date(2027, 9, 30): "31500.00",
        dt.date(2028, 9, 30): "40500.00",
        dt.date(2029, 9, 30): "44999.00",
    }
    for on, accumulated in expected.items():
        result = standing(D("45000.00"), 5, dt.date(2024, 4, 1), on)
        assert result.accumulated == D(accumulated), on
        assert result.net == D("45000.00") - D(accumulated)
