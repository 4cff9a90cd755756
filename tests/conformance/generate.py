"""Regenerate sdk_spec.json: the operations the emulator serves, as the official SDK declares them, and the
JSON Schema of every response model they name (pydantic's schema of zuora_sdk's generated models).

Run it when the SDK version or the emulator's routes change: python -m tests.conformance.generate
The SDK takes ~20 s to import, so the conformance check reads this file; tests/sdk checks it is current.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.conformance.routes import normalise, served_routes

SPEC_FILE = Path(__file__).with_name("sdk_spec.json")
_SERIALIZE = re.compile(r"\n    def _(\w+)_serialize\(.*?method='(\w+)',\s*resource_path='([^']+)'", re.S)
_TYPES_MAP = r"\n    def {name}\(.*?_response_types_map: Dict\[str, Optional\[str\]\] = \{{(.*?)\}}"
_ENTRY = re.compile(r"'(\w+)': (?:\"(\w+)\"|None)")


def sdk_operations(api_dir: Path) -> dict[str, dict[str, Any]]:
    """'METHOD /path/{}' -> {operation, path, responses {status: model}}, from the SDK's api modules."""
    operations: dict[str, dict[str, Any]] = {}
    for module in sorted(api_dir.glob("*_api.py")):
        source = module.read_text(encoding="utf-8")
        for name, method, path in _SERIALIZE.findall(source):
            found = re.search(_TYPES_MAP.format(name=name), source, re.S)
            responses = dict(_ENTRY.findall(found.group(1))) if found else {}
            operations[normalise(method, path)] = {"operation": name, "path": path, "responses": responses}
    return operations


def build() -> dict[str, Any]:
    """The operations of the served routes and the schemas of their models."""
    import zuora_sdk
    import zuora_sdk.models as models

    everything = sdk_operations(Path(zuora_sdk.__file__).parent / "api")
    served = {key: everything[key] for key in sorted(served_routes()) if key in everything}
    names = sorted({m for op in served.values() for m in op["responses"].values() if m and m[0].isupper()})
    schemas = {name: getattr(models, name).model_json_schema(by_alias=True) for name in names}
    return {"sdk": zuora_sdk.__version__, "operations": served, "models": schemas}


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    SPEC_FILE.write_text(render(build()), encoding="utf-8")
    print(f"wrote {SPEC_FILE}")
