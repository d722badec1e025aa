"""Seeds the benchmark database fast: units, agencies, sectors, fields, 2,000 procedures with
their published versions and parts, loaded with PostgreSQL's COPY.

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

PROCEDURES = 2_000
# Procedures whose first version was superseded by a second, and ones with a draft pending:
# the search must skip both kinds of non-published rows.
REPUBLISHED = 200
WITH_DRAFT = 100


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
        for c_index, c_name in enumerate(COMMUNE_NAMES, start=1):
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
    catalog_tables = [
        m._meta.db_table
        for m in (Procedure, ProcedureVersion, through_model, TimeOption, Fee, Component, Step)
    ]
    indexes = _secondary_indexes(connection, catalog_tables)
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
        ):
            counts[label] = _copy(connection, objects)
        models = [
            AdministrativeUnit,
            Agency,
            Sector,
            Field,
            Procedure,
            ProcedureVersion,
            through_model,
            TimeOption,
            Fee,
            Component,
            Step,
        ]
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
        cursor.execute("ANALYZE")
    timings["indexes_and_analyze"] = time.perf_counter() - started

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
            "secondary_indexes_rebuilt": [name for name, _definition in indexes],
        },
        agency_codes=[agency.code for agency in agencies],
        field_codes=[fld.code for fld in fields],
        sector_codes=[sector.code for sector in sectors],
        seconds={key: round(value, 2) for key, value in timings.items()},
    )


if __name__ == "__main__":
    if "DATABASE_URL" not in os.environ:
        sys.exit("bench/seed.py loads the database DATABASE_URL names; run it through make bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dichvucong.settings")
    print("SEEDED " + json.dumps(asdict(seed()), ensure_ascii=False))
