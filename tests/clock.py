"""Instants for tests that depend on "now" (decision 0008); the autouse fixture `_clock` in
tests/conftest.py travels there with time-machine.

- `@pytest.mark.clock`: the test is about what happens now and must pass at any instant; it
  runs at `DVC_TEST_NOW` (the clock sweep, scripts/clock-sweep.sh) or at DEFAULT_NOW.
- `@pytest.mark.now(AFTER_THE_DATA)`: the test's data are fixed dates (the processing world's
  Monday 2/3/2026) and its actions happen "now", which must come after them.
"""

import datetime as dt

import pytest

LOCAL = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh: no daylight saving since 1975

# The instant the failures showed up: Tuesday 8/12/2026, 07:20 local time.
DEFAULT_NOW = dt.datetime(2026, 12, 8, 7, 20, tzinfo=LOCAL)
# Later than the processing world's fixed dates (March 2026 and its apologies' new dates); a
# test whose data are later (December 2026) sets its own instants with time-machine.
AFTER_THE_DATA = DEFAULT_NOW

after_the_data = pytest.mark.now(AFTER_THE_DATA)


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL)


# The clock sweep: `pytest -m clock --clock-sweep` runs each test marked `clock` at every one
# of these instants (local time; the calendar's facts from docs/domain.md, R9 and R10).
SWEEP = {
    "mon-0700": local(2026, 12, 7, 7, 0),  # the week's first working minute
    "tue-0720": local(2026, 12, 8, 7, 20),  # the instant
    "tue-1129": local(2026, 12, 8, 11, 29),  # the lunch break (11:30-13:30), both sides
    "tue-1131": local(2026, 12, 8, 11, 31),
    "tue-1329": local(2026, 12, 8, 13, 29),
    "tue-1331": local(2026, 12, 8, 13, 31),
    "tue-1459": local(2026, 12, 8, 14, 59),  # the same-day cut-off (15:00), both sides
    "tue-1501": local(2026, 12, 8, 15, 1),
    "tue-1659": local(2026, 12, 8, 16, 59),  # closing time (17:00), both sides
    "tue-1701": local(2026, 12, 8, 17, 1),
    "fri-1659": local(2026, 12, 11, 16, 59),  # Friday afternoon, a minute before the weekend
    "sat-1000": local(2026, 12, 12, 10, 0),
    "sun-2300": local(2026, 12, 13, 23, 0),  # received Mon 07:00 (R10)
    "swapped-sat-1000": local(2026, 8, 22, 10, 0),  # a working Saturday (swapped for Mon 31/8/2026)
    "tet-eve-1659": local(2026, 2, 13, 16, 59),  # the last working minute before Tết 2026
    "tet-1000": local(2026, 2, 17, 10, 0),  # Mùng 1 Tết (off 14/2-22/2/2026)
    "after-tet-0700": local(2026, 2, 23, 7, 0),  # the first working minute after Tết
    "new-year-eve-2359": local(2026, 12, 31, 23, 59),
    "new-year-0001": local(2027, 1, 1, 0, 1),  # a holiday in a year not shipped, but seeded
}
