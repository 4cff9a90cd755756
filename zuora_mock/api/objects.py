"""Custom objects: /objects/definitions, /objects/records and /objects/batch (stub)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("objects", __name__, url_prefix="/objects")
