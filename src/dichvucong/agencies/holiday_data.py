"""Public holidays as data: the official notices for 2025 and 2026, and readers of the `holidays`
package for every other year (domain.md §8).

No Django here: the data migration 0002 reads `OFFICIAL_DAYS`, and calendar_services seeds other
years through `package_days`. Kinds are the values of `CalendarDay.Kind`.

The official notices win over the package because the package only marks days off: it knows
nothing of swapped working Saturdays (26/4/2025, 22/8/2026), and its Tết set (eve to mùng 4
plus observed days) need not match the official five days every year. For 2025 and 2026 it
agrees with the notices on every weekday off (tests/agencies/test_calendar_services.py checks
that), so nothing below contradicts it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

DAY_OFF = "off"  # CalendarDay.Kind.DAY_OFF
WORKING_DAY = "working"  # CalendarDay.Kind.WORKING_DAY

# 24/11 is listed by `holidays` >= 0.109 from 2026 (Politburo NQ 80-NQ/TW) but, as of 02/2026,
# still needed an amendment to Labour Code Art. 112 (domain.md §8 [U]). It is a day off only when
# settings.DVC_HOLIDAY_CULTURE_DAY is on; the switch is applied when a calendar is built, never
# stored, so flipping it needs no reseeding.
CULTURE_DAY_NAME = "Ngày Văn hóa Việt Nam"
CULTURE_DAY_FIRST_YEAR = 2026


class HolidayRow(NamedTuple):
    date: date
    kind: str
    name: str


def _days(first: date, last: date, name: str) -> tuple[HolidayRow, ...]:
    count = (last - first).days + 1
    return tuple(HolidayRow(first + timedelta(days=i), DAY_OFF, name) for i in range(count))


_TET = "Nghỉ Tết Nguyên đán"

# Weekend days are listed only where the notice (as summarised in domain.md §8) states a
# continuous break that includes them: they matter to an agency whose own calendar works on
# Saturdays. Where the notes give no such span, only the holidays themselves are listed.
OFFICIAL_DAYS: dict[int, tuple[HolidayRow, ...]] = {
    # 2025: Công văn 8726/VPCP-KGVX of 26/11/2024 (Tết 2025 and the 2/5 ↔ 26/4 swap) and the
    # Ministry of Labour's notice for civil servants (the `holidays` package cites it as
    # Thông báo 6150/TB-BLĐTBXH of 2024; its number is not verified here). domain.md §8 [V].
    2025: (
        HolidayRow(date(2025, 1, 1), DAY_OFF, "Tết Dương lịch"),
        # Tết: official days off Mon 27/1 - Fri 31/1; 9 days 25/1 - 2/2 (26 Chạp - mùng 5).
        *_days(date(2025, 1, 25), date(2025, 2, 2), _TET),
        HolidayRow(date(2025, 4, 7), DAY_OFF, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
        # Sat 26/4 is worked in exchange for Fri 2/5, making 30/4 - 4/5 one break.
        HolidayRow(date(2025, 4, 26), WORKING_DAY, "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025"),
        HolidayRow(date(2025, 4, 30), DAY_OFF, "Ngày Chiến thắng (30/4)"),
        HolidayRow(date(2025, 5, 1), DAY_OFF, "Ngày Quốc tế Lao động (1/5)"),
        HolidayRow(date(2025, 5, 2), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)"),
        HolidayRow(date(2025, 5, 3), DAY_OFF, "Nghỉ lễ 30/4 - 1/5 (cuối tuần)"),
        HolidayRow(date(2025, 5, 4), DAY_OFF, "Nghỉ lễ 30/4 - 1/5 (cuối tuần)"),
        # Quốc khánh: Mon 1/9 + Tue 2/9, with the weekend 30-31/8.
        HolidayRow(date(2025, 8, 30), DAY_OFF, "Nghỉ lễ Quốc khánh (cuối tuần)"),
        HolidayRow(date(2025, 8, 31), DAY_OFF, "Nghỉ lễ Quốc khánh (cuối tuần)"),
        HolidayRow(date(2025, 9, 1), DAY_OFF, "Quốc khánh (ngày liền kề)"),
        HolidayRow(date(2025, 9, 2), DAY_OFF, "Quốc khánh (2/9)"),
    ),
    # 2026: Thông báo 9441/TB-BNV of the Ministry of Home Affairs, 16/10/2025; Hùng Kings'
    # compensation day confirmed by thanhnien.vn 23/02/2026. domain.md §8 [V].
    2026: (
        HolidayRow(date(2026, 1, 1), DAY_OFF, "Tết Dương lịch"),
        # Tết: official days off Mon 16/2 - Fri 20/2; with weekends Sat 14/2 - Sun 22/2
        # (27 Chạp - mùng 6; mùng 1 is Tue 17/2).
        *_days(date(2026, 2, 14), date(2026, 2, 22), _TET),
        # 10/3 lunar falls on Sunday 26/4: compensated on Monday 27/4 (Labour Code Art. 111.3).
        HolidayRow(date(2026, 4, 26), DAY_OFF, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
        HolidayRow(date(2026, 4, 27), DAY_OFF, "Nghỉ bù Giỗ Tổ Hùng Vương"),
        HolidayRow(date(2026, 4, 30), DAY_OFF, "Ngày Chiến thắng (30/4)"),
        HolidayRow(date(2026, 5, 1), DAY_OFF, "Ngày Quốc tế Lao động (1/5)"),
        # Quốc khánh: Tue 1/9 + Wed 2/9; Mon 31/8 off in exchange for Sat 22/8, so the break is
        # Sat 29/8 - Wed 2/9.
        HolidayRow(date(2026, 8, 22), WORKING_DAY, "Làm bù cho ngày nghỉ thứ Hai 31/8/2026"),
        HolidayRow(date(2026, 8, 29), DAY_OFF, "Nghỉ lễ Quốc khánh (cuối tuần)"),
        HolidayRow(date(2026, 8, 30), DAY_OFF, "Nghỉ lễ Quốc khánh (cuối tuần)"),
        HolidayRow(date(2026, 8, 31), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)"),
        HolidayRow(date(2026, 9, 1), DAY_OFF, "Quốc khánh (ngày liền kề)"),
        HolidayRow(date(2026, 9, 2), DAY_OFF, "Quốc khánh (2/9)"),
    ),
}


@lru_cache(maxsize=64)
def _package_holidays(year: int) -> tuple[tuple[date, str], ...]:
    import holidays

    entries = holidays.country_holidays("VN", years=year, language="vi")
    return tuple(sorted(entries.items()))


def _is_culture_day(name: str) -> bool:
    # Also catches the package's compensation day ("… (nghỉ bù)") when 24/11 is a weekend day.
    return name.startswith(CULTURE_DAY_NAME)


def culture_days(year: int) -> tuple[date, ...]:
    """24/11 of `year` and, when it falls on a weekend, the package's compensation day."""
    if year < CULTURE_DAY_FIRST_YEAR:
        return ()
    return tuple(day for day, name in _package_holidays(year) if _is_culture_day(name))


