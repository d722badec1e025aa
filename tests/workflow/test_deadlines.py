"""Deadline marks (R8): due soon from one working day before, overdue after, across Tết; the
apology prompt; each mark notified once, after commit; paused dossiers left alone."""

import datetime as dt
from collections import defaultdict
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command

from dichvucong.dossiers.models import Dossier, DossierStep
from dichvucong.workflow import effects
from dichvucong.workflow import processing as p
from dichvucong.workflow.applicant import dossier_resubmit
from dichvucong.workflow.deadlines import deadlines_mark
from dichvucong.workflow.steps import open_step
from dichvucong.workflow.tasks import deadlines_mark_task
from tests.clock import after_the_data
from tests.dossiers.factories import AttachmentFactory
from tests.workflow.world import local, world

# The world's data are fixed dates in 2026; what these tests do "now" comes after them.
pytestmark = after_the_data


MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def events(monkeypatch):
    """The deadline events as the registered handlers (notifications) receive them."""
    calls: list[tuple[int, str]] = []
    handlers = defaultdict(list)
    for name in ("step_due_soon", "step_overdue", "apology_prompt", "dossier_overdue"):
        handlers[name].append(lambda pk, name: calls.append((pk, name)))
    monkeypatch.setattr(effects, "_handlers", handlers)
    return calls


@pytest.fixture
def w(db):
    return world()


def _at_specialist(w, *, received, forwarded):
    dossier = w.dossier(at=received)
    dossier = p.step_forward(step=open_step(dossier), actor=w.desk_officer, at=forwarded)
    return dossier, open_step(dossier)


def _mark(now, capture):
    with capture(execute=True):
        return deadlines_mark(now=now)


def test_overdue_across_tet(w, events, django_capture_on_commit_callbacks):
    # Two working days from Wed 11/2 14:00 end on Fri 13/2 14:00, the last day before Tết.
    before_tet, step_before = _at_specialist(
        w, received=local(2026, 2, 11, 8, 0), forwarded=local(2026, 2, 11, 14, 0)
    )
    # From Thu 12/2 14:00 the second working day ends after Tết (14/2 to 22/2): Mon 23/2 14:00.
    across, step_across = _at_specialist(
        w, received=local(2026, 2, 12, 8, 0), forwarded=local(2026, 2, 12, 14, 0)
    )
    assert step_before.due_at == local(2026, 2, 13, 14, 0)
    assert step_across.due_at == local(2026, 2, 23, 14, 0)
    assert step_across.warn_at == local(2026, 2, 13, 14, 0)  # one working day before

    during = _mark(local(2026, 2, 17, 10, 0), django_capture_on_commit_callbacks)

    assert during.steps_overdue == [step_before.pk]
    assert during.steps_due_soon == [step_across.pk]  # nine calendar days on, not yet late
    assert sorted(events) == sorted([(before_tet.pk, "step_overdue"), (across.pk, "step_due_soon")])

    events.clear()
    assert _mark(local(2026, 2, 23, 14, 0), django_capture_on_commit_callbacks).total == 0
    after = _mark(local(2026, 2, 23, 14, 1), django_capture_on_commit_callbacks)

    assert after.steps_overdue == [step_across.pk]
    assert events == [(across.pk, "step_overdue")]
    step_across.refresh_from_db()
    assert step_across.overdue_notified_at == local(2026, 2, 23, 14, 1)


def test_due_soon_exactly_one_working_day_before_and_not_a_minute_earlier(
    w, events, django_capture_on_commit_callbacks
):
    dossier, step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 14, 0)
    )
    # Two working days from Mon 14:00: Wed 14:00; one working day before: Tue 14:00.
    assert (step.due_at, step.warn_at) == (local(2026, 3, 4, 14, 0), local(2026, 3, 3, 14, 0))

    early = _mark(step.warn_at - MINUTE, django_capture_on_commit_callbacks)
    assert early.total == 0 and events == []
    step.refresh_from_db()
    assert step.due_soon_notified_at is None

    on_time = _mark(step.warn_at, django_capture_on_commit_callbacks)
    assert on_time.steps_due_soon == [step.pk]
    assert events == [(dossier.pk, "step_due_soon")]
    step.refresh_from_db()
    assert step.due_soon_notified_at == step.warn_at


