"""Replay recorded exchanges against the emulator, in order, and compare each answer with the recorded one.

Authentication: cassettes hold placeholders, never credentials (redact.py). The replay fills `<client-id>` and
`<client-secret>` with its own client (given, or the first client of the target's fixtures) and any further
recorded client (`<client-id:2>`, ...) with a fresh client id, which the emulator answers with a tenant of
its own (unless `--map` names one). It replays the recorded token requests and learns `<access-token:N>` from
their answers like any other id. A request whose token was issued in a cassette that is not replayed gets a
fresh token from the target first.
"""

from __future__ import annotations

import gzip
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from zuora_mock.recorder import bodies
from zuora_mock.recorder.cassette import Cassette, load_directory
from zuora_mock.recorder.compare import Comparison
from zuora_mock.recorder.idmap import IdMap
from zuora_mock.recorder.redact import CLIENT_ID, CLIENT_SECRET, TOKEN_PATH, WRONG_SECRET
from zuora_mock.recorder.report import (
    ACCEPTED,
    ACCEPTED_FILE,
    MATCH,
    NOT_EMULATED,
    NOT_REPLAYABLE,
    Acceptance,
    CaseResult,
    ExchangeResult,
    Report,
    load_accepted,
)
from zuora_mock.recorder.sync import BulkSync
from zuora_mock.recorder.targets import Credentials, Target, fixture_credentials

# What the replay sends for a secret that did not work during the recording.
WRONG_SECRET_VALUE = "wrong-secret-sent-by-replay"
NOT_SENT = frozenset({"host", "content-length", "transfer-encoding", "connection", "keep-alive"})
REPLAYED_BODY_LIMIT = 64 * 1024 * 1024
TOKEN_PLACEHOLDER = "<access-token:"
OTHER_CLIENT = re.compile(r"^<(client-id|client-secret|wrong-client-secret):(\d+)>$")


class ReplayError(RuntimeError):
    """The replay cannot go on (no token from the target, for example); the message says why."""


@dataclass(frozen=True)
class ReplayOptions:
    """How to replay: where, as whom, with which emulator settings and which known differences."""

    target_url: str | None = None
    credentials: Credentials | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    id_map: Mapping[str, str] = field(default_factory=dict)
    accepted: Path | None = None
    admin_token: str | None = None  # for a target whose /_mock/ API asks for one


def replay(directory: str | Path, options: ReplayOptions | None = None) -> Report:
    """Replay every cassette of a directory and return the report (nothing is written)."""
    options = options or ReplayOptions()
    source = Path(directory)
    started = time.perf_counter()
    cassettes = load_directory(source)
    acceptances = _acceptances(source, options.accepted)
    credentials = options.credentials or fixture_credentials(options.settings.get("fixtures"))
    target = (
        Target.at(options.target_url, options.admin_token)
        if options.target_url
        else Target.in_process(options.settings, options.admin_token)
    )
    try:
        run = _Run(target, credentials, options.id_map)
        report = Report(source=str(source), target=target.name)
        for item in cassettes:
            results = run.cassette(item)
            for result in results:
                result.settle(acceptances)
            report.results += results
            case = _case(item, results)
            if case is not None:
                report.cases.append(case)
        report.reauthentications = run.reauthentications
    finally:
        target.close()
    report.seconds = time.perf_counter() - started
    return report


def _acceptances(source: Path, given: Path | None) -> list[Acceptance]:
    """The given accepted-differences file, else DIR/accepted.json when there is one."""
    if given is not None:
        return load_accepted(given)
    default = source / ACCEPTED_FILE
    return load_accepted(default) if default.is_file() else []


def _case(item: Cassette, results: list[ExchangeResult]) -> CaseResult | None:
    case = item.case
    if case is None:
        return None
    outcomes = {result.outcome for result in results}
    replay_outcome = MATCH if outcomes <= {MATCH, ACCEPTED} else ", ".join(sorted(outcomes - {MATCH}))
    return CaseResult(
        test=str(case.get("test") or item.name),
        marker=case.get("marker"),
        upstream_outcome=case.get("outcome"),
        replay=replay_outcome,
        date=str(item.recorded.get("at", ""))[:10],
        tenant_kind=str(item.recorded.get("tenantKind", "unknown")),
    )


