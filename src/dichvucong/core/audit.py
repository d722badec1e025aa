"""The tamper-evident audit trail of changes, and the access log of reads of personal data.

Entries form one HMAC hash chain per scope (an agency's code, or "province"), so writes of
unrelated agencies never wait for each other; see docs/decisions/0002-audit-chain.md.

    snapshot(instance, fields=None) -> dict
    audit_change(*, action, instance, before, after, scope="province", actor=None, ip=None)
    log_access(*, action, instance, actor=None, ip=None)
    audit_chain_verify(*, scope, anchors=()) -> ChainReport
    audit_trail_verify(*, scopes=None, anchors=None) -> list[ChainReport]

A register chain records every chain when it is opened, and signed checkpoints outside the
database (core.checkpoints) anchor the heads; see docs/decisions/0011-audit-anchoring.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, models, router, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .constants import AUDIT_REGISTER_ACTION, AUDIT_REGISTER_SCOPE, PROVINCE_SCOPE
from .context import Actor, current_actor
from .models import AccessLogEntry, AuditChain, AuditEntry

GENESIS_HASH = "0" * 64
# Left out of snapshots unless a caller names them: a password hash has no place in a trail.
NEVER_SNAPSHOT = frozenset({"password"})
MAX_ACTION_LENGTH = AuditEntry._meta.get_field("action").max_length
MAX_SCOPE_LENGTH = AuditEntry._meta.get_field("scope").max_length


# --- Snapshots ---------------------------------------------------------------------------


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The instance's field values as JSON-safe data, keyed by field name.

    Dates and times are ISO strings, Decimals and floats strings, foreign keys the related
    pk, files their name. Many-to-many fields only when named (they cost a query).
    """
    opts = instance._meta
    if fields is None:
        names = [f.name for f in opts.concrete_fields if f.name not in NEVER_SNAPSHOT]
    else:
        names = list(fields)
    values: dict[str, Any] = {}
    for name in names:
        field = opts.get_field(name)
        if field.many_to_many and not field.auto_created:
            related = getattr(instance, name).values_list("pk", flat=True) if instance.pk else []
            values[name] = sorted((json_safe(pk) for pk in related), key=str)
        elif field.concrete:
            # attname: the raw pk for a foreign key, without loading the related row.
            values[name] = json_safe(getattr(instance, field.attname))
        else:
            raise ValueError(
                f"snapshot() records own fields only, not the reverse relation {name!r}."
            )
    return values


def json_safe(value: Any) -> Any:
    """A value as plain JSON data that reads back from the database exactly as written.

    Floats become strings: a JSON column may hand 1e20 back as an integer, which would change
    the canonical text the hash covers.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | float | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


# --- Hashing -----------------------------------------------------------------------------


def canonical_json(data: Any) -> bytes:
    """The one byte form that is hashed or signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _mac(payload: dict[str, Any]) -> str:
    key = getattr(settings, "DVC_AUDIT_KEY", None) or settings.SECRET_KEY
    if not key:
        raise ImproperlyConfigured("DVC_AUDIT_KEY is empty: the audit chain cannot be signed.")
    return hmac.new(str(key).encode("utf-8"), canonical_json(payload), hashlib.sha256).hexdigest()


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _entry_mac(entry: AuditEntry) -> str:
    content_type = ContentType.objects.db_manager(entry._state.db).get_for_id(entry.content_type_id)
    return _mac(
        {
            "kind": "entry",
            "scope": entry.scope,
            "seq": entry.seq,
            "created_at": _timestamp(entry.created_at),
            "actor_user_id": entry.actor_user_id,
            "actor_label": entry.actor_label,
            "ip": entry.ip,
            "via": entry.via,
            "action": entry.action,
            # The natural key, not the row id: ids differ between databases.
            "object_type": f"{content_type.app_label}.{content_type.model}",
            "object_pk": entry.object_pk,
            "object_repr": entry.object_repr,
            "before": entry.before,
            "after": entry.after,
            "prev_hash": entry.prev_hash,
        }
    )


