"""The dashboard served by the emulator itself at /_mock/ui/: server-rendered pages over the live state."""

from zuora_mock.api.ui import access, faults, jobs, objects, overview, reference, requests
from zuora_mock.api.ui.blueprint import UI_PREFIX, bp

__all__ = ["UI_PREFIX", "access", "bp", "faults", "jobs", "objects", "overview", "reference", "requests"]
