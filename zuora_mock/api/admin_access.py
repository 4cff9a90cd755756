"""Who may use /_mock/: anyone without an admin_token; with one, its holder, or a tenant for its own."""

from __future__ import annotations

import hmac

from flask import request

from zuora_mock.api.context import RequestContext, context, emulator
from zuora_mock.api.families import ADMIN_PREFIX
from zuora_mock.core.errors import AuthenticationFailed, PermissionDenied, ZuoraError

ADMIN_TOKEN_HEADER = "X-Mock-Admin-Token"
DASHBOARD_PREFIX = f"{ADMIN_PREFIX}/ui"
# Open even with an admin token: the Docker HEALTHCHECK and the description of the admin API itself.
PUBLIC_PATHS = frozenset({f"{ADMIN_PREFIX}/health", f"{ADMIN_PREFIX}/openapi.json"})
# The dashboard checks the same token itself (a browser signs in once and keeps it in a cookie).
OWN_GUARD_PREFIX = f"{ADMIN_PREFIX}/ui/"
# The endpoints a tenant's own OAuth token may call; each of them narrows what it does to that tenant.
TENANT_ENDPOINTS = frozenset(
    {
        "admin.reset",
        "admin.admin_journal.list_requests",
        "admin.admin_journal.clear_requests",
        "admin.admin_faults.add_fault",
        "admin.admin_faults.list_faults",
        "admin.admin_faults.clear_faults",
        "admin.admin_faults.remove_fault",
    }
)
MSG_ADMIN_ONLY = "This operation of the emulator needs the admin token."
MSG_OTHER_TENANT = "A tenant's token reaches only its own tenant ('{tenant}')."


def authorize(ctx: RequestContext) -> None:
    """Before any /_mock/ endpoint: the admin token, or a tenant's bearer token for a tenant-scoped one."""
    expected = emulator().settings.admin_token
    if expected is None or request.path in PUBLIC_PATHS or _under(request.path, DASHBOARD_PREFIX):
        return  # the dashboard checks the same token itself, and sends a browser to its sign-in page
    presented = request.headers.get(ADMIN_TOKEN_HEADER) or _bearer()
    if presented and hmac.compare_digest(presented.encode(), expected.encode()):
        return
    try:
        token = emulator().registry.authenticate(request.headers.get("Authorization"))
    except AuthenticationFailed:
        raise _admin_error(AuthenticationFailed()) from None
    if request.endpoint not in TENANT_ENDPOINTS:
        raise _admin_error(PermissionDenied(MSG_ADMIN_ONLY))
    ctx.admin_tenant = token.tenant.name


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _bearer() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _admin_error(err: ZuoraError) -> ZuoraError:
    err.business = False
    return err


def require_admin() -> None:
    """A part of an operation no tenant token may ask for (state every tenant shares, such as the clock)."""
    if context().admin_tenant is not None:
        raise _admin_error(PermissionDenied(MSG_ADMIN_ONLY))


def scoped_tenant(asked: str | None) -> str | None:
    """The tenant an operation is narrowed to: the caller's own for a tenant token (which names no other)."""
    own = context().admin_tenant
    if own is None:
        return asked
    if asked is not None and asked != own:
        raise _admin_error(PermissionDenied(MSG_OTHER_TENANT.format(tenant=own)))
    return own
