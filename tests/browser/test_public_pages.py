"""The public pages in a real browser: no serious or critical accessibility violation (axe-core,
from PyPI), and no horizontal scrolling on a 375 px wide phone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.agencies.factories import AgencyFactory
from tests.catalog.factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Rules switched off, each with its reason (none so far).
DISABLED_RULES: dict[str, str] = {}


@pytest.fixture
def public_world():
    agency = AgencyFactory(with_desk=True, name="Ủy ban nhân dân xã Hỏa Lựu")
    version = ProcedureVersionFactory(
        published=True,
        name="Đăng ký khai sinh",
        competent_agency=agency,
        receiving_agencies=[agency],
    )
    return agency, version


def _pages(public_world):
    agency, version = public_world
    return {
        "home": "/",
        "catalogue": "/thu-tuc/?q=dang+ky+khai+sinh",
        "procedure": f"/thu-tuc/{version.procedure.local_code}/",
        "lookup": "/tra-cuu/",
        "directory": "/co-quan/",
        "agency": f"/co-quan/{agency.code}/",
    }


def _serious(results) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "name", ["home", "catalogue", "procedure", "lookup", "directory", "agency"]
)
def test_public_page_passes_axe(page, public_world, name):
    response = page.goto(_pages(public_world)[name])
    assert response.status == 200

    options = {"rules": {rule: {"enabled": False} for rule in DISABLED_RULES}}
    results = Axe().run(page, options=options)

    assert results.response["passes"], "axe-core did not run on the page"
    assert _serious(results) == []


@pytest.mark.parametrize(
    "name", ["home", "catalogue", "procedure", "lookup", "directory", "agency"]
)
def test_public_page_has_no_horizontal_scroll_on_a_phone(new_page, public_world, name):
    page = new_page(width=375, height=812)
    page.goto(_pages(public_world)[name])

    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )

    assert widths[0] <= widths[1], f"{name}: content {widths[0]} px wide in a {widths[1]} px view"
