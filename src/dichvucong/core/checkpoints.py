"""Signed checkpoints of the audit chains' heads, kept outside the database.

A checkpoint lists every chain's head (scope, sequence number, hash), signed with an Ed25519
key that the database never sees, and is written to DVC_AUDIT_CHECKPOINT_DIR (and mailed when
DVC_AUDIT_CHECKPOINT_EMAIL is set). Whoever can rewrite the database cannot rewrite a checkpoint
already written elsewhere, so `verify_audit` finds what was removed, truncated or rewound
before it. See docs/decisions/0011-audit-anchoring.md.

    checkpoint_write(*, now=None) -> Checkpoint
    checkpoint_anchors(*, directory=None) -> CheckpointSet
    checkpoint_key_generate() -> KeyPair
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import Anchor, canonical_json
from .models import AuditChain

FORMAT = "dichvucong.audit-checkpoint.v1"
FILE_PATTERN = re.compile(r"^audit-checkpoint-\d{8}T\d{12}Z(?:-\d+)?\.json$")
# A checkpoint holds one line per chain (the province and each agency): a few kilobytes.
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class KeyPair:
    private: str  # base64 of the 32-byte seed: DVC_AUDIT_CHECKPOINT_KEY
    public: str  # base64 of the 32-byte public key: DVC_AUDIT_CHECKPOINT_PUBLIC_KEYS


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    created_at: dt.datetime
    heads: int
    mailed_to: list[str]


@dataclass
class CheckpointSet:
    """What the checkpoints in the directory say, and which of them could not be trusted."""

    directory: Path
    files: int = 0
    latest: dt.datetime | None = None
    anchors: dict[str, list[Anchor]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file name, what is wrong)


# --- Keys --------------------------------------------------------------------------------


def checkpoint_key_generate() -> KeyPair:
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return KeyPair(
        private=base64.b64encode(seed).decode("ascii"), public=_public_text(key.public_key())
    )


def _public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"{name} must be 32 bytes in base64 (manage.py audit_checkpoint --new-key makes one)."
        )
    return raw


def _signing_key() -> Ed25519PrivateKey:
    text = getattr(settings, "DVC_AUDIT_CHECKPOINT_KEY", "")
    if not text:
        raise ImproperlyConfigured(
            "DVC_AUDIT_CHECKPOINT_KEY is empty: checkpoints cannot be signed "
            "(manage.py audit_checkpoint --new-key makes a key pair)."
        )
    return Ed25519PrivateKey.from_private_bytes(_decode_key(text, "DVC_AUDIT_CHECKPOINT_KEY"))


def _trusted_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys whose checkpoints are believed: the configured ones (earlier keys stay
    listed after a rotation) and the signing key's own."""
    keys = [
        Ed25519PublicKey.from_public_bytes(_decode_key(text, "DVC_AUDIT_CHECKPOINT_PUBLIC_KEYS"))
        for text in getattr(settings, "DVC_AUDIT_CHECKPOINT_PUBLIC_KEYS", [])
        if text.strip()
    ]
    if getattr(settings, "DVC_AUDIT_CHECKPOINT_KEY", ""):
        keys.append(_signing_key().public_key())
    return {_key_id(key): key for key in keys}


# --- Writing -----------------------------------------------------------------------------


def _directory(directory: Path | str | None = None) -> Path:
    return Path(directory or settings.DVC_AUDIT_CHECKPOINT_DIR)


def checkpoint_write(*, now: dt.datetime | None = None) -> Checkpoint:
    """Sign every chain's head as it stands and write the checkpoint file (mail it if set).

    Safe to run twice: each run writes its own file, none is ever overwritten.
    """
    key = _signing_key()
    now = now or timezone.now()
    heads = [
        {"scope": scope, "seq": seq, "hash": last_hash}
        for scope, seq, last_hash in AuditChain.objects.order_by("scope").values_list(
            "scope", "last_seq", "last_hash"
        )
    ]
    body: dict[str, Any] = {
        "format": FORMAT,
        "created_at": now.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "portal": settings.DVC_PUBLIC_URL,
        "heads": heads,
        "key_id": _key_id(key.public_key()),
    }
    body["signature"] = base64.b64encode(key.sign(canonical_json(body))).decode("ascii")
    content = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    path = _write_new_file(_directory(), now, content)

    recipients = list(getattr(settings, "DVC_AUDIT_CHECKPOINT_EMAIL", []))
    if recipients:
        _mail(path, content, now, recipients)
    return Checkpoint(path=path, created_at=now, heads=len(heads), mailed_to=recipients)


