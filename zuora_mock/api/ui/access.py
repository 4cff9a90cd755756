"""The admin token guards the dashboard as /_mock/: a sign-in page keeps it in a same-site cookie."""

from __future__ import annotations

import hmac

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from zuora_mock.api.admin_access import ADMIN_TOKEN_HEADER
from zuora_mock.api.context import emulator
from zuora_mock.api.ui.blueprint import UI_PREFIX, bp
from zuora_mock.core.errors import AuthenticationFailed

COOKIE = "zuora_mock_admin_token"
# Reachable without the token: the sign-in page and the stylesheet and script it needs.
PUBLIC_ENDPOINTS = frozenset({"ui.login", "ui.static"})
READS = ("GET", "HEAD")


def token_matches(presented: str | None) -> bool:
    """Whether a presented value is the admin token (compared in constant time)."""
    expected = emulator().settings.admin_token
    return (
        expected is not None
        and presented is not None
        and hmac.compare_digest(presented.encode(), expected.encode())
    )


def _presented() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    bearer = value.strip() if scheme.lower() == "bearer" else None
    return request.headers.get(ADMIN_TOKEN_HEADER) or bearer or request.cookies.get(COOKIE)


@bp.before_request
def require_admin_token() -> Response | None:
    """Pages need the admin token when one is set; a browser without it is sent to the sign-in page."""
    if emulator().settings.admin_token is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if token_matches(_presented()):
        return None
    if request.method in READS:
        return redirect(url_for("ui.login", next=request.full_path.rstrip("?")), 303)
    error = AuthenticationFailed()
    error.business = False
    raise error


@bp.context_processor
def admin_token_for_scripts() -> dict[str, str | None]:
    """The token the page's script sends to the admin API (only on pages its holder was let in to)."""
    token = emulator().settings.admin_token
    shown = token if token is not None and request.endpoint not in PUBLIC_ENDPOINTS else None
    return {"admin_token": shown}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """GET: the form. POST: check the token, keep it in an HttpOnly same-site cookie, go back where asked."""
    if request.method == "GET":
        return render_template("ui/login.html", failed=False)
    token = request.form.get("token", "")
    if not token_matches(token):
        return render_template("ui/login.html", failed=True), 401
    target = request.args.get("next", "")
    if not target.startswith(UI_PREFIX + "/") or "//" in target or "\\" in target:
        target = url_for("ui.overview")
    response = redirect(target, 303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path=UI_PREFIX)
    return response
