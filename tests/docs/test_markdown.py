"""The documentation is self-contained and honest: every block is classified, every link and file name
resolves inside the repository (or is a public URL), figures come from bench/; plus the runner's own parts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.markdown import ROOT, MarkdownError, blocks, documents, shown
from tests.docs.outputs import mismatch, normalise

pytestmark = pytest.mark.emulator_only

READ_BY_USERS = [*documents(), ROOT / "CHANGELOG.md"]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
BACKTICKED_MD = re.compile(r"`([\w./-]+\.md)`")
OUTSIDE = ("../shared", "shared/docs", "/work/", "API notes", "api notes")
# Pages of the zuora-sdk package that docs/zuora-api.md cites as a source, not files of this repository.
SDK_PAGES = {"OAuthApi.md", "AccountsApi.md", "CustomObjectRecordsApi.md"}
# A duration or a size in prose: what must come from a bench/ command.
FIGURE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:ms|s|µs|MiB|MB|KiB|KB|GiB)\b")
# Blocks that run nowhere: the test command itself, the contract suite, Docker, opening a browser, apt-get.
MOST_NOT_RUN = 9


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    inside_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            inside_fence = not inside_fence
        elif not inside_fence and line.startswith("#"):
            base = slug(line.lstrip("#"))
            anchor, number = base, 1
            while anchor in found:
                anchor, number = f"{base}-{number}", number + 1
            found.add(anchor)
    return found


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """Lines outside code blocks and HTML comments."""
    result = []
    inside_fence = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            inside_fence = not inside_fence
        elif not inside_fence and not line.lstrip().startswith("<!--"):
            result.append((number, line))
    return result


@pytest.mark.parametrize("path", READ_BY_USERS, ids=shown)
def test_every_code_block_says_its_language(path: Path) -> None:
    unlabelled = [block.where for block in blocks(path) if not block.language]
    assert unlabelled == [], "label each block (sh, python, json, text, yaml, ...) so the doc tests know it"


def test_every_pasteable_block_runs_or_says_why() -> None:
    """A `console` session is commands a reader pastes as much as an `sh` block: run it, or mark it."""
    unmarked = [
        f"{block.where} ({block.language})"
        for path in documents()
        for block in blocks(path)
        if block.pasteable and not block.runnable and block.marker not in ("skip", "file")
    ]
    assert unmarked == [], "make it an sh/python block the doc tests run, or add a docs-test skip marker"


def test_few_blocks_are_skipped_and_each_says_why() -> None:
    """A skipped block either runs in another test ("run by tests/...py", which must exist and read the
    marker) or cannot run here at all; there are few of the latter."""
    skipped = [block for path in documents() for block in blocks(path) if block.marker == "skip"]
    assert all(len(block.argument) > 20 for block in skipped)
    elsewhere = [block for block in skipped if block.argument.startswith("run by tests/")]
    for block in elsewhere:
        test_file = ROOT / block.argument.removeprefix("run by ").split(",")[0].split(" ")[0]
        assert test_file.is_file(), block.where
        assert test_file.name in test_file.read_text(), f"{test_file} does not look for its marker"
    not_run = [f"{block.where}: {block.argument}" for block in skipped if block not in elsewhere]
    assert len(not_run) <= MOST_NOT_RUN, not_run


@pytest.mark.parametrize("path", READ_BY_USERS, ids=shown)
def test_links_resolve_inside_the_repository_or_are_public(path: Path) -> None:
    broken = []
    for number, line in prose_lines(path):
        for target in LINK.findall(line):
            if target.startswith(("https://", "http://")):
                assert "127.0.0.1" not in target and "localhost" not in target, f"{number}: {target}"
                continue
            file_part, _, anchor = target.partition("#")
            resolved = (path.parent / file_part).resolve() if file_part else path
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{number}: {target} (no such file in the repository)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{number}: {target} (no such heading)")
    assert broken == []


@pytest.mark.parametrize("path", READ_BY_USERS, ids=shown)
def test_no_reference_points_outside_the_repository(path: Path) -> None:
    problems = []
    for number, line in prose_lines(path):
        problems += [f"{number}: {word}" for word in OUTSIDE if word in line]
        for name in set(BACKTICKED_MD.findall(line)) - SDK_PAGES:
            candidates = (path.parent / name, ROOT / name, ROOT / "docs" / name)
            if not any(candidate.exists() for candidate in candidates):
                problems.append(f"{number}: `{name}` is not in the repository")
    assert problems == []


def test_readme_figures_come_from_bench_commands() -> None:
    """Durations and sizes appear only in the Performance section, whose rows name an existing bench script,
    or on a line that sends the reader there."""
    readme = ROOT / "README.md"
    section = ""
    for number, line in prose_lines(readme):
        if line.startswith("## "):
            section = line[3:].strip()
        if not FIGURE.search(line) or (line.startswith("|") and section == "Configuration"):
            continue
        if section == "Performance" and line.startswith("|") and not line.startswith("|---"):
            scripts = re.findall(r"bench/\w+\.py", line)
            assert scripts or "same run" in line, f"README.md:{number} names no bench command"
            assert all((ROOT / script).exists() for script in scripts)
        else:
            assert "(#performance)" in line, f"README.md:{number}: a figure outside Performance: {line}"
    performance = readme.read_text().split("## Performance", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"on \d{4}-\d\d-\d\d\b.*\bon a .*machine", performance.replace("\n", " "))


def test_marker_errors_name_the_place(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("text\n<!-- docs-test: skip -->\n```sh\nls\n```\n")
    with pytest.raises(MarkdownError, match=r"doc.md:2: docs-test: skip needs a reason"):
        blocks(doc)
    doc.write_text("<!-- docs-test: run-twice -->\n```sh\nls\n```\n")
    with pytest.raises(MarkdownError, match="unknown docs-test marker"):
        blocks(doc)


def test_blocks_keep_language_marker_and_text(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# T\n\n```sh\necho hi\n```\n\n<!-- docs-test: output -->\n```text\nhi\n```\n\n"
        "- item\n\n  <!-- docs-test: skip: needs something this machine lacks -->\n"
        "  ```sh\n  docker ps\n  ```\n"
    )
    found = blocks(doc)
    assert [(b.language, b.marker, b.text, b.runnable) for b in found] == [
        ("sh", "", "echo hi\n", True),
        ("text", "output", "hi\n", False),
        ("sh", "skip", "docker ps\n", False),
    ]
    assert found[2].argument == "needs something this machine lacks"


def test_normalise_replaces_run_specific_values() -> None:
    text = (
        "http://127.0.0.1:41234/v1/files/8a162db437ae501501a237aeb5947359 "
        "806e048e-bc35-4113-aef9-516649ec89cf 747E0D5A53240416 2026-12-02T16:55:19.894Z "
        "2026-12-02 16:55:26 1 passed in 0.61s"
    )
    assert normalise(text, {41234: 8080}) == (
        "http://127.0.0.1:8080/v1/files/<hex32> <uuid> <hex16> <datetime> <datetime> 1 passed in <duration>"
    )


def test_text_ellipsis_matches_lines_and_parts_of_lines() -> None:
    assert mismatch("a\n...\nd\n", "a\nb\nc\nd\n", "text") is None
    assert mismatch("a ... d\n", "a b c d\n", "text") is None
    assert mismatch("a\n...\n", "a\n", "text") is None
    assert mismatch("a\nd\n", "a\nb\nd\n", "text") is not None


def test_json_matches_structure_and_key_order_with_ellipsis() -> None:
    shown_json = '{"count": 30, "records": [{"Id": "x", "...": "..."}, "..."]}'
    assert mismatch(shown_json, '{"count":30,"records":[{"Id":"x","type":"V"},{"Id":"y"}]}', "json") is None
    assert mismatch(shown_json, '{"records":[],"count":30}', "json") is not None
    assert mismatch('{"a": 1, "b": 2}', '{"b": 2, "a": 1}', "json") is not None
    assert mismatch('{"a": 1}', '{"a": 1.0}', "json") is not None
    assert mismatch('{"a": "..."}', '{"a": [1, 2]}', "json") is None
    assert "expected JSON" in (mismatch("{}", "not json", "json") or "")
