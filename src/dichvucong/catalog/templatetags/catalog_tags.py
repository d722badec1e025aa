"""A procedure's parts in plain words: "5 ngày làm việc", "8.000 đồng/bản", "Miễn phí".

Every phrase goes through gettext with named placeholders, so the English pages read as well;
numbers are grouped the Vietnamese way (8.000) by the active locale's format.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from dichvucong.agencies.worktime import SAME_DAY_CUTOFF, DurationUnit
from dichvucong.core.money import amount_text, vnd

from ..models import Fee, OnlineLevel, ProcedureVersion, ProcessStep, TimeOption

register = template.Library()


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def clock_text(moment: datetime.time) -> str:
    """15:00 as "15 giờ 00" in Vietnamese, "15:00" in English."""
    return pgettext("time of day", "%(hour)s:%(minute)s") % {
        "hour": moment.hour,
        "minute": f"{moment.minute:02d}",
    }


@register.filter
def time_text(option: TimeOption, default_cutoff: datetime.time | None = None) -> str:
    """A processing time: "5 ngày làm việc", "3 tháng", or the same-day rule with its cut-off
    (the option's own, else `default_cutoff` — the rule set's — else 15:00)."""
    if option.same_day:
        cutoff = option.cutoff or default_cutoff or SAME_DAY_CUTOFF
        return _(
            "Same day (if received after %(cutoff)s, the result is returned the next working day)"
        ) % {"cutoff": clock_text(cutoff)}
    return _duration_text(option.duration, option.unit)


@register.filter
def budget_text(step: ProcessStep) -> str:
    """A process step's time budget: "4 giờ làm việc", "1 ngày làm việc"."""
    return _duration_text(step.duration, step.unit)


def _duration_text(count: int, unit: str) -> str:
    if unit == DurationUnit.HOURS:
        text = ngettext("%(count)s working hour", "%(count)s working hours", count)
    elif unit == DurationUnit.DAYS:
        text = ngettext("%(count)s day", "%(count)s days", count)
    elif unit == DurationUnit.MONTHS:
        text = ngettext("%(count)s month", "%(count)s months", count)
    else:
        text = ngettext("%(count)s working day", "%(count)s working days", count)
    return text % {"count": _number(count)}


# The one formatter of amounts (core.money), also as this library's filter.
register.filter("vnd", vnd)


def _per_unit(amount: int, unit: str) -> str:
    values = {"amount": amount_text(amount)}
    if unit == Fee.Unit.PER_COPY:
        return _("%(amount)s VND per copy") % values
    if unit == Fee.Unit.PER_PAGE:
        return _("%(amount)s VND per page") % values
    return _("%(amount)s VND per dossier") % values


@register.filter
def fee_amount(fee: Fee) -> str:
    """ "8.000 đồng/bản", or "Miễn phí" for a zero amount."""
    if not fee.amount:
        return _("Free")
    return _per_unit(fee.amount, fee.unit)


@register.filter
def fee_cap(fee: Fee) -> str:
    """ "tối đa 200.000 đồng/bản", or "" without a cap. A per-page fee is capped per copy
    (Circular 226/2016: 2.000 đồng/trang, at most 200.000 đồng/bản)."""
    if fee.cap is None or not fee.amount:
        return ""
    unit = Fee.Unit.PER_COPY if fee.unit == Fee.Unit.PER_PAGE else fee.unit
    return _("at most %(amount)s") % {"amount": _per_unit(fee.cap, unit)}


@register.filter
def online_level_text(version: ProcedureVersion) -> str:
    """The seed's level with what it means under Decree 42/2022 (toàn trình / một phần)."""
    level = version.online_level
    if level >= OnlineLevel.FULL:
        text = _("Level %(level)s: full online public service")
    elif level == OnlineLevel.PARTIAL:
        text = _("Level %(level)s: partial online public service")
    elif level == OnlineLevel.FORMS:
        text = _("Level %(level)s: information and forms to download")
    else:
        text = _("Level %(level)s: information only")
    return text % {"level": level}


@register.filter
def online_kind_text(version: ProcedureVersion) -> str:
    """ "toàn trình", "một phần", or "" for levels 1-2 (no longer online services)."""
    if version.online_level >= OnlineLevel.FULL:
        return _("full online")
    if version.online_level == OnlineLevel.PARTIAL:
        return _("partly online")
    return ""


@register.filter
def levels_text(version: ProcedureVersion) -> str:
    """ "Cấp tỉnh, cấp xã"."""
    words = [
        word
        for on, word in (
            (version.at_province, _("province level")),
            (version.at_district, _("district level")),
            (version.at_commune, _("commune level")),
        )
        if on
    ]
    return capfirst(", ".join(words))


@register.filter
def subjects_text(version: ProcedureVersion) -> str:
    """ "Công dân, tổ chức"."""
    words = [
        word
        for on, word in (
            (version.for_citizens, _("citizens")),
            (version.for_organisations, _("organisations")),
        )
        if on
    ]
    return capfirst(", ".join(words))


@register.filter
def channel_list(version: ProcedureVersion) -> list[str]:
    return [
        text
        for on, text in (
            (version.channel_counter, _("In person at the one-stop desk")),
            (version.channel_post, _("By public postal service")),
            (version.channel_online, _("Online, on this portal")),
        )
        if on
    ]


@register.filter
def retention_text(years: int | None) -> str:
    if years is None:
        return _("Permanently")
    return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}


@register.filter
def copies_text(count: int) -> str:
    return ngettext("%(count)s copy", "%(count)s copies", count) % {"count": count}


@register.filter
def lines(text: str) -> list[str]:
    """The non-empty lines of a text kept one item a line (the legal basis)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def unverified(version: ProcedureVersion, key: str) -> bool:
    """Whether the version marks this part (an exchange-format key) as not verified."""
    return key in (version.unverified or [])