class _Run:
    """The state one replay carries from exchange to exchange: the id map and the mass actions."""

    def __init__(self, target: Target, credentials: Credentials, seed: Mapping[str, str]) -> None:
        self.target = target
        self.credentials = credentials
        self.ids = IdMap(
            {
                CLIENT_ID: credentials.client_id,
                CLIENT_SECRET: credentials.client_secret,
                WRONG_SECRET: WRONG_SECRET_VALUE,
                **seed,
            }
        )
        self.sync = BulkSync(target.admin)
        self.reauthentications = 0

    def cassette(self, item: Cassette) -> list[ExchangeResult]:
        return [self.exchange(item, index) for index in range(len(item.exchanges))]

    def exchange(self, item: Cassette, index: int) -> ExchangeResult:
        exchange = item.exchanges[index]
        request, recorded = exchange["request"], exchange["response"]
        method, path = request["method"], request["path"]
        endpoint = self.target.routes.endpoint(method, self.ids.translate(path))
        result = ExchangeResult(
            item.path.name, index, method, path, endpoint or f"{method} {path}", recorded["status"]
        )
        if endpoint is None:
            result.outcome, result.note = NOT_EMULATED, "the emulator has no such endpoint"
            return result
        try:
            outgoing = self.build(request)
        except bodies.NotReplayable as exc:
            result.outcome, result.note = NOT_REPLAYABLE, str(exc)
            return result
        self.sync.before(item.exchanges, index, self.ids.translate)
        replayed = capture(self.target.send(outgoing))
        result.replayed_status = replayed["status"]
        result.differences = Comparison(self.ids).answer(recorded, replayed)
        self.sync.after(exchange, replayed, self.ids.translate)
        return result

    def build(self, request: dict[str, Any]) -> httpx.Request:
        """The recorded request with ids and credentials translated to the target's."""
        headers = [
            (name, self.ids.translate(value))
            for name, value in request["headers"]
            if name.lower() not in NOT_SENT
        ]
        self._authenticate(headers)
        headers = [(name, self.ids.translate(value)) for name, value in headers]
        content_type = next((value for name, value in headers if name.lower() == "content-type"), None)
        content = bodies.rebuild(self._translated_body(request["body"]), content_type)
        encoding = next((value for name, value in headers if name.lower() == "content-encoding"), "")
        if encoding.strip().lower() == "gzip":
            content = gzip.compress(content)
        query = [(name, self.ids.translate(value)) for name, value in request.get("query", [])]
        url = self.target.url(self.ids.translate(request["path"]), query)
        return httpx.Request(request["method"], url, headers=headers, content=content)

    def _translated_body(self, body: dict[str, Any]) -> dict[str, Any]:
        kind = body.get("kind")
        if kind == "json":
            return {**body, "json": self.ids.translate_json(body["json"])}
        if kind == "form":
            for _, value in body["form"]:
                self._other_client(value)
            return {**body, "form": [[name, self.ids.translate(value)] for name, value in body["form"]]}
        if kind == "text":
            return {**body, "text": self.ids.translate(body["text"])}
        if kind == "multipart":
            parts = [
                {**part, "text": self.ids.translate(part["text"])} if "text" in part else part
                for part in body["parts"]
            ]
            return {**body, "parts": parts}
        return body

    def _other_client(self, value: str) -> None:
        """A further client of the recording: a fresh client id here (a tenant of its own), any secret."""
        match = OTHER_CLIENT.match(value)
        if match is None or value in self.ids.forward:
            return
        kind, number = match.groups()
        filled = {
            "client-id": str(uuid.uuid4()),
            "client-secret": f"replay-secret-{number}",
            "wrong-client-secret": f"{WRONG_SECRET_VALUE}-{number}",
        }[kind]
        self.ids.learn(value, filled)

    def _authenticate(self, headers: list[tuple[str, str]]) -> None:
        """A bearer placeholder nobody has filled yet: fetch a token from the target for it."""
        for name, value in headers:
            if name.lower() == "authorization" and TOKEN_PLACEHOLDER in value:
                placeholder = value.partition(" ")[2].strip()
                entity = next((v for n, v in headers if n.lower() == "zuora-entity-ids"), None)
                self.ids.learn(placeholder, self._token(entity))
                self.reauthentications += 1

    def _token(self, entity: str | None) -> str:
        form = {
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
            "grant_type": "client_credentials",
        }
        headers = {"Zuora-Entity-Ids": entity} if entity else {}
        response = self.target.send(
            httpx.Request("POST", self.target.url(TOKEN_PATH), data=form, headers=headers)
        )
        try:
            return str(response.json()["access_token"])
        except (ValueError, KeyError, TypeError):
            raise ReplayError(
                f"no token from {self.target.name} for client {self.credentials.client_id}: "
                f"HTTP {response.status_code} {response.text[:200]}"
            ) from None


def capture(response: httpx.Response) -> dict[str, Any]:
    """A replayed answer in the cassette's own form, so that both sides are compared alike."""
    headers = [[name.lower(), value] for name, value in response.headers.multi_items()]
    content_type = response.headers.get("content-type")
    body = bodies.capture(response.content, content_type, request=False, limit=REPLAYED_BODY_LIMIT)
    return {"status": response.status_code, "headers": headers, "body": body}
