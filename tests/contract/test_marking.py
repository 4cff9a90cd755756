"""The collection hook: a contract test must say, with exactly one marker, how far its expectation is verified."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

INI = """[pytest]
markers =
    verified: v
    emulator_only: e
    unverified: u
"""


@pytest.mark.emulator_only
@pytest.mark.parametrize(("decorators", "ok"), [
    ("@pytest.mark.unverified", True),
    ("@pytest.mark.verified", True),
    ("@pytest.mark.emulator_only", True),
    ("", False),
    ("@pytest.mark.unverified\n@pytest.mark.emulator_only", False),
    ("@pytest.mark.verified\n@pytest.mark.unverified", False),
])
def test_exactly_one_fidelity_marker(pytester: pytest.Pytester, decorators: str, ok: bool) -> None:
    pytester.makeini(INI)
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(test_sample=f"import pytest\n\n\n{decorators}\ndef test_sample():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    if ok:
        result.assert_outcomes(passed=1)
    else:
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        assert "test_sample.py::test_sample: needs exactly one of verified, emulator_only, unverified" in result.stderr.str()


@pytest.mark.emulator_only
def test_module_level_marker_counts(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(test_sample="import pytest\n\npytestmark = pytest.mark.unverified\n\n\n"
                                    "def test_a():\n    pass\n\n\n@pytest.mark.emulator_only\ndef test_b():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    stderr = result.stderr.str()
    assert "test_b: needs exactly one" in stderr and "(found: emulator_only, unverified)" in stderr
    assert "test_a:" not in stderr
