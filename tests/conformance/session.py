"""The session-end conformance check: every response the suite's apps gave, against the published spec."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conformance import divergences
from tests.conformance.check import Problem, problems, undocumented
from tests.conformance.recorder import SESSION

REPORT_LIMIT = int(os.environ.get("ZUORA_MOCK_CONFORMANCE_LIMIT", "40"))
# ZUORA_MOCK_CONFORMANCE=0 turns the check off (e.g. while a new endpoint is half-built on a branch).
ENABLED = os.environ.get("ZUORA_MOCK_CONFORMANCE", "1") != "0"


def session_problems() -> tuple[list[Problem], int, int]:
    """(undocumented problems, exchanges checked, operation x status pairs seen)."""
    exchanges = SESSION.exchanges()
    found = [problem for exchange in exchanges for problem in problems(exchange)]
    unique = sorted(set(undocumented(found, divergences.load())), key=str)
    return unique, len(exchanges), len(SESSION.seen)


def finish(session: pytest.Session) -> None:
    """pytest_sessionfinish: fail a green session that produced an undocumented divergence."""
    if not ENABLED or not SESSION.kept:
        return
    unique, checked, pairs = session_problems()
    coverage = os.environ.get("ZUORA_MOCK_CONFORMANCE_COVERAGE")
    if coverage:  # where to write the operation x status pairs seen, "METHOD /path status count" a line
        lines = sorted(f"{op} {status} {n}" for (op, status), n in SESSION.seen.items())
        Path(coverage).write_text("\n".join(lines) + "\n", encoding="utf-8")
    reporter: Any = session.config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter is not None else print
    if not unique:
        write(f"conformance: {checked} responses over {pairs} operation x status pairs match the spec")
        return
    write(f"conformance: {len(unique)} divergences from Zuora's spec not in docs/fidelity.md:", red=True)
    for problem in unique[:REPORT_LIMIT]:
        write(f"  {problem}")
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
