"""The comparison rules of a replay, as tables: which headers count, and how each JSON value is compared.

Everything not named here is contract and compared exactly: the status, JSON keys and their order, value
types, error codes and messages, field values. The tables only name what is incidental to one tenant or one
run (ids, timestamps, request ids, counters, the user's e-mail) and say how its format is checked instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a recorded value and a replayed one are compared."""

    EXACT = "exact"  # equal, once the ids learned so far are translated
    ID = "id"  # an id: same format, and the same upstream id always stands for the same emulator id
    FORMAT = "format"  # the replayed value matches the pattern; its value is the tenant's or the run's own
    URL = "url"  # a link: same path (ids translated, new ids learned), any host


@dataclass(frozen=True)
class Rule:
    """One comparison rule; `learn_ids` pairs the ids inside the two values (e.g. in an OAuth scope)."""

    label: str
    kind: Kind
    pattern: re.Pattern[str] | None = None
    learn_ids: bool = False


UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
HEX32 = r"[0-9a-f]{32}"
# A placeholder the recorder wrote instead of a secret, e.g. <access-token:2> or <client-id>.
PLACEHOLDER = r"<[a-z][a-z-]*(?::\d+)?>"
# Any id-like token inside a string: what the id map translates in paths, bodies and headers.
ID_TOKEN = re.compile(rf"(?<![0-9A-Za-z])(?:{UUID}|{HEX32})(?![0-9A-Za-z])|{PLACEHOLDER}")

EXACT = Rule("exact", Kind.EXACT)
RECORD_ID = Rule("id (uuid)", Kind.ID, re.compile(rf"^{UUID}$"))
ZUORA_ID = Rule("id (32 hex)", Kind.ID, re.compile(rf"^{HEX32}$"))
USER_ID = Rule("id (user)", Kind.ID, re.compile(rf"^(?:{HEX32}|{UUID})$"))
REQUEST_ID = Rule("request id (uuid)", Kind.ID, re.compile(rf"^{UUID}$"))
TOKEN = Rule("token", Kind.ID, re.compile(r"^\S+$"))
ETAG = Rule("etag", Kind.ID, re.compile(r'^(?:W/)?"[^"]*"$'))
COUNTER = Rule("counter", Kind.FORMAT, re.compile(r"^\d+(?:\.\d+)?$"))
ISO_MILLIS = Rule(
    "timestamp (ISO-8601, ms)", Kind.FORMAT, re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
)
ISO_ANY = Rule(
    "timestamp (ISO-8601)",
    Kind.FORMAT,
    re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)$"),
)
V1_TIMESTAMP = Rule(
    "timestamp (yyyy-MM-dd HH:mm:ss)", Kind.FORMAT, re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
)
PROCESS_ID = Rule("process id (16 hex)", Kind.FORMAT, re.compile(r"^[0-9A-F]{16}$"))
NON_EMPTY = Rule("any non-empty text", Kind.FORMAT, re.compile(r"\S"))
SCOPE = Rule("OAuth scope", Kind.FORMAT, re.compile(r"^[\w.:-]+(?: [\w.:-]+)*$"), learn_ids=True)
RATE_LIMIT = Rule("RateLimit-Limit list", Kind.FORMAT, re.compile(r"^\d+(?:, ?\d+;w=\d+)*$"))
LINK = Rule("link", Kind.URL)

# Response headers Zuora documents (docs/zuora-api.md, section 1.3), by lower-case name. Headers not listed
# (Date, Server, Content-Length, Vary, Connection, ...) belong to the transport and are not compared.
HEADER_RULES: dict[str, Rule] = {
    "content-type": EXACT,
    "content-encoding": EXACT,
    "content-disposition": EXACT,
    "zuora-request-id": REQUEST_ID,
    "zuora-track-id": EXACT,
    "ratelimit-limit": RATE_LIMIT,
    "ratelimit-remaining": COUNTER,
    "ratelimit-reset": COUNTER,
    "concurrency-limit-type": EXACT,
    "concurrency-limit-limit": COUNTER,
    "concurrency-limit-remaining": COUNTER,
    "retry-after": COUNTER,
    "www-authenticate": EXACT,
    "x-ratelimit-limit-minute": COUNTER,
    "x-ratelimit-remaining-minute": COUNTER,
    "etag": ETAG,
    "location": LINK,
}

# JSON values that are incidental, by JSON path: `$.name` at the top level, `$..name` at any depth, `[*]` any
# index and `.*` any key. The first matching row wins; every other scalar is compared exactly. Rules apply to
# scalars only: `$..Id` does not touch the object at schema.properties.Id, whose members are contract.
JSON_RULES: tuple[tuple[str, Rule], ...] = (
    ("$..Id", RECORD_ID),
    ("$..id", ZUORA_ID),
    ("$..CreatedById", USER_ID),
    ("$..UpdatedById", USER_ID),
    ("$..CreatedDate", ISO_MILLIS),
    ("$..UpdatedDate", ISO_MILLIS),
    ("$.bulkKey", ZUORA_ID),
    ("$.uploadedOn", V1_TIMESTAMP),
    ("$.startedOn", V1_TIMESTAMP),
    ("$.endedOn", V1_TIMESTAMP),
    ("$.uploadedBy", NON_EMPTY),
    ("$.outputURL", LINK),
    ("$.outputSize", COUNTER),
    ("$..processingTime", COUNTER),
    ("$.processId", PROCESS_ID),
    ("$.access_token", TOKEN),
    ("$.jti", NON_EMPTY),
    ("$.expires_in", COUNTER),
    ("$.scope", SCOPE),
    ("$.timestamp", ISO_ANY),
)


def _path_regex(pattern: str) -> re.Pattern[str]:
    """`$..Id` -> any depth; `[*]` -> any index; `.*` -> any key; everything else literal."""
    text = re.escape(pattern)
    text = text.replace(r"\.\.", r"(?:\.[^.\[]+|\[[^\]]*\])*\.")
    text = text.replace(r"\[\*\]", r"\[\d+\]").replace(r"\.\*", r"\.[^.\[]+")
    return re.compile(f"^{text}$")


def _by_last_key() -> dict[str, list[tuple[re.Pattern[str], Rule]]]:
    """The rules grouped by the member name their pattern ends with: most paths need no regex at all."""
    grouped: dict[str, list[tuple[re.Pattern[str], Rule]]] = {}
    for pattern, rule in JSON_RULES:
        last = pattern.rsplit(".", 1)[1]
        grouped.setdefault("*" if "*" in last or "[" in last else last, []).append(
            (_path_regex(pattern), rule)
        )
    return grouped


_BY_LAST_KEY = _by_last_key()


def json_rule(path: str) -> Rule:
    """The rule of the scalar at a JSON path such as `$.records[0].Id`."""
    last = "" if path.endswith("]") else path.rsplit(".", 1)[-1]
    candidates: list[tuple[re.Pattern[str], Rule]] = [*_BY_LAST_KEY.get(last, []), *_BY_LAST_KEY.get("*", [])]
    for regex, rule in candidates:
        if regex.match(path):
            return rule
    return EXACT


def header_rule(name: str) -> Rule | None:
    """The rule of a response header, or None when the header is not compared."""
    return HEADER_RULES.get(name.lower())
