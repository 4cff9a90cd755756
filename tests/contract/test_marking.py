"""The collection hook: a contract test says, with exactly one marker, how far its expectation is verified."""

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
# test name -> (decorators, accepted by the hook)
CASES = {
    "test_unverified": ("@pytest.mark.unverified", True),
    "test_verified": ("@pytest.mark.verified", True),
    "test_emulator_only": ("@pytest.mark.emulator_only", True),
    "test_none": ("", False),
    "test_two": ("@pytest.mark.unverified\n@pytest.mark.emulator_only", False),
    "test_other_two": ("@pytest.mark.verified\n@pytest.mark.unverified", False),
}


def sample_project(pytester: pytest.Pytester, names: list[str]) -> None:
    pytester.makeini(INI)
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    source = "import pytest\n" + "".join(f"\n\n{CASES[name][0]}\ndef {name}():\n    pass\n" for name in names)
    pytester.makepyfile(test_sample=source)


@pytest.mark.emulator_only
def test_one_marker_each_is_accepted(pytester: pytest.Pytester) -> None:
    sample_project(pytester, [name for name, (_, ok) in CASES.items() if ok])
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=3)


@pytest.mark.emulator_only
def test_zero_or_several_markers_fail_collection(pytester: pytest.Pytester) -> None:
    sample_project(pytester, list(CASES))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    stderr = result.stderr.str()
    for name, (_, ok) in CASES.items():
        assert (
            f"test_sample.py::{name}: needs exactly one of verified, emulator_only, unverified" in stderr
        ) != ok
    assert "test_two: needs exactly one of" in stderr and "(found: emulator_only, unverified)" in stderr
    assert "test_none: needs exactly one of verified, emulator_only, unverified (found: none)" in stderr


@pytest.mark.emulator_only
def test_module_level_marker_counts(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(
        test_sample="import pytest\n\npytestmark = pytest.mark.unverified\n\n\n"
        "def test_a():\n    pass\n\n\n@pytest.mark.emulator_only\ndef test_b():\n    pass\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    stderr = result.stderr.str()
    assert "test_b: needs exactly one" in stderr and "(found: emulator_only, unverified)" in stderr
    assert "test_a:" not in stderr