def test_running_twice_notifies_once(w, events, django_capture_on_commit_callbacks):
    dossier, _step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 14, 0)
    )
    late = local(2026, 3, 20, 9, 0)  # past the step's and the dossier's due times

    first = _mark(late, django_capture_on_commit_callbacks)
    second = _mark(late + dt.timedelta(minutes=15), django_capture_on_commit_callbacks)

    assert first.counts == {
        "step_due_soon": 0,  # already overdue when first seen: the overdue message only
        "step_overdue": 1,
        "apology_prompt": 0,
        "dossier_overdue": 1,
    }
    assert second.total == 0
    assert sorted(events) == [(dossier.pk, "dossier_overdue"), (dossier.pk, "step_overdue")]


def test_a_second_run_inside_the_first_finds_nothing_to_mark(
    w, events, django_capture_on_commit_callbacks
):
    """Two runs at once: the rows the first has stamped are no longer candidates for the
    other (the mark is set only where it is empty, under the row lock)."""
    dossier, step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 14, 0)
    )
    now = local(2026, 3, 4, 15, 0)
    inner = []
    original = effects.run_handlers

    def run_handlers_and_race(dossier_id, name):
        if not inner:
            inner.append(deadlines_mark(now=now))
        original(dossier_id, name)

    with (
        mock.patch("dichvucong.workflow.deadlines.run_handlers", run_handlers_and_race),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = deadlines_mark(now=now)

    assert first.steps_overdue == [step.pk]
    assert inner[0].total == 0
    assert events == [(dossier.pk, "step_overdue")]


def test_a_paused_dossier_is_not_marked_and_its_marks_restart_after_resubmission(
    w, events, django_capture_on_commit_callbacks
):
    dossier, step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 14, 0)
    )
    component = dossier.version.components.first()
    p.step_request_supplement(
        step=step,
        actor=w.specialist,
        components=[component],
        reason="Bản sao chưa chứng thực",
        at=local(2026, 3, 3, 8, 0),
    )

    paused = _mark(local(2026, 3, 30, 8, 0), django_capture_on_commit_callbacks)

    assert paused.total == 0 and events == []
    step.refresh_from_db()
    assert (step.due_soon_notified_at, step.overdue_notified_at) == (None, None)

    # The applicant resubmits two weeks later: the due times move on by the paused time.
    AttachmentFactory(dossier=dossier, component=component)
    with time_machine.travel(local(2026, 3, 17, 8, 0), tick=False):
        dossier = dossier_resubmit(dossier=dossier, actor=dossier.owner_account)
    step.refresh_from_db()
    assert step.due_at > local(2026, 3, 17, 8, 0)

    resumed = _mark(step.warn_at, django_capture_on_commit_callbacks)
    assert resumed.steps_due_soon == [step.pk]


def test_a_step_marked_before_a_pause_is_marked_again_for_its_new_due_time(
    w, events, django_capture_on_commit_callbacks
):
    dossier, step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 14, 0)
    )
    _mark(step.warn_at, django_capture_on_commit_callbacks)
    component = dossier.version.components.first()
    p.step_request_supplement(
        step=step, actor=w.specialist, components=[component], reason="Thiếu", at=step.warn_at
    )
    AttachmentFactory(dossier=dossier, component=component)
    with time_machine.travel(local(2026, 3, 10, 8, 0), tick=False):
        dossier_resubmit(dossier=Dossier.objects.get(pk=dossier.pk), actor=dossier.owner_account)
    step.refresh_from_db()
    assert step.due_soon_notified_at is None  # the pause's end cleared the mark

    again = _mark(step.warn_at, django_capture_on_commit_callbacks)

    assert again.steps_due_soon == [step.pk]
    assert events.count((dossier.pk, "step_due_soon")) == 2


