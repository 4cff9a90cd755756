"""zuora-mock: a local emulator of the Zuora REST API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "create_app"]

if TYPE_CHECKING:
    from zuora_mock.app import create_app


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import zuora_mock.client` never pulls in Flask.
    if name == "create_app":
        from zuora_mock.app import create_app

        return create_app
    raise AttributeError(name)
