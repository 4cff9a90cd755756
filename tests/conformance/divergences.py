"""The deliberate divergences from the published spec: the machine-read table of docs/fidelity.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

FIDELITY = Path(__file__).resolve().parents[2] / "docs" / "fidelity.md"
START = "<!-- conformance:divergences -->"
END = "<!-- /conformance:divergences -->"
_CELL = re.compile(r"`([^`]*)`")


@dataclass(frozen=True)
class Divergence:
    """One row: operation, status and place (globs), what we do and the evidence for it."""

    operation: str
    status: str
    where: str
    what: str
    evidence: str

    def covers(self, operation: str, status: int, where: str) -> bool:
        return (
            fnmatchcase(operation, self.operation)
            and fnmatchcase(str(status), self.status)
            and fnmatchcase(where, self.where)
        )


def load(path: Path = FIDELITY) -> list[Divergence]:
    """The rows between the two markers; each of the first three cells is one `code span`."""
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise ValueError(f"{path}: the divergence table markers are missing")
    rows = []
    for line in text.split(START, 1)[1].split(END, 1)[0].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue
        keys = [_CELL.fullmatch(cell) for cell in cells[:3]]
        if not all(keys):
            raise ValueError(f"{path}: each of operation, status and where must be one code span: {line}")
        operation, status, where = (k.group(1) for k in keys if k)
        if not cells[3] or not cells[4]:
            raise ValueError(f"{path}: a divergence needs what we do and its evidence: {line}")
        rows.append(Divergence(operation, status, where, cells[3], cells[4]))
    return rows
