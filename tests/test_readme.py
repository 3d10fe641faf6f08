"""The README's two fresh-machine commands, and CI running the test one."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands():
    section = ROOT.joinpath("README.md").read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```bash\n")[1:]
    return [block.split("\n```", 1)[0].strip() for block in blocks]


def test_readme_gives_exactly_two_commands():
    demo, tests = quick_start_commands()
    assert demo.endswith("skae demo")
    assert "pytest" in tests


def test_ci_runs_the_readmes_test_command():
    _, tests = quick_start_commands()
    ci_lines = [line.strip() for line in ROOT.joinpath(".ci", "run").read_text().splitlines()]
    assert tests in ci_lines


def test_ci_builds_the_readmes_documentation():
    section = ROOT.joinpath("README.md").read_text().split("## Documentation", 1)[1].split("\n## ", 1)[0]
    command = section.split("```bash\n")[1].split("\n```", 1)[0].strip()
    assert "sphinx -W" in command
    ci_lines = [line.strip() for line in ROOT.joinpath(".ci", "run").read_text().splitlines()]
    assert command in ci_lines
