"""Schemathesis against the API's own OpenAPI schema, over a real socket: whatever a
client sends, valid or not, the answer is never a server error, and a valid query's
answer conforms to the schema. Bounded (a few examples per route) to stay fast."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

ROUTES = [
    "/health",
    "/roots",
    "/assets",
    "/asset",
    "/stats",
    "/projects",
    "/orphans",
    "/lineage",
    "/duplicates",
    "/plan",
    "/report",
    "/report.html",
]

TAKES_NOTHING = {"/health", "/roots"}


@pytest.fixture(scope="module")
def operations(api):
    schema = schemathesis.openapi.from_url(f"{api.url}/schema/openapi.json")
    found = {op.path: op for op in (r.ok() for r in schema.get_all_operations())}
    assert sorted(found) == sorted(ROUTES)  # every route is in the schema
    return found


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("route", ROUTES)
def test_no_query_makes_a_server_error(operations, route, mode):
    if mode is GenerationMode.NEGATIVE and route in TAKES_NOTHING:
        pytest.skip("no query to get wrong")
    checks = [not_a_server_error]
    if mode is GenerationMode.POSITIVE:
        checks.append(response_schema_conformance)
    else:
        checks.append(negative_data_rejection)  # a query outside the schema is a 4xx

    @given(case=operations[route].as_strategy(generation_mode=mode))
    @settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(checks=checks, timeout=120)

    check()
