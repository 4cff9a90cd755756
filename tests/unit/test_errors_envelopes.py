"""The error hierarchy and its rendering per API family: codes, statuses, bodies and their key order."""

from __future__ import annotations

import re

import pytest

from zuora_mock.api import bodies, envelopes, families
from zuora_mock.core.errors import (
    MSG_AUTHENTICATION,
    MSG_INTERNAL,
    AuthenticationFailed,
    IdempotencyInProgress,
    IdempotencyMismatch,
    InternalError,
    InvalidQueryParameter,
    InvalidValue,
    LimitExceeded,
    LockingContention,
    MalformedRequest,
    MissingField,
    MissingParameter,
    NotFound,
    OAuthError,
    PayloadTooLarge,
    PermissionDenied,
    PreconditionFailed,
    RateLimited,
    RuleRestriction,
    TemporaryError,
    UnknownField,
    UnsupportedRequest,
    ZuoraError,
)

REQUEST_ID = "5a9c2a36-9a3e-4b9f-8e51-9f4c0a8a1d11"
EPOCH = 1_767_225_600.123  # 2026-01-01T00:00:00.123Z


def render(err, family, business_status=200):
    return envelopes.render_error(
        err, family, request_id=REQUEST_ID, path="/p", epoch=EPOCH, v1_business_status=business_status
    )


@pytest.mark.parametrize(
    ("cls", "category", "status"),
    [
        (PermissionDenied, 10, 403),
        (AuthenticationFailed, 11, 401),
        (InvalidValue, 20, 400),
        (UnknownField, 21, 400),
        (MissingField, 22, 400),
        (MissingParameter, 23, 400),
        (InvalidQueryParameter, 27, 400),
        (RuleRestriction, 30, 400),
        (NotFound, 40, 404),
        (UnsupportedRequest, 45, 405),
        (LockingContention, 50, 409),
        (InternalError, 60, 500),
        (TemporaryError, 61, 500),
        (LimitExceeded, 70, 429),
        (MalformedRequest, 90, 400),
        (PayloadTooLarge, 20, 413),
        (PreconditionFailed, 20, 412),
        (IdempotencyInProgress, 50, 409),
        (IdempotencyMismatch, 30, 422),
        (RateLimited, 70, 429),
    ],
)
def test_category_and_status(cls, category, status):
    err = cls("m")
    assert (err.category, err.status, err.message) == (category, status, "m")
    assert err.code_for(500000) == 50000000 + category
    assert err.code_for(710125) == 71012500 + category


def test_instance_overrides():
    err = InvalidValue("bad", code=53100320, status=422, details=[{"code": 1}], headers={"X": "y"})
    assert (err.code_for(500000), err.status, err.details, err.headers) == (
        53100320,
        422,
        [{"code": 1}],
        {"X": "y"},
    )
    assert InvalidValue(resource=531003).code_for(500000) == 53100320
    assert str(InvalidValue("shown")) == "shown"
    assert ZuoraError().message == MSG_INTERNAL


def test_v1_envelope_shape_and_order():
    body, status, headers = render(NotFound("Cannot find entity by key: '1234567'."), families.V1, None)
    assert status == 404 and headers == {}
    assert list(body) == ["success", "processId", "reasons", "requestId"]
    assert body["success"] is False
    assert re.fullmatch(r"[0-9A-F]{16}", body["processId"])
    assert body["reasons"] == [{"code": 50000040, "message": "Cannot find entity by key: '1234567'."}]
    assert body["requestId"] == REQUEST_ID


@pytest.mark.parametrize(
    ("business", "configured", "expected"),
    [
        (True, 200, 200),
        (True, None, 400),
        (False, 200, 400),
        (False, None, 400),
    ],
)
def test_v1_business_status_setting(business, configured, expected):
    err = InvalidValue("x")
    err.business = business
    assert render(err, families.V1, configured)[1] == expected


def test_business_status_applies_only_to_v1():
    assert render(InvalidValue("x"), families.OBJECTS, 200)[1] == 400


def test_objects_envelope_with_and_without_details():
    details = [{"code": 71012524, "message": "m", "record": {"Id": "x"}}]
    body, status, _ = render(
        InvalidValue("Request contains invalid record", details=details), families.OBJECTS
    )
    assert (body, status) == (
        {"code": 71012520, "message": "Request contains invalid record", "details": details},
        400,
    )
    assert list(body) == ["code", "message", "details"]
    assert render(NotFound("nope"), families.OBJECTS)[0] == {"code": 71012540, "message": "nope"}


@pytest.mark.parametrize("family", [families.V1, families.OBJECTS, families.OAUTH, families.ADMIN])
def test_401_is_the_gateway_body_everywhere(family):
    body, status, headers = render(AuthenticationFailed(), family)
    assert (body, status) == ({"message": MSG_AUTHENTICATION}, 401)
    assert headers == {
        "WWW-Authenticate": "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"
    }


@pytest.mark.parametrize("family", [families.V1, families.OBJECTS, families.OAUTH])
def test_rate_limit_body_is_the_documented_short_one(family):
    err = RateLimited(
        "API Rate limit exceeded for the minute, retry after 5 seconds", headers={"Retry-After": "5"}
    )
    body, status, headers = render(err, family)
    assert body == {
        "reasons": [{"code": 70, "message": "API Rate limit exceeded for the minute, retry after 5 seconds"}]
    }
    assert (status, headers) == (429, {"Retry-After": "5"})


def test_oauth_body_is_spring_style():
    body, status, _ = render(OAuthError("Invalid client id"), families.OAUTH)
    assert body == {
        "timestamp": "2026-01-01T00:00:00.123+00:00",
        "status": 400,
        "error": "Bad Request",
        "message": "Invalid client id",
        "path": "/p",
    }
    assert status == 400
    # An OAuthError is Spring-style even if raised elsewhere.
    assert "timestamp" in render(OAuthError("x", status=401), families.V1)[0]


def test_admin_family_uses_the_v1_envelope():
    body, status, _ = render(NotFound("Unknown tenant 'x'."), families.ADMIN)
    assert status == 404 and body["reasons"] == [{"code": 50000040, "message": "Unknown tenant 'x'."}]


@pytest.mark.parametrize(
    ("path", "family"),
    [
        ("/v1/bulk", families.V1),
        ("/v1", families.V1),
        ("/", families.V1),
        ("/objects", families.OBJECTS),
        ("/objects/records/default/Vehicle", families.OBJECTS),
        ("/objectsx", families.V1),
        ("/oauth/token", families.OAUTH),
        ("/_mock/health", families.ADMIN),
        ("/_mock", families.ADMIN),
    ],
)
def test_family_for_path(path, family):
    assert families.family_for_path(path) == family


def test_success_helper_keeps_order():
    assert list(bodies.v1_success(bulkKey="k", extra=1)) == ["success", "bulkKey", "extra"]