def _head_mac(scope: str, last_seq: int, last_hash: str) -> str:
    return _mac({"kind": "head", "scope": scope, "last_seq": last_seq, "last_hash": last_hash})


# --- Who and from where ------------------------------------------------------------------


@dataclass(frozen=True)
class _Who:
    user_id: int | None
    label: str
    ip: str
    via: str


def _who(actor: Any, ip: str | None) -> _Who:
    context = current_actor()
    if actor is None:
        actor = context
    elif not isinstance(actor, Actor):
        # A user passed directly: the channel and address still come from the context.
        actor = Actor(user=actor, ip=context.ip, via=context.via)
    user = actor.account
    label = ""
    if user is not None:
        label = (getattr(user, "email", "") or user.get_username() or str(user.pk))[:254]
    return _Who(
        user_id=user.pk if user is not None else None,
        label=label,
        ip=_normalise_ip(ip if ip is not None else actor.ip),
        via=actor.via,
    )


def _normalise_ip(raw: str | None) -> str:
    # Only well-formed addresses are kept, so the column never holds text a client chose.
    if not raw:
        return ""
    try:
        return str(ipaddress.ip_address(str(raw).strip()))
    except ValueError:
        return ""


def _object_pk(instance: models.Model, before: dict | None) -> str:
    pk = instance.pk
    if pk is None and before:
        # Already deleted: Django clears the pk, the snapshot taken before still has it.
        pk = before.get(instance._meta.pk.name)
    if pk is None:
        raise ValueError(
            "The instance has no primary key: record the change with a saved instance."
        )
    return str(pk)


def _check_label(kind: str, value: str, max_length: int) -> None:
    if not value or len(value) > max_length:
        raise ValueError(f"The audit {kind} must be 1 to {max_length} characters, got {value!r}.")


# --- Writing -----------------------------------------------------------------------------


def _lock_head(scope: str, using: str, who: _Who) -> AuditChain:
    """Lock the scope's head row, creating it the first time (safe under concurrency).

    A new chain is recorded in the register chain, in the same transaction: deleting a whole
    chain with its head then leaves a registered scope with nothing behind it.
    """
    chains = AuditChain.objects.db_manager(using)
    try:
        return chains.select_for_update().get(scope=scope)
    except AuditChain.DoesNotExist:
        pass
    try:
        # A savepoint, so that losing the race does not break the caller's transaction.
        with transaction.atomic(using=using):
            head = chains.create(
                scope=scope,
                last_seq=0,
                last_hash=GENESIS_HASH,
                head_mac=_head_mac(scope, 0, GENESIS_HASH),
                updated_at=timezone.now(),
            )
    except IntegrityError:
        # Another transaction created it first (and registers it); its lock is awaited here.
        return chains.select_for_update().get(scope=scope)
    # The register registers itself as its first entry (its head exists by now), which moves
    # the head: it is read again below.
    _append(
        action=AUDIT_REGISTER_ACTION,
        instance=head,
        before=None,
        after={"scope": scope},
        scope=AUDIT_REGISTER_SCOPE,
        who=who,
        using=using,
    )
    return chains.select_for_update().get(scope=scope)


