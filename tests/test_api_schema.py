"""Fuzz the running API from its own OpenAPI schema (schemathesis): no 5xx, responses match the schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from test_api_server import start_server, stop_server

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("schema"), POLICYTRACE_MAX_UPLOAD_MB="0.1")
    yield srv
    stop_server(srv)


def test_api_conforms_to_its_schema(running):
    # schemathesis' own pytest plugin (from_fixture) does not run under pytest 9, so each operation gets a
    # plain Hypothesis test here; the cases and checks are schemathesis' own.
    schema = schemathesis.openapi.from_url(f"{running.base}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(checks=CHECKS, timeout=60)

        check()
