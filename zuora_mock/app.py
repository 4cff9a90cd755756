"""create_app: the only wiring point: settings, the emulator, blueprints and the request pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from zuora_mock.api.context import EXTENSION_KEY, emulator_of
from zuora_mock.backend.emulator import Emulator
from zuora_mock.core.settings import load_settings

__all__ = ["create_app", "emulator_of"]


def create_app(config: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None) -> Flask:
    """Build an emulator app: defaults, then ZUORA_MOCK_* variables, then `config` (CLI flags or tests)."""
    from zuora_mock.api import (
        admin,
        billing,
        bulk,
        bulk_admin,
        oauth,
        object_jobs,
        object_jobs_admin,
        objects,
        pipeline,
        state,
    )
    from zuora_mock.api.compression import GzipRequestMiddleware
    from zuora_mock.api.request_class import ZuoraRequest
    from zuora_mock.api.responses import OrjsonProvider
    from zuora_mock.api.url_rules import LazyBuilderRule

    settings = load_settings(config, environ)
    app = Flask(__name__)
    app.request_class = ZuoraRequest
    app.url_rule_class = LazyBuilderRule
    app.json = OrjsonProvider(app)
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_body_bytes
    app.extensions[EXTENSION_KEY] = Emulator(settings)
    pipeline.install(app)
    blueprints = (
        oauth.bp,
        bulk.bp,
        billing.bp,
        object_jobs.bp,
        objects.bp,
        admin.bp,
        bulk_admin.bp,
        state.bp,
        object_jobs_admin.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    _register_dashboard(app)
    app.wsgi_app = GzipRequestMiddleware(app.wsgi_app, settings)  # type: ignore[method-assign]
    return app


def _register_dashboard(app: Flask) -> None:
    """The OpenAPI document of every path and the dashboard at /_mock/ui/ (docs/dashboard.md)."""
    from zuora_mock.api import openapi, ui

    app.register_blueprint(openapi.bp)
    app.register_blueprint(ui.bp)
