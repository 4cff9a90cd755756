"""Seeded value fuzzing: odd values inside well-formed requests get Zuora envelopes, never a 5xx or lost data.

Every request is built from a seeded random.Random, so a failure names the seed, the step and the request, and
re-running the same parametrised case replays it exactly.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
import random
import re
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import fetch_token
from zuora_mock.backend.massactions.actions import ACTIONS
from zuora_mock.backend.massactions.jobs import ROW_INTERNAL_ERROR

SEEDS = (1, 7, 99, 2024, 20240709, 424242)
OBJECT_STEPS = 400
BULK_STEPS = 100
PROCESS_ID_RE = re.compile(r"^[0-9A-F]{16}$")
VEHICLE, FLEET = "Vehicle", "Fleet"
FLEET_REGION_INVALID = "Atlantis"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
UNKNOWN_OBJECTS = (
    "Nope",
    "vehicle",
    "VEHICLE",
    "Vehicle ",
    "😀",
    "..",
    "x" * 300,
    "Account",
    "__proto__",
    "%00",
    "default",
)

# ---- values ------------------------------------------------------------------------------------------------

ODD_STRINGS = (
    "",
    " ",
    "null",
    "None",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e309",
    "-0",
    "0x1F",
    "1_000",
    "١٢٣",
    "true",
    "TRUE",
    "0",
    "1.0",
    "00000000000000000000001",
    "\u0000",
    "\ufeff",
    "\u202e",
    "😀" * 3,
    "é" * 300,
    "x" * 5000,
    "a;b;;c",
    ";",
    "GPS;GPS",
    "GPS;",
    " GPS",
    "Telematics;Nope",
    "Active ",
    "active",
    "2024-02-30",
    "2024-13-01",
    "2024-00-10",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-7-9",
    "20240709",
    "2024-07-09T",
    "2024-07-09T06",
    "2024-07-09T06:41",
    "2024-07-09T06:41:17",
    "2024-07-09T06:41:17.",
    "2024-07-09T06:41:17.Z",
    "2024-07-09T06:41:17.1234567890Z",
    "2024-07-09T24:00:00Z",
    "2024-07-09T06:41:61Z",
    "2024-07-09T06:41:17+25:00",
    "2024-07-09T06:41:17+05",
    "2024-07-09T06:41:17-00:00",
    "2024-07-09 06:41:17",
    "2024-07-09T06:41:17ZZ",
    "T06:41:17Z",
    "2024-07-09t06:41:17z",
    "+2024-07-09",
    "-2024-07-09",
    "f189dba4-de79-4620-89dd-c2f808683ba1",
    "F189DBA4-DE79-4620-89DD-C2F808683BA1",
    "f189dba4de79462089ddc2f808683ba1",
    "f189dba4-de79-4620-89dd-c2f808683ba",
    "{f189dba4-de79-4620-89dd-c2f808683ba1}",
    "g189dba4-de79-4620-89dd-c2f808683ba1",
    "urn:uuid:f189dba4-de79-4620-89dd-c2f808683ba1",
    UNKNOWN_ID,
    "%s%n%x",
    "'; DROP TABLE x;--",
    "<script>",
    "${jndi:x}",
    "{}",
    "[]",
    "\\",
    '"',
    "\n\r\t",
)
ODD_NUMBERS = (
    0,
    -1,
    1,
    1989,
    1990,
    2030,
    2031,
    2**31,
    2**53 + 1,
    2**63,
    -(2**63) - 1,
    10**30,
    10**400,
    1.5,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    2018.0,
    2018.5,
    1e-7,
)
ODD_KEYS = (
    "",
    " ",
    "Id",
    "id",
    "CreatedDate",
    "UpdatedDate",
    "CreatedById",
    "x" * 300,
    "Unknown__c",
    "__c",
    "Name__C",
    "VIN__c ",
    "😀__c",
    "a.b",
    "Id__c",
    "$ref",
    "records",
    "action",
)


def _string(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return "".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 30)))
    if kind == 1:
        base = rng.choice(ODD_STRINGS)
        return base[: rng.randint(0, len(base))]
    if kind == 2:
        day = datetime.date(2024, 1, 1) + datetime.timedelta(
            days=rng.randint(-800_000, 800_000) % 700_000 - 350_000
        )
        text = f"{day.isoformat()}T{rng.randint(0, 30):02}:{rng.randint(0, 70):02}:{rng.randint(0, 70):02}"
        text += rng.choice(("", ".", ".1", ".123Z", "Z", "+01:00", "-12:30", ".999999+14:00", "z"))
        return text[: rng.randint(0, len(text))] if rng.random() < 0.5 else text
    if kind == 3:
        text = str(uuid.UUID(int=rng.getrandbits(128)))
        cut = rng.randint(0, len(text))
        return text[:cut] + rng.choice(("", "-", "x", "G", " ")) + text[cut + rng.randint(0, 2) :]
    return rng.choice(ODD_STRINGS)


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice(ODD_NUMBERS)
    if kind in (3, 4, 5):
        return _string(rng)
    if kind == 6:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == 7:
        return {rng.choice(ODD_KEYS): _value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    nested: Any = rng.choice(([], {}, "deep"))
    # Past 200 levels a body is refused as malformed; orjson could not echo such a value in error details.
    for _ in range(rng.choice((12, 150, 199, 250, 600))):
        nested = [nested] if rng.random() < 0.5 else {"k": nested}
    return nested


# ---- custom objects ----------------------------------------------------------------------------------------


def _near_miss(rng: random.Random, spec: dict[str, Any]) -> Any:
    """A value that looks like the field's type but may not be one."""
    if spec.get("enum") and isinstance(spec["enum"], list):
        choice = str(rng.choice(spec["enum"]))
        joined = ";".join(map(str, spec["enum"]))
        return rng.choice((choice.lower(), choice + " ", joined, choice + ";", [choice], choice, choice))
    kind, fmt = spec["type"], spec.get("format")
    if kind == "integer":
        return rng.choice((*ODD_NUMBERS, "2018", "2e3", True, None))
    if kind == "number":
        return rng.choice((*ODD_NUMBERS, "12.5", "1e309", "NaN", False))
    if kind == "boolean":
        return rng.choice((0, 1, "true", "false", "", None, True, False))
    if fmt in ("date", "date-time", "uuid"):
        return _string(rng)
    limit = (
        spec["maxLength"]
        if isinstance(spec.get("maxLength"), int) and 0 < spec["maxLength"] < 10_000
        else 255
    )
    return rng.choice(("x" * limit, "x" * (limit + 1), "é" * limit, "😀" * limit, "", 12, None))


