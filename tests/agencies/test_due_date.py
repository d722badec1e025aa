"""`manage.py due_date`: prints only the due date, or a clear error and nothing else."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from dichvucong.agencies.models import CalendarDay
from tests.agencies.calendar_factories import CalendarDayFactory, WorkCalendarFactory

pytestmark = pytest.mark.django_db


def due_date(*args: str) -> str:
    out = StringIO()
    call_command("due_date", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (
            ["--received", "2026-02-13T10:00", "--duration", "5", "--unit", "working_days"],
            "2026-02-27T10:00:00+07:00",
        ),
        # Filed Saturday before Hùng Kings' weekend: received Tue 28/4 07:00.
        (["--received", "2026-04-25T09:00", "--duration", "1"], "2026-04-28T17:00:00+07:00"),
        # An offset is honoured: 02:00 UTC is 09:00 in Vietnam.
        (
            ["--received", "2026-03-09T02:00+00:00", "--duration", "2", "--unit", "hours"],
            "2026-03-09T11:00:00+07:00",
        ),
        (
            ["--received", "2026-03-09T09:00", "--duration", "5", "--unit", "days"],
            "2026-03-16T09:00:00+07:00",
        ),
        # 30/1 + 1 month → 28/2 (clamped), a Saturday → Monday 2/3.
        (
            ["--received", "2026-01-30T09:00", "--duration", "1", "--unit", "months"],
            "2026-03-02T09:00:00+07:00",
        ),
        (["--received", "2026-03-09T14:59", "--same-day"], "2026-03-09T17:00:00+07:00"),
        (["--received", "2026-03-09T15:30", "--same-day"], "2026-03-10T17:00:00+07:00"),
        (
            ["--received", "2026-03-09T15:30", "--same-day", "--cutoff", "16:00"],
            "2026-03-09T17:00:00+07:00",
        ),
    ],
)
def test_prints_only_the_due_date(args, printed):
    assert due_date(*args) == printed + "\n"


def test_months_from_a_saturday_receipt():
    # Filed Sat 31/1/2026 → received Mon 2/2 07:00; one month → Mon 2/3 07:00.
    assert due_date("--received", "2026-01-31T09:00", "--duration", "1", "--unit", "months") == (
        "2026-03-02T07:00:00+07:00\n"
    )


def test_uses_the_agencys_own_calendar():
    own = WorkCalendarFactory(eight_to_five=True)
    CalendarDayFactory(calendar=own, date=date(2026, 3, 10))
    args = ["--received", "2026-03-09T10:00", "--duration", "1"]
    assert due_date(*args) == "2026-03-10T10:00:00+07:00\n"
    assert due_date(*args, "--agency", own.agency.code) == "2026-03-11T10:00:00+07:00\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "2026-02-13T10:00", "--duration", "5", "--unit", "weeks"], "weeks"),
        (["--received", "13/02/2026 10:00", "--duration", "5"], "13/02/2026 10:00"),
        (["--received", "2026-02-30T10:00", "--duration", "5"], "2026-02-30T10:00"),
        (["--received", "2026-02-13T10:00", "--duration", "-1"], "-1"),
        (["--received", "2026-02-13T10:00", "--duration", "two"], "two"),
        (["--received", "2026-02-13T10:00"], "--duration"),
        (["--received", "2026-02-13T10:00", "--duration", "3", "--same-day"], "--duration 0"),
        (["--received", "2026-02-13T10:00", "--same-day", "--cutoff", "3pm"], "3pm"),
        (["--received", "2026-02-13T10:00", "--duration", "5", "--agency", "X99.404"], "X99.404"),
    ],
)
def test_bad_input_is_a_clear_error_and_prints_nothing(args, message):
    out = StringIO()
    rows = CalendarDay.objects.count()
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        call_command("due_date", *args, stdout=out)
    assert message in str(refused.value)
    assert out.getvalue() == ""
    assert CalendarDay.objects.count() == rows


def test_errors_are_in_vietnamese():
    args = ["--received", "2026-02-13T10:00", "--duration", "5", "--unit", "weeks"]
    messages = {}
    for language in ("vi", "en"):
        with translation.override(language), pytest.raises(CommandError) as refused:
            call_command("due_date", *args)
        messages[language] = str(refused.value)
    assert messages["en"].startswith("Unknown unit")
    assert messages["vi"] != messages["en"]


def test_manage_py_exits_non_zero_on_an_error(capsys):
    with pytest.raises(SystemExit) as exited:
        from django.core.management import ManagementUtility

        ManagementUtility(
            ["manage.py", "due_date", "--received", "abc", "--duration", "1"]
        ).execute()
    assert exited.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "abc" in captured.err
