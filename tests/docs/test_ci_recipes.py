"""The CI recipes that cannot run here (no Docker engine, no GitHub or GitLab runner) are at least well formed
and say what the tested parts say: this repository's workflow runs .ci/run on the Python the image uses, and
docs/ci.md's YAML names the right image, port, health check and commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.docs.markdown import ROOT, Block, blocks

pytestmark = pytest.mark.emulator_only

CI_DOC = ROOT / "docs" / "ci.md"
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
IMAGE = "registry.example.com/your-team/zuora-mock:0.1.0"
WHEEL = "vendor/zuora_mock-0.1.0-py3-none-any.whl"
HEALTH = "/_mock/health"


def yaml_examples() -> dict[str, Any]:
    """docs/ci.md's YAML blocks, keyed by the file name on their first line (`# compose.yaml`)."""
    found: dict[str, list[Any]] = {}
    for block in blocks(CI_DOC):
        if block.language == "yaml":
            name = block.text.splitlines()[0].removeprefix("#").strip()
            found.setdefault(name, []).append(yaml.safe_load(block.text))
    return found


def steps_of(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def docker_python_minor() -> str:
    match = re.search(r"^FROM python:(3\.\d+)\.", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert match
    return match.group(1)


def test_this_repository_runs_ci_run_on_the_python_of_the_image() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = steps_of(workflow)
    assert [step.get("run") for step in steps if step.get("run")] == ["bash .ci/run"]
    versions = [step["with"]["python-version"] for step in steps if "setup-python" in step.get("uses", "")]
    assert versions == [docker_python_minor()]
    # `on:` is read by YAML 1.1 as the boolean True.
    assert set(workflow[True]) == {"push", "pull_request"}


def test_every_yaml_example_parses_and_names_its_file() -> None:
    examples = yaml_examples()
    assert sorted(examples) == [".github/workflows/test.yml", ".gitlab-ci.yml", "compose.yaml"]
    assert len(examples[".github/workflows/test.yml"]) == 3


def test_github_step_recipe_is_the_tested_shell_block() -> None:
    tested = [block for block in blocks(CI_DOC) if block.marker == "fresh-port"]
    assert len(tested) == 1
    workflows = yaml_examples()[".github/workflows/test.yml"]
    starts = [step for wf in workflows for step in steps_of(wf) if step.get("name") == "Start zuora-mock"]
    assert len(starts) == 1
    assert starts[0]["run"] == tested[0].text
    stops = [step for wf in workflows for step in steps_of(wf) if step.get("name") == "Stop zuora-mock"]
    assert stops[0]["if"] == "always()"
    assert stops[0]["run"] == kill_block().text.strip()
    installs = [step["run"] for wf in workflows for step in steps_of(wf) if WHEEL in step.get("run", "")]
    assert len(installs) == 2


def kill_block() -> Block:
    found = [block for block in blocks(CI_DOC) if block.is_shell and block.text.startswith("kill ")]
    assert len(found) == 1
    return found[0]


def test_github_service_container_waits_for_the_image_health_check() -> None:
    workflows = yaml_examples()[".github/workflows/test.yml"]
    services = [wf["jobs"]["test"]["services"] for wf in workflows if "services" in wf["jobs"]["test"]]
    assert len(services) == 1
    service = services[0]["zuora-mock"]
    assert service["image"] == IMAGE
    assert service["ports"] == ["8080:8080"]
    assert "--health-interval" in service["options"] and "--health-cmd" not in service["options"]


def test_gitlab_service_is_reached_by_its_alias() -> None:
    (pipeline,) = yaml_examples()[".gitlab-ci.yml"]
    job = pipeline["test"]
    assert job["services"] == [{"name": IMAGE, "alias": "zuora-mock"}]
    assert job["variables"]["ZUORA_BASE_URL"] == "http://zuora-mock:8080"
    assert f"http://zuora-mock:8080{HEALTH}" in job["script"][0]


def test_compose_tests_wait_for_a_healthy_emulator() -> None:
    (compose,) = yaml_examples()["compose.yaml"]
    emulator = compose["services"]["zuora-mock"]
    assert emulator["image"] == IMAGE
    assert emulator["ports"] == ["127.0.0.1:8080:8080"]
    assert "test" not in emulator["healthcheck"], "the image's own health check is the one to keep"
    tests = compose["services"]["tests"]
    assert tests["depends_on"] == {"zuora-mock": {"condition": "service_healthy"}}
    assert tests["environment"]["ZUORA_BASE_URL"] == "http://zuora-mock:8080"


def test_the_image_health_check_is_the_documented_endpoint() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert HEALTH in dockerfile and "EXPOSE 8080" in dockerfile


def test_ci_doc_names_only_files_that_exist(tmp_path: Path) -> None:
    """The pages a reader is sent to from docs/ci.md exist."""
    for target in ("README.md", "docs/testing.md", "Dockerfile", "tests/e2e/test_docker_command.py"):
        assert (ROOT / target).exists(), target
