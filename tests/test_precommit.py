"""The hooks of .pre-commit-hooks.yaml, installed and run by pre-commit on a temporary git repo.

pre-commit installs a hook repository by cloning it at a commit and `pip install`-ing it into a
virtualenv of its own. Pointing it at this checkout would test the last commit, not the working
tree (and `pre-commit try-repo` leaves untracked files out), so the test copies what the package
is built from into a fresh repository and commits it. The install takes ~20 s (the dependencies
come from the package index or pip's cache), once for both hooks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLES

PACKAGE = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src/iacfix"]


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory):
    """Runs pre-commit with a cache of its own (the hook's virtualenv is built once)."""
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    home = tmp_path_factory.mktemp("pre-commit-home")
    (home / "gitconfig").write_text("")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home / "cache"), "GIT_CONFIG_GLOBAL": str(home / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    return run


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This working tree's package and hook manifest, committed in a repository of their own."""
    folder = tmp_path_factory.mktemp("hook-repo")
    for rel in PACKAGE:
        source = REPO / rel
        if source.is_dir():
            shutil.copytree(source, folder / rel, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(source, folder / rel)
    _git("init", "-q", "-b", "main", cwd=folder)
    _git("add", "-A", cwd=folder)
    _git("commit", "-q", "-m", "iacfix", cwd=folder)
    return folder, _git("rev-parse", "HEAD", cwd=folder)


@pytest.mark.parametrize(
    "path,runs",
    [
        ("main.tf", True),
        ("lib/stack.ts", True),
        ("main.py", True),
        ("cdktf.json", True),
        ("package.json", True),  # PKG101 repairs it
        ("lambda/api/package.json", True),
        (".github/workflows/deploy.yml", True),  # CI101 repairs it
        ("app/.github/workflows/ci.yaml", True),
        ("README.md", False),
        ("docs/config.yml", False),
        ("lib/stack.d.tsx", False),
    ],
)
def test_the_hooks_run_for_every_file_a_rule_reads(path, runs):
    import re

    yaml = pytest.importorskip("yaml")
    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()):
        assert bool(re.search(hook["files"], path)) is runs, (hook["id"], path)  # pre-commit's own test


def test_the_fix_hook_repairs_and_the_check_hook_reports(tmp_path, pre_commit, hook_repo):
    folder, rev = hook_repo
    work = tmp_path / "infra"
    shutil.copytree(SAMPLES / "terraform", work)  # ECS101 and TF101 to fix
    (work / ".iacfix.toml").write_text('select = ["ECS101", "TF101"]\n')  # not the rules added later
    (work / "README.md").write_text("Infrastructure\n")
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {folder}\n  rev: {rev}\n  hooks:\n  - id: iacfix-check\n  - id: iacfix\n"
    )
    _git("init", "-q", "-b", "main", cwd=work)
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "Infrastructure", cwd=work)

    # Only a README changed: neither hook runs.
    skipped = pre_commit("run", "--files", "README.md", cwd=work)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "iacfix (check)" in skipped.stdout and "(no files to check)Skipped" in skipped.stdout

    first = pre_commit("run", "--all-files", cwd=work)
    assert first.returncode == 1, first.stdout + first.stderr
    check, fix = first.stdout.split("iacfix (fix)")
    assert "Failed" in check and "ECS101" in check and "TF101" in check
    assert "files were modified by this hook" in fix and "Fixed 2 findings in 2 files." in fix
    assert "desired_count = 3" in (work / "ecs.tf").read_text()
    assert "use_lockfile" not in (work / "provider.tf").read_text()

    second = pre_commit("run", "--all-files", cwd=work)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.count("Passed") == 2
