"""Mass actions: /v1/bulk and the result files under /v1/files (stub)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("bulk", __name__, url_prefix="/v1")
