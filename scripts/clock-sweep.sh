#!/usr/bin/env bash
# The clock sweep (decision 0008): every test marked `clock` runs at each instant of the table
# in tests/clock.py (SWEEP: Monday 07:00, both sides of the lunch break, the 15:00 cut-off and
# closing, Friday afternoon, the weekend, a swapped working Saturday, Tết 2026, New Year), on
# the configured database (DATABASE_URL; SQLite without it). One pytest session parametrizes
# the tests by instant, so the test database is built once. The journeys on the demo data
# (marked `journey`: the browser's and its service-level twin) keep to the default instant, as
# they take minutes each; `DVC_TEST_NOW=... make test` runs everything at one instant. Extra
# arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-.venv/bin/python}
where=${DATABASE_URL:+PostgreSQL}
started=$(date +%s)
"$python" -m pytest tests -m "clock and not journey" --clock-sweep -n "${SWEEP_WORKERS:-2}" \
  -p no:cacheprovider -q "$@"
echo "Clock sweep on ${where:-SQLite} finished in $(( $(date +%s) - started )) s"
