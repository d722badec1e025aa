"""The OpenAPI schema: committed, served, and documented by a page whose files are local."""

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def generated_schema() -> str:
    out = StringIO()
    call_command(
        "spectacular", "--lang", "vi", "--validate", "--fail-on-warn", stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def test_the_committed_schema_is_what_the_code_generates():
    assert COMMITTED.exists(), "docs/api/openapi.yaml is missing: run `make schema` and commit it"
    assert generated_schema() == COMMITTED.read_text(), (
        "The API changed but docs/api/openapi.yaml did not: run `make schema` and commit the file."
    )


def test_the_schema_documents_both_catalogue_endpoints_with_examples():
    schema = yaml.safe_load(COMMITTED.read_text())

    assert schema["openapi"].startswith("3.")
    list_op = schema["paths"]["/api/v1/procedures/"]["get"]
    detail_op = schema["paths"]["/api/v1/procedures/{code}/"]["get"]
    assert {p["name"] for p in list_op["parameters"]} >= {
        "q",
        "sector",
        "field",
        "agency",
        "level",
        "online_level",
        "subject",
        "page",
        "page_size",
    }
    for operation in (list_op, detail_op):
        assert operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert "404" in detail_op["responses"] and "400" in list_op["responses"]


@pytest.mark.django_db
def test_the_schema_is_served(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert "/api/v1/procedures/{code}/" in schema["paths"]


@pytest.mark.django_db
def test_the_docs_page_loads_only_local_files_under_the_strict_policy(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "an asset from elsewhere"
    assets = re.findall(r"""(?:src|href)="([^"]+)\"""", html)
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}" in assets
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file"
    # Nothing inline: the policy allows scripts and styles from 'self' (or with a nonce) only.
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy


@pytest.mark.django_db
def test_the_docs_start_up_script_is_served_from_the_portal(client):
    html = client.get("/api/v1/docs/").content.decode()
    script = re.search(r'<script src="(/api/v1/docs/\?[^"]*script[^"]*)"', html).group(1)

    response = client.get(script.replace("&amp;", "&"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in response.content
    assert b"/api/v1/schema/" in response.content