def test_apology_prompt_from_one_working_day_before_and_the_appointment_kept(
    w, events, django_capture_on_commit_callbacks
):
    dossier, _step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 9, 0)
    )
    original = dossier.due_at
    assert original == local(2026, 3, 9, 8, 0)  # five working days from Mon 2/3 08:00
    assert dossier.warn_at == local(2026, 3, 6, 8, 0)

    assert _mark(dossier.warn_at - MINUTE, django_capture_on_commit_callbacks).apology_prompts == []
    prompted = _mark(dossier.warn_at, django_capture_on_commit_callbacks)

    assert prompted.apology_prompts == [dossier.pk]
    assert (dossier.pk, "apology_prompt") in events
    dossier.refresh_from_db()
    assert dossier.apology_prompted_at == dossier.warn_at

    new_date = local(2026, 3, 16, 8, 0)
    p.apology_issue(
        dossier=dossier,
        actor=w.leader,
        reason="Chờ kết quả xác minh",
        new_due_at=new_date,
        at=local(2026, 3, 6, 9, 0),
    )
    dossier.refresh_from_db()
    assert dossier.due_at == original  # the appointment never changes
    assert (dossier.current_due_at, dossier.apology_prompted_at) == (new_date, None)

    # Past the original appointment but before the new date: no overdue mark on the dossier.
    events.clear()
    after = _mark(local(2026, 3, 10, 8, 0), django_capture_on_commit_callbacks)
    assert after.dossiers_overdue == [] and after.apology_prompts == []
    # The new date is prompted for and enforced the same way.
    assert _mark(local(2026, 3, 13, 8, 0), django_capture_on_commit_callbacks).apology_prompts == [
        dossier.pk
    ]
    late = _mark(new_date + MINUTE, django_capture_on_commit_callbacks)
    assert late.dossiers_overdue == [dossier.pk]
    dossier.refresh_from_db()
    assert dossier.due_at == original


def test_a_finished_dossier_and_its_closed_steps_are_never_marked(
    w, events, django_capture_on_commit_callbacks
):
    dossier, _step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 9, 0)
    )
    p.dossier_stop(dossier=dossier, actor=w.leader, reason="Dừng", at=local(2026, 3, 3, 9, 0))

    assert _mark(local(2026, 4, 1, 8, 0), django_capture_on_commit_callbacks).total == 0
    assert events == []
    assert not DossierStep.objects.filter(overdue_notified_at__isnull=False).exists()


def test_events_are_dispatched_only_after_commit(w, events, django_capture_on_commit_callbacks):
    dossier, step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 14, 0)
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = deadlines_mark(now=local(2026, 3, 4, 15, 0))

    assert report.steps_overdue == [step.pk]
    assert events == []  # the mark is written, the message waits for the commit
    step.refresh_from_db()
    assert step.overdue_notified_at == local(2026, 3, 4, 15, 0)
    for callback in callbacks:
        callback()
    assert events == [(dossier.pk, "step_overdue")]


def test_the_task_and_the_command_run_the_marks(w, events, django_capture_on_commit_callbacks):
    dossier, _step = _at_specialist(
        w, received=local(2026, 3, 2, 8, 0), forwarded=local(2026, 3, 2, 14, 0)
    )
    out = StringIO()
    with (
        time_machine.travel(local(2026, 3, 4, 15, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = deadlines_mark_task.apply().get()
        call_command("mark_deadlines", stdout=out)

    assert counts["step_overdue"] == 1
    assert "step_overdue: 0" in out.getvalue()  # the second run found it marked
    assert events == [(dossier.pk, "step_overdue")]


def test_a_step_of_a_few_hours_is_not_announced_as_due_soon_only_as_overdue(
    w, events, django_capture_on_commit_callbacks
):
    dossier = w.dossier(at=local(2026, 3, 2, 8, 0))
    desk_step = open_step(dossier)
    # Four working hours: one working day before its due time is before it opened, so it has
    # no due-soon period (its warning time is its due time).
    assert desk_step.warn_at == desk_step.due_at

    opened = _mark(local(2026, 3, 2, 8, 15), django_capture_on_commit_callbacks)
    late = _mark(desk_step.due_at + MINUTE, django_capture_on_commit_callbacks)

    assert opened.steps_due_soon == []
    assert late.steps_overdue == [desk_step.pk]
    assert events == [(dossier.pk, "step_overdue")]
