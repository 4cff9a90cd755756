"""The dashboard's blueprint at /_mock/ui/: Jinja templates and a stylesheet shipped in the package."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for

from zuora_mock import __version__
from zuora_mock.api.families import ADMIN_PREFIX
from zuora_mock.core.errors import ZuoraError

UI_PREFIX = f"{ADMIN_PREFIX}/ui"
NAV = (
    ("ui.overview", "Overview"),
    ("ui.objects", "Custom objects"),
    ("ui.jobs", "Mass actions"),
    ("ui.requests", "Requests"),
    ("ui.faults", "Faults"),
    ("ui.reference", "API reference"),
)

bp = Blueprint(
    "ui",
    __name__,
    url_prefix=UI_PREFIX,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.context_processor
def page_globals() -> dict[str, Any]:
    """What every page's frame shows: the version, the navigation and which entry is current."""
    served = current_app.view_functions
    nav = [(url_for(endpoint), label, endpoint) for endpoint, label in NAV if endpoint in served]
    return {
        "version": __version__,
        "nav": nav,
        "current": request.endpoint or "",
        "admin_prefix": ADMIN_PREFIX,
    }


def partial_requested() -> bool:
    """Whether the live script asked for the changing fragment of a page only (?partial=1)."""
    return request.args.get("partial") == "1"


@bp.app_template_filter("pretty_json")
def pretty_json(value: Any) -> str:
    """JSON laid out for reading; unicode kept as is (the template escapes HTML)."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@bp.app_template_filter("compact_json")
def compact_json(value: Any) -> str:
    """JSON on one line, for a table cell."""
    return json.dumps(value, ensure_ascii=False, default=str)


@bp.errorhandler(ZuoraError)
def error_page(err: ZuoraError) -> tuple[str, int]:
    """An unknown tenant, object, record or job is a page saying so, with the status the API would give."""
    return render_template("ui/error.html", status=err.status, message=err.message), err.status