def _record(rng: random.Random, base: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """A seed record's writable fields with a few values mutated, removed or joined by odd keys."""
    record = {k: v for k, v in base.items() if k in properties}
    if rng.random() < 0.6 and properties:
        for field in rng.sample(sorted(properties), rng.randint(1, min(3, len(properties)))):
            roll = rng.random()
            if roll < 0.55:
                record[field] = _near_miss(rng, properties[field])
            elif roll < 0.85:
                record[field] = _value(rng)
            else:
                record.pop(field, None)
    if rng.random() < 0.15:
        record[rng.choice(ODD_KEYS)] = _value(rng)
    if rng.random() < 0.85:
        # Unique fields would otherwise clash with the seed record the values were copied from.
        for unique in ("VIN__c", "Name__c"):
            if unique in record and isinstance(record[unique], str):
                limit = properties[unique]["maxLength"]
                record[unique] = f"{rng.getrandbits(40):010X}{record[unique]}"[:limit]
    return record


def _fleet_write(rng: random.Random, base: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """A Fleet record that can never be stored: its Region__c is outside the enum."""
    record = _record(rng, base, properties)
    record["Region__c"] = FLEET_REGION_INVALID
    return record


Q_FIELDS = (
    "VIN__c",
    "Status__c",
    "ModelYear__c",
    "Electric__c",
    "LastServiceDate__c",
    "FleetId__c",
    "Id",
    "CreatedDate",
    "Name__c",
    "Region__c",
    "Active__c",
    "ContractStart__c",
    "Nope__c",
    "Notes__c",
    "_exists_",
    "",
    "VIN__c\\",
)
Q_VALUES = (
    "Active",
    "*",
    "?",
    "A*",
    "*A",
    "**",
    '"Active"',
    '"',
    '"unterminated',
    "2018",
    ">2018",
    ">=2018",
    "<1e309",
    "<=NaN",
    ">",
    "<",
    "true",
    "TRUE",
    "1",
    "2024-02-30",
    ">=2024-07-09",
    "<2024-07-09T06\\:41\\:17.",
    "2024-07-09T06:41:17.",
    UNKNOWN_ID,
    "f189dba4",
    "",
    ":",
    "::",
    "\\",
    "a\\ b",
    "VIN__c",
    "[1 TO 5]",
    "(",
    "EVCharging",
    "GPS;Telematics",
    "9" * 400,
    "-1",
    "+1",
    "1.",
    ".5",
    "Electric__c",
)
Q_JOINS = (
    " AND ",
    " OR ",
    " && ",
    " || ",
    " ",
    " NOT ",
    " AND NOT ",
    " !",
    ") AND (",
    " (",
    ") ",
    " ) ",
    " AND",
)


def _q(rng: random.Random) -> str:
    """A Lucene-like query: real field:value terms joined by operators, with syntax fragments mixed in."""
    text = ""
    for index in range(rng.randint(1, 4)):
        if index:
            text += rng.choice(Q_JOINS)
        text += f"{rng.choice(Q_FIELDS)}:{rng.choice(Q_VALUES)}" if rng.random() < 0.85 else _string(rng)
    if rng.random() < 0.2:
        text = rng.choice(("(", "NOT ", "!", "")) + text + rng.choice((")", "", "))", " AND", "\\"))
    return text


def _query(rng: random.Random) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if rng.random() < 0.7:
        args["q"] = _q(rng)
    if rng.random() < 0.3:
        args["pageSize"] = rng.choice(
            ("0", "-1", "1", "1000", "1001", "1e3", "x", "", "9" * 30, " 5", "5.0", "--5", "٥")
        )
    if rng.random() < 0.3:
        args["cursor"] = rng.choice((_string(rng), "", "AAAA", "eyJ9", "=" * 5, "0" * 40))
    if rng.random() < 0.2:
        args["page"] = rng.choice(("0", "-3", "2", "99999999999999999999", "9" * 5000, "x", ""))
    if rng.random() < 0.2:
        args["ids"] = [rng.choice((_string(rng), UNKNOWN_ID, "")) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.1:
        args["select"] = rng.choice(("type", "", "x"))
    return args


FUZZ_OBJECTS = ("FzA", "FzB", "FzC", "FzD")
ODD_NAMES = (
    "Fz",
    "",
    "x" * 64,
    "x" * 65,
    "x" * 300,
    "1Fz",
    "Fz Obj",
    "Fz__c",
    "😀",
    "default",
    "Fz-1",
    "_Fz",
)
ODD_ATTRIBUTES = (
    "type",
    "format",
    "enum",
    "maxLength",
    "minimum",
    "maximum",
    "label",
    "multiselect",
    "default",
    "description",
    "pattern",
    "displayName",
    "origin",
    "precision",
    "scale",
)
ODD_FIELDS = ("Field", "", "Id", "x" * 100 + "__c", "F😀__c", "CreatedDate", "__c", "1F__c", "F-1__c")


def _field_spec(rng: random.Random) -> dict[str, Any]:
    """A field definition that is valid more often than not, so records get written to odd schemas too."""
    kind = rng.choice(("string", "string", "integer", "number", "boolean"))
    spec: dict[str, Any] = {"type": kind, "label": rng.choice(("F", "F" * 64, "Fé😀"))}
    if kind == "string":
        extra = rng.choice(
            (
                {},
                {"maxLength": rng.choice((1, 2, 255, 512, 10_000))},
                {"format": "date"},
                {"format": "date-time"},
                {"format": "uuid"},
                {"enum": ["A", "B", "é", "😀"]},
                {"enum": ["A", "B"], "multiselect": True, "maxLength": 255},
                {"enum": [""]},
            )
        )
        spec.update(extra)
    elif kind in ("integer", "number"):
        spec.update(
            rng.choice(
                (
                    {},
                    {"minimum": -5},
                    {"maximum": 10**15},
                    {"minimum": 2.5, "maximum": 3},
                    {"minimum": 10, "maximum": 1},
                )
            )
        )
    if rng.random() < 0.12:
        spec[rng.choice(ODD_ATTRIBUTES)] = rng.choice(
            (
                _value(rng),
                "date",
                "date-time",
                "uuid",
                "email",
                "",
                ["a", 1, None],
                ["a", "a"],
                [],
                ["x" * 300],
                -1,
                0,
                10**20,
                2.5,
                "255",
                True,
            )
        )
    return spec


def _definition(rng: random.Random, name: str) -> dict[str, Any]:
    """A definition with a few mutated attributes; its name never collides with the seeded objects."""
    fields = {f"F{i}__c": _field_spec(rng) for i in range(rng.randint(1, 4))}
    if rng.random() < 0.08:
        fields[rng.choice(ODD_FIELDS)] = _field_spec(rng)
    first = next(iter(fields))
    definition: dict[str, Any] = {"object": name, "label": "Fuzz", "properties": fields}
    for key in ("required", "filterable", "unique"):
        if rng.random() < 0.3:
            definition[key] = rng.choice(
                ([first], [first], list(fields), [], ["Missing__c"], first, [1], None)
            )
    if rng.random() < 0.3:
        definition["relationships"] = rng.choice(
            (
                [
                    {
                        "cardinality": "manyToOne",
                        "namespace": "default",
                        "object": rng.choice((FLEET, VEHICLE, "Nope", "")),
                        "fields": {first: "Id"},
                    }
                ],
                [
                    {
                        "cardinality": rng.choice(("manyToOne", "oneToOne", "", 1)),
                        "namespace": "com_zuora",
                        "object": "Account",
                        "fields": rng.choice(({first: "Id"}, {}, [], {"Missing__c": "Id"})),
                    }
                ],
                [_value(rng)],
                {},
                "x",
            )
        )
    if rng.random() < 0.12:
        definition[rng.choice(sorted(definition))] = _value(rng)
    if rng.random() < 0.05:
        definition[rng.choice(ODD_KEYS)] = _value(rng)
    return definition


def _definitions_body(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.8:
        names = [f"{rng.choice(FUZZ_OBJECTS)}{rng.randrange(10**6)}" for _ in range(rng.choice((1, 1, 2)))]
        names += [rng.choice(ODD_NAMES)] if rng.random() < 0.1 else []
        keys = [n if rng.random() < 0.95 else rng.choice(ODD_NAMES) for n in names]
        return {"definitions": {key: _definition(rng, name) for key, name in zip(keys, names, strict=True)}}
    if roll < 0.9:
        return {"definitions": _value(rng)}
    return {rng.choice(ODD_KEYS): _value(rng)}


def _batch_body(
    rng: random.Random, ids: list[str], delete_ids: list[str], write: Callable[[], dict[str, Any]]
) -> Any:
    kind = rng.choice(("update", "update", "update", "delete", "delete", "Update", "", None, 3))
    action: dict[str, Any] = {"type": kind}
    if rng.random() < 0.7:
        action["allowPartialSuccess"] = rng.choice((True, False, None, "true", 1))
    if kind == "delete" or rng.random() < 0.05:
        action["ids"] = rng.choice(
            (
                [rng.choice((*delete_ids, _string(rng), UNKNOWN_ID)) for _ in range(rng.randint(0, 4))],
                _value(rng),
                [delete_ids[0], delete_ids[0]],
            )
        )
    if kind != "delete" or rng.random() < 0.05:
        records: Any = {
            rng.choice((*ids, _string(rng), UNKNOWN_ID, "")): write() for _ in range(rng.randint(0, 4))
        }
        action["records"] = records if rng.random() < 0.9 else _value(rng)
    if rng.random() < 0.1:
        action[rng.choice(ODD_KEYS)] = _value(rng)
    return {"action": action} if rng.random() < 0.95 else _value(rng)


def _if_match(rng: random.Random) -> dict[str, str]:
    if rng.random() < 0.6:
        return {}
    raw = rng.choice(
        (
            '"garbage"',
            'W/"x"',
            "",
            "'*'",
            '"',
            "x" * 500,
            '"' + "0" * 32 + '"',
            "*, *",
            _string(rng).replace("\n", "").replace("\r", ""),
        )
    )
    return {"If-Match": raw.encode("utf-8", "replace").decode("latin-1")}


class Recorder:
    """Sends requests, keeps the last one for the failure message and checks every answer's envelope."""

    def __init__(self, client: FlaskClient, auth: dict[str, str], seed: int) -> None:
        self.client, self.auth, self.seed = client, auth, seed
        self.step = 0
        self.last = self.method = self.path = ""

    def send(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        content_type: str | None = None,
        form: dict[str, Any] | None = None,
    ) -> Any:
        self.step += 1
        self.method, self.path = method, path
        shown = repr((raw or b"")[:600]) if json_body is None else json.dumps(json_body, default=repr)[:1500]
        self.last = (
            f"seed={self.seed} step={self.step}: {method} {path} query={query!r} "
            f"headers={headers!r} body={shown} form={form!r}"[:3000]
        )
        if json_body is not None:
            raw, content_type = json.dumps(json_body).encode(), "application/json"
        response = self.client.open(
            path,
            method=method,
            query_string=query,
            data=raw if form is None else form,
            headers={**self.auth, **(headers or {})},
            content_type=content_type,
        )
        self.check(response)
        return response

    def check(self, response: Any) -> None:
        where = f"{self.last}\n-> {response.status_code} {response.data[:600]!r}"
        assert response.status_code < 500, where
        if response.mimetype != "application/json":
            assert response.status_code == 200 and response.mimetype == "application/zip", where
            return
        body = response.get_json()
        if response.status_code >= 400 or (isinstance(body, dict) and body.get("success") is False):
            _assert_error_envelope(self.path, body, where)
        else:
            _assert_success_shape(self.method, self.path, body, where)


RECORD_PATH = re.compile(r"^/objects/records/default/[^/]+/[^/]+$")


def _assert_success_shape(method: str, path: str, body: Any, where: str) -> None:
    """The documented shape of each endpoint's success answer."""
    if method == "DELETE":
        assert body == path, where
    elif path.startswith("/v1/bulk") and method == "POST":
        assert list(body) == ["success", "bulkKey"] and body["success"] is True, where
    elif path.startswith("/v1/bulk") and method == "PUT":
        assert body == {"success": True}, where
    elif path.startswith("/v1/bulk"):
        assert isinstance(body.get("status"), str) and body.get("success") is not False, where
    elif path.startswith("/objects/definitions/default/"):
        assert list(body)[:2] == ["Id", "type"] and isinstance(body["schema"], dict), where
    elif path.startswith("/objects/definitions/default"):
        assert list(body) == ["definitions", "count"] and body["count"] == len(body["definitions"]), where
    elif path.startswith("/objects/batch/"):
        assert body == {} or (list(body) == ["error"] and body["error"]["details"]), where
    elif RECORD_PATH.match(path):
        assert isinstance(body.get("Id"), str) and isinstance(body.get("CreatedDate"), str), where
    elif method == "GET":
        assert list(body) == ["count", "records"] and isinstance(body["count"], int), where
        assert all(isinstance(record.get("Id"), str) for record in body["records"]), where
    else:
        assert list(body) in (["records"], ["error", "records"]), where
        assert all(isinstance(record.get("Id"), str) for record in body["records"]), where


def _assert_error_envelope(path: str, body: Any, where: str) -> None:
    assert isinstance(body, dict), where
    if path.startswith("/v1/"):
        assert list(body)[:3] == ["success", "processId", "reasons"], where
        assert body["success"] is False and PROCESS_ID_RE.match(body["processId"]), where
        code = body["reasons"][0]["code"]
        assert isinstance(code, int) and 10_000_000 <= code <= 99_999_999, where
        assert isinstance(body["reasons"][0]["message"], str) and isinstance(body["requestId"], str), where
    else:
        assert isinstance(body.get("code"), int) and 10_000_000 <= body["code"] <= 99_999_999, where
        assert isinstance(body.get("message"), str) and body["message"], where


def _records(recorder: Recorder, name: str) -> list[dict[str, Any]]:
    response = recorder.send("GET", f"/objects/records/default/{name}", query={"pageSize": "1000"})
    assert response.status_code == 200, recorder.last
    return response.get_json()["records"]


def _snapshot(recorder: Recorder) -> tuple[Any, Any]:
    definition = recorder.send("GET", f"/objects/definitions/default/{FLEET}").get_json()
    return definition, sorted(_records(recorder, FLEET), key=lambda r: r["Id"])


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
}


def _assert_well_typed(records: list[dict[str, Any]], properties: dict[str, Any]) -> None:
    """Whatever the fuzz managed to store still obeys the definition: readers never meet a corrupt record."""
    for record in records:
        for name, value in record.items():
            spec = properties.get(name)
            if spec is None or value is None:
                continue
            assert _CHECKS[spec["type"]](value), (name, value, record)
            if spec.get("format") == "date":
                datetime.date.fromisoformat(value)
            if spec.get("format") == "uuid":
                uuid.UUID(value)
            if spec.get("enum") and not spec.get("multiselect"):
                assert value in spec["enum"], (name, value)
            if "maxLength" in spec:
                assert len(value) <= spec["maxLength"], (name, len(value))


@pytest.mark.parametrize("seed", SEEDS)
def test_custom_object_values(client: FlaskClient, auth: dict[str, str], seed: int) -> None:
    rng = random.Random(seed)
    recorder = Recorder(client, auth, seed)
    definitions = recorder.send("GET", "/objects/definitions/default").get_json()["definitions"]
    props = {
        name: {
            field: spec
            for field, spec in definitions[name]["schema"]["properties"].items()
            if spec.get("origin") == "custom"
        }
        for name in (VEHICLE, FLEET)
    }
    bases = {name: _records(recorder, name) for name in (VEHICLE, FLEET)}
    ids = {name: [r["Id"] for r in records] for name, records in bases.items()}
    before = _snapshot(recorder)

    fuzzed: set[str] = set()

    def write(name: str, record_id: str | None = None) -> dict[str, Any]:
        if name not in (VEHICLE, FLEET):
            fields = props[name]
            return _record(
                rng, {f: _near_miss(rng, spec) for f, spec in fields.items() if rng.random() < 0.8}, fields
            )
        make = _fleet_write if name == FLEET else _record
        own = [r for r in bases[name] if r["Id"] == record_id]
        return make(rng, own[0] if own else rng.choice(bases[name]), props[name])

    def learn(response: Any) -> None:
        """Objects the fuzz managed to define get records written to them as well."""
        if response.status_code != 200:
            return
        for created_name, created in response.get_json()["definitions"].items():
            fuzzed.add(created_name)
            props[created_name] = {
                f: spec
                for f, spec in created["schema"]["properties"].items()
                if spec.get("origin") == "custom"
            }
            ids[created_name], bases[created_name] = [UNKNOWN_ID], []

    for _ in range(OBJECT_STEPS):
        roll = rng.random()
        name = VEHICLE if roll < 0.6 else FLEET if roll < 0.8 or not fuzzed else rng.choice(sorted(fuzzed))
        if rng.random() < 0.03:
            # Unknown objects: the requests are built as for Vehicle, sent to an object that does not exist.
            name = rng.choice(UNKNOWN_OBJECTS)
            props[name], bases[name], ids[name] = props[VEHICLE], bases[VEHICLE], ids[VEHICLE]
        base = f"/objects/records/default/{name}"
        record_id = rng.choice(
            (*ids[name], *ids[name], UNKNOWN_ID, _string(rng)[:60].replace("/", "_") or "x")
        )
        op = rng.randrange(9)
        if op == 0 and rng.random() < 0.2 and fuzzed:
            gone = rng.choice(sorted(fuzzed))
            recorder.send("DELETE", f"/objects/definitions/default/{gone}")
            fuzzed.discard(gone)
        elif op == 0:
            learn(recorder.send("POST", "/objects/definitions/default", json_body=_definitions_body(rng)))
        elif op == 1:
            body: Any = {"records": [write(name) for _ in range(rng.randint(1, 4))]}
            if rng.random() < 0.6:
                body["allowPartialSuccess"] = rng.choice((True, False, True, None, "yes"))
            if rng.random() < 0.1 and name == VEHICLE:
                body = rng.choice(({"records": _value(rng)}, _value(rng), {rng.choice(ODD_KEYS): 1}))
            response = recorder.send("POST", base, json_body=body)
            if name != FLEET and response.status_code == 200:
                ids[name].extend(r["Id"] for r in response.get_json()["records"][:2])
        elif op in (2, 3):
            body = write(name, record_id) if rng.random() < 0.9 or name == FLEET else _value(rng)
            recorder.send(
                rng.choice(("PUT", "PATCH")), f"{base}/{record_id}", json_body=body, headers=_if_match(rng)
            )
        elif op == 4:
            recorder.send("GET", f"{base}/{record_id}")
        elif op == 5:
            recorder.send("GET", base, query=_query(rng))
        elif op == 6:
            recorder.send(
                "POST",
                f"/objects/batch/default/{name}",
                json_body=_batch_body(
                    rng,
                    ids[name],
                    ids[name] if name == VEHICLE else [UNKNOWN_ID],
                    functools.partial(write, name),
                ),
            )
        elif op == 7 and name == VEHICLE:
            recorder.send("DELETE", f"{base}/{record_id}")
        else:
            recorder.send("DELETE", f"{base}/{UNKNOWN_ID}")

    assert _snapshot(recorder) == before
    for name in (VEHICLE, FLEET):
        _assert_well_typed(_records(recorder, name), props[name])


# ---- mass actions ------------------------------------------------------------------------------------------

CELL_VALUES = (
    "",
    " ",
    "RS-00000001",
    "RS-00000002",
    "RS-99999999",
    "C-00000001",
    "2c92c0f96b1e2a4b016b2f0c3a5e0201",
    "2c92c0f96b1e2a4b016b2f0c3a600001",
    "Invoice Item",
    "Payment",
    "Revenue Schedule",
    "invoice item",
    "Cash",
    "Deferred Revenue",
    "EUR",
    "USD",
    "usd",
    "XXX",
    "2025-12-01",
    "2024-02-30",
    "2025-13-01",
    "01/12/2025",
    "2025-12-01T00:00:00",
    "10",
    "1.1",
    "-5",
    "0",
    "1e309",
    "NaN",
    "Infinity",
    "1e-400",
    "1" * 400,
    "10,5",
    "١٠",
    "0x10",
    "1_0",
    "+.5",
    "5.",
    "INV00000001:5",
    "INV00000001:5|INV00000002:1",
    "INV:",
    ":5",
    "|",
    "A00000001",
    "x" * 70_000,
    "=cmd|' /C calc'!A0",
    "é",
    "😀",
    "\u202e",
)
NUMBERS = ("9" * 16 + ".99", "9" * 17, "0." + "0" * 60 + "1", "-0", "0.001", "1" * 400, "1e309", "NaN", "5.")
COLUMN_VALUES = {
    "Object Key": ("2c92c0f96b1e2a4b016b2f0c3a5e0201", "2c92c0f96b1e2a4b016b2f0c3a5e0101", "RS-00000001"),
    "Object Type": ("Invoice Item", "Payment", "Revenue Schedule"),
    "Accounting Code": ("Cash", "Deferred Revenue"),
    "Deferred Revenue Accounting Code": ("Deferred Revenue", "Cash"),
    "Subscription Charge Key": ("C-00000001", "C-00000003", "C-00000002"),
    "Linked Transaction Key": ("2c92c0f96b1e2a4b016b2f0c3a5e0201",),
    "Linked Transaction Type": ("Invoice Item",),
    "Revenue Schedule Date": ("2025-12-01", "2025-03-15"),
    "Revenue Schedule Amount": ("10", *NUMBERS),
    "Revenue Schedule Number": ("RS-00000001", "RS-00000002", "RS-00000003", "RS-00000005"),
    "Provider Exchange Rate Date": ("2025-12-01",),
    "Currency (From)": ("EUR", "USD"),
    "Currency (To)": ("USD", "EUR"),
    "Exchange Rate": ("1.1", *NUMBERS),
    "Payment Amount": ("350", "5", *NUMBERS),
    "Currency": ("USD",),
    "Payment Date": ("2025-12-01",),
    "Payment Method ID": ("2c92c0f96b1e2a4b016b2f0c3a600011", "2c92c0f96b1e2a4b016b2f0c3a600001"),
    "Billing Account ID": ("2c92c0f86a8dd422016a9e7a70116b0d", "A00000001", ""),
    "Payment Invoice": (
        "INV-00000002:300.00",
        "INV-00000002:" + "9" * 30,
        "INV-00000002:0." + "0" * 40 + "1",
        "",
    ),
}
GROUP_IDS = ("", "", "", "1", "1", "2", "g" * 256, "😀", " 1", "#1", "1\n2")


def _cell(rng: random.Random) -> str:
    value = rng.choice(CELL_VALUES) if rng.random() < 0.85 else _string(rng)
    roll = rng.random()
    if roll < 0.1:
        return f'"{value}"'
    if roll < 0.15:
        return f'"{value}'
    if roll < 0.2:
        return f'{value}"x'
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv(rng: random.Random, action: str) -> bytes:
    spec = ACTIONS[action]
    columns = list(spec.required) + [rng.choice(group) for group in spec.one_of]
    columns += rng.sample(list(spec.optional), rng.randint(0, len(spec.optional)))
    if rng.random() < 0.5:
        columns.insert(0, "Group ID")
    if rng.random() < 0.2 and columns:
        columns.remove(rng.choice(columns))
    if rng.random() < 0.2:
        columns.append(
            rng.choice(("Extra", "#comment", "Revenue Schedule:Custom__c", "", "Object Key", " Extra "))
        )
    newline = rng.choice(("\n", "\n", "\r\n", "\r\n", "\r"))
    lines = [",".join(columns)]
    for _ in range(rng.randint(0, 12)):
        if rng.random() < 0.05:
            lines.append("")
            continue
        # A plausible row with at most two cells garbled, so rows reach the handlers' deeper checks.
        cells = [
            rng.choice(GROUP_IDS) if column == "Group ID" else rng.choice(COLUMN_VALUES.get(column, ("x",)))
            for column in columns
        ]
        for _ in range(rng.choice((0, 0, 1, 2))):
            if cells:
                cells[rng.randrange(len(cells))] = _cell(rng)
        width = len(columns) + rng.choice((0, 0, 0, 0, 0, -1, 1, 3))
        lines.append(",".join((cells + ["?"] * 3)[: max(width, 0)]))
    text = newline.join(lines) + rng.choice((newline, "", newline * 3))
    encoding = rng.choice(("utf-8", "utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-8-sig", "utf-16", "latin-1"))
    data = text.encode(encoding, "replace")
    roll = rng.random()
    if roll < 0.05:
        data = rng.randbytes(rng.randint(0, 200))
    elif roll < 0.1:
        cut = rng.randint(0, len(data))
        data = data[:cut] + rng.randbytes(rng.randint(1, 8)) + data[cut:]
    return data


MEMBER_NAMES = (
    "a.csv",
    "a\r\nX-Injected: 1.csv",
    "a\nb.csv",
    "a\rb.csv",
    "\n.csv",
    'say "hi".csv',
    "é😀.csv",
    "dir\\a.csv",
    "a\x00b.csv",
    ";x=y.csv",
    "x" * 250 + ".csv",
    "\u202e.csv",
    ".csv",
)


def _zip(members: list[tuple[str, bytes | None]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            if data is None:
                archive.writestr(zipfile.ZipInfo(name), b"")
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def _package(rng: random.Random, data: bytes) -> tuple[str | None, bytes]:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(
            ("a.csv", "a.CSV", "dir/a.csv", "..\\a.csv", None, "a", "a.txt", "a.csv.zip", "")
        ), data
    kind = rng.choice((0, 0, 0, 1, 2, 3, 4, 5, 6, 7))
    if kind == 0:
        # The member's name becomes the result file's name, and so part of a download header.
        packed = _zip([(rng.choice(MEMBER_NAMES), data)])
    elif kind == 1:
        packed = _zip([])
    elif kind == 2:
        packed = _zip([("a.csv", data), ("b.csv", data)])
    elif kind == 3:
        packed = _zip([("dir/", None), ("dir/a.csv", data), ("__MACOSX/a.csv", b"x")])
    elif kind == 4:
        packed = _zip([("inner.zip", _zip([("a.csv", data)]))])
    elif kind == 5:
        whole = _zip([("a.csv", data)])
        packed = whole[: rng.randint(0, len(whole))]
    elif kind == 6:
        whole = bytearray(_zip([("a.csv", data)]))
        for _ in range(rng.randint(1, 6)):
            whole[rng.randrange(len(whole))] = rng.randrange(256)
        packed = bytes(whole)
    else:
        packed = _zip([("a.csv/", None), ("a.txt", data)])
    return rng.choice(("a.zip", "a.ZIP", None, "a", "a.csv")), packed


def _params(rng: random.Random, action: str) -> str:
    roll = rng.random()
    if roll < 0.75:
        params: Any = {"actionType": action}
        if rng.random() < 0.1:
            params["checksum"] = rng.choice(("0" * 32, "x" * 32, "", 5, None))
    elif roll < 0.9:
        params = rng.choice(
            (
                {"actionType": rng.choice((action.lower(), "", None, 1, [action], action + " "))},
                {"actionType": action, rng.choice(ODD_KEYS): _value(rng)},
                _value(rng),
                {},
            )
        )
    else:
        return rng.choice(('{"actionType": ', "", "null", "\ufeff{}", '{"actionType": "MPU"}}', "[]"))
    return json.dumps(params)


def _bulk_post(recorder: Recorder, rng: random.Random) -> Any:
    action = rng.choice(sorted(ACTIONS))
    filename, data = _package(rng, _csv(rng, action))
    form: dict[str, Any] = {"params": _params(rng, action)}
    roll = rng.random()
    if roll < 0.05:
        form.pop("params")
    elif roll < 0.15:
        form["params"] = FileStorage(io.BytesIO(form["params"].encode()), "params.json")
    roll = rng.random()
    if roll < 0.85:
        form["file"] = FileStorage(
            io.BytesIO(data), filename, content_type=rng.choice(("text/csv", "", "x/y"))
        )
    elif roll < 0.95:
        form["file"] = data.decode("latin-1")
    boundary, body = encode_multipart(form)
    return recorder.send(
        "POST", "/v1/bulk", raw=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _garbage_key(rng: random.Random) -> str:
    return (
        rng.choice(
            (
                "f" * 32,
                "F" * 32,
                "0",
                "x" * 300,
                "%00",
                "..",
                "null",
                "😀",
                _string(rng)[:40] or "k",
                "f" * 31 + "g",
            )
        )
        .replace("/", "%2F")
        .replace("?", "%3F")
        .replace("#", "%23")
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_mass_action_values(make_app: Callable[..., Flask], seed: int) -> None:
    client = make_app(bulk_progression="immediate").test_client()
    auth = {"Authorization": f"Bearer {fetch_token(client)}"}
    rng = random.Random(seed)
    recorder = Recorder(client, auth, seed)
    accepted = 0
    for _ in range(BULK_STEPS):
        response = _bulk_post(recorder, rng)
        body = response.get_json()
        if body.get("success") is True:
            accepted += 1
            assert list(body) == ["success", "bulkKey"] and re.fullmatch(r"[0-9a-f]{32}", body["bulkKey"])
            status = recorder.send("GET", f"/v1/bulk/{body['bulkKey']}").get_json()
            assert status["status"] in ("Completed", "Failed"), status
            if status.get("outputURL"):
                result = recorder.send("GET", status["outputURL"].split("localhost", 1)[-1])
                archive = zipfile.ZipFile(io.BytesIO(result.data))
                assert archive.testzip() is None and len(archive.namelist()) == 1
                # A row that raised inside its handler is reported as an internal error: a crash in disguise.
                text = archive.read(archive.namelist()[0]).decode("utf-8")
                assert ROW_INTERNAL_ERROR not in text, f"{recorder.last}\n{text[:3000]}"
            if rng.random() < 0.3:
                recorder.send("PUT", f"/v1/bulk/{body['bulkKey']}/stop")
        garbage = _garbage_key(rng)
        recorder.send(
            *rng.choice(
                (
                    ("GET", f"/v1/bulk/{garbage}"),
                    ("PUT", f"/v1/bulk/{garbage}/stop"),
                    ("GET", f"/v1/files/{garbage}"),
                )
            )
        )
    assert accepted >= 5, "the generator should produce some valid uploads too"
