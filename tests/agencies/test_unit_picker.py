"""The address pickers' htmx source: the units under a unit, in force today, as <option>s."""

import datetime

import pytest
from django.urls import reverse

from .factories import AdministrativeUnitFactory

pytestmark = pytest.mark.django_db

URL = reverse("agencies:unit-children")


@pytest.fixture
def province():
    province = AdministrativeUnitFactory(code="93", name="Tỉnh Hậu Giang")
    AdministrativeUnitFactory(district=True, code="930", name="Thành phố Vị Thanh", parent=province)
    AdministrativeUnitFactory(district=True, code="931", name="Huyện Châu Thành A", parent=province)
    AdministrativeUnitFactory(
        district=True,
        code="939",
        name="Huyện đã giải thể",
        parent=province,
        valid_to=datetime.date(2020, 1, 1),
    )
    AdministrativeUnitFactory(district=True, code="999", name="Huyện tỉnh khác")
    return province


def test_children_in_force_as_options(client, province, vietnamese):
    response = client.get(URL, {"parent": "93"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="">— chọn —</option>' in html
    assert '<option value="930">Thành phố Vị Thanh</option>' in html
    assert '<option value="931">Huyện Châu Thành A</option>' in html
    assert "939" not in html and "999" not in html


def test_the_parent_may_come_under_the_select_name_htmx_sends(client, province):
    response = client.get(URL, {"from": "noi_o_0", "noi_o_0": "93"})
    assert '<option value="930">' in response.content.decode()


@pytest.mark.parametrize("query", [{}, {"parent": ""}, {"parent": "nope"}, {"from": "x"}])
def test_unknown_or_missing_parent_gives_only_the_empty_choice(client, province, query):
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.content.decode().count("<option") == 1


def test_only_get(client):
    assert client.post(URL, {"parent": "93"}).status_code == 405


def test_a_new_province_also_empties_the_commune_list(client, province):
    response = client.get(URL, {"from": "noi_o_0", "noi_o_0": "93", "reset": "id_noi_o_2"})
    html = response.content.decode()
    assert '<option value="930">' in html
    assert 'hx-swap-oob="innerHTML:#id_noi_o_2"' in html


def test_the_reset_target_must_be_a_plain_element_id(client, province):
    response = client.get(URL, {"parent": "93", "reset": 'x" onclick="alert(1)'})
    assert "hx-swap-oob" not in response.content.decode()
