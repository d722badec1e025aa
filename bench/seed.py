"""Seeds the benchmark database fast: units, agencies, sectors, fields, 2,000 procedures with
their published versions and parts, and 1,000,000 dossiers received over three years with their
history rows, loaded with PostgreSQL's COPY; every published version gets the usual electronic
process (desk → specialist → leader → desk), and one district (the officer inbox's agency) has
50,000 dossiers open at its specialist step, with a bench officer and a signed-in session.

Run by bench/harness.py as `python bench/seed.py` with DATABASE_URL pointing at the (migrated,
empty) benchmark database; prints one JSON line describing what it loaded (Seeded).

- Rows are built as unsaved model instances, so every column gets the model's own default and
  database representation; COPY then loads each table in one statement.
- The catalogue tables' secondary indexes (those that back no constraint) are dropped before
  loading and created again afterwards, as a bulk load should.
- The derived columns (folded search text, content hash) are computed by the catalogue's own
  `version_refresh_derived`, the function every write of the services calls, so the benchmark
  searches exactly what the portal would have stored.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field

# BENCH_SCALE (the harness's --scale) shrinks the dossiers, the inbox and the accounts for a
# quick run while developing; 1 is the province's scale the report is made at.
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
PROCEDURES = 2_000 if SCALE >= 1 else max(200, int(2_000 * SCALE))
# Procedures whose first version was superseded by a second, and ones with a draft pending:
# the search must skip both kinds of non-published rows.
REPUBLISHED = PROCEDURES // 10
WITH_DRAFT = PROCEDURES // 20
# A province: 12 departments, 8 districts and their communes, 200 agencies in all.
AGENCIES = 200
# Officer accounts with a membership each, spread over the agencies and the three roles; all
# share one password hash, computed once (hashing 5,000 times with Argon2 would take minutes).
OFFICERS = max(300, int(5_000 * SCALE))
# Citizens who submit dossiers through the web flow (the submission scenario), and the desk
# officers who receive them on the two web nodes.
APPLICANTS = 200
DESK_OFFICERS = 10
BENCH_PASSWORD = "bench-only-password-9f3c"  # noqa: S105 (the bench database only)


@dataclass
class Seeded:
    procedures: int = 0
    versions: int = 0
    published_versions: int = 0
    parts: dict = field(default_factory=dict)
    agency_codes: list[str] = field(default_factory=list)
    field_codes: list[str] = field(default_factory=list)
    sector_codes: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    # The public lookup's data: dossiers with their history, and a sample of their codes.
    dossiers: int = 0
    history_rows: int = 0
    dossier_parts: dict = field(default_factory=dict)
    lookup_codes: list[str] = field(default_factory=list)
    # The officer inbox: one agency's open steps, a specialist of it and a session cookie.
    inbox_agency_code: str = ""
    inbox_open_steps: int = 0
    inbox_assigned: int = 0
    open_steps: int = 0
    session_cookie: str = ""
    # Accounts: officers with memberships, the applicants who submit through the web flow, the
    # desk officers who receive on the two nodes, and what they submit to.
    accounts: dict = field(default_factory=dict)
    procedure_codes: list[str] = field(default_factory=list)
    scale: float = 1.0

    @classmethod
    def from_json(cls, text: str) -> Seeded:
        return cls(**json.loads(text))


def _copy(connection, objects: list) -> int:
    """Loads model instances (with their primary keys set) into their table with one COPY."""
    if not objects:
        return 0
    model = type(objects[0])
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    return len(objects)


def _secondary_indexes(connection, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes on these tables that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [tables],
        )
        return list(cursor.fetchall())


# --- Dossiers: 1,000,000 over three years, with their history rows (the public lookup) -------

DOSSIERS = int(1_000_000 * SCALE)
OPEN_STATUSES = frozenset({"received", "processing", "supplement_requested", "awaiting_payment"})
# Received on the working days of three years before the catalogue's date (seed's `today`).
DOSSIER_YEARS = 3
# Every LOOKUP_EVERY-th code goes into the lookup scenario's rotation.
LOOKUP_EVERY = 200 if SCALE >= 0.1 else 20
LOCAL_OFFSET = 7 * 3600  # Asia/Ho_Chi_Minh has no daylight saving time

# The officer inbox: this many dossiers open at the specialist step of one district, which
# receives a larger share of the dossiers (at least INBOX_WEIGHT against 4 for the other districts) so
# that they are its own procedures'; every INBOX_ASSIGNED_EVERY-th is assigned to the bench
# officer, the others wait unassigned. Their due times spread over ± INBOX_SPREAD_DAYS of now.
INBOX_STEPS = int(50_000 * SCALE)
INBOX_WEIGHT = 20.0
INBOX_EVERY = 3
INBOX_ASSIGNED_EVERY = 10
INBOX_SPREAD_DAYS = 30
BENCH_OFFICER_EMAIL = "chuyenvien.bench@haugiang.gov.vn"

OWNER_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi"]
OWNER_MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Kim"]
OWNER_GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai"]


def _table_constraints(connection, table: str) -> list[tuple[str, str]]:
    """(name, definition) of a table's foreign-key, unique and check constraints."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = %s AND c.contype IN ('f', 'u', 'c')
            ORDER BY c.conname
            """,
            [table],
        )
        return list(cursor.fetchall())


def _columns_and_rest(model, given: list[str]) -> tuple[list[str], str]:
    """The columns a COPY gives, and the constant text of the model's other columns.

    The generators below write the columns they know; any column another migration adds later
    gets the model field's default (or NULL), so the seed keeps loading.
    """
    import json as _json

    rest_columns, rest_values = [], []
    for f in model._meta.concrete_fields:
        if f.column in given:
            continue
        value = f.get_default() if f.has_default() else None
        if value is None:
            if not f.null:
                value = ""
            text = "\\N" if value is None else str(value)
        elif isinstance(value, bool):
            text = "t" if value else "f"
        elif isinstance(value, (dict, list)):
            text = _json.dumps(value)
        else:
            text = str(value)
        rest_columns.append(f.column)
        rest_values.append(text)
    suffix = ("\t" + "\t".join(rest_values)) if rest_values else ""
    return given + rest_columns, suffix


def seed_dossiers(
    connection,
    *,
    today,
    agencies,
    versions,
    through,
    time_options,
    process_steps,
    inbox_agency_pk: int,
    officer_pk: int,
    inbox_now_ts: int,
) -> dict:
    """COPYs DOSSIERS dossiers, their history and their open steps; returns counts, timings
    and lookup codes.

    Every unfinished dossier has its open step (DossierStep): at the desk while received, else
    at its agency's specialist. INBOX_STEPS dossiers of the inbox agency are open at its
    specialist step with due times around `inbox_now_ts` (the real time of the run: the inbox marks
    due-soon and overdue steps against it); finished dossiers keep no step rows (the inbox's
    partial index holds open steps only, so they would only make the table longer).

    Constraints and secondary indexes of the two tables are dropped before the load and made
    again after it (one pass each instead of a check or an index insert per row).
    """
    import datetime as dt

    from django.core.management.color import no_style
    from django.db import transaction

    from dichvucong.core.models import RuleSet
    from dichvucong.dossiers.models import Dossier, DossierHistory, DossierStep

    rng = random.Random(93)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    published = {v.pk for v in versions if v.status == "published"}
    versions_by_agency: dict[int, list[int]] = {}
    for row in through:
        if row.procedureversion_id in published:
            versions_by_agency.setdefault(row.agency_id, []).append(row.procedureversion_id)
    first_option: dict[int, tuple[int, int]] = {}
    for option in time_options:
        if option.position == 0:
            first_option[option.version_id] = (option.pk, option.duration)
    by_pk = {a.pk: a for a in agencies}
    filing = [by_pk[pk] for pk in sorted(versions_by_agency)]
    # Busier desks at districts and departments than at communes.
    weight = {a.pk: {"province": 3.0, "district": 4.0}.get(a.level, 1.0) for a in filing}
    # The inbox agency's share must hold INBOX_STEPS open dossiers (every INBOX_EVERY-th of its
    # own, with a tenth to spare) whatever the number of other desks.
    share = min(0.5, INBOX_STEPS * INBOX_EVERY * 1.1 / max(DOSSIERS, 1))
    others = sum(w for pk, w in weight.items() if pk != inbox_agency_pk)
    weight[inbox_agency_pk] = max(INBOX_WEIGHT, share * others / (1 - share))
    inbox_rng = random.Random(50)
    rule_sets = list(RuleSet.objects.order_by("effective_from").values_list("pk", "effective_from"))

    epoch_day = dt.date(1970, 1, 1)
    end = today
    start = dt.date(end.year - DOSSIER_YEARS, end.month, end.day)
    days = [
        start + dt.timedelta(days=n)
        for n in range((end - start).days)
        if (start + dt.timedelta(days=n)).weekday() < 5
    ]
    seed_now_ts = ((end - epoch_day).days * 86400) + 8 * 3600 - LOCAL_OFFSET
    # How many each desk receives each working day: around its weighted mean, then nudged at
    # random until the total is exactly DOSSIERS (so the three years are filled to the end).
    per_day_mean = DOSSIERS / (len(days) * sum(weight.values()))
    counts = [
        [int(per_day_mean * weight[a.pk] * (0.5 + rng.random()) + rng.random()) for a in filing]
        for _day in days
    ]
    surplus = sum(map(sum, counts)) - DOSSIERS
    while surplus:
        row, column = rng.randrange(len(days)), rng.randrange(len(filing))
        if surplus > 0 and counts[row][column]:
            counts[row][column] -= 1
            surplus -= 1
        elif surplus < 0:
            counts[row][column] += 1
            surplus += 1

    day_text: dict[int, str] = {}

    def ts(seconds: int) -> str:
        day, rem = divmod(seconds, 86400)
        text = day_text.get(day)
        if text is None:
            text = day_text[day] = (epoch_day + dt.timedelta(days=day)).isoformat()
        return f"{text} {rem // 3600:02d}:{rem // 60 % 60:02d}:{rem % 60:02d}+00"

    dossier_given = [
        "id", "code", "version_id", "rule_set_id", "status", "channel", "receiving_agency_id",
        "processing_agency_id", "owner_kind", "owner_name", "owner_id_number", "owner_tax_code",
        "owner_phone", "owner_email", "owner_address", "submitter_name", "submitter_id_number",
        "submitter_phone", "submitter_email", "submitter_address", "answers", "summary",
        "copies", "result_delivery", "delivery_address", "created_at", "updated_at",
        "submitted_at", "received_at", "time_option_id", "due_at", "extended_due_at",
        "finished_at", "returned_at", "register_book", "register_line", "fee_receipt_number",
        "intake_supplement_count", "refusal_reason",
    ]  # fmt: skip
    history_given = [
        "id", "dossier_id", "at", "transition", "from_status", "to_status", "actor_id",
        "actor_label", "agency_id", "note",
    ]  # fmt: skip
    dossier_columns, dossier_rest = _columns_and_rest(Dossier, dossier_given)
    history_columns, history_rest = _columns_and_rest(DossierHistory, history_given)
    step_given = [
        "id", "dossier_id", "process_step_id", "position", "name", "agency_id", "role",
        "assignee_id", "handed_by_id", "started_at", "due_at", "warn_at", "finished_at",
        "finished_by_id", "outcome", "note", "due_soon_notified_at", "overdue_notified_at",
    ]  # fmt: skip
    step_columns, step_rest = _columns_and_rest(DossierStep, step_given)
    step_lines: list[str] = []
    inbox_count = inbox_assigned = 0

    dossier_lines: list[str] = []
    history_lines: list[str] = []
    lookup_codes: list[str] = []
    status_counts: dict[str, int] = {}
    pk = history_pk = step_pk = 0
    N = "\\N"
    for day, day_counts in zip(days, counts, strict=True):
        day_start = (day - epoch_day).days * 86400 - LOCAL_OFFSET  # local midnight, in UTC
        yymmdd = day.strftime("%y%m%d")
        rule_set = next((r for r, since in reversed(rule_sets) if since <= day), N)
        for agency, count in zip(filing, day_counts, strict=True):
            if not count:
                continue
            # Times of receipt in the working sessions, in order: the daily sequence follows.
            seconds = sorted(
                rng.randrange(7 * 3600, 11 * 3600 + 1800)
                if rng.random() < 0.6
                else rng.randrange(13 * 3600 + 1800, 17 * 3600)
                for _ in range(count)
            )
            agency_versions = versions_by_agency[agency.pk]
            sequence = 0
            for second in seconds:
                pk += 1
                version_id = rng.choice(agency_versions)
                option_id, duration = first_option.get(version_id, (None, 5))
                received = day_start + second
                roll = rng.random()
                channel = "online" if roll < 0.4 else ("counter" if roll < 0.95 else "post")
                submitted = received - (
                    rng.randrange(600, 86400 * 2) if channel == "online" else 300
                )
                age_days = (seed_now_ts - received) // 86400
                calendar_days = duration * 7 // 5 + 1
                due = received + calendar_days * 86400
                h = []  # (at, transition, from, to)
                first = "submit" if channel == "online" else "submit_at_desk"
                h.append((submitted, first, "draft", "submitted"))
                code = received_text = due_text = N
                extended = finished = returned = N
                if rng.random() < 0.02:
                    status = "refused"
                    h.append((received, "refuse", "submitted", "refused"))
                else:
                    sequence += 1
                    code = f"{agency.code}-{yymmdd}-{sequence:04d}"
                    if pk % LOOKUP_EVERY == 0:
                        lookup_codes.append(code)
                    received_text, due_text = ts(received), ts(due)
                    h.append((received, "receive", "submitted", "received"))
                    late = rng.random() < 0.04
                    if late:
                        extended = ts(due + 5 * 86400)
                    done_at = (due + (4 * 86400 if late else 0)) - rng.randrange(
                        0, calendar_days * 43200 + 1
                    )
                    r = rng.random()
                    if age_days > calendar_days + 30:
                        status = "returned" if r < 0.94 else ("resolved" if r < 0.97 else "stopped")
                    elif done_at > seed_now_ts:
                        status = (
                            "received" if r < 0.15 else "processing" if r < 0.75
                            else "supplement_requested" if r < 0.9 else "awaiting_payment"
                        )  # fmt: skip
                    else:
                        status = "returned" if r < 0.6 else "resolved"
                    if status != "received":
                        h.append((received + 3600, "start_processing", "received", "processing"))
                    if status in ("supplement_requested", "awaiting_payment", "stopped"):
                        name = {"supplement_requested": "request_supplement",
                                "awaiting_payment": "request_payment", "stopped": "stop"}[status]  # fmt: skip
                        h.append(
                            (min(seed_now_ts, received + 2 * 86400), name, "processing", status)
                        )
                    if status in ("resolved", "returned"):
                        finished = ts(done_at)
                        h.append((done_at, "resolve", "processing", "resolved"))
                    if status == "returned":
                        back = done_at + rng.randrange(3600, 5 * 86400)
                        returned = ts(back)
                        h.append((back, "return_result", "resolved", "returned"))
                inbox = (
                    agency.pk == inbox_agency_pk
                    and code != N
                    and inbox_count < INBOX_STEPS
                    and sequence % INBOX_EVERY == 0
                )
                if inbox:
                    # Open at the inbox agency's specialist, due within a month either side of
                    # the run's real time.
                    status = "processing"
                    extended = finished = returned = N
                    h = [*h[:2], (received + 3600, "start_processing", "received", "processing")]
                    step_due = inbox_now_ts + inbox_rng.randrange(
                        -INBOX_SPREAD_DAYS * 86400, INBOX_SPREAD_DAYS * 86400
                    )
                    due_text = ts(step_due + 3 * 86400)
                    inbox_count += 1
                if status in OPEN_STATUSES:
                    desk_step = status == "received"
                    ps_id, ps_position, ps_name = process_steps[version_id][
                        "desk" if desk_step else "specialist"
                    ]
                    if not inbox:
                        step_due = received + calendar_days * 86400 - 2 * 86400
                    assignee = N
                    if inbox and inbox_count % INBOX_ASSIGNED_EVERY == 0:
                        assignee = officer_pk
                        inbox_assigned += 1
                    step_pk += 1
                    step_lines.append(
                        f"{step_pk}\t{pk}\t{ps_id}\t{ps_position}\t{ps_name}\t{agency.pk}\t"
                        f"{'one_stop_officer' if desk_step else 'specialist'}\t{assignee}\t{N}\t"
                        f"{ts(min(step_due - 2 * 86400, received + 3600))}\t{ts(step_due)}\t"
                        # One working day before, approximately: 24 hours.
                        f"{ts(step_due - 86400)}\t{N}\t{N}\t\t\t{N}\t{N}{step_rest}\n"
                    )
                status_counts[status] = status_counts.get(status, 0) + 1
                family, middle, given = (
                    rng.choice(OWNER_FAMILY), rng.choice(OWNER_MIDDLE), rng.choice(OWNER_GIVEN)
                )  # fmt: skip
                name = f"{family} {middle} {given}"
                id_number = f"093{rng.randrange(10**9):09d}"
                phone = f"09{rng.randrange(10**8):08d}"
                email = f"nguoidan{pk}@example.vn"
                address = f"Số {pk % 300 + 1}, ấp {pk % 9 + 1}, {agency.name}"
                delivery, delivery_address = (
                    ("post", address) if channel == "post" else ("desk", "")
                )
                last = h[-1][0]
                dossier_lines.append(
                    f"{pk}\t{code}\t{version_id}\t{rule_set}\t{status}\t{channel}\t{agency.pk}\t"
                    f"{agency.pk}\tindividual\t{name}\t{id_number}\t\t{phone}\t{email}\t{address}\t"
                    f"{name}\t{id_number}\t{phone}\t{email}\t{address}\t{{}}\t\t1\t{delivery}\t"
                    f"{delivery_address}\t{ts(submitted - 600)}\t{ts(last)}\t{ts(submitted)}\t"
                    f"{received_text}\t{option_id if option_id else N}\t{due_text}\t{extended}\t"
                    f"{finished}\t{returned}\t\t{N}\t\t0\t"
                    f"{'Hồ sơ không thuộc thẩm quyền tiếp nhận' if status == 'refused' else ''}"
                    f"{dossier_rest}\n"
                )
                for at, transition, source, target in h:
                    history_pk += 1
                    history_lines.append(
                        f"{history_pk}\t{pk}\t{ts(at)}\t{transition}\t{source}\t{target}\t{N}\t"
                        f"\t{agency.pk}\t{history_rest}\n"
                    )
    timings["dossiers_build"] = time.perf_counter() - started

    started = time.perf_counter()
    quote = connection.ops.quote_name
    tables = [Dossier._meta.db_table, DossierHistory._meta.db_table, DossierStep._meta.db_table]
    constraints = {table: _table_constraints(connection, table) for table in tables}
    indexes = _secondary_indexes(connection, tables)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in reversed(tables):
            for name, _definition in constraints[table]:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        for table, columns, lines in (
            (tables[0], dossier_columns, dossier_lines),
            (tables[1], history_columns, history_lines),
            (tables[2], step_columns, step_lines),
        ):
            statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for offset in range(0, len(lines), 20_000):
                    copy.write("".join(lines[offset : offset + 20_000]))
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Dossier, DossierHistory, DossierStep]
        ):
            cursor.execute(statement)
    timings["dossiers_copy"] = time.perf_counter() - started

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table in tables:
            for name, definition in constraints[table]:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
    timings["dossiers_indexes_and_constraints"] = time.perf_counter() - started
    return {
        "dossiers": len(dossier_lines),
        "history_rows": len(history_lines),
        "open_steps": len(step_lines),
        "inbox_open_steps": inbox_count,
        "inbox_assigned": inbox_assigned,
        "statuses": dict(sorted(status_counts.items())),
        "first_day": days[0].isoformat(),
        "last_day": day.isoformat(),
        "constraints_rebuilt": sum(len(c) for c in constraints.values()),
        "indexes_rebuilt": [name for name, _definition in indexes],
        "lookup_codes": lookup_codes,
        "seconds": timings,
    }


def bench_officer(agency, *, now):
    """The officer whose inbox the benchmark reads: a specialist of the inbox agency."""
    from dichvucong.accounts.models import Membership, User

    officer = User.objects.create_user(
        email=BENCH_OFFICER_EMAIL, password=None, full_name="Chuyên viên đo hiệu năng"
    )
    Membership.objects.create(
        user=officer,
        agency=agency,
        role=Membership.Role.SPECIALIST,
        valid_from=now - datetime.timedelta(days=365),
    )
    return officer


def seed_accounts(connection, *, agencies, versions, through, components, now) -> dict:
    """COPYs OFFICERS officer accounts with their memberships (one role each, in turn, over
    the agencies), APPLICANTS citizens, and their verified e-mail addresses; all share one
    password hash computed once. Picks the procedure the submission scenario files online and
    the desk that receives it, whose one-stop officers receive on the two web nodes."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style

    from dichvucong.accounts.models import Membership, User
    from dichvucong.agencies.models import Level
    from dichvucong.catalog.models import OnlineLevel, VersionStatus

    started = time.perf_counter()
    password = make_password(BENCH_PASSWORD)
    components_of: dict[int, int] = {}
    for component in components:
        components_of[component.version_id] = components_of.get(component.version_id, 0) + 1
    # An online procedure (partial or full online) of a district other than the inbox's, with
    # at least two components: the three files go to its first two.
    by_pk = {a.pk: a for a in agencies}
    desk_of = {row.procedureversion_id: row.agency_id for row in through}
    district_pks = [a.pk for a in agencies if a.level == Level.DISTRICT]
    version = next(
        v
        for v in versions
        if v.status == VersionStatus.PUBLISHED
        and v.online_level >= OnlineLevel.PARTIAL
        and desk_of[v.pk] in district_pks[1:]
        and components_of.get(v.pk, 0) >= 2
    )
    desk = by_pk[desk_of[version.pk]]
    roles = [
        Membership.Role.ONE_STOP_OFFICER,
        Membership.Role.SPECIALIST,
        Membership.Role.LEADER,
    ]
    users, memberships, addresses = [], [], []
    first_pk = 1_000
    desk_officers, applicants = [], []
    valid_from = now - datetime.timedelta(days=365)
    for n in range(DESK_OFFICERS + OFFICERS):
        pk = first_pk + n
        if n < DESK_OFFICERS:
            agency, role = desk, Membership.Role.ONE_STOP_OFFICER
            email = f"motcua{n:02d}.bench@haugiang.gov.vn"
            desk_officers.append(email)
        else:
            agency = agencies[n % len(agencies)]
            role = roles[(n // len(agencies)) % len(roles)]
            email = f"canbo{n:05d}.bench@haugiang.gov.vn"
        users.append(
            User(
                pk=pk,
                email=email,
                password=password,
                full_name=f"Cán bộ {n:05d}",
                date_joined=valid_from,
            )
        )
        memberships.append(
            Membership(pk=pk, user_id=pk, agency_id=agency.pk, role=role, valid_from=valid_from)
        )
    for n in range(APPLICANTS):
        pk = first_pk + DESK_OFFICERS + OFFICERS + n
        email = f"congdan{n:04d}.bench@example.vn"
        applicants.append(email)
        users.append(
            User(
                pk=pk,
                email=email,
                password=password,
                full_name=f"{OWNER_FAMILY[n % 10]} {OWNER_MIDDLE[n % 8]} {OWNER_GIVEN[n % 11]}",
                id_number=f"093095{n:06d}",
                phone=f"0912{n:06d}",
                address=f"Số {n + 1} đường 3 tháng 2, phường 5, TP Vị Thanh, Hậu Giang",
                date_joined=valid_from,
            )
        )
    for user in users:
        addresses.append(
            EmailAddress(pk=user.pk, user_id=user.pk, email=user.email, verified=True, primary=True)
        )
    with connection.cursor() as cursor:
        _copy(connection, users)
        _copy(connection, memberships)
        _copy(connection, addresses)
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [User, Membership, EmailAddress]
        ):
            cursor.execute(statement)
    # The applicants' sessions, as logging in makes them: the portal limits logins per address
    # (allauth's 30 a minute), and the load client is one address; the desk officers and the
    # two-node check log in through the login page.
    applicant_cookies = [signed_in_cookie(user) for user in users if user.email in applicants]
    return {
        "applicant_cookies": applicant_cookies,
        "officers": OFFICERS + DESK_OFFICERS,
        "memberships": len(memberships),
        "applicants": APPLICANTS,
        "desk_officers": desk_officers,
        "applicant_emails": applicants,
        "submission_local_code": version.procedure.local_code,
        "submission_desk_code": desk.code,
        "submission_desk_pk": desk.pk,
        "seconds": time.perf_counter() - started,
    }


def signed_in_cookie(officer) -> str:
    """A database session of the officer, as logging in makes it: "name=key" for wrk's Cookie
    header (the harness sends it with the inbox's requests)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(officer.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    session.set_expiry(7 * 24 * 3600)
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def seed() -> Seeded:
    import django

    django.setup()
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from dichvucong.agencies.models import AdministrativeUnit, Agency, Level
    from dichvucong.agencies.worktime import DurationUnit
    from dichvucong.catalog.models import (
        Component,
        Fee,
        Field,
        OnlineLevel,
        Procedure,
        ProcedureVersion,
        ProcessRole,
        ProcessStep,
        Sector,
        Step,
        TimeOption,
        VersionStatus,
    )
    from dichvucong.catalog.services import version_refresh_derived
    from vocabulary import (
        COMMUNE_NAMES,
        COMPONENT_NAMES,
        DEPARTMENTS,
        DISTRICTS,
        FEE_NAMES,
        QUALIFIERS,
        SECTORS,
        STEPS,
    )

    rng = random.Random(20251)  # the same catalogue on every run
    today = datetime.date(2025, 7, 1)
    now = timezone.now()
    timings: dict[str, float] = {}
    started = time.perf_counter()

    # --- Units and agencies (a province of 8 districts with 6 communes each)
    units: list = []
    agencies: list = []
    province = AdministrativeUnit(
        pk=1, code="93", name="Tỉnh Hậu Giang", level=Level.PROVINCE, kind="Tỉnh", valid_from=today
    )
    units.append(province)

    def desk(agency_pk: int, name: str) -> dict:
        return {
            "receives_dossiers": True,
            "desk_name": f"Bộ phận Một cửa {name}",
            "desk_address": f"Số {agency_pk} đường Trần Hưng Đạo, phường 5, TP Vị Thanh",
            "desk_phone": f"0293 3 {agency_pk:06d}",
            "desk_email": f"motcua{agency_pk}@haugiang.gov.vn",
            "desk_opening_hours": "Sáng 07:00-11:30, chiều 13:30-17:00",
        }

    departments_by_sector: dict[str, list] = {}
    for number, (name, sector_code) in enumerate(DEPARTMENTS, start=1):
        pk = len(agencies) + 1
        full = f"{name} tỉnh Hậu Giang"
        agency = Agency(
            pk=pk,
            code=f"000.00.{number:02d}.H30",
            name=full,
            short_name=name,
            level=Level.PROVINCE,
            unit=province,
            valid_from=today,
            **desk(pk, full),
        )
        agencies.append(agency)
        departments_by_sector.setdefault(sector_code, []).append(agency)
    district_agencies, commune_agencies = [], []
    for d_index, (d_code, d_name, d_kind) in enumerate(DISTRICTS, start=1):
        district = AdministrativeUnit(
            pk=len(units) + 1,
            code=d_code,
            name=d_name,
            level=Level.DISTRICT,
            kind=d_kind,
            parent=province,
            valid_from=today,
        )
        units.append(district)
        pk = len(agencies) + 1
        agency = Agency(
            pk=pk,
            code=f"000.00.{20 + d_index:02d}.H30",
            name=f"UBND {d_name}",
            level=Level.DISTRICT,
            unit=district,
            valid_from=today,
            **desk(pk, f"UBND {d_name}"),
        )
        agencies.append(agency)
        district_agencies.append(agency)
        communes_per_district = -(-(AGENCIES - len(DEPARTMENTS) - len(DISTRICTS)) // len(DISTRICTS))
        for c_index in range(1, communes_per_district + 1):
            if len(agencies) >= AGENCIES:
                break
            round_, name_index = divmod(c_index - 1, len(COMMUNE_NAMES))
            c_name = COMMUNE_NAMES[name_index] + (f" {round_ + 1}" if round_ else "")
            commune = AdministrativeUnit(
                pk=len(units) + 1,
                code=f"{d_code}{c_index:02d}",
                name=f"Xã {c_name}",
                level=Level.COMMUNE,
                kind="Xã",
                parent=district,
                valid_from=today,
            )
            units.append(commune)
            pk = len(agencies) + 1
            agency = Agency(
                pk=pk,
                code=f"000.{c_index:02d}.{20 + d_index:02d}.H30",
                name=f"UBND xã {c_name}, {d_name}",
                level=Level.COMMUNE,
                unit=commune,
                parent=district_agencies[-1],
                valid_from=today,
                **desk(pk, f"UBND xã {c_name}"),
            )
            agencies.append(agency)
            commune_agencies.append(agency)

    # --- Classification
    sectors, fields = [], []
    names_by_field: list[tuple] = []
    for sector_code, sector_name, field_list in SECTORS:
        sector = Sector(pk=len(sectors) + 1, code=sector_code, name=sector_name)
        sectors.append(sector)
        for field_code, field_name, bases in field_list:
            fld = Field(pk=len(fields) + 1, code=field_code, name=field_name, sector=sector)
            fields.append(fld)
            names_by_field.append((fld, sector_code, bases))

    # --- 2,000 procedure names: each base with each qualifier, then again at another level.
    combos = [
        (fld, sector_code, base + qualifier)
        for fld, sector_code, bases in names_by_field
        for base in bases
        for qualifier in QUALIFIERS
    ]
    rng.shuffle(combos)
    while len(combos) < PROCEDURES:
        combos += combos[: PROCEDURES - len(combos)]
    combos = combos[:PROCEDURES]

    procedures, versions, through = [], [], []
    time_options, fees, components, steps = [], [], [], []
    process: list = []
    # version id → {"desk"|"specialist": (process step id, position, name)}: the dossiers'
    # open steps point at these.
    process_steps: dict[int, dict[str, tuple[int, int, str]]] = {}
    through_model = ProcedureVersion.receiving_agencies.through

    def add_version(procedure, number: int, status: str, fld, sector_code: str, name: str):
        level_roll = rng.random()
        if level_roll < 0.5:
            competent = rng.choice(departments_by_sector.get(sector_code) or agencies[:12])
        elif level_roll < 0.8:
            competent = rng.choice(district_agencies)
        else:
            competent = rng.choice(commune_agencies)
        online_level = rng.choices([1, 2, 3, 4], weights=[10, 25, 35, 30])[0]
        version = ProcedureVersion(
            pk=len(versions) + 1,
            procedure=procedure,
            number=number,
            status=status,
            name=name,
            field=fld,
            at_province=competent.level == Level.PROVINCE,
            at_district=competent.level == Level.DISTRICT,
            at_commune=competent.level == Level.COMMUNE,
            for_citizens=rng.random() < 0.85,
            for_organisations=rng.random() < 0.45,
            competent_agency=competent,
            online_level=online_level,
            channel_counter=True,
            channel_post=rng.random() < 0.5,
            channel_online=online_level >= OnlineLevel.PARTIAL,
            conditions="",
            legal_basis="Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP",
            result_document=f"Kết quả giải quyết thủ tục {name[:1].lower()}{name[1:]}",
            announcing_decision_number=f"{rng.randint(100, 2999)}/QĐ-UBND",
            announcing_decision_date=today - datetime.timedelta(days=rng.randint(30, 900)),
            published_at=None if status == VersionStatus.DRAFT else now,
            sources="Tạo cho đo hiệu năng (bench/seed.py)",
        )
        if not version.for_citizens and not version.for_organisations:
            version.for_citizens = True
        versions.append(version)
        through.append(
            through_model(
                pk=len(through) + 1, procedureversion_id=version.pk, agency_id=competent.pk
            )
        )
        for position in range(rng.choice([1, 1, 2])):
            time_options.append(
                TimeOption(
                    pk=len(time_options) + 1,
                    version=version,
                    position=position,
                    label="" if position == 0 else "Trường hợp cần xác minh",
                    duration=rng.choice([3, 5, 7, 10, 15, 20]) * (position + 1),
                    unit=DurationUnit.WORKING_DAYS.value,
                )
            )
        fees.append(
            Fee(
                pk=len(fees) + 1,
                version=version,
                name=rng.choice(FEE_NAMES),
                amount=rng.choice([0, 8_000, 50_000, 100_000, 500_000]),
                unit=Fee.Unit.PER_DOSSIER,
            )
        )
        for position, component_name in enumerate(
            rng.sample(COMPONENT_NAMES, rng.randint(2, 4)), start=1
        ):
            components.append(
                Component(
                    pk=len(components) + 1,
                    version=version,
                    position=position,
                    name=component_name,
                    count=rng.choice([1, 1, 2]),
                )
            )
        for position, description in enumerate(STEPS, start=1):
            steps.append(
                Step(pk=len(steps) + 1, version=version, position=position, description=description)
            )
        # The demo's electronic process: desk → specialist → leader → desk.
        for position, (key, name, role, agency, duration, unit) in enumerate(
            [
                ("desk", "Tiếp nhận, chuyển hồ sơ", ProcessRole.ONE_STOP_OFFICER, None, 4, "hours"),
                ("specialist", "Thẩm định hồ sơ", ProcessRole.SPECIALIST, competent, 2, "wd"),
                ("leader", "Phê duyệt kết quả", ProcessRole.LEADER, competent, 1, "wd"),
                ("return", "Trả kết quả", ProcessRole.ONE_STOP_OFFICER, None, 4, "hours"),
            ]
        ):
            made = ProcessStep(
                pk=len(process) + 1,
                version=version,
                position=position,
                name=name,
                at_receiving_agency=agency is None,
                agency=agency,
                role=role,
                duration=duration,
                unit=(
                    DurationUnit.HOURS.value if unit == "hours" else DurationUnit.WORKING_DAYS.value
                ),
                may_return=key in ("specialist", "leader"),
            )
            process.append(made)
            process_steps.setdefault(version.pk, {})[key] = (made.pk, position, name)

    for index, (fld, sector_code, name) in enumerate(combos, start=1):
        procedure = Procedure(pk=index, local_code=f"BENCH.{index:05d}.H30")
        procedures.append(procedure)
        if index <= REPUBLISHED:
            add_version(procedure, 1, VersionStatus.SUPERSEDED, fld, sector_code, name)
            add_version(procedure, 2, VersionStatus.PUBLISHED, fld, sector_code, name)
        else:
            add_version(procedure, 1, VersionStatus.PUBLISHED, fld, sector_code, name)
        if REPUBLISHED < index <= REPUBLISHED + WITH_DRAFT:
            add_version(procedure, 2, VersionStatus.DRAFT, fld, sector_code, name + " (dự thảo)")
    timings["build"] = time.perf_counter() - started

    # --- Load: drop the secondary indexes, COPY every table, rebuild the indexes.
    started = time.perf_counter()
    catalog_models = [
        Procedure,
        ProcedureVersion,
        through_model,
        TimeOption,
        Fee,
        Component,
        Step,
        ProcessStep,
    ]
    indexes = _secondary_indexes(connection, [m._meta.db_table for m in catalog_models])
    quote = connection.ops.quote_name
    counts = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        for label, objects in (
            ("units", units),
            ("agencies", agencies),
            ("sectors", sectors),
            ("fields", fields),
            ("procedures", procedures),
            ("versions", versions),
            ("receiving_agencies", through),
            ("time_options", time_options),
            ("fees", fees),
            ("components", components),
            ("steps", steps),
            ("process_steps", process),
        ):
            counts[label] = _copy(connection, objects)
        models = [AdministrativeUnit, Agency, Sector, Field, *catalog_models]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    timings["copy"] = time.perf_counter() - started

    started = time.perf_counter()
    with transaction.atomic():
        for version in ProcedureVersion.objects.select_related(
            "procedure", "field__sector", "competent_agency"
        ).prefetch_related("receiving_agencies", "time_options", "fees", "components", "steps"):
            version_refresh_derived(version)
    timings["derived_columns"] = time.perf_counter() - started

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
    timings["indexes"] = time.perf_counter() - started

    inbox_agency = district_agencies[0]
    officer = bench_officer(inbox_agency, now=now)
    dossiers = seed_dossiers(
        connection,
        today=today,
        agencies=agencies,
        versions=versions,
        through=through,
        time_options=time_options,
        process_steps=process_steps,
        inbox_agency_pk=inbox_agency.pk,
        officer_pk=officer.pk,
        inbox_now_ts=int(now.timestamp()),
    )
    timings.update(dossiers.pop("seconds"))

    accounts = seed_accounts(
        connection,
        agencies=agencies,
        versions=versions,
        through=through,
        components=components,
        now=now,
    )
    timings["accounts"] = accounts.pop("seconds")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - started

    return Seeded(
        procedures=len(procedures),
        versions=len(versions),
        published_versions=sum(v.status == VersionStatus.PUBLISHED for v in versions),
        parts={
            "receiving_agencies": counts["receiving_agencies"],
            "time_options": counts["time_options"],
            "fees": counts["fees"],
            "components": counts["components"],
            "steps": counts["steps"],
            "process_steps": counts["process_steps"],
            "secondary_indexes_rebuilt": [name for name, _definition in indexes],
        },
        agency_codes=[agency.code for agency in agencies],
        field_codes=[fld.code for fld in fields],
        sector_codes=[sector.code for sector in sectors],
        seconds={key: round(value, 2) for key, value in timings.items()},
        dossiers=dossiers.pop("dossiers"),
        history_rows=dossiers.pop("history_rows"),
        lookup_codes=dossiers.pop("lookup_codes"),
        inbox_agency_code=inbox_agency.code,
        inbox_open_steps=dossiers.pop("inbox_open_steps"),
        inbox_assigned=dossiers.pop("inbox_assigned"),
        open_steps=dossiers.pop("open_steps"),
        session_cookie=signed_in_cookie(officer),
        dossier_parts=dossiers,
        accounts=accounts,
        # The procedure pages of the rotation: every 10th procedure's public page.
        procedure_codes=[p.local_code for p in procedures[::10]],
        scale=SCALE,
    )


if __name__ == "__main__":
    if "DATABASE_URL" not in os.environ:
        sys.exit("bench/seed.py loads the database DATABASE_URL names; run it through make bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dichvucong.settings")
    print("SEEDED " + json.dumps(asdict(seed()), ensure_ascii=False))
