"""On time ("đúng hạn") as Decision 766 counts it (domain.md §2.3, §5 indicator 2.1, R11).

`on_time` is the rule itself, pure (no database), so the table of cases in the tests is the
rule. `dossier_on_time` reads one dossier's pauses and supplement requests and applies it; the
processing issue's finishing transitions store its answer in `Dossier.on_time` so statistics
never recompute it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dichvucong.dossiers.models import SupplementRequest

if TYPE_CHECKING:
    from dichvucong.dossiers.models import Dossier


def _require_aware(name: str, value: datetime.datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


def _supplement_time(
    pauses: Sequence[tuple[datetime.datetime, datetime.datetime | None]],
    finished_at: datetime.datetime,
) -> datetime.timedelta:
    """Total paused time before `finished_at`; overlapping pauses count once."""
    clipped: list[tuple[datetime.datetime, datetime.datetime]] = []
    for index, (started, ended) in enumerate(pauses):
        _require_aware(f"pauses[{index}] start", started)
        if ended is not None:
            _require_aware(f"pauses[{index}] end", ended)
            if ended < started:
                raise ValueError(f"pauses[{index}] ends before it starts")
        # An open pause ends at the finish; time after the finish is not the dossier's time.
        end = finished_at if ended is None else min(ended, finished_at)
        if started < end:
            clipped.append((started, end))
    total = datetime.timedelta(0)
    current_start: datetime.datetime | None = None
    current_end: datetime.datetime | None = None
    for started, ended in sorted(clipped):
        if current_end is None or started > current_end:
            if current_start is not None and current_end is not None:
                total += current_end - current_start
            current_start, current_end = started, ended
        else:
            current_end = max(current_end, ended)
    if current_start is not None and current_end is not None:
        total += current_end - current_start
    return total


def on_time(
    *,
    due_at: datetime.datetime,
    finished_at: datetime.datetime,
    pauses: Sequence[tuple[datetime.datetime, datetime.datetime | None]],
    supplement_requests_after_receipt: int,
    apology_issued: bool,
) -> bool:
    """Whether a finished dossier counts as on time under Decision 766 (domain.md §2.3, R11).

    on time ⇔ finished_at - supplement time ≤ due_at, where

    - `due_at` is the ORIGINAL appointment (NgayHenTra), never the new date of an apology;
    - `finished_at` is the finish (NgayKetThucXuLy: the first of resolved, returned,
      stopped / refused); finishing exactly at `due_at` is on time (the comparison is ≤, to the
      second, as the national format stores yyyyMMddHHmmss);
    - the supplement time is the applicant's time, measured in wall-clock time (not working
      time), as the 766 formula doc says: "from the Yêu cầu bổ sung timestamp to the Hoàn thành
      bổ sung timestamp" — the sum of the `pauses` (start, end) intervals, each clipped to before
      `finished_at`; a pause still open (end None) ends at `finished_at`; overlaps count once;
    - more than one supplement request after receipt makes the dossier late, however early;
    - an apology (form 04, "xin lỗi và hẹn lại") never makes it on time: it changes nothing, a
      late dossier with an apology and a new date is still late. The argument is taken so that
      callers state it and the tests pin that it is ignored.

    All datetimes must be timezone-aware (naive → ValueError).
    """
    _require_aware("due_at", due_at)
    _require_aware("finished_at", finished_at)
    if supplement_requests_after_receipt < 0:
        raise ValueError("supplement_requests_after_receipt must not be negative")
    supplement_time = _supplement_time(pauses, finished_at)
    if supplement_requests_after_receipt > 1:
        return False
    del apology_issued  # Deliberately unused: see the docstring.
    return finished_at - supplement_time <= due_at


def dossier_on_time(dossier: Dossier, *, finished_at: datetime.datetime | None = None) -> bool:
    """`on_time` for a finished dossier, from its stored pauses and supplement requests.

    Meant for the finishing transitions (resolved, returned, stopped, refused) to store in
    `Dossier.on_time`; NOT wired into any transition yet — the processing state machine is built
    later. `finished_at` defaults to `dossier.finished_at` (pass it when the transition computes
    the verdict before saving). Supplement requests after receipt are those of the processing
    stage (intake requests come before receipt, before the clock starts). The apology is read as
    an extension having been given (`extended_due_at`), and changes nothing.

    Raises ValueError if the dossier has no appointment or no finish time.
    """
    finish = finished_at or dossier.finished_at
    if dossier.due_at is None:
        raise ValueError(f"dossier {dossier.pk} has no appointment (due_at)")
    if finish is None:
        raise ValueError(f"dossier {dossier.pk} is not finished (finished_at)")
    pauses = list(dossier.pauses.values_list("started_at", "ended_at"))
    after_receipt = dossier.supplement_requests.filter(
        stage=SupplementRequest.Stage.PROCESSING
    ).count()
    return on_time(
        due_at=dossier.due_at,
        finished_at=finish,
        pauses=pauses,
        supplement_requests_after_receipt=after_receipt,
        apology_issued=dossier.extended_due_at is not None,
    )