def audit_change(
    *,
    action: str,
    instance: models.Model,
    before: dict | None,
    after: dict | None,
    scope: str = PROVINCE_SCOPE,
    actor: Any = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append a change to the scope's chain, in the caller's transaction.

    Call it inside the `transaction.atomic()` that makes the change: if the change rolls back,
    so does its entry. Appending locks the scope's head row until that transaction ends.
    actor: an Actor, a user, or None (the current actor); ip overrides the actor's address.
    """
    using = router.db_for_write(AuditEntry)
    if not transaction.get_connection(using).in_atomic_block:
        raise transaction.TransactionManagementError(
            "audit_change() must run inside transaction.atomic(), with the change it records."
        )
    _check_label("action", action, MAX_ACTION_LENGTH)
    _check_label("scope", scope, MAX_SCOPE_LENGTH)
    if before is None and after is None:
        raise ValueError("audit_change() needs a before or an after snapshot.")
    if scope == AUDIT_REGISTER_SCOPE:
        raise ValueError(
            f"The scope {scope!r} is the register of chains: only opening a chain writes to it."
        )
    return _append(
        action=action,
        instance=instance,
        before=before,
        after=after,
        scope=scope,
        who=_who(actor, ip),
        using=using,
    )


def _append(
    *,
    action: str,
    instance: models.Model,
    before: dict | None,
    after: dict | None,
    scope: str,
    who: _Who,
    using: str,
) -> AuditEntry:
    entry = AuditEntry(
        scope=scope,
        created_at=timezone.now(),
        actor_user_id=who.user_id,
        actor_label=who.label,
        ip=who.ip,
        via=who.via,
        action=action,
        content_type=ContentType.objects.db_manager(using).get_for_model(instance),
        object_pk=_object_pk(instance, before),
        object_repr=str(instance)[:200],
        # Normalised now, so that what is hashed is exactly what the database gives back.
        before=json_safe(before),
        after=json_safe(after),
    )
    head = _lock_head(scope, using, who)
    entry.seq = head.last_seq + 1
    entry.prev_hash = head.last_hash
    entry._state.db = using
    entry.hash = _entry_mac(entry)
    entry.save(using=using, force_insert=True)

    head.last_seq, head.last_hash, head.updated_at = entry.seq, entry.hash, entry.created_at
    head.head_mac = _head_mac(scope, head.last_seq, head.last_hash)
    head.save(using=using, update_fields=["last_seq", "last_hash", "head_mac", "updated_at"])
    return entry


def log_access(
    *, action: str, instance: models.Model, actor: Any = None, ip: str | None = None
) -> AccessLogEntry:
    """Record a read of personal data (not chained: reads are many and change nothing)."""
    _check_label("action", action, MAX_ACTION_LENGTH)
    if instance.pk is None:
        raise ValueError("log_access() needs a saved instance.")
    who = _who(actor, ip)
    return AccessLogEntry.objects.create(
        created_at=timezone.now(),
        actor_user_id=who.user_id,
        actor_label=who.label,
        ip=who.ip,
        via=who.via,
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
    )


def audit_register_backfill(*, using: str | None = None) -> list[str]:
    """Register the chains opened before the register existed (migration 0005); returns them.

    Only chains with a head are registered: a scope whose head is gone is reported instead.
    """
    using = using or router.db_for_write(AuditEntry)
    with transaction.atomic(using=using):
        registered = _registered_scopes(using=using)
        heads = AuditChain.objects.db_manager(using).exclude(scope=AUDIT_REGISTER_SCOPE)
        missing = [head for head in heads.order_by("pk") if head.scope not in registered]
        who = _Who(user_id=None, label="", ip="", via="system")
        if missing and AUDIT_REGISTER_SCOPE not in registered:
            # Opening the register registers the register itself.
            _lock_head(AUDIT_REGISTER_SCOPE, using, who)
        for head in missing:
            _append(
                action=AUDIT_REGISTER_ACTION,
                instance=head,
                before=None,
                after={"scope": head.scope},
                scope=AUDIT_REGISTER_SCOPE,
                who=who,
                using=using,
            )
    return [head.scope for head in missing]


# --- Verifying ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    # edited, missing, inserted, truncated, head_tampered, head_missing (the chain itself);
    # unregistered, removed (against the register); rewritten, removed (against a checkpoint).
    kind: str
    seq: int | None
    entry_id: int | None
    detail: str


@dataclass(frozen=True)
class ChainReport:
    scope: str
    entries_checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Anchor:
    """A chain's head as a signed checkpoint outside the database saw it."""

    seq: int
    hash: str
    checkpoint: str  # which checkpoint, for the report


def audit_scopes() -> list[str]:
    """Every scope that has a head or an entry, or that the register says was opened."""
    return sorted(_existing_scopes() | set(_registered_scopes()))


def _existing_scopes() -> set[str]:
    heads = set(AuditChain.objects.values_list("scope", flat=True))
    return heads | set(AuditEntry.objects.order_by().values_list("scope", flat=True).distinct())


def _registered_scopes(*, using: str | None = None) -> dict[str, int]:
    """The scopes the register chain records as opened, with the id of their register entry."""
    rows = (
        AuditEntry.objects.db_manager(using)
        .filter(scope=AUDIT_REGISTER_SCOPE, action=AUDIT_REGISTER_ACTION)
        .values_list("after", "pk")
    )
    return {
        after["scope"]: pk for after, pk in rows if isinstance(after, dict) and "scope" in after
    }


def audit_trail_verify(
    *, scopes: Iterable[str] | None = None, anchors: dict[str, list[Anchor]] | None = None
) -> list[ChainReport]:
    """Verify every chain (or those named): its own links, its place in the register, and the
    heads that checkpoints outside the database recorded (`anchors`, by scope).

    Chains a checkpoint knows are verified even when nothing of them is left in the database.
    """
    anchors = anchors or {}
    registered = _registered_scopes()
    existing = _existing_scopes()
    names = sorted(existing | set(registered) | set(anchors)) if scopes is None else list(scopes)
    reports = []
    for scope in names:
        report = audit_chain_verify(scope=scope, anchors=anchors.get(scope, ()))
        if report.ok:
            problem = _register_problem(scope, present=scope in existing, registered=registered)
            if problem:
                report = ChainReport(scope, report.entries_checked, problem)
        reports.append(report)
    return reports


def _register_problem(
    scope: str, *, present: bool, registered: dict[str, int]
) -> ChainProblem | None:
    if present and scope not in registered:
        return ChainProblem(
            "unregistered", None, None, _("the register of chains does not list this chain")
        )
    if not present and scope in registered:
        return ChainProblem(
            "removed",
            None,
            registered[scope],
            _(
                "the register lists this chain (in its entry id %(id)s) but its head and entries are gone"
            )
            % {"id": registered[scope]},
        )
    return None


def audit_chain_verify(*, scope: str, anchors: Iterable[Anchor] = ()) -> ChainReport:
    """Walk the scope's chain in order, recompute every hash, compare the end with the head,
    and every entry a checkpoint recorded with the hash the checkpoint holds.

    Stops at the first problem; the kinds tell what most likely happened to the entry.
    """
    anchored: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.seq > 0:
            anchored.setdefault(anchor.seq, []).append(anchor)
    furthest = max(
        (a for group in anchored.values() for a in group), key=lambda a: a.seq, default=None
    )

    head = AuditChain.objects.filter(scope=scope).first()
    entries = AuditEntry.objects.filter(scope=scope).order_by("seq")
    if head is None:
        first = entries.first()
        if first is not None:
            return ChainReport(
                scope,
                0,
                ChainProblem(
                    "head_missing", first.seq, first.pk, _("the chain's head row is missing")
                ),
            )
        if furthest is not None:
            return ChainReport(scope, 0, _removed_problem(1, furthest))
        return ChainReport(scope, 0, None)
    if not hmac.compare_digest(head.head_mac, _head_mac(scope, head.last_seq, head.last_hash)):
        return ChainReport(
            scope,
            0,
            ChainProblem("head_tampered", head.last_seq, None, _("the head row was altered")),
        )

    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    iterator = entries.iterator(chunk_size=2000)
    entry = next(iterator, None)
    while entry is not None:
        following = next(iterator, None)
        problem = _entry_problem(entry, following, expected_seq, prev_hash, head) or (
            _anchor_problem(entry, anchored.get(entry.seq, ()))
        )
        if problem:
            return ChainReport(scope, checked, problem)
        checked += 1
        expected_seq, prev_hash = entry.seq + 1, entry.hash
        entry = following

    if furthest is not None and furthest.seq >= expected_seq:
        # Checked before the head: a rewound head would otherwise hide the removal.
        return ChainReport(scope, checked, _removed_problem(expected_seq, furthest))
    if head.last_seq >= expected_seq:
        return ChainReport(
            scope,
            checked,
            ChainProblem(
                "truncated",
                expected_seq,
                None,
                _("entries %(first)s to %(last)s were removed from the end")
                % {"first": expected_seq, "last": head.last_seq},
            ),
        )
    if not hmac.compare_digest(head.last_hash, prev_hash):
        return ChainReport(
            scope,
            checked,
            ChainProblem(
                "head_tampered", head.last_seq, None, _("the head does not match the last entry")
            ),
        )
    return ChainReport(scope, checked, None)


def _removed_problem(first: int, anchor: Anchor) -> ChainProblem:
    return ChainProblem(
        "removed",
        first,
        None,
        _("entries %(first)s to %(last)s, recorded in checkpoint %(checkpoint)s, are gone")
        % {"first": first, "last": anchor.seq, "checkpoint": anchor.checkpoint},
    )


def _anchor_problem(entry: AuditEntry, anchors: Iterable[Anchor]) -> ChainProblem | None:
    for anchor in anchors:
        if not hmac.compare_digest(entry.hash, anchor.hash):
            return ChainProblem(
                "rewritten",
                entry.seq,
                entry.pk,
                _("the entry differs from the one recorded in checkpoint %(checkpoint)s")
                % {"checkpoint": anchor.checkpoint},
            )
    return None


def _entry_problem(
    entry: AuditEntry,
    following: AuditEntry | None,
    expected_seq: int,
    prev_hash: str,
    head: AuditChain,
) -> ChainProblem | None:
    def problem(kind: str, detail: str) -> ChainProblem:
        return ChainProblem(kind, entry.seq, entry.pk, detail)

    if entry.seq > head.last_seq:
        return problem("inserted", _("the entry lies beyond the chain's head"))
    if entry.seq != expected_seq:
        # The first bad one is the first missing entry; the chain resumes at this one.
        return ChainProblem(
            "missing",
            expected_seq,
            None,
            _(
                "deleted (entries %(first)s to %(last)s are gone; the chain resumes at entry id %(id)s)"
            )
            % {"first": expected_seq, "last": entry.seq - 1, "id": entry.pk},
        )
    if not hmac.compare_digest(entry.hash, _entry_mac(entry)):
        if following is not None and following.prev_hash == prev_hash:
            # The next entry links straight to the one before: this one was slipped in between.
            return problem("inserted", _("the entry was inserted into the chain"))
        return problem("edited", _("the entry's content does not match its hash"))
    if not hmac.compare_digest(entry.prev_hash, prev_hash):
        return problem("edited", _("the entry does not link to the entry before it"))
    return None


def audited_create(
    instance: models.Model, *, action: str, scope: str = "province", actor: Any = None
) -> Any:
    """Validate, insert and record a new row — the shape of every plain "create" service."""
    instance.full_clean()
    with transaction.atomic():
        instance.save(force_insert=True)
        audit_change(
            action=action,
            instance=instance,
            before=None,
            after=snapshot(instance),
            scope=scope,
            actor=actor,
        )
    return instance


def audited_update(
    instance: models.Model,
    *,
    data: dict[str, Any],
    action: str,
    scope: str = "province",
    actor: Any = None,
) -> tuple[Any, list[str]]:
    """Lock the row, set the fields of `data` that differ, validate, save only those and record
    the change — the shape of every plain "update" service. Returns the locked instance and the
    names of the fields that changed (nothing is saved or recorded when none did)."""
    with transaction.atomic():
        locked = type(instance).objects.select_for_update().get(pk=instance.pk)
        before = snapshot(locked)
        changed = [name for name, value in data.items() if getattr(locked, name) != value]
        if changed:
            for name in changed:
                setattr(locked, name, data[name])
            locked.full_clean()
            locked.save(update_fields=changed)
            audit_change(
                action=action,
                instance=locked,
                before=before,
                after=snapshot(locked),
                scope=scope,
                actor=actor,
            )
    return locked, changed
