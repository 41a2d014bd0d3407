"""`--verify`: after the fixes, the real checkers run on the repaired tree, where they are present,
and what they still report is printed as findings (code VERIFY) at the repaired files' lines.

- Terraform: `terraform init -backend=false` and `terraform validate -json` in a copy of each
  module (its folder on disk, or a markdown answer's .tf blocks), with the user's own
  terraform and CLI configuration (a provider mirror via TF_CLI_CONFIG_FILE, say);
- CDKTF TypeScript: the project's own TypeScript (`node_modules/typescript`, from the app's
  folder or one above it) type-checks a copy of the app (`tsc --noEmit -p tsconfig.json`);
- CDKTF Python: the app's entry file run by a Python that imports cdktf (the app's `.venv`, else
  the one running iacfix), which synthesizes it; an exception is reported at its last line in
  the app.

Nothing here is needed for a run: it is off by default, a checker that is absent or cannot start
(no terraform, providers it cannot install, no node_modules) is said in a note and skipped, and
nothing on disk changes (every check runs in a temporary folder).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from iacfix.engine import RunResult, group_projects
from iacfix.engine.projects import Project
from iacfix.model import Finding, InputError

CODE = "VERIFY"
TIMEOUT = 600  # seconds per checker run
SKIP = ("node_modules", ".terraform", ".git", "cdktf.out", ".gen", "__pycache__", ".venv", ".terraform.lock.hcl")


def verify(result: RunResult, repaired: bool = True) -> tuple[list[Finding], list[InputError]]:
    """What the real checkers report on the tree as the fixes left it (`result`; with
    repaired=False, as it was written), and notes on the checkers that could not run."""
    findings: list[Finding] = []
    notes: list[InputError] = []
    workspace = result.workspace
    for project in group_projects(workspace):
        check = {"terraform": _terraform, "cdktf-ts": _typescript, "cdktf-py": _python}[project.flavour]
        with tempfile.TemporaryDirectory(prefix="iacfix-verify-") as tmp:
            copy = _copy(workspace, project, Path(tmp) / "project", repaired)
            if copy is None:
                continue
            for found in check(project, copy):
                if isinstance(found, InputError):
                    notes.append(found)
                else:
                    findings.append(found)
    return findings, notes


# -- the repaired copy ---------------------------------------------------------------------------------------
class _Copy:
    """A project written out with its repaired texts: `folder` (the root) and each written file's
    workspace path by its path relative to the root."""

    def __init__(self, folder: Path, paths: dict[str, Path], anchor: Path):
        self.folder, self.paths, self.anchor = folder, paths, anchor

    def source(self, relative: str) -> Path | None:
        relative = relative.removeprefix("./")
        if relative in self.paths:
            return self.paths[relative]
        try:  # an absolute path inside the copy
            return self.paths.get(Path(relative).resolve().relative_to(self.folder.resolve()).as_posix())
        except ValueError:
            return None


def _copy(workspace, project: Project, folder: Path, repaired: bool) -> _Copy | None:
    files = [p for p in project.files if p in workspace.text]
    if not files:
        return None
    markdown = not project.root.is_dir()
    base = project.root.parent / f"{project.root.name}.d" if markdown else project.root
    if not markdown:
        shutil.copytree(base, folder, ignore=shutil.ignore_patterns(*SKIP), symlinks=True)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for path in files:
        try:
            relative = Path(path).relative_to(base).as_posix()
        except ValueError:
            continue
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(workspace.text[path] if repaired else workspace.sources[path].text, encoding="utf-8")
        paths[relative] = path
    return _Copy(folder, paths, project.files[0])


def _note(copy: _Copy, message: str) -> InputError:
    return InputError(copy.anchor, 1, f"--verify: {message}", "note")


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None


# -- Terraform -----------------------------------------------------------------------------------------------
def _terraform(project: Project, copy: _Copy) -> Iterator[Finding | InputError]:
    terraform = shutil.which("terraform")
    if terraform is None:
        yield _note(copy, "terraform is not on PATH: not validated")
        return
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    config = env.get("TF_CLI_CONFIG_FILE")
    if config and not Path(config).is_file():
        env.pop("TF_CLI_CONFIG_FILE")  # a configuration that is not there would fail every init
    roots = sorted({copy.folder / Path(r).parent for r in copy.paths if r.endswith(".tf")}, key=lambda p: len(p.parts))
    for root in roots[:1] if not project.root.is_dir() else [copy.folder]:
        init = _run([terraform, "init", "-backend=false", "-input=false", "-no-color"], root, env)
        if init is None or init.returncode:
            said = _first_error(init.stderr + init.stdout if init else "timed out")
            yield _note(copy, f"terraform init failed, not validated: {said}")
            continue
        validate = _run([terraform, "validate", "-json", "-no-color"], root, env)
        try:
            report = json.loads(validate.stdout) if validate else {}
        except ValueError:
            report = {}
        for d in report.get("diagnostics", []):
            if d.get("severity") != "error":
                continue
            where = d.get("range") or {}
            relative = (root.relative_to(copy.folder) / where.get("filename", "")).as_posix() if where else ""
            source = copy.source(relative) if relative else None
            start = where.get("start") or {}
            detail = " ".join((d.get("detail") or "").split())
            message = f"terraform validate: {d.get('summary')}" + (f": {detail}" if detail else "")
            yield Finding(CODE, message, source or copy.anchor, start.get("line", 1) if source else 1, start.get("column", 1))


def _first_error(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    error = next((line for line in lines if line.startswith(("Error:", "│ Error:"))), lines[0] if lines else "")
    return error.lstrip("│ ").removeprefix("Error: ")[:200]


# -- TypeScript ---------------------------------------------------------------------------------------------
_TSC = re.compile(r"^(?P<file>[^\n(]+)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<message>.*)$", re.M)


def _typescript(project: Project, copy: _Copy) -> Iterator[Finding | InputError]:
    if not project.root.is_dir():
        yield _note(copy, "a markdown answer has no node_modules: not type-checked")
        return
    modules = next((d / "node_modules" for d in (project.root, *project.root.parents) if (d / "node_modules" / "typescript").is_dir()), None)
    if modules is None:
        yield _note(copy, "no node_modules with typescript in the app's folder or above it: not type-checked")
        return
    from iacfix.backends.node import NodeUnavailable, find_node

    try:
        node = find_node()
    except NodeUnavailable as exc:
        yield _note(copy, str(exc))
        return
    (copy.folder / "node_modules").symlink_to(modules, target_is_directory=True)
    config = "tsconfig.json" if (copy.folder / "tsconfig.json").is_file() else None
    command = [node, str(modules / "typescript" / "bin" / "tsc"), "--noEmit", "--pretty", "false"]
    command += ["-p", config] if config else [str(copy.folder / r) for r in copy.paths if r.endswith(".ts")]
    proc = _run(command, copy.folder)
    if proc is None:
        yield _note(copy, "tsc did not finish")
        return
    for match in _TSC.finditer(proc.stdout):
        source = copy.source(match["file"].strip())
        if source is not None:
            yield Finding(CODE, f"tsc {match['code']}: {match['message'].strip()}", source, int(match["line"]), int(match["col"]))


# -- Python ----------------------------------------------------------------------------------------------------
_FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+)', re.M)


def _python(project: Project, copy: _Copy) -> Iterator[Finding | InputError]:
    entry = _python_entry(copy.folder)
    if entry is None:
        yield _note(copy, "no app entry file (cdktf.json `app`, main.py, tap.py): not synthesized")
        return
    python = next((str(p) for p in (project.root / ".venv" / "bin" / "python",) if project.root.is_dir() and p.exists()), sys.executable)
    probe = _run([python, "-c", "import cdktf"], copy.folder)
    if probe is None or probe.returncode:
        yield _note(copy, f"{python} cannot import cdktf: not synthesized")
        return
    env = {**os.environ, "CDKTF_OUTDIR": str(copy.folder / "cdktf.out"), "PYTHONPATH": str(copy.folder)}
    proc = _run([python, entry], copy.folder, env)
    if proc is None:
        yield _note(copy, "the app did not finish synthesizing")
        return
    if proc.returncode == 0:
        return
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    error = lines[-1] if lines else f"exit code {proc.returncode}"
    frames = [(copy.source(m["file"]), int(m["line"])) for m in _FRAME.finditer(proc.stderr)]
    source, line = next(((s, n) for s, n in reversed(frames) if s is not None), (copy.anchor, 1))
    yield Finding(CODE, f"synth: {error}", source, line)


def _python_entry(folder: Path) -> str | None:
    try:
        app = json.loads((folder / "cdktf.json").read_text(encoding="utf-8")).get("app", "")
    except (OSError, ValueError):
        app = ""
    named = next((token for token in str(app).split() if token.endswith(".py")), None)
    for candidate in (named, "main.py", "tap.py", "app.py"):
        if candidate and (folder / candidate).is_file():
            return candidate
    return None
