"""Every operation of the served schema, exercised by schemathesis with all its checks.

Positive and negative data (valid requests accepted, invalid ones refused with a 4xx), the
responses against the schema, no 5xx. Bounded and derandomized: the same cases on every run, a
few seconds per operation; on PostgreSQL in CI, where a NUL character in text is refused.
"""

import json

import jsonschema
import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from dichvucong.dossiers.selectors.public import CODE_EXAMPLE
from tests.agencies.factories import AgencyFactory
from tests.catalog.factories import ProcedureVersionFactory, TimeOptionFactory
from tests.dossiers.factories import DossierFactory
from tests.wsgi_app import application

MAX_EXAMPLES = 100
PROCEDURE_EXAMPLE = "1.001193.000.00.00.H30"


@pytest.fixture
def api_data(db, settings):
    """Rows for the operations to find, under the codes of the schema's examples (schemathesis
    sends those first): published procedures, one with a same-day cut-off (the value whose type
    the schema once got wrong), an agency with its desk, a received dossier."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        # The rates are tested in test_throttling; here every case must reach the view.
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100000/min",
            "user": "100000/min",
            "lookup": "100000/min",
        },
    }
    for _ in range(3):
        ProcedureVersionFactory(published=True)
    version = ProcedureVersionFactory(published=True, procedure__local_code=PROCEDURE_EXAMPLE)
    TimeOptionFactory(version=version, same_day_case=True)
    agency = AgencyFactory(with_desk=True, code="000.00.02.H30")
    DossierFactory(received=True, receiving_agency=agency, code=CODE_EXAMPLE)


def served_schema() -> dict:
    """The schema /api/v1/schema/ serves, built the way its view builds it (without a request:
    collection may not touch the database)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(served_schema())


schema.app = application  # built per request, the test's settings and connection kept
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    database="none",  # no .hypothesis/ folder: the same cases every run anyway
)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_schema(case, api_data):
    case.call_and_validate()


def _string_parameters():
    for path, operations in served_schema()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("path", "query") and "string" in json.dumps(
                    parameter["schema"]
                ):
                    yield pytest.param(path, method, parameter, id=f"{path} {parameter['name']}")


@pytest.mark.parametrize(("path", "method", "parameter"), list(_string_parameters()))
def test_a_nul_character_is_refused_and_the_schema_says_so(
    client, api_data, path, method, parameter
):
    """Fuzzing finds NUL only by chance: each text parameter is asked directly."""
    value = "000.00.02.H30\x00"
    assert not _valid(value, parameter["schema"]), "the schema accepts NUL: say it is refused"
    name = parameter["name"]
    if parameter["in"] == "path":
        url, query = path.replace("{" + name + "}", value), {}
    else:
        url, query = path, {name: value}
    response = getattr(client, method)(url, query)
    assert response.status_code == 400
    assert response.json()["code"]


def _valid(value, parameter_schema) -> bool:
    try:
        jsonschema.validate(value, parameter_schema)
    except jsonschema.ValidationError:
        return False
    return True
