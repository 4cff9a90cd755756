"""One error hierarchy keyed by Zuora's 2-digit categories; envelopes.py renders it per API family."""

from __future__ import annotations

from typing import Any

# Resource codes: the first six digits of an 8-digit error code.
RESOURCE_UNKNOWN = 500000  # Zuora's documented fallback: "unknown object and unknown field"
RESOURCE_CUSTOM_OBJECTS = 710125

# User-visible messages that several modules share; tests compare them exactly.
MSG_AUTHENTICATION = "Authentication error"
MSG_NOT_FOUND_ROUTE = "The requested resource was not found: {path}"
MSG_METHOD_NOT_ALLOWED = "The HTTP method {method} is not supported by this resource."
MSG_BODY_TOO_LARGE = "The request body exceeds the maximum size of {limit} bytes."
MSG_GZIP_TOO_LARGE = "The gzip-encoded request body inflates beyond the maximum size of {limit} bytes."
MSG_GZIP_INVALID = "The request body is not valid gzip data."
MSG_UNSUPPORTED_ENCODING = "Content-Encoding '{encoding}' is not supported; use gzip."
MSG_MALFORMED_JSON = "Malformed JSON in the request body: {detail}"
MSG_CONTENT_TYPE_JSON = "Content-Type must be application/json, got '{content_type}'."
MSG_INTERNAL = "An internal error occurred. Contact Zuora support with the Zuora-Request-Id."
MSG_TRACK_ID = (
    "Zuora-Track-Id must be at most 64 US-ASCII characters and must not contain "
    "colon, semicolon, double quote or quote."
)
MSG_IDEMPOTENCY_KEY_LENGTH = "Idempotency-Key must be at most 255 characters."
MSG_IDEMPOTENCY_IN_PROGRESS = (
    "A request with the same Idempotency-Key is still in progress. Retry later with the same key."
)
MSG_IDEMPOTENCY_MISMATCH = (
    "The Idempotency-Key was already used with a different HTTP method, URL or entity ({method} {url})."
)
MSG_ENTITY_REQUIRED = "Zuora-Entity-Ids is required because the token is valid for more than one entity."
MSG_ENTITY_INVALID = "The entity '{entity}' in Zuora-Entity-Ids is not valid or not accessible."
MSG_ENTITY_SINGLE = "Zuora-Entity-Ids must name exactly one entity."
MSG_ORG_INVALID = "You do not have access to the org(s) '{orgs}' in Zuora-Org-Ids."
MSG_RATE_LIMIT = "API Rate limit exceeded for the {window}, retry after {seconds} seconds"
MSG_CONCURRENCY_LIMIT = (
    "The total number of concurrent requests has exceeded the limit allowed by the system. "
    "Please resubmit your request later."
)


class ZuoraError(Exception):
    """Base of every error the emulator answers with; class attributes are defaults an instance overrides."""

    category: int = 60
    status: int = 500
    message: str = MSG_INTERNAL

    def __init__(
        self,
        message: str | None = None,
        *,
        code: int | None = None,
        resource: int | None = None,
        status: int | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        self._code = code
        self.resource = resource
        self.details = details
        self.headers = headers or {}
        # False for errors raised by the request pipeline (headers, auth, limits): they keep their HTTP status
        # even when v1 business errors are configured to answer 200.
        self.business = True
        super().__init__(self.message)

    def code_for(self, default_resource: int) -> int:
        """The 8-digit code: an explicit one, else resource code followed by the category."""
        if self._code is not None:
            return self._code
        return (self.resource or default_resource) * 100 + self.category


class PermissionDenied(ZuoraError):
    category, status, message = 10, 403, "Permission denied."


class AuthenticationFailed(ZuoraError):
    """A missing, malformed, unknown or expired bearer token: the API gateway's 401."""

    category, status, message = 11, 401, MSG_AUTHENTICATION


class InvalidValue(ZuoraError):
    category, status, message = 20, 400, "Invalid value."


class UnknownField(ZuoraError):
    category, status, message = 21, 400, "Unknown field in request."


class MissingField(ZuoraError):
    category, status, message = 22, 400, "Missing required field."


class MissingParameter(ZuoraError):
    category, status, message = 23, 400, "Missing required parameter."


class InvalidQueryParameter(ZuoraError):
    category, status, message = 27, 400, "Invalid query parameter."


class RuleRestriction(ZuoraError):
    category, status, message = 30, 400, "The request violates a business rule."


class NotFound(ZuoraError):
    category, status, message = 40, 404, "Not found."


class UnsupportedRequest(ZuoraError):
    category, status, message = 45, 405, "Unsupported request."


class LockingContention(ZuoraError):
    category, status, message = 50, 409, "The resource is locked by another request; retry."


class InternalError(ZuoraError):
    category, status, message = 60, 500, MSG_INTERNAL


class TemporaryError(ZuoraError):
    category, status, message = 61, 500, "Temporary error; retry."


class LimitExceeded(ZuoraError):
    category, status, message = 70, 429, MSG_CONCURRENCY_LIMIT


class MalformedRequest(ZuoraError):
    category, status, message = 90, 400, "Malformed request."


class PayloadTooLarge(ZuoraError):
    category, status, message = 20, 413, "Request body too large."


class PreconditionFailed(ZuoraError):
    category, status, message = (
        20,
        412,
        "The If-Match header does not match the current ETag of the resource.",
    )


class IdempotencyInProgress(LockingContention):
    message = MSG_IDEMPOTENCY_IN_PROGRESS


class IdempotencyMismatch(RuleRestriction):
    status = 422


class RateLimited(ZuoraError):
    """A rate-limit window is exhausted; Zuora answers its own short body with the 2-digit code 70."""

    category, status = 70, 429


class OAuthError(ZuoraError):
    """A failed token request; rendered as the Spring-style body of Zuora's OAuth service."""

    category, status, message = 20, 400, "Bad Request"
