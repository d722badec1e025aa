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
# Later than every fixed date the tests' data use (March 2026 and its apologies' new dates).
AFTER_THE_DATA = DEFAULT_NOW

after_the_data = pytest.mark.now(AFTER_THE_DATA)
