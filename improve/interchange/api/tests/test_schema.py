"""The OpenAPI schema: valid OpenAPI 3, one path and components per register, and the API keeps to it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from openapi_spec_validator import validate

from improve.core.registry import registry
from improve.interchange.api.tests import fuzz
from improve.interchange.api.tests.conftest import bearer
from improve.programmes.models import Role


def test_the_schema_is_valid_openapi_3_and_describes_every_register(programme, member):
    response = member(Role.VIEWER).get(reverse("api:schema"))  # any signed-in user may read it
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    components = schema["components"]["schemas"]
    for spec in registry.sheets():
        path = schema["paths"][f"/api/programmes/{{slug}}/{spec.name}/"]["get"]
        name = "".join(part.capitalize() for part in spec.name.split("_"))
        assert list(components[name]["properties"]) == spec.column_names
        page = path["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert page == f"#/components/schemas/{name}Page"
        assert "text/csv" in path["responses"]["200"]["content"]
        filters = {p["name"] for p in path["parameters"] if p["in"] == "query"}
        dates = {c.name for c in spec.columns if c.type in ("date", "plandate")}
        assert filters == {"page", "page_size", "format"} | {f"{d}_{end}" for d in dates for end in ("from", "to")}
    assert set(schema["components"]["securitySchemes"]) == {"bearerAuth", "sessionAuth"}
    plan = components["PlanItems"]["properties"]
    assert plan["level"]["type"] == "integer" and plan["kind"]["enum"] == ["deliverable", "milestone", "gate"]
    assert plan["start"]["pattern"] and components["Baselines"]["properties"]["taken"]["format"] == "date"


def test_the_schema_needs_a_signed_in_caller():
    response = Client().get(reverse("api:schema"))
    assert response.status_code == 401 and response.json()["detail"]


def test_generated_requests_get_no_server_error_and_match_the_schema(bd, token_for):
    """schemathesis: 100 generated requests over every operation (1,000 in bench/api.py)."""
    _user, secret = token_for(bd)
    schema = bearer(secret).get(reverse("api:schema")).json()
    outcome = fuzz.run(schema, slug=bd.slug, token=secret, cases=100)
    assert outcome.cases >= 50
    assert outcome.server_errors == 0
    assert not outcome.failures, outcome.failures[:5]
    assert outcome.statuses.get(200, 0) > outcome.cases // 2
