"""The fidelity report of a replay: per endpoint and status, match / differs (with the diff) / not emulated,
per contract case verified or not; written as Markdown for people and JSON for tools."""

from __future__ import annotations

import fnmatch
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zuora_mock.recorder.compare import Difference

REPORT_VERSION = 1
MATCH, DIFFERS, ACCEPTED = "match", "differs", "accepted"
NOT_EMULATED, NOT_REPLAYABLE = "not emulated", "not replayable"
OUTCOMES = (MATCH, DIFFERS, ACCEPTED, NOT_EMULATED, NOT_REPLAYABLE)
ACCEPTED_FILE = "accepted.json"


class AcceptedError(ValueError):
    """An accepted-differences file that cannot be used; the message names it."""


@dataclass(frozen=True)
class Acceptance:
    """A difference the team knows and accepts (e.g. its sandbox holds definitions the emulator does not)."""

    reason: str
    endpoint: str = "*"
    where: str = "*"
    cassette: str = "*"

    def covers(self, cassette: str, endpoint: str, difference: Difference) -> bool:
        return (
            fnmatch.fnmatchcase(cassette, self.cassette)
            and fnmatch.fnmatchcase(endpoint, self.endpoint)
            and fnmatch.fnmatchcase(difference.where, self.where)
        )


def load_accepted(path: Path) -> list[Acceptance]:
    """`{"version": 1, "accepted": [{"endpoint", "where", "cassette" (glob patterns), "reason"}]}`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["accepted"]
        accepted = [
            Acceptance(
                reason=str(entry["reason"]),
                endpoint=str(entry.get("endpoint", "*")),
                where=str(entry.get("where", "*")),
                cassette=str(entry.get("cassette", "*")),
            )
            for entry in entries
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AcceptedError(f"{path}: not an accepted-differences file ({exc!r})") from None
    return accepted


@dataclass
class ExchangeResult:
    """One recorded exchange, replayed (or not) and compared."""

    cassette: str
    index: int
    method: str
    path: str
    endpoint: str
    recorded_status: int
    replayed_status: int | None = None
    outcome: str = MATCH
    differences: list[Difference] = field(default_factory=list)
    accepted: list[tuple[Difference, str]] = field(default_factory=list)
    note: str = ""

    def settle(self, acceptances: list[Acceptance]) -> None:
        """Set the outcome: accepted differences move aside with their reason."""
        remaining = []
        for difference in self.differences:
            reason = next(
                (a.reason for a in acceptances if a.covers(self.cassette, self.endpoint, difference)), None
            )
            if reason is None:
                remaining.append(difference)
            else:
                self.accepted.append((difference, reason))
        self.differences = remaining
        if self.outcome in (NOT_EMULATED, NOT_REPLAYABLE):
            return
        self.outcome = DIFFERS if remaining else ACCEPTED if self.accepted else MATCH

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "cassette": self.cassette,
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "endpoint": self.endpoint,
            "recordedStatus": self.recorded_status,
            "replayedStatus": self.replayed_status,
            "outcome": self.outcome,
            "differences": [d.as_json() for d in self.differences],
            "accepted": [{**d.as_json(), "reason": reason} for d, reason in self.accepted],
        }
        if self.note:
            body["note"] = self.note
        return body


@dataclass(frozen=True)
class CaseResult:
    """A contract test recorded against a tenant: verified when it passed there and its replay matches."""

    test: str
    marker: str | None
    upstream_outcome: str | None
    replay: str
    date: str
    tenant_kind: str

    @property
    def verified(self) -> bool:
        return self.upstream_outcome == "passed" and self.replay == MATCH

    @property
    def verdict(self) -> str:
        if self.verified:
            return f"verified against {self.tenant_kind} on {self.date}"
        if self.upstream_outcome not in (None, "passed"):
            return f"not verified: {self.upstream_outcome} against {self.tenant_kind}"
        return f"not verified: {self.replay}"

    def as_json(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "marker": self.marker,
            "upstreamOutcome": self.upstream_outcome,
            "replay": self.replay,
            "verified": self.verified,
            "date": self.date,
            "tenantKind": self.tenant_kind,
        }


@dataclass
class Report:
    """Everything a replay found."""

    source: str
    target: str
    results: list[ExchangeResult] = field(default_factory=list)
    cases: list[CaseResult] = field(default_factory=list)
    reauthentications: int = 0
    seconds: float = 0.0

    @property
    def differing(self) -> list[ExchangeResult]:
        return [result for result in self.results if result.outcome == DIFFERS]

    @property
    def ok(self) -> bool:
        """No difference that is not listed as accepted."""
        return not self.differing

    def counts(self) -> dict[str, int]:
        found = Counter(result.outcome for result in self.results)
        return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}

    def by_endpoint(self) -> list[tuple[str, int, dict[str, int]]]:
        """(endpoint, recorded status, outcome counts), sorted by endpoint then status."""
        groups: dict[tuple[str, int], Counter[str]] = {}
        for result in self.results:
            groups.setdefault((result.endpoint, result.recorded_status), Counter())[result.outcome] += 1
        return [
            (endpoint, status, {outcome: counts.get(outcome, 0) for outcome in OUTCOMES})
            for (endpoint, status), counts in sorted(groups.items())
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "source": self.source,
            "target": self.target,
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "reauthentications": self.reauthentications,
            "summary": self.counts(),
            "endpoints": [
                {"endpoint": endpoint, "recordedStatus": status, **counts}
                for endpoint, status, counts in self.by_endpoint()
            ],
            "exchanges": [result.as_json() for result in self.results],
            "cases": [case.as_json() for case in self.cases],
        }

    def verdict(self) -> str:
        count = len(self.differing)
        if not count:
            return "no unaccepted difference"
        return "1 exchange differs" if count == 1 else f"{count} exchanges differ"

    def tally(self) -> str:
        """`25 exchanges replayed in 0.4 s: 24 match, 1 differs`."""
        parts = ", ".join(f"{count} {outcome}" for outcome, count in self.counts().items() if count)
        return f"{len(self.results)} exchanges replayed in {self.seconds:.1f} s: {parts or 'none'}"

    def summary_line(self) -> str:
        return f"{self.tally()}; {self.verdict()}"

    def write(self, prefix: Path) -> tuple[Path, Path]:
        """Write PREFIX.md and PREFIX.json; returns both paths."""
        from zuora_mock.recorder.markdown import render

        prefix.parent.mkdir(parents=True, exist_ok=True)
        markdown, data = prefix.parent / f"{prefix.name}.md", prefix.parent / f"{prefix.name}.json"
        markdown.write_text(render(self), encoding="utf-8")
        data.write_text(json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return markdown, data
