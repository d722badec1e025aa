"""`{% load money %}`: core.money's formatters as template filters."""

from django import template

from dichvucong.core import money

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """{{ fee|vnd }} → "8.000 đồng" ("" for no amount)."""
    return "" if amount is None else money.vnd(amount)


@register.filter
def amount_text(amount: int | None) -> str:
    """{{ fee|amount_text }} → "8.000", for a sentence that names the unit itself."""
    return "" if amount is None else money.amount_text(amount)