def _write_new_file(directory: Path, now: dt.datetime, content: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"audit-checkpoint-{now.astimezone(dt.UTC):%Y%m%dT%H%M%S%f}Z"
    for attempt in range(100):
        path = directory / (f"{stem}.json" if attempt == 0 else f"{stem}-{attempt}.json")
        try:
            # O_EXCL: a checkpoint is never overwritten, not even by one made the same instant.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        return path
    raise FileExistsError(f"No free checkpoint file name for {stem} in {directory}.")


def _mail(path: Path, content: bytes, now: dt.datetime, recipients: list[str]) -> None:
    local = timezone.localtime(now)
    message = EmailMessage(
        subject=_("Audit trail checkpoint of %(time)s") % {"time": f"{local:%d/%m/%Y %H:%M}"},
        body=_(
            "Attached is the signed checkpoint of the audit trail's chains made at %(time)s. "
            "Keep it: manage.py verify_audit compares the trail with the checkpoints to find "
            "entries removed since."
        )
        % {"time": f"{local:%d/%m/%Y %H:%M}"},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach(path.name, content, "application/json")
    message.send(fail_silently=False)


# --- Reading -----------------------------------------------------------------------------


def checkpoint_anchors(*, directory: Path | str | None = None) -> CheckpointSet:
    """Read and check every checkpoint in the directory; the heads of the trusted ones become
    anchors by scope (one per distinct sequence number and hash, the earliest file named)."""
    found = CheckpointSet(directory=_directory(directory))
    if not found.directory.is_dir():
        return found
    trusted = _trusted_keys()
    seen: set[tuple[str, int, str]] = set()
    for path in sorted(found.directory.iterdir()):
        if not path.is_file() or path.suffix != ".json":
            continue
        found.files += 1
        try:
            created_at, heads = _read_signed(path, trusted)
        except _Untrusted as exc:
            found.problems.append((path.name, str(exc)))
            continue
        if found.latest is None or created_at > found.latest:
            found.latest = created_at
        for scope, seq, head_hash in heads:
            if (scope, seq, head_hash) not in seen:
                seen.add((scope, seq, head_hash))
                found.anchors.setdefault(scope, []).append(Anchor(seq, head_hash, path.name))
    return found


class _Untrusted(Exception):
    pass


def _read_signed(
    path: Path, trusted: dict[str, Ed25519PublicKey]
) -> tuple[dt.datetime, list[tuple[str, int, str]]]:
    if not FILE_PATTERN.match(path.name):
        raise _Untrusted(_("not a checkpoint file name"))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _Untrusted(_("larger than any checkpoint"))
    try:
        body = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Untrusted(_("not readable as a checkpoint")) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _Untrusted(_("not a checkpoint of this format"))
    signature = body.pop("signature", None)
    if not isinstance(signature, str) or not signature:
        raise _Untrusted(_("unsigned"))
    key = trusted.get(str(body.get("key_id")))
    if key is None:
        raise _Untrusted(_("signed with a key that is not trusted here"))
    try:
        key.verify(base64.b64decode(signature, validate=True), canonical_json(body))
    except (InvalidSignature, binascii.Error, ValueError):
        raise _Untrusted(
            _("the signature does not match its content (forged or altered)")
        ) from None
    # Signed by a trusted key: the content is what the checkpoint task wrote.
    created_at = dt.datetime.fromisoformat(body["created_at"])
    heads = [(head["scope"], int(head["seq"]), head["hash"]) for head in body["heads"]]
    return created_at, heads
