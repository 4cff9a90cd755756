"""Fault rules: which requests Zuora should fail on demand, how often, and how often each rule fired."""

from __future__ import annotations

import itertools
import json
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from zuora_mock.backend.journal import path_matches
from zuora_mock.core.errors import InvalidValue
from zuora_mock.core.settings import ConfigError

THROTTLED_RECORDS = "throttled-records"
RATE_LIMIT = "rate-limit"
CONCURRENCY_LIMIT = "concurrency-limit"
SERVER_ERROR = "server-error"
BAD_GATEWAY = "bad-gateway"
UNAVAILABLE = "unavailable"
GATEWAY_TIMEOUT = "gateway-timeout"
DELAY = "delay"
TIMEOUT = "timeout"
RESET = "reset"
JOB_FAILED = "job-failed"
STATUS = "status"
KINDS = (
    THROTTLED_RECORDS,
    RATE_LIMIT,
    CONCURRENCY_LIMIT,
    SERVER_ERROR,
    BAD_GATEWAY,
    UNAVAILABLE,
    GATEWAY_TIMEOUT,
    DELAY,
    TIMEOUT,
    RESET,
    JOB_FAILED,
    STATUS,
)
# Zuora's gateway answers after 120 s; a `timeout` fault holds the connection that long unless told otherwise.
DEFAULT_TIMEOUT_MS = 120_000


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """What a rule matches and what it answers, as POST /_mock/faults gives it."""

    fault: str
    method: str = "*"
    path: str = "*"
    tenant: str | None = None
    times: int | None = 1
    after: int = 0
    probability: float = 1.0
    delay_ms: int | None = None
    status: int | None = None
    body: Any = None
    fail_after_rows: int | None = None
    retry_after: int | None = None  # rate-limit: the Retry-After seconds, else until the minute window resets


@dataclass(frozen=True, slots=True)
class FaultRule:
    """A rule with its id and counters: matches seen and times it answered."""

    id: str
    spec: FaultSpec
    matched: int = 0
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        """Whether the rule has answered as many requests as it was asked to."""
        return self.spec.times is not None and self.fired >= self.spec.times

    def applies_to(self, method: str, path: str, tenant: str | None) -> bool:
        """Method, path glob and tenant all match (a rule without a tenant matches every tenant)."""
        spec = self.spec
        if spec.method != "*" and spec.method.upper() != method:
            return False
        if spec.tenant is not None and spec.tenant != tenant:
            return False
        return path_matches(spec.path, path)


class Faults:
    """The active rules of one emulator; the first live rule that matches a request answers it."""

    def __init__(self, seed: int | None = None) -> None:
        self._rules: dict[str, FaultRule] = {}
        self._ids = itertools.count(1)
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def add(self, spec: FaultSpec) -> FaultRule:
        """Register a rule and give it an id."""
        with self._lock:
            rule = FaultRule(f"fault-{next(self._ids)}", spec)
            self._rules[rule.id] = rule
            return rule

    def rules(self, tenants: Iterable[str] | None = None) -> list[FaultRule]:
        """Every rule in the order added, or those scoped to some tenants."""
        with self._lock:
            found = list(self._rules.values())
        if tenants is None:
            return found
        names = set(tenants)
        return [rule for rule in found if rule.spec.tenant in names]

    def get(self, rule_id: str) -> FaultRule | None:
        """One rule by id."""
        with self._lock:
            return self._rules.get(rule_id)

    def remove(self, rule_id: str) -> bool:
        """Drop one rule; False when there is none with that id."""
        with self._lock:
            return self._rules.pop(rule_id, None) is not None

    def clear(self, tenants: Iterable[str] | None = None) -> int:
        """Drop every rule, or those scoped to some tenants; returns how many went."""
        with self._lock:
            if tenants is None:
                dropped = len(self._rules)
                self._rules.clear()
                return dropped
            names = set(tenants)
            doomed = [rule_id for rule_id, rule in self._rules.items() if rule.spec.tenant in names]
            for rule_id in doomed:
                del self._rules[rule_id]
            return len(doomed)

    def match(self, method: str, path: str, tenant: str | None) -> FaultRule | None:
        """The first rule that fires for this request, counting every match; None lets the request through."""
        if not self._rules:
            return None
        with self._lock:
            for rule in list(self._rules.values()):
                if rule.exhausted or not rule.applies_to(method, path, tenant):
                    continue
                fired = self._count(rule)
                if fired is not None:
                    return fired
        return None

    def _count(self, rule: FaultRule) -> FaultRule | None:
        """Count one match; the rule fires past `after` and when the seeded coin says so."""
        matched = rule.matched + 1
        fires = matched > rule.spec.after and self._random.random() < rule.spec.probability
        updated = replace(rule, matched=matched, fired=rule.fired + (1 if fires else 0))
        self._rules[rule.id] = updated
        return updated if fires else None


