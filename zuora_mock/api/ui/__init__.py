"""The dashboard served by the emulator itself at /_mock/ui/: server-rendered pages over the live state.

Importing the package registers the sign-in guard and every URL; each page's module loads on its first request
(api.ui.routes)."""

from zuora_mock.api.ui import access, routes
from zuora_mock.api.ui.blueprint import UI_PREFIX, bp

__all__ = ["UI_PREFIX", "access", "bp", "routes"]
