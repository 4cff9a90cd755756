"""create_app: the only wiring point: settings, fixtures, the tenant registry, blueprints and the pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .clock import Clock
from .config import load_config
from .domain.fixtures import load_fixtures
from .domain.limits import RateLimiter
from .domain.tenants import Registry


class Emulator:
    """The state behind one app: settings, clock and every tenant; reset re-seeds it."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.clock = Clock()
        self.fixtures = load_fixtures(settings["fixtures"])
        self.registry = Registry(self.fixtures, self.clock, settings)
        # Unauthenticated requests still see RateLimit-* headers; they are counted in their own bucket.
        self.anonymous_rate = RateLimiter({60: settings["rate_limit_minute"], 3600: settings["rate_limit_hour"],
                                           86400: settings["rate_limit_day"]})
        self.anonymous_auth_rate = RateLimiter({60: settings["auth_rate_limit_minute"]})

    def close(self) -> None:
        self.registry.close()


def create_app(config: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None) -> Flask:
    """Build an emulator app: defaults, then ZUORA_MOCK_* variables, then `config` (CLI flags or tests)."""
    from .api import admin, bulk, bulk_admin, objects, oauth, pipeline
    from .api.compression import GzipRequestMiddleware
    from .api.responses import OrjsonProvider

    settings = load_config(config, environ)
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = settings["max_body_bytes"]
    app.config["MAX_FORM_MEMORY_SIZE"] = settings["max_body_bytes"]
    app.extensions["zuora_mock"] = Emulator(settings)
    pipeline.install(app)
    for blueprint in (oauth.bp, bulk.bp, objects.bp, admin.bp, bulk_admin.bp):
        app.register_blueprint(blueprint)
    app.wsgi_app = GzipRequestMiddleware(app.wsgi_app, settings)
    return app