# ---- rules as JSON (POST /_mock/faults bodies and the --faults file) -------------------------------------

MSG_RULE_OBJECT = "A fault rule must be a JSON object."
MSG_RULE_UNKNOWN = "Unknown field '{field}' in the fault rule."
MSG_RULE_FAULT = "'fault' must be one of: {kinds}."
MSG_RULE_FIELD = "'{field}' must be {expected}."
MSG_RULE_STATUS = "A 'status' fault needs 'status', an HTTP status from 100 to 599."
MSG_FAULT_FILE = "fault file {path}: {detail}"
_RULE_KEYS = frozenset(
    {
        "fault",
        "method",
        "path",
        "tenant",
        "times",
        "after",
        "probability",
        "delayMs",
        "status",
        "body",
        "failAfterRows",
        "retryAfter",
    }
)
_MISSING = object()


def parse_spec(data: Any) -> FaultSpec:
    """A rule as JSON ({"fault": ..., "method", "path", ...}) as a FaultSpec, or the error saying why not."""
    if not isinstance(data, dict):
        raise InvalidValue(MSG_RULE_OBJECT)
    for key in data:
        if key not in _RULE_KEYS:
            raise InvalidValue(MSG_RULE_UNKNOWN.format(field=str(key)[:100]))
    fault = data.get("fault")
    if fault not in KINDS:
        raise InvalidValue(MSG_RULE_FAULT.format(kinds=", ".join(KINDS)))
    status = _count(data, "status", None, low=100, high=599)
    if fault == STATUS and status is None:
        raise InvalidValue(MSG_RULE_STATUS)
    return FaultSpec(
        fault=fault,
        method=_text(data, "method", "*").upper(),
        path=_text(data, "path", "*"),
        tenant=_text(data, "tenant", None),
        times=_count(data, "times", 1, low=1),
        after=_count(data, "after", 0, low=0) or 0,
        probability=_probability(data),
        delay_ms=_count(data, "delayMs", None, low=0, high=3_600_000),
        status=status,
        body=data.get("body"),
        fail_after_rows=_count(data, "failAfterRows", None, low=0),
        retry_after=_count(data, "retryAfter", None, low=1, high=86400),
    )


def _text(data: dict[str, Any], field: str, default: Any) -> Any:
    value = data.get(field, default)
    if value is default:
        return value
    if not isinstance(value, str) or not value or len(value) > 500:
        raise InvalidValue(MSG_RULE_FIELD.format(field=field, expected="a non-empty string"))
    return value


def _count(
    data: dict[str, Any], field: str, default: int | None, *, low: int, high: int | None = None
) -> int | None:
    value = data.get(field, _MISSING)
    if value is _MISSING:
        return default
    if value is None and field != "after":
        return None
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or value < low
        or (high is not None and value > high)
    ):
        shown = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"
        raise InvalidValue(MSG_RULE_FIELD.format(field=field, expected=shown))
    return value


def _probability(data: dict[str, Any]) -> float:
    value = data.get("probability", 1.0)
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
        raise InvalidValue(MSG_RULE_FIELD.format(field="probability", expected="a number from 0 to 1"))
    return float(value)


def load_fault_file(path: str) -> list[FaultSpec]:
    """The rules of a --faults file: a JSON list of rules (or {"faults": [...]}); ConfigError if unusable."""
    try:
        with open(path, "rb") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ConfigError(MSG_FAULT_FILE.format(path=path, detail=exc)) from None
    if isinstance(data, dict) and "faults" in data:
        data = data["faults"]
    if not isinstance(data, list):
        raise ConfigError(MSG_FAULT_FILE.format(path=path, detail="expected a JSON list of fault rules"))
    try:
        return [parse_spec(item) for item in data]
    except InvalidValue as exc:
        raise ConfigError(MSG_FAULT_FILE.format(path=path, detail=exc.message)) from None
