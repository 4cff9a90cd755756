"""A scripted client session through the recording proxy: every emulated endpoint, success and error, each
step in a cassette of its own so that a test names the steps where it expects a difference."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tests.recorder.upstream import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from zuora_mock.client import ZuoraAPIError, ZuoraClient
from zuora_mock.recorder import RecordingProxy

ACTION = "DeleteRevenueSchedule"
UPLOAD = b"Revenue Schedule Number\nRS-NOPE-1\nRS-NOPE-2\n"
BOAT = "RecorderBoat"
BOAT_DEFINITION = {
    "object": BOAT,
    "label": "Boat",
    "properties": {
        "Hull__c": {"type": "string", "label": "Hull", "maxLength": 20},
        "Length__c": {"type": "number", "label": "Length"},
    },
}
# A second OAuth client: the upstream's own unless it runs with strict_clients.
STRANGER_ID = "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9"
STRANGER_SECRET = "stranger-secret-7Hq2Lw9Zp"
STEPS = (
    "token",
    "seed-definitions",
    "seed-definition",
    "seed-records",
    "create-definition",
    "create-records",
    "patch-record",
    "batch-update",
    "bad-batch",
    "unknown-bulk-key",
    "unknown-action",
    "mass-action",
    "stop-completed",
    "clean-up",
    "stranger-token",
)


def _error(call: Callable[[], Any]) -> None:
    """Errors are part of the exercise: only their exchange matters here."""
    try:
        call()
    except ZuoraAPIError:
        return


@contextmanager
def _step(proxy: RecordingProxy, name: str) -> Iterator[None]:
    proxy.begin_cassette(name)
    try:
        yield
    finally:
        proxy.end_cassette()


def run(proxy: RecordingProxy) -> None:
    """The whole session, through the proxy, as the demo client (plus one token for a second client)."""
    with ZuoraClient(proxy.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, track_id="recorder-test") as client:
        with _step(proxy, "token"):
            client.token()
        _seed(proxy, client)
        boat = _custom_objects(proxy, client)
        _mass_actions(proxy, client)
        with _step(proxy, "clean-up"):
            client.delete_record(BOAT, boat)
            client.delete_definition(BOAT)
    with (
        _step(proxy, "stranger-token"),
        ZuoraClient(proxy.url, STRANGER_ID, STRANGER_SECRET) as stranger,
    ):
        _error(stranger.token)


def _seed(proxy: RecordingProxy, client: ZuoraClient) -> None:
    with _step(proxy, "seed-definitions"):
        client.list_definitions()
    with _step(proxy, "seed-definition"):
        client.get_definition("Vehicle")
    with _step(proxy, "seed-records"):
        client.list_records("Vehicle", page_size=3)


def _custom_objects(proxy: RecordingProxy, client: ZuoraClient) -> str:
    with _step(proxy, "create-definition"):
        client.create_definitions({BOAT: BOAT_DEFINITION})
    with _step(proxy, "create-records"):
        first, second = client.create_records(BOAT, [{"Hull__c": "H1", "Length__c": 7.5}, {"Hull__c": "H2"}])[
            "records"
        ]
    with _step(proxy, "patch-record"):
        client.patch_record(BOAT, first["Id"], {"Length__c": None})
        client.get_record(BOAT, first["Id"])
    with _step(proxy, "batch-update"):
        client.batch_update(BOAT, {first["Id"]: {"Hull__c": "H1b"}, second["Id"]: {"Hull__c": "H2b"}})
        client.list_records(BOAT, ids=[first["Id"], second["Id"]])
    with _step(proxy, "bad-batch"):
        _error(lambda: client.batch_update(BOAT, {second["Id"]: {"Length__c": "long"}}))
        client.batch_delete(BOAT, [second["Id"]])
    return str(first["Id"])


def _mass_actions(proxy: RecordingProxy, client: ZuoraClient) -> None:
    with _step(proxy, "unknown-bulk-key"):
        _error(lambda: client.get_mass_action("f" * 32))
    with _step(proxy, "unknown-action"):
        _error(lambda: client.create_mass_action(ACTION, UPLOAD, params={"actionType": "NoSuchAction"}))
    with _step(proxy, "mass-action"):
        key = client.create_mass_action(ACTION, UPLOAD, idempotency_key=f"rec-{uuid.uuid4().hex}")["bulkKey"]
        job = client.wait_for_mass_action(key)
        client.download(job["outputURL"])
    with _step(proxy, "stop-completed"):
        _error(lambda: client.stop_mass_action(key))
