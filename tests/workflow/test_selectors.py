"""Reads for the officers' pages: the inbox (order, keyset pages, marks, filters, scope, who
sees what, a fixed number of queries), the actions offered, violations and apology prompts."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dichvucong.catalog.cache import catalogue_changed
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier
from dichvucong.workflow import processing
from dichvucong.workflow.selectors import (
    apology_prompts,
    dossier_for_officer,
    dossier_open_step,
    due_mark,
    inbox,
    inbox_procedures,
    officer_actions,
    violations,
)
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import MembershipFactory
from tests.workflow.world import local, pdf, world

MONDAY = local(2026, 3, 2, 8, 0)


def _at_specialist(w, *, received=MONDAY, forwarded=None, **kwargs) -> Dossier:
    """A dossier received at `received` and forwarded by the desk to the specialist step."""
    dossier = w.dossier(at=received, **kwargs)
    return processing.step_forward(
        step=open_step(dossier), actor=w.desk_officer, at=forwarded or received
    )


def _codes(page):
    return [row.code for row in page.rows]


def _all_pages(user, limit, **filters):
    seen, after, pages = [], None, 0
    while True:
        page = inbox(user=user, limit=limit, after=after, now=MONDAY, **filters)
        seen.extend(page.rows)
        pages += 1
        if page.next_cursor is None:
            return seen, pages
        after = page.next_cursor


# --- The inbox: order and keyset pages -------------------------------------------------------


@pytest.mark.django_db
def test_inbox_lists_open_steps_due_soonest_first_and_pages_lose_nothing():
    w = world()
    # Seven dossiers; three forwarded at the same minute share a due time (the id breaks ties).
    times = [
        local(2026, 3, 4, 9, 0),
        local(2026, 3, 2, 9, 0),
        local(2026, 3, 3, 14, 0),
        local(2026, 3, 2, 9, 0),
        local(2026, 3, 5, 8, 0),
        local(2026, 3, 2, 9, 0),
        local(2026, 3, 3, 8, 0),
    ]
    dossiers = [_at_specialist(w, forwarded=at) for at in times]
    done = _at_specialist(w, forwarded=local(2026, 3, 2, 8, 30))
    processing.step_take(step=open_step(done), actor=w.specialist)
    processing.step_forward(step=open_step(done), actor=w.specialist, at=local(2026, 3, 2, 10, 0))

    rows, pages = _all_pages(w.specialist, limit=2)

    expected = sorted((open_step(d) for d in dossiers), key=lambda s: (s.due_at, s.pk))
    assert [r.step_id for r in rows] == [s.pk for s in expected]  # none twice, none lost, in order
    assert pages == 4
    assert len({r.due_at for r in rows}) == 5  # the tie really is there
    # The desk's inbox no longer holds them; the leader's holds the one handed on.
    assert inbox(user=w.desk_officer, now=MONDAY).rows == []
    assert [row.dossier_id for row in inbox(user=w.leader, now=MONDAY).rows] == [done.pk]


@pytest.mark.django_db
def test_a_full_last_page_has_no_next_cursor_and_a_mangled_cursor_starts_over():
    w = world()
    for day in (2, 3):
        _at_specialist(w, forwarded=local(2026, 3, day, 9, 0))
    page = inbox(user=w.specialist, limit=2, now=MONDAY)
    assert len(page.rows) == 2 and page.next_cursor is None
    assert len(inbox(user=w.specialist, limit=2, after="%%%", now=MONDAY).rows) == 2


# --- Marks ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_marks_soon_from_the_warning_time_and_overdue_after_the_due_time():
    w = world()
    dossier = _at_specialist(w, forwarded=local(2026, 3, 2, 9, 0))
    step = open_step(dossier)
    # Two working days from Monday 09:00: due Wednesday 09:00, warned from Tuesday 09:00.
    assert (step.due_at, step.warn_at) == (local(2026, 3, 4, 9, 0), local(2026, 3, 3, 9, 0))

    def mark(now):
        (row,) = inbox(user=w.specialist, now=now).rows
        return row.mark

    assert mark(local(2026, 3, 3, 8, 59)) == ""
    assert mark(local(2026, 3, 3, 9, 0)) == "soon"
    assert mark(local(2026, 3, 4, 9, 0)) == "soon"  # due on the minute: not yet late
    assert mark(local(2026, 3, 4, 9, 1)) == "overdue"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "handed",
    [
        local(2026, 12, 8, 7, 20),  # Tuesday, in the morning session (the issue's instant)
        local(2026, 12, 7, 20, 0),  # Monday evening: counted from Tuesday 07:00
        local(2026, 12, 11, 16, 59),  # Friday, a minute before closing
    ],
)
def test_a_step_of_one_working_day_has_no_due_soon_period_wherever_it_starts(handed):
    # The leader's step has one working day: warned "one working day before" it would be due
    # soon from the moment it arrives (at 07:20 but not at 20:00 the evening before). It has
    # no due-soon period; late, it is overdue.
    w = world()
    dossier = _at_specialist(w, received=handed - dt.timedelta(days=1))
    with time_machine.travel(handed, tick=False):  # taken and handed on then, not today
        processing.step_take(step=open_step(dossier), actor=w.specialist)
        processing.step_forward(step=open_step(dossier), actor=w.specialist)
    step = open_step(dossier)
    assert step.role == "leader" and step.warn_at == step.due_at

    def mark(now):
        (row,) = inbox(user=w.leader, now=now).rows
        return row.mark

    assert mark(handed) == ""
    assert mark(step.due_at - dt.timedelta(minutes=1)) == ""
    assert mark(step.due_at + dt.timedelta(minutes=1)) == "overdue"
    assert inbox(user=w.leader, now=handed, due="soon").rows == []


@pytest.mark.django_db
def test_a_step_of_two_working_days_handed_on_tuesday_is_due_soon_from_wednesday():
    w = world()
    handed = local(2026, 12, 8, 7, 20)
    dossier = _at_specialist(w, received=handed, forwarded=handed)
    step = open_step(dossier)
    # Two working days from Tuesday 07:20: due Thursday 07:20, warned from Wednesday 07:20.
    assert (step.due_at, step.warn_at) == (local(2026, 12, 10, 7, 20), local(2026, 12, 9, 7, 20))

    def mark(now):
        (row,) = inbox(user=w.specialist, now=now).rows
        return row.mark

    assert mark(handed) == ""
    assert mark(local(2026, 12, 9, 7, 19)) == ""
    assert mark(local(2026, 12, 9, 7, 20)) == "soon"


@pytest.mark.clock
@pytest.mark.django_db
def test_a_step_handed_on_now_is_unmarked_then_soon_then_overdue():
    # At any instant (the clock sweep): the specialist's two working days give a due-soon
    # period that starts after the hand-off; the leader's one working day gives none.
    w = world()
    now = timezone.now()
    dossier = _at_specialist(w, received=now - dt.timedelta(days=3), forwarded=now)
    step = open_step(dossier)
    assert now < step.warn_at < step.due_at

    def mark(user, at):
        (row,) = inbox(user=user, now=at).rows
        return row.mark

    assert mark(w.specialist, now) == ""
    assert mark(w.specialist, step.warn_at - dt.timedelta(minutes=1)) == ""
    assert mark(w.specialist, step.warn_at) == "soon"
    assert mark(w.specialist, step.due_at + dt.timedelta(minutes=1)) == "overdue"

    processing.step_take(step=step, actor=w.specialist)
    processing.step_forward(step=open_step(dossier), actor=w.specialist)
    leader_step = open_step(dossier)
    assert leader_step.warn_at == leader_step.due_at
    assert mark(w.leader, timezone.now()) == ""


def test_due_mark_without_dates():
    assert due_mark(due_at=None, warn_at=None, now=MONDAY) == ""


# --- Filters and scope -----------------------------------------------------------------------


@pytest.mark.django_db
def test_filters_due_procedure_and_search():
    w = world()
    early = _at_specialist(w, forwarded=local(2026, 3, 2, 9, 0), owner_name="Nguyễn Văn Sớm")
    late = _at_specialist(w, forwarded=local(2026, 3, 6, 9, 0), owner_name="Trần Thị Muộn")
    other = world()  # another procedure, whose specialist is also ours
    MembershipFactory(specialist=True, agency=other.processing, user=w.specialist)
    elsewhere = _at_specialist(other, forwarded=local(2026, 3, 2, 9, 0))
    now = local(2026, 3, 3, 12, 0)  # early is due soon, late not yet

    def codes(**filters):
        return _codes(inbox(user=w.specialist, agency_id=w.processing.pk, now=now, **filters))

    assert codes() == [early.code, late.code]
    assert codes(due="soon") == [early.code]
    assert codes(due="overdue") == []
    assert _codes(
        inbox(user=w.specialist, agency_id=w.processing.pk, due="overdue", now=local(2026, 3, 5))
    ) == [early.code]
    assert codes(procedure_id=w.version.procedure_id) == [early.code, late.code]
    assert codes(procedure_id=other.version.procedure_id) == []
    prefix = early.code.rsplit("-", 1)[0]  # both received by the desk on Monday
    assert codes(q=prefix.lower()) == [early.code, late.code]
    assert codes(q=late.code) == [late.code]
    assert codes(q="muộn") == [late.code]
    assert codes(q="TRAN THI MUON") == [late.code]  # typed without diacritics
    assert codes(q="nguyen  van") == [early.code]
    assert codes(q="không ai") == []
    # The other agency's steps come with its own pair, one pair at a time.
    assert _codes(inbox(user=w.specialist, agency_id=other.processing.pk, now=now)) == [
        elsewhere.code
    ]


@pytest.mark.django_db
def test_scope_mine_unassigned_and_all_for_leaders():
    w = world()
    colleague = MembershipFactory(specialist=True, agency=w.processing).user
    free = _at_specialist(w, forwarded=local(2026, 3, 2, 9, 0))
    mine = _at_specialist(w, forwarded=local(2026, 3, 2, 10, 0))
    theirs = _at_specialist(w, forwarded=local(2026, 3, 2, 11, 0))
    processing.step_take(step=open_step(mine), actor=w.specialist)
    processing.step_take(step=open_step(theirs), actor=colleague)

    def codes(user, **kwargs):
        return _codes(inbox(user=user, now=MONDAY, **kwargs))

    assert codes(w.specialist) == [free.code, mine.code]
    assert codes(w.specialist, scope="unassigned") == [free.code]
    # "all" is a leader's: a specialist asking for it gets their own inbox.
    page = inbox(user=w.specialist, scope="all", now=MONDAY)
    assert (page.scope, page.may_see_all) == ("mine", False)
    assert codes(colleague) == [free.code, theirs.code]
    # A leader sees the agency's specialist steps too, everyone's with "all", to reassign.
    assert (w.processing.pk, "specialist") in inbox(user=w.leader, now=MONDAY).pairs
    leader_page = inbox(user=w.leader, role="specialist", scope="all", now=MONDAY)
    assert leader_page.may_see_all
    assert _codes(leader_page) == [free.code, mine.code, theirs.code]


@pytest.mark.django_db
def test_another_agencys_officer_sees_nothing_and_a_non_officer_has_no_inbox():
    w = world()
    dossier = _at_specialist(w)
    stranger = MembershipFactory(specialist=True).user
    assert inbox(user=stranger, now=MONDAY).rows == []
    # Asking for an agency one does not work at falls back to one's own.
    assert inbox(user=stranger, agency_id=w.processing.pk, now=MONDAY).rows == []
    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_officer(user=stranger, pk=dossier.pk)
    assert dossier_for_officer(user=w.specialist, pk=dossier.pk) == dossier
    admin = MembershipFactory(agency_admin=True, agency=w.processing).user
    page = inbox(user=admin, now=MONDAY)
    assert (page.rows, page.agency_id) == ([], None)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 25])
def test_inbox_costs_one_query_whatever_the_page_size(count):
    w = world()
    for n in range(count):
        _at_specialist(w, forwarded=MONDAY + dt.timedelta(minutes=n))
    w.specialist.active_roles()  # cached for the request, as the page's nav reads it first
    with CaptureQueriesContext(connection) as queries:
        page = inbox(user=w.specialist, now=MONDAY)
        shown = [
            (
                row.code,
                row.procedure,
                row.owner_name,
                row.status_label,
                row.step_name,
                row.agency_name,
                row.assignee,
                row.mark,
            )
            for row in page.rows
        ]
    assert len(shown) == count
    first = page.rows[0]
    dossier = Dossier.objects.get(pk=first.dossier_id)
    assert (first.code, first.procedure, first.owner_name) == (
        dossier.code,
        w.version.name,
        dossier.owner_name,
    )
    assert str(first.status_label) == str(dossier.get_status_display())
    assert (first.step_name, first.agency_name, first.assignee) == (
        "Thẩm định hồ sơ",
        w.processing.name,
        "",
    )
    assert len(queries) == 1


@pytest.mark.django_db
def test_inbox_queries_use_the_indexes_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN of the partial index is PostgreSQL's")
    w = world()
    dossier = _at_specialist(w)

    def plan(**filters):
        with CaptureQueriesContext(connection) as queries:
            inbox(user=w.specialist, now=MONDAY, **filters)
        with connection.cursor() as cursor:
            # A few rows would be read sequentially: ask whether an index can serve it.
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
            lines = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        return lines

    assert "dossiers_step_inbox" in plan()
    assert "dossiers_step_inbox" in plan(due="overdue", scope="unassigned")
    # A code prefix: the code's pattern-ops index finds the dossiers.
    assert "_like" in plan(q=dossier.code[:8])
    with CaptureQueriesContext(connection) as queries:
        apology_prompts(user=w.leader, now=MONDAY)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        prompts_plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "dossiers_open_warn" in prompts_plan


@pytest.mark.django_db
def test_the_procedure_filter_is_cached_until_the_catalogue_changes(
    django_assert_num_queries,
):
    w, other = world(), world()
    expected = [(w.version.procedure_id, w.version.name)]
    assert inbox_procedures(agency_id=w.processing.pk) == expected
    assert inbox_procedures(agency_id=w.desk.pk) == expected  # its desk step
    assert inbox_procedures(agency_id=other.processing.pk) != expected
    with django_assert_num_queries(0):
        assert inbox_procedures(agency_id=w.processing.pk) == expected
    catalogue_changed()
    with django_assert_num_queries(1):
        inbox_procedures(agency_id=w.processing.pk)


# --- Actions offered ------------------------------------------------------------------------


@pytest.mark.django_db
def test_actions_follow_the_step_the_role_and_the_status():
    w = world()
    dossier = _at_specialist(w)
    step = dossier_open_step(dossier=dossier)
    assert officer_actions(user=w.specialist, dossier=dossier, step=step) >= {
        "take",
        "forward",
        "send_back",
        "supplement",
        "fee",
        "propose",
    }
    assert officer_actions(user=w.leader, dossier=dossier, step=step) == {
        "assign",
        "stop",
        "apology",
    }
    assert officer_actions(user=w.desk_officer, dossier=dossier, step=step) == set()
    dossier = processing.result_propose(
        step=step,
        actor=w.specialist,
        kind="grant",
        summary="",
        files=[processing.ResultUpload("Giấy chứng nhận", pdf())],
    )
    step = dossier_open_step(dossier=dossier)
    assert {"approve", "send_back", "take"} <= officer_actions(
        user=w.leader, dossier=dossier, step=step
    )
    assert "forward" not in officer_actions(user=w.leader, dossier=dossier, step=step)
    dossier = processing.result_approve(step=step, actor=w.leader)
    step = dossier_open_step(dossier=dossier)
    assert officer_actions(user=w.desk_officer, dossier=dossier, step=step) == {"return"}


# --- Violations and apology prompts -----------------------------------------------------------


@pytest.mark.django_db
def test_violations_list_late_finishes_overdue_open_dossiers_and_late_apologies():
    w = world()
    due = local(2026, 3, 9, 8, 0)  # five working days after Monday 08:00
    on_time = _at_specialist(w)
    finished_late = _at_specialist(w)
    processing.dossier_stop(
        dossier=finished_late, actor=w.leader, reason="Dừng", at=due + dt.timedelta(hours=2)
    )
    stopped_in_time = _at_specialist(w)
    processing.dossier_stop(dossier=stopped_in_time, actor=w.leader, reason="Dừng", at=due)
    apologised_late = _at_specialist(w)
    processing.apology_issue(
        dossier=apologised_late,
        actor=w.leader,
        reason="Chậm",
        new_due_at=local(2026, 3, 20, 16, 0),
        at=due + dt.timedelta(hours=1),
    )
    apologised_in_time = _at_specialist(w)
    processing.apology_issue(
        dossier=apologised_in_time,
        actor=w.leader,
        reason="Cần xác minh thêm",
        new_due_at=local(2026, 3, 20, 16, 0),
        at=due - dt.timedelta(days=1),
    )
    other = world()
    other_late = _at_specialist(other)
    assert on_time.current_due_at == due

    now = local(2026, 3, 10, 8, 0)  # on_time's own time ran out too: it is open and overdue
    page = violations(agency_ids=frozenset({w.processing.pk}), now=now)
    assert {d.pk for d in page.dossiers} == {on_time.pk, finished_late.pk, apologised_late.pk}
    before_due = violations(agency_ids=frozenset({w.processing.pk}), now=due)
    assert {d.pk for d in before_due.dossiers} == {finished_late.pk, apologised_late.pk}
    assert next(d for d in page.dossiers if d.pk == apologised_late.pk).late_apology
    province = violations(agency_ids=None, now=now)
    assert other_late.pk in {d.pk for d in province.dossiers}
    # Keyset pages of one: the same rows, none twice.
    seen, after = [], None
    while True:
        one = violations(agency_ids=frozenset({w.processing.pk}), now=now, after=after, limit=1)
        seen += [d.pk for d in one.dossiers]
        if not one.next_cursor:
            break
        after = one.next_cursor
    assert seen == [d.pk for d in page.dossiers]


@pytest.mark.django_db
def test_a_same_day_dossier_is_not_prompted_for_an_apology_before_its_due_time():
    # Received at 07:20 and due at 17:00 the same day, it is "within a working day" of its
    # appointment from the start: the leader is prompted only from its due time.
    w = world()
    w.version.time_options.update(duration=0, same_day=True)
    received = local(2026, 12, 8, 7, 20)
    dossier = _at_specialist(w, received=received)
    assert dossier.current_due_at == local(2026, 12, 8, 17, 0)
    assert dossier.warn_at == dossier.current_due_at
    assert apology_prompts(user=w.leader, now=received) == []
    assert apology_prompts(user=w.leader, now=local(2026, 12, 8, 16, 59)) == []
    assert apology_prompts(user=w.leader, now=local(2026, 12, 8, 17, 0)) == [dossier]


@pytest.mark.django_db
def test_apology_prompts_from_the_warning_time_until_an_apology():
    w = world()
    dossier = _at_specialist(w)
    assert dossier.warn_at == local(2026, 3, 6, 8, 0)
    assert apology_prompts(user=w.leader, now=local(2026, 3, 6, 7, 59)) == []
    assert apology_prompts(user=w.leader, now=local(2026, 3, 6, 8, 0)) == [dossier]
    assert apology_prompts(user=w.specialist, now=local(2026, 3, 6, 8, 0)) == []
    assert apology_prompts(user=world().leader, now=local(2026, 3, 6, 8, 0)) == []
    processing.apology_issue(
        dossier=dossier,
        actor=w.leader,
        reason="Cần xác minh thêm",
        new_due_at=local(2026, 3, 20, 16, 0),
        at=local(2026, 3, 6, 9, 0),
    )
    assert apology_prompts(user=w.leader, now=local(2026, 3, 19, 16, 0)) == []
    stopped = _at_specialist(w)
    processing.dossier_stop(dossier=stopped, actor=w.leader, reason="Dừng")
    stopped.refresh_from_db()
    assert stopped.status == DossierStatus.STOPPED
    assert apology_prompts(user=w.leader, now=local(2026, 3, 6, 8, 0)) == []
