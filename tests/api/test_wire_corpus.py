"""Golden wire corpus: a fixed script of requests whose responses must stay byte-identical across refactors.

Every exchange records the method, the path, the status, every response header in order and the body text
exactly as sent (a gzip body inflated, a zip as its sorted entry names and their CSV text). Volatile values
are replaced on the raw text by placeholders numbered by first appearance across the whole corpus, so a value
that repeats keeps its placeholder: UUIDs (<uuid-N>), 32-hex ids and tokens (<hex32-N>), processIds
(<pid-N>), ETags (<etag-N>), ISO-8601 timestamps (<iso-N>, the Z or +00:00 suffix kept), yyyy-MM-dd HH:mm:ss
timestamps (<ts-N>), the epoch floats of /_mock/clock (<epoch-N>, <offset-N>; the Content-Length of those
bodies becomes <length>) and RateLimit-Reset (<reset-N>). Constants the script knows (fixture entities and
users, ids it sends) stay verbatim.

Time is pinned through the admin clock alone, in unrecorded calls: each app's clock first jumps to a day
boundary of its own (fresh rate-limit windows; no timestamp of one app can equal one of another), then one
second further before every exchange, so no two exchanges share a timestamp by chance and RateLimit-* values
are fixed.

ZUORA_MOCK_REGEN_CORPUS=1 rewrites tests/api/wire_corpus.json instead of comparing.
"""

from __future__ import annotations

import difflib
import gzip
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from zuora_mock import create_app

GOLDEN = Path(__file__).with_name("wire_corpus.json")
REGEN_VARIABLE = "ZUORA_MOCK_REGEN_CORPUS"
STEP_SECONDS = 1.0
DAY = 86400

