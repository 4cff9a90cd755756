"""The fidelity report as Markdown: the verdict first, then per endpoint, each difference, and the cases."""

from __future__ import annotations

import json
from typing import Any

from zuora_mock.recorder.compare import Difference
from zuora_mock.recorder.report import (
    ACCEPTED,
    DIFFERS,
    MATCH,
    NOT_EMULATED,
    NOT_REPLAYABLE,
    ExchangeResult,
    Report,
)

COLUMNS = (MATCH, DIFFERS, ACCEPTED, NOT_EMULATED, NOT_REPLAYABLE)


def cell(value: Any) -> str:
    """A value in a table cell: JSON for data, pipes escaped, on one line."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def code(value: Any) -> str:
    text = cell(value)
    return f"`{text}`" if text and "`" not in text else text


def render(report: Report) -> str:
    lines = [
        "# Fidelity report",
        "",
        f"Recorded exchanges from `{report.source}` replayed against {report.target}.",
        "",
        f"**{report.verdict().capitalize()}.** {report.tally()}.",
        "",
    ]
    lines += _endpoints(report)
    lines += _differences("Differences", [r for r in report.results if r.outcome == DIFFERS])
    lines += _accepted([r for r in report.results if r.accepted])
    lines += _skipped([r for r in report.results if r.outcome in (NOT_EMULATED, NOT_REPLAYABLE)])
    lines += _cases(report)
    return "\n".join(lines).rstrip() + "\n"


def _endpoints(report: Report) -> list[str]:
    lines = ["## Per endpoint and status", "", "| Endpoint | Recorded status | " + " | ".join(COLUMNS) + " |"]
    lines.append("|---|---|" + "---|" * len(COLUMNS))
    for endpoint, status, counts in report.by_endpoint():
        values = " | ".join(str(counts[column] or "") for column in COLUMNS)
        lines.append(f"| {code(endpoint)} | {status} | {values} |")
    return [*lines, ""]


def _title(result: ExchangeResult) -> str:
    replayed = "not sent" if result.replayed_status is None else f"replayed {result.replayed_status}"
    return (
        f"### {result.cassette} #{result.index}: {code(result.method + ' ' + result.path)} "
        f"(recorded {result.recorded_status}, {replayed})"
    )


def _table(differences: list[Difference], reasons: list[str] | None = None) -> list[str]:
    header = "| Where | Rule | Recorded | Replayed | Note |" + (" Accepted because |" if reasons else "")
    lines = [header, "|---|---|---|---|---|" + ("---|" if reasons else "")]
    for number, difference in enumerate(differences):
        shown = difference.as_json()
        row = (
            f"| {code(difference.where)} | {cell(difference.rule)} | {code(shown['recorded'])} "
            f"| {code(shown['replayed'])} | {cell(difference.note)} |"
        )
        lines.append(row + (f" {cell(reasons[number])} |" if reasons else ""))
    return lines


def _differences(title: str, results: list[ExchangeResult]) -> list[str]:
    if not results:
        return []
    lines = [f"## {title}", ""]
    for result in results:
        lines += [_title(result), "", *_table(result.differences), ""]
    return lines


def _accepted(results: list[ExchangeResult]) -> list[str]:
    if not results:
        return []
    lines = ["## Accepted differences", ""]
    for result in results:
        differences = [difference for difference, _ in result.accepted]
        reasons = [reason for _, reason in result.accepted]
        lines += [_title(result), "", *_table(differences, reasons), ""]
    return lines


def _skipped(results: list[ExchangeResult]) -> list[str]:
    if not results:
        return []
    lines = ["## Not replayed", "", "| Cassette | # | Request | Outcome | Why |", "|---|---|---|---|---|"]
    for result in results:
        request = code(f"{result.method} {result.path}")
        where = f"| {cell(result.cassette)} | {result.index} | {request}"
        lines.append(f"{where} | {result.outcome} | {cell(result.note)} |")
    return [*lines, ""]


def _cases(report: Report) -> list[str]:
    if not report.cases:
        return []
    verified = sum(case.verified for case in report.cases)
    lines = [
        "## Contract cases",
        "",
        f"{verified} of {len(report.cases)} recorded cases verified (passed upstream, replay matches).",
        "",
        "| Test | Marker | Upstream | Replay | Verdict |",
        "|---|---|---|---|---|",
    ]
    for case in report.cases:
        lines.append(
            f"| {code(case.test)} | {cell(case.marker or '')} | {cell(case.upstream_outcome or '')} "
            f"| {cell(case.replay)} | {cell(case.verdict)} |"
        )
    return [*lines, ""]
