"""Property-based requests against the API's own OpenAPI schema (schemathesis), in-process.

Used by the test suite (a small count) and by ``bench/api.py`` (1,000 cases or more). Every
operation of the schema is asked for generated valid requests; each response must not be a
server error and must match the schema (status code, content type, body).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings


@dataclass
class Outcome:
    cases: int = 0
    server_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _pinned(schema: dict[str, Any], slug: str) -> dict[str, Any]:
    """The schema with the programme's slug fixed, so requests reach a programme the caller is in."""
    pinned = copy.deepcopy(schema)
    for item in pinned["paths"].values():
        for operation in item.values():
            for param in operation.get("parameters", []):
                if param.get("in") == "path" and param["name"] == "slug":
                    param["schema"] = {"type": "string", "enum": [slug]}
    return pinned


def run(schema: dict[str, Any], *, slug: str, token: str, cases: int) -> Outcome:
    """Send about ``cases`` generated requests, spread over the operations; count what came back."""
    loaded = schemathesis.openapi.from_dict(_pinned(schema, slug))
    loaded.app = get_wsgi_application()
    operations = [result.ok() for result in loaded.get_all_operations()]
    each = max(1, cases // len(operations))
    outcome = Outcome()
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=each,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def ask(case: Any) -> None:
            outcome.cases += 1
            response = case.call(headers=headers)
            outcome.statuses[response.status_code] = outcome.statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                outcome.server_errors += 1
            try:
                case.validate_response(response, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failed check is counted
                outcome.failures.append(f"{case.method} {case.formatted_path} {case.query}: {exc}"[:800])

        # as Django's test client does: a request must not close the connection (the test's transaction)
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            ask()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
    return outcome