DEMO_CLIENT_ID = "5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b"
DEMO_CLIENT_SECRET = "demo-secret-2fQ9xLk7TzR4vW1p"
DEMO_ENTITY = "1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc"
DEMO_USER = "8ad084a67f9c7138017fab8a8b511b5a"
MULTI_CLIENT_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
MULTI_CLIENT_SECRET = "multi-secret-Hq3Zt8Yv2Nw6Rk"
MULTI_ENTITIES = ("c92ed977-510c-4c48-9b51-8d5e848671e9", "f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
MULTI_USER = "8ad09be48db5aa2b018dc1c4b2cd0a31"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
UNKNOWN_KEY = "f" * 32
INVOICE_ITEM = "2c92c0f96b1e2a4b016b2f0c3a5e0201"
FIXED = frozenset(
    {
        DEMO_CLIENT_ID,
        DEMO_ENTITY,
        DEMO_USER,
        MULTI_CLIENT_ID,
        *MULTI_ENTITIES,
        MULTI_USER,
        UNKNOWN_ID,
        UNKNOWN_KEY,
        INVOICE_ITEM,
    }
)

DEFINITIONS = "/objects/definitions/default"
VEHICLES = "/objects/records/default/Vehicle"
BATCH = "/objects/batch/default/Vehicle"
DELETE_3 = b"Revenue Schedule Number\nRS-00000001\nRS-00000099\nRS-00000005\n"
ACCOUNTING_CODES = (
    f"Object Key,Object Type,Accounting Code\n{INVOICE_ITEM},Invoice Item,Cash\n"
    f"{INVOICE_ITEM},Invoice Item,No Such Code\n"
).encode()

_WORD_START, _WORD_END = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
# (kind, pattern), applied in this order to every path, header value and body.
TEXT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?=Z|\+00:00)")),
    ("ts", re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")),
    ("uuid", re.compile(_WORD_START + r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}" + _WORD_END)),
    ("hex32", re.compile(_WORD_START + r"[0-9a-f]{32}" + _WORD_END)),
    ("pid", re.compile(r'(?<="processId":")[0-9A-F]{16}(?=")')),
    ("epoch", re.compile(r'(?<="now":)' + _NUMBER)),
    ("offset", re.compile(r'(?<="offset":)' + _NUMBER)),
)
FLOAT_KINDS = ("epoch", "offset")
ETAG_PATTERN = re.compile(r'(?<=")[0-9a-f]{32}(?=")')


class Normaliser:
    """Replaces volatile values with placeholders numbered by first appearance, shared by the whole corpus."""

    def __init__(self, fixed: frozenset[str]) -> None:
        self.fixed = fixed
        self.placeholders: dict[tuple[str, str], str] = {}
        self.counts: dict[str, int] = {}

    def placeholder(self, kind: str, value: str) -> str:
        """The placeholder of one value; the same value always gets the same one."""
        if value in self.fixed:
            return value
        key = (kind, value)
        if key not in self.placeholders:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.placeholders[key] = f"<{kind}-{self.counts[kind]}>"
        return self.placeholders[key]

    def sub(self, kind: str, pattern: re.Pattern[str], text: str) -> str:
        """Replace every match of one pattern."""
        return pattern.sub(lambda match: self.placeholder(kind, match.group()), text)

    def text(self, text: str) -> str:
        """Normalise a path, a header value or a body."""
        for kind, pattern in TEXT_PATTERNS:
            text = self.sub(kind, pattern, text)
        return text

    def header(self, name: str, value: str) -> str:
        """Normalise one header value; ETag and RateLimit-Reset have kinds of their own."""
        if name == "ETag":
            return self.sub("etag", ETAG_PATTERN, value)
        if name == "RateLimit-Reset":
            return self.placeholder("reset", value)
        return self.text(value)


def has_floats(text: str) -> bool:
    """Whether a body holds epoch floats, whose width (and so the Content-Length) varies from run to run."""
    return any(pattern.search(text) for kind, pattern in TEXT_PATTERNS if kind in FLOAT_KINDS)


def body_bytes(response: TestResponse) -> bytes:
    """The body as the endpoint produced it (gzip inflated); its Content-Length is checked on the way."""
    data = response.get_data()
    length = response.headers.get("Content-Length")
    assert length is None or int(length) == len(data), f"Content-Length {length} for {len(data)} bytes"
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


def zip_entries(data: bytes) -> dict[str, str]:
    """A zip as its sorted entry names and their text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in sorted(archive.namelist())}


def multipart(params: Any, file: bytes | None, filename: str) -> tuple[bytes, str]:
    """A mass-action upload encoded in memory: a `file` part and a `params` field (JSON unless a string)."""
    fields: dict[str, Any] = {}
    if file is not None:
        fields["file"] = FileStorage(io.BytesIO(file), filename, content_type="text/csv")
    if params is not None:
        fields["params"] = params if isinstance(params, str) else json.dumps(params)
    boundary, body = encode_multipart(fields)
    return body, f"multipart/form-data; boundary={boundary}"


def token_form(
    client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET, grant: str = "client_credentials"
) -> dict[str, str]:
    """The form of a token request."""
    return {"client_id": client_id, "client_secret": secret, "grant_type": grant}


def bearer(token: str, **headers: str) -> dict[str, str]:
    """Headers of an authenticated request."""
    return {"Authorization": f"Bearer {token}", **headers}


def vehicle(vin: Any, **fields: Any) -> dict[str, Any]:
    """A Vehicle record body with its required fields."""
    return {"VIN__c": vin, "Status__c": "Active", **fields}


class Session:
    """One app of the corpus: its test client, its timeline on the admin clock, the exchanges it records."""

    def __init__(
        self,
        name: str,
        config: dict[str, Any],
        corpus: list[dict[str, Any]],
        norm: Normaliser,
        days_ahead: int,
    ) -> None:
        self.name, self.corpus, self.norm = name, corpus, norm
        self.client = create_app(config, environ={}).test_client()
        self.auth: dict[str, str] = {}
        now = self._now()
        self.timeline = (now // DAY + days_ahead) * DAY  # also an hour and a minute boundary
        self._advance(self.timeline - now)

    def _now(self) -> float:
        """The emulator's clock."""
        return self.client.get("/_mock/clock").get_json()["now"]

    def _advance(self, seconds: float) -> None:
        """Move the emulator's clock forward (unrecorded)."""
        response = self.client.post("/_mock/clock", json={"advance": seconds})
        assert response.status_code == 200, response.data

    def _tick(self) -> None:
        """Move the clock to the next second of the timeline, where the next exchange starts."""
        self.timeline += STEP_SECONDS
        now = self._now()
        assert now < self.timeline, (
            f"the previous exchange of {self.name!r} took over {STEP_SECONDS} s: "
            "the machine is too loaded for the corpus's pinned timeline"
        )
        self._advance(self.timeline - now)

    def send(self, step: str, method: str, path: str, **kwargs: Any) -> TestResponse:
        """Send one request at the next second of the timeline and record the exchange."""
        self._tick()
        response = self.client.open(path, method=method, **kwargs)
        self.corpus.append(self.record(step, method, path, response))
        return response

    def record(self, step: str, method: str, path: str, response: TestResponse) -> dict[str, Any]:
        """The normalised exchange; placeholders are numbered in path, headers, body order."""
        data = body_bytes(response)
        is_zip = response.mimetype == "application/zip"
        text = "" if is_zip else data.decode("utf-8")
        exchange = {
            "step": step,
            "app": self.name,
            "method": method,
            "path": self.norm.text(path),
            "status": response.status_code,
            "headers": self.headers(response, has_floats(text)),
        }
        if is_zip:
            exchange["body"] = {
                self.norm.text(name): self.norm.text(csv) for name, csv in zip_entries(data).items()
            }
        else:
            exchange["body"] = self.norm.text(text)
        return exchange

    def headers(self, response: TestResponse, variable_length: bool) -> list[list[str]]:
        """Every response header in order, as [name, normalised value]."""
        return [
            [
                name,
                "<length>" if variable_length and name == "Content-Length" else self.norm.header(name, value),
            ]
            for name, value in response.headers.items()
        ]

    def token(
        self, step: str, client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET, **headers: str
    ) -> str:
        """Request a token (a recorded exchange) and return it."""
        form = token_form(client_id, secret)
        response = self.send(step, "POST", "/oauth/token", data=form, headers=headers)
        assert response.status_code == 200, response.data
        return response.get_json()["access_token"]

    def login(self) -> None:
        """Fetch the demo tenant's token for the following requests."""
        self.auth = bearer(self.token("oauth: token for the demo client"))

    def upload(
        self, step: str, params: Any, file: bytes | None, filename: str = "upload.csv", **headers: str
    ) -> TestResponse:
        """POST /v1/bulk with a multipart body."""
        body, content_type = multipart(params, file, filename)
        return self.send(
            step, "POST", "/v1/bulk", data=body, content_type=content_type, headers={**self.auth, **headers}
        )

    def status_and_file(self, label: str, bulk_key: str) -> None:
        """GET a job's status, then its response file when it has one."""
        status = self.send(f"{label}: status", "GET", f"/v1/bulk/{bulk_key}", headers=self.auth).get_json()
        if status.get("outputURL"):
            self.send(f"{label}: response file", "GET", urlsplit(status["outputURL"]).path, headers=self.auth)


def login(s: Session) -> None:
    """The demo tenant's token for the following requests."""
    s.login()


def admin_and_oauth(s: Session) -> None:
    """The admin namespace, then every token answer."""
    s.send("admin: health", "GET", "/_mock/health")
    s.send("admin: tenants", "GET", "/_mock/tenants")
    s.send("admin: clock", "GET", "/_mock/clock")
    s.login()
    form = token_form()
    del form["client_id"]
    s.send("oauth: missing client_id", "POST", "/oauth/token", data=form)
    s.send("oauth: unsupported grant", "POST", "/oauth/token", data=token_form(grant="password"))
    s.send("oauth: malformed client id", "POST", "/oauth/token", data=token_form(client_id="short"))
    s.send("oauth: secret too long", "POST", "/oauth/token", data=token_form(secret="s" * 43))
    s.send("oauth: wrong secret", "POST", "/oauth/token", data=token_form(secret="wrong-secret"))
    s.send("oauth: JSON body", "POST", "/oauth/token", json=token_form())
    s.send("oauth: GET is 405", "GET", "/oauth/token")
    s.send(
        "oauth: entity the client cannot use",
        "POST",
        "/oauth/token",
        data=token_form(MULTI_CLIENT_ID, MULTI_CLIENT_SECRET),
        headers={"Zuora-Entity-Ids": DEMO_ENTITY},
    )
    s.token("oauth: token echoes the track id", **{"Zuora-Track-Id": "corpus-oauth"})


def gateway(s: Session) -> None:
    """Authorization, routing and body errors in each family, track ids and org ids."""
    s.send("gateway: v1 without a token", "GET", f"/v1/bulk/{UNKNOWN_KEY}")
    s.send("gateway: objects with a Basic header", "GET", DEFINITIONS, headers={"Authorization": "Basic abc"})
    s.send("gateway: unknown v1 route", "GET", "/v1/no/such/path", headers=s.auth)
    s.send("gateway: unknown objects route", "GET", "/objects/no/such/path", headers=s.auth)
    s.send("gateway: v1 405", "DELETE", "/v1/bulk", headers=s.auth)
    s.send("gateway: objects 405", "PUT", DEFINITIONS, headers=s.auth)
    s.send(
        "gateway: malformed JSON",
        "POST",
        VEHICLES,
        data=b"{nope",
        content_type="application/json",
        headers=s.auth,
    )
    s.send(
        "gateway: JSON body that is not an object",
        "POST",
        VEHICLES,
        data=b"[1]",
        content_type="application/json",
        headers=s.auth,
    )
    s.send(
        "gateway: wrong content type",
        "POST",
        VEHICLES,
        data=b"VIN=1",
        content_type="text/plain",
        headers=s.auth,
    )
    s.send(
        "headers: track id echoed",
        "GET",
        f"{DEFINITIONS}?select=type",
        headers={**s.auth, "Zuora-Track-Id": "corpus-track-1"},
    )
    s.send(
        "headers: invalid track id",
        "GET",
        f"/v1/bulk/{UNKNOWN_KEY}",
        headers={**s.auth, "Zuora-Track-Id": "job:42"},
    )
    s.send(
        "headers: unknown org",
        "GET",
        f"{DEFINITIONS}?select=type",
        headers={**s.auth, "Zuora-Org-Ids": "no-such-org"},
    )


def entities(s: Session) -> None:
    """Zuora-Entity-Ids with the multi-entity tenant."""
    token = s.token("entities: token for both entities", MULTI_CLIENT_ID, MULTI_CLIENT_SECRET)
    s.send("entities: header missing", "GET", f"{DEFINITIONS}?select=type", headers=bearer(token))
    s.send(
        "entities: entity of another tenant",
        "GET",
        f"/v1/bulk/{UNKNOWN_KEY}",
        headers=bearer(token, **{"Zuora-Entity-Ids": DEMO_ENTITY}),
    )
    s.send(
        "entities: two entities",
        "GET",
        f"{DEFINITIONS}?select=type",
        headers=bearer(token, **{"Zuora-Entity-Ids": ",".join(MULTI_ENTITIES)}),
    )
    s.send(
        "entities: one entity",
        "GET",
        f"{DEFINITIONS}?select=type",
        headers=bearer(token, **{"Zuora-Entity-Ids": MULTI_ENTITIES[1]}),
    )


def reset_and_clock(s: Session) -> None:
    """Reset, then the clock: a bad advance, an hour forward, and the token that hour expired."""
    s.send("admin: reset an unknown tenant", "POST", "/_mock/reset?tenant=nobody")
    s.send("admin: reset all", "POST", "/_mock/reset")
    s.send("admin: token still valid after reset", "GET", f"{DEFINITIONS}?select=type", headers=s.auth)
    s.send("admin: negative clock advance", "POST", "/_mock/clock", json={"advance": -1})
    s.send("admin: clock one hour forward", "POST", "/_mock/clock", json={"advance": 3600})
    s.timeline += 3600
    s.send("gateway: expired token", "GET", f"{DEFINITIONS}?select=type", headers=s.auth)


def definitions(s: Session) -> None:
    """Custom object definitions: list, get, create, refusals, delete."""
    s.send("definitions: list", "GET", DEFINITIONS, headers=s.auth)
    s.send("definitions: get", "GET", f"{DEFINITIONS}/Vehicle", headers=s.auth)
    s.send("definitions: names are case-sensitive", "GET", f"{DEFINITIONS}/vehicle", headers=s.auth)
    gadget = {
        "object": "Gadget",
        "label": "Gadget",
        "properties": {"Name__c": {"type": "string", "label": "Name", "maxLength": 40}},
    }
    s.send(
        "definitions: create", "POST", DEFINITIONS, json={"definitions": {"Gadget": gadget}}, headers=s.auth
    )
    s.send(
        "definitions: create an existing name",
        "POST",
        DEFINITIONS,
        json={"definitions": {"Fleet": {**gadget, "object": "Fleet"}}},
        headers=s.auth,
    )
    widget = {**gadget, "object": "Widget", "properties": {"A__c": {"type": "string"}}}
    s.send(
        "definitions: property without a label",
        "POST",
        DEFINITIONS,
        json={"definitions": {"Widget": widget}},
        headers=s.auth,
    )
    s.send("definitions: delete", "DELETE", f"{DEFINITIONS}/Gadget", headers=s.auth)
    s.send(
        "definitions: delete refused while records exist", "DELETE", f"{DEFINITIONS}/Vehicle", headers=s.auth
    )


def create_and_list(s: Session) -> tuple[str, str, str]:
    """Records: gzip list, create, partial create, refused create, list variants; returns three record ids."""
    s.send(
        "records: gzip list", "GET", f"{VEHICLES}?pageSize=5", headers={**s.auth, "Accept-Encoding": "gzip"}
    )
    one = {"records": [vehicle("1HGCM82633A004352", ModelYear__c=2024, Features__c="GPS")]}
    created = s.send("records: create", "POST", VEHICLES, json=one, headers=s.auth).get_json()
    first_id = created["records"][0]["Id"]
    partial = {"allowPartialSuccess": True, "records": [vehicle("1HGCM82633A004353"), vehicle(123)]}
    answer = s.send("records: partial create", "POST", VEHICLES, json=partial, headers=s.auth).get_json()
    second_id = answer["records"][0]["Id"]
    refused = {"records": [vehicle("1HGCM82633A004354"), vehicle("1HGCM82633A004355", Notes__c="")]}
    s.send("records: create refused", "POST", VEHICLES, json=refused, headers=s.auth)
    page = s.send("records: first page", "GET", f"{VEHICLES}?pageSize=2", headers=s.auth).get_json()
    cursor = page["records"][-1]["Id"]
    s.send("records: page after the cursor", "GET", f"{VEHICLES}?pageSize=2&cursor={cursor}", headers=s.auth)
    s.send("records: q filter", "GET", f"{VEHICLES}?q=Status__c:Retired&pageSize=5", headers=s.auth)
    s.send("records: ids filter", "GET", f"{VEHICLES}?ids={second_id}&ids={first_id}", headers=s.auth)
    s.send("records: bad pageSize", "GET", f"{VEHICLES}?pageSize=0", headers=s.auth)
    return first_id, second_id, page["records"][0]["Id"]


def update_and_delete(s: Session, record_id: str, doomed_id: str) -> None:
    """Records: get with ETag, PUT with a stale and a current If-Match, PATCH, DELETE."""
    url = f"{VEHICLES}/{record_id}"
    tag = s.send("records: get", "GET", url, headers=s.auth).headers["ETag"]
    s.send(
        "records: PUT with a stale If-Match",
        "PUT",
        url,
        json=vehicle("NEWVIN0000000001"),
        headers={**s.auth, "If-Match": '"stale"'},
    )
    s.send(
        "records: PUT",
        "PUT",
        url,
        json=vehicle("NEWVIN0000000001", ModelYear__c=2020),
        headers={**s.auth, "If-Match": tag},
    )
    s.send("records: PATCH", "PATCH", url, json={"Notes__c": "patched", "ModelYear__c": None}, headers=s.auth)
    s.send("records: PATCH refused", "PATCH", url, json={"Status__c": "Lost"}, headers=s.auth)
    s.send("records: get after PATCH", "GET", url, headers=s.auth)
    s.send("records: unknown record", "GET", f"{VEHICLES}/{UNKNOWN_ID}", headers=s.auth)
    s.send("records: delete", "DELETE", f"{VEHICLES}/{doomed_id}", headers=s.auth)


def batch(s: Session, first: str, seeded: str) -> None:
    """Batch update (success, partial, atomic failure, too many) and delete."""
    update = {"type": "update", "records": {first: {"Notes__c": "A"}, seeded: {"Notes__c": "B"}}}
    s.send("batch: update", "POST", BATCH, json={"action": update}, headers=s.auth)
    wrong = {first: {"Notes__c": "ok"}, seeded: {"ModelYear__c": "2020"}}
    s.send(
        "batch: partial update",
        "POST",
        BATCH,
        headers=s.auth,
        json={"action": {"type": "update", "allowPartialSuccess": True, "records": wrong}},
    )
    s.send(
        "batch: atomic update fails",
        "POST",
        BATCH,
        headers=s.auth,
        json={"action": {"type": "update", "records": {**wrong, UNKNOWN_ID: {"Notes__c": "x"}}}},
    )
    many = {f"00000000-0000-4000-8000-{i:012d}": {"Notes__c": "n"} for i in range(1001)}
    s.send(
        "batch: 1001 records refused",
        "POST",
        BATCH,
        json={"action": {"type": "update", "records": many}},
        headers=s.auth,
    )
    s.send(
        "batch: delete",
        "POST",
        BATCH,
        json={"action": {"type": "delete", "ids": [first, UNKNOWN_ID]}},
        headers=s.auth,
    )
    s.send("records: count after the batch delete", "GET", f"{VEHICLES}?pageSize=1", headers=s.auth)


def records(s: Session) -> None:
    """Records from creation to deletion, then batch operations on some of them."""
    first, second, seeded = create_and_list(s)
    update_and_delete(s, first, second)
    batch(s, first, seeded)


def idempotency(s: Session) -> None:
    """Idempotency-Key: first answer, replay with another body, reuse on another URL."""
    key = {"Idempotency-Key": "corpus-idem-1"}
    s.send(
        "idempotency: first request",
        "POST",
        VEHICLES,
        json={"records": [vehicle("IDEMPOTENT0000001")]},
        headers={**s.auth, **key},
    )
    s.send(
        "idempotency: replay with another body",
        "POST",
        VEHICLES,
        json={"records": [vehicle("IDEMPOTENT0000002")]},
        headers={**s.auth, **key},
    )
    s.send(
        "idempotency: key reused on another URL",
        "POST",
        "/objects/records/default/Fleet",
        json={"records": []},
        headers={**s.auth, **key},
    )


def mass_actions(s: Session) -> None:
    """Uploads in immediate mode with their status and response files, upload errors and a replay."""
    key = s.upload(
        "bulk: upload DeleteRevenueSchedule", {"actionType": "DeleteRevenueSchedule"}, DELETE_3
    ).get_json()["bulkKey"]
    s.status_and_file("bulk: DeleteRevenueSchedule", key)
    s.send("bulk: stop an ended job", "PUT", f"/v1/bulk/{key}/stop", headers=s.auth)
    s.send("admin: advance an ended job", "POST", f"/_mock/bulk/{key}/advance", json={})
    codes = s.upload(
        "bulk: upload UpdateAccountingCode",
        {"actionType": "UpdateAccountingCode"},
        ACCOUNTING_CODES,
        "codes.csv",
    ).get_json()["bulkKey"]
    s.status_and_file("bulk: UpdateAccountingCode", codes)
    s.upload("bulk: missing file part", {"actionType": "DeleteRevenueSchedule"}, None)
    s.upload("bulk: actionType in the wrong case", {"actionType": "deleteRevenueSchedule"}, DELETE_3)
    s.upload("bulk: params not JSON", "not-json", DELETE_3)
    s.upload("bulk: missing columns", {"actionType": "DeleteRevenueSchedule"}, b"Schedule\nRS-00000001\n")
    s.upload("bulk: file type not supported", {"actionType": "DeleteRevenueSchedule"}, DELETE_3, "rs.txt")
    s.send("bulk: body not multipart", "POST", "/v1/bulk", json={"actionType": "MPU"}, headers=s.auth)
    s.send("bulk: unknown bulk key", "GET", f"/v1/bulk/{UNKNOWN_KEY}", headers=s.auth)
    replay = {"Idempotency-Key": "corpus-bulk-1"}
    s.upload(
        "bulk: upload with an idempotency key",
        {"actionType": "DeleteRevenueSchedule"},
        b"Revenue Schedule Number\nRS-00000099\n",
        **replay,
    )
    s.upload("bulk: replayed upload", {"actionType": "MPU"}, b"x\n", **replay)


def manual_mass_action(s: Session) -> None:
    """Manual progression: Pending, advanced row by row, stopped, ended; admin advance errors."""
    key = s.upload("manual: upload", {"actionType": "DeleteRevenueSchedule"}, DELETE_3).get_json()["bulkKey"]
    s.send("manual: pending status", "GET", f"/v1/bulk/{key}", headers=s.auth)
    s.send("manual: start without rows", "POST", f"/_mock/bulk/{key}/advance", json={"rows": 0})
    s.send("manual: advance one row", "POST", f"/_mock/bulk/{key}/advance", json={"rows": 1})
    s.send("manual: advance with bad rows", "POST", f"/_mock/bulk/{key}/advance", json={"rows": -1})
    s.send("manual: stop", "PUT", f"/v1/bulk/{key}/stop", headers=s.auth)
    s.send("manual: stopping status", "GET", f"/v1/bulk/{key}", headers=s.auth)
    s.send("manual: finish the stop", "POST", f"/_mock/bulk/{key}/advance", json={})
    s.status_and_file("manual: stopped", key)
    s.send("manual: advance an unknown key", "POST", "/_mock/bulk/nope/advance", json={})


def v1_errors_as_4xx(s: Session) -> None:
    """v1 business errors with v1_error_status=4xx."""
    s.send("4xx: unknown bulk key", "GET", f"/v1/bulk/{UNKNOWN_KEY}", headers=s.auth)
    s.upload("4xx: missing file part", {"actionType": "DeleteRevenueSchedule"}, None)


def billing_reads(s: Session) -> None:
    """v1 reads of what mass actions change: exchange rates keyed by date, an account summary's numbers."""
    s.upload(
        "billing: upload ImportFXRate",
        {"actionType": "ImportFXRate"},
        b"Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate\n"
        b"2025-12-01,EUR,USD,1.1\n2025-12-01,GBP,USD,1.27\n2025-12-02,EUR,USD,1.12\n",
    )
    rates = "/v1/custom-exchange-rates/USD?startDate=2025-12-01&endDate=2025-12-03"
    s.send("billing: custom exchange rates", "GET", rates, headers=s.auth)
    s.send("billing: account summary", "GET", "/v1/accounts/A00000001/summary", headers=s.auth)


# (app name, settings on top of bulk_progression=immediate, parts of the script run on that app in order)
SCRIPT: tuple[tuple[str, dict[str, Any], tuple[Callable[[Session], None], ...]], ...] = (
    ("gateway", {}, (admin_and_oauth, gateway, entities, reset_and_clock)),
    ("objects", {}, (login, definitions, records, idempotency)),
    ("bulk", {}, (login, mass_actions)),
    ("bulk-manual", {"bulk_progression": "manual"}, (login, manual_mass_action)),
    ("v1-4xx", {"v1_error_status": "4xx"}, (login, v1_errors_as_4xx)),
    ("billing", {}, (login, billing_reads)),
)


def run_corpus() -> list[dict[str, Any]]:
    """Run the whole script on fresh apps and return the normalised exchanges."""
    corpus: list[dict[str, Any]] = []
    norm = Normaliser(FIXED)
    for days_ahead, (name, settings, parts) in enumerate(SCRIPT, start=1):
        session = Session(name, {"bulk_progression": "immediate", **settings}, corpus, norm, days_ahead)
        for part in parts:
            part(session)
    return corpus


def render(exchange: dict[str, Any] | None) -> list[str]:
    """An exchange as pretty JSON lines for a diff, a JSON body split after each comma for short lines."""
    if exchange is None:
        return []
    if isinstance(exchange["body"], str):
        exchange = {**exchange, "body": re.split(r"(?<=,)(?=[\"{\[])", exchange["body"])}
    return json.dumps(exchange, indent=2).splitlines()


def first_difference(golden: list[dict[str, Any]], actual: list[dict[str, Any]]) -> str | None:
    """The first exchange that differs (index, method, path) with a unified diff, or None."""
    for index in range(max(len(golden), len(actual))):
        want = golden[index] if index < len(golden) else None
        got = actual[index] if index < len(actual) else None
        if want == got:
            continue
        shown = got or want
        assert shown is not None
        diff = difflib.unified_diff(render(want), render(got), GOLDEN.name, "actual", lineterm="")
        return (
            f"exchange {index}: {shown['method']} {shown['path']} ({shown['step']}) differs; "
            f"rerun with {REGEN_VARIABLE}=1 if the change is intended.\n" + "\n".join(diff)
        )
    return None


def write_golden(corpus: list[dict[str, Any]]) -> None:
    """Rewrite the golden file."""
    document = {
        "about": f"Written by {Path(__file__).name} with {REGEN_VARIABLE}=1; do not edit by hand.",
        "exchanges": corpus,
    }
    GOLDEN.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def test_wire_corpus_matches_the_golden_file() -> None:
    corpus = run_corpus()
    if os.environ.get(REGEN_VARIABLE) == "1":
        write_golden(corpus)
        pytest.skip(f"rewrote {GOLDEN.name} with {len(corpus)} exchanges")
    assert GOLDEN.exists(), f"{GOLDEN.name} is missing; run with {REGEN_VARIABLE}=1 to write it"
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["exchanges"]
    difference = first_difference(golden, corpus)
    if difference is not None:
        pytest.fail(difference, pytrace=False)
