"""The API families and their URL prefixes, defined once: blueprints mount there, errors take an envelope."""

from __future__ import annotations

from typing import Final, Literal

Family = Literal["v1", "objects", "oauth", "admin"]

V1: Final = "v1"
OBJECTS: Final = "objects"
OAUTH: Final = "oauth"
ADMIN: Final = "admin"

V1_PREFIX: Final = "/v1"
OBJECTS_PREFIX: Final = "/objects"
OAUTH_PREFIX: Final = "/oauth"
ADMIN_PREFIX: Final = "/_mock"
BULK_ADMIN_PREFIX: Final = f"{ADMIN_PREFIX}/bulk"


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def family_for_path(path: str) -> Family:
    """Which API family a URL path belongs to; anything unknown is answered as v1."""
    if _under(path, OBJECTS_PREFIX):
        return OBJECTS
    # Only paths below /oauth/ are the OAuth service's; /oauth alone is an unknown v1 path.
    if path.startswith(OAUTH_PREFIX + "/"):
        return OAUTH
    if _under(path, ADMIN_PREFIX):
        return ADMIN
    return V1
