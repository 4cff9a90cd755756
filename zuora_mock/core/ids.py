"""Identifier and timestamp formats that match Zuora's wire formats."""

from __future__ import annotations

import itertools
import os
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime

# Zuora's 32-hex ids (bulkKey, file ids, user ids) are Hibernate "uuid.hex" values:
# 8 hex of host address, 8 of JVM start time, 12 of the current time, 4 of a counter.
_HOST = "8a" + secrets.token_hex(3)
_START = f"{int(time.time() * 1000) & 0xFFFFFFFF:08x}"
_COUNTER = itertools.count(secrets.randbelow(0x10000))
_COUNTER_LOCK = threading.Lock()


def zuora_id() -> str:
    """A fresh 32-lowercase-hex id shaped like Zuora's; unique within the process."""
    with _COUNTER_LOCK:
        count = next(_COUNTER)
        now = int(time.time() * 1000)
    return f"{_HOST}{_START}{(now >> 32) & 0xFFFF:04x}{now & 0xFFFFFFFF:08x}{count & 0xFFFF:04x}"[:32]


def record_id() -> str:
    """A 36-char UUID, as custom object records and definitions use."""
    return str(uuid.uuid4())


def request_id() -> str:
    """The Zuora-Request-Id of one response (36-char UUID)."""
    return str(uuid.uuid4())


def process_id() -> str:
    """The 16 upper-case hex processId of a v1 error envelope."""
    return os.urandom(8).hex().upper()


def token() -> str:
    """An opaque access token or jti: 32 lowercase hex, as in Zuora's samples."""
    return secrets.token_hex(16)


def iso_millis(epoch: float) -> str:
    """Custom-object timestamps: ISO-8601 UTC with milliseconds and Z."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def v1_timestamp(epoch: float) -> str:
    """Mass-action timestamps: yyyy-MM-dd HH:mm:ss (UTC)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")