_SUBSTITUTED = re.compile(r"\(thay cho ngày (\d{2})/(\d{2})/(\d{4})\)")


def package_days(year: int) -> tuple[HolidayRow, ...]:
    """Days off of `year` from `holidays.country_holidays("VN")`, in Vietnamese, without 24/11.

    A swapped day off is labelled "Ngày nghỉ (thay cho ngày DD/MM/YYYY)": the date it names is
    worked instead, so it becomes a working-day row (the package marks only days off). Swaps
    reaching into another year are left out: a year's rows stay inside the year.
    """
    rows: dict[date, HolidayRow] = {}
    for day, name in _package_holidays(year):
        if _is_culture_day(name):
            continue
        for part in name.split("; "):  # the package joins two names on one date with "; "
            match = _SUBSTITUTED.search(part)
            if match:
                worked = date(int(match[3]), int(match[2]), int(match[1]))
                if worked.year == year:
                    rows[worked] = HolidayRow(
                        worked, WORKING_DAY, f"Làm bù cho ngày nghỉ {day:%d/%m/%Y}"
                    )
        rows[day] = HolidayRow(day, DAY_OFF, name)
    return tuple(sorted(rows.values()))


def official_or_package_days(year: int) -> tuple[tuple[HolidayRow, ...], bool]:
    """The rows to seed for `year` and whether they come from an official notice."""
    if year in OFFICIAL_DAYS:
        return OFFICIAL_DAYS[year], True
    return package_days(year), False
