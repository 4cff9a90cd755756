"""Zuora's permission errors, for tenants or OAuth clients that tenants.json declares without a permission."""

from __future__ import annotations

from typing import Any

from flask import request

from zuora_mock.api.context import context
from zuora_mock.core.errors import PermissionDenied, ZuoraError

# Custom Objects error categories (Zuora's Custom Objects API error codes): 12 read, 13 update, 14 delete,
# 15 create; the permission each needs (View, Edit or Delete Custom Objects).
_CATEGORY = {"view": 12, "update": 13, "delete": 14, "create": 15}
_NEEDS = {"view": "view", "update": "edit", "delete": "delete", "create": "edit"}
# A batch is an update or a delete, known only from its body.
_BATCH_NEEDS = frozenset({_NEEDS["update"], _NEEDS["delete"]})
_ACTION = {
    "objects.create_definitions": "create",
    "objects.list_definitions": "view",
    "objects.get_definition": "view",
    "objects.delete_definition": "delete",
    "objects.create_records": "create",
    "objects.list_records": "view",
    "objects.get_record": "view",
    "objects.replace_record": "update",
    "objects.patch_record": "update",
    "objects.delete_record": "delete",
}
# Operations whose 401 the spec declares as ErrorResponse401Record; the others: 403 CommonErrorResponse.
_RECORD_401 = ("objects.create_records", "objects.batch")
CODE_CUSTOM_OBJECTS = 710125
CODE_MASS_UPDATER = 50000010
MSG_RECORD_TOP = "Unauthorized to process object record."  # the spec's ErrorResponse401Record example
MSG_CUSTOM_OBJECTS = "Unauthorized to {action} {noun}."
MSG_MASS_UPDATER = "The Mass Updater is not enabled for this tenant or user."


class RecordPermissionDenied(ZuoraError):
    """ErrorResponse401Record: a record write refused for a permission, 401 with the action in details."""

    category, status, message = 10, 401, MSG_RECORD_TOP


def require_custom_objects() -> None:
    """before_request of /objects/...: the operation's Custom Objects permission, else 7101251X."""
    token, endpoint = context().token, request.endpoint or ""
    if token is None:
        return
    granted = token.permissions.custom_objects
    if endpoint == "objects.batch":
        if _BATCH_NEEDS.issubset(granted):
            return  # allowed whatever the action: the body is not parsed twice
        action: str | None = _batch_action()
    else:
        action = _ACTION.get(endpoint)
    if action is None or _NEEDS[action] in granted:
        return
    code = CODE_CUSTOM_OBJECTS * 100 + _CATEGORY[action]
    noun = "object definition" if "definition" in endpoint else "object record"
    message = MSG_CUSTOM_OBJECTS.format(action=action, noun=noun)
    if endpoint in _RECORD_401:
        raise RecordPermissionDenied(code=code, details=[{"code": code, "message": message}])
    raise PermissionDenied(message, code=code)


def require_mass_updater() -> None:
    """before_request of /v1/bulk and /v1/files: the Mass Updater feature, else a 403."""
    token = context().token
    if token is not None and not token.permissions.mass_updater:
        raise PermissionDenied(MSG_MASS_UPDATER, code=CODE_MASS_UPDATER)


def _batch_action() -> str:
    body: Any = request.get_json(silent=True)
    action = body.get("action") if isinstance(body, dict) else None
    return "delete" if isinstance(action, dict) and action.get("type") == "delete" else "update"
