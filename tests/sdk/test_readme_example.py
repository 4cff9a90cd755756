"""The README's zuora-sdk example, run as written against a real emulator, here where the SDK is imported once
for all SDK tests (the doc tests skip it with a marker that names this file)."""

from __future__ import annotations

import contextlib
import io
from types import ModuleType

import pytest

from tests.docs.markdown import ROOT, blocks
from tests.docs.outputs import mismatch, normalise
from tests.docs.runner import with_port
from zuora_mock.pytest_plugin import RunningEmulator

# As in test_sdk.py: the SDK's models use pydantic APIs deprecated in pydantic 2.
pytestmark = [
    pytest.mark.emulator_only,
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecationWarning"),
]


def test_readme_sdk_example_prints_what_the_readme_shows(
    sdk: ModuleType, zuora_mock_reset: RunningEmulator
) -> None:
    readme = blocks(ROOT / "README.md")
    (index,) = [
        i
        for i, block in enumerate(readme)
        if block.marker == "skip" and "test_readme_example.py" in block.argument
    ]
    example, shown = readme[index], readme[index + 1]
    assert example.language == "python" and shown.marker == "output"
    port = int(zuora_mock_reset.url.rsplit(":", 1)[1])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(with_port(example.text, port), example.where, "exec"), {"__name__": "__main__"})
    assert mismatch(shown.text, normalise(printed.getvalue(), {port: 8080}), shown.language) is None
