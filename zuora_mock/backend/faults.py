"""Fault rules: which requests Zuora should fail on demand, how often, and how often each rule fired."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from zuora_mock.backend.journal import path_matches

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
