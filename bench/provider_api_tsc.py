#!/usr/bin/env python3
"""Measure what iacfix does to the compile errors of real model answers (issue 5).

For every task of ../shared/corpus/cdktf-ts (and cdktf-py), the model's answer
(lib/MODEL_RESPONSE.md) is read as a project: its named code blocks are written out as files,
once as written (`iacfix --check --extract`) and once as iacfix repairs them (`iacfix --extract`).
Then:

- TypeScript: `tsc --noEmit` over the extracted files, against cdktf and @cdktf/provider-aws;
  the errors are counted per TS error code, before and after.
- Python: the file that builds the `App` and calls `synth()` is run, against the cdktf and
  cdktf-cdktf-provider-aws Python packages; a run that exits 0 passes.

The toolchain is installed on first use into bench/.cache/ (gitignored): `npm install` of the
pinned packages, and a venv with the Python packages. Not part of the unit suite.

    .venv/bin/python bench/provider_api_tsc.py                 # both, writes bench/results/
    .venv/bin/python bench/provider_api_tsc.py --only ts --limit 20
    .venv/bin/python bench/provider_api_tsc.py --node-modules /tmp/tscheck/node_modules
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
CORPUS = REPO.parent / "shared" / "corpus"
IACFIX = [sys.executable, "-m", "iacfix"]

NPM_PACKAGES = ["cdktf@0.21.0", "@cdktf/provider-aws@21.22.1", "constructs@10.4.2", "typescript@5.9.3", "@types/node@20"]
PY_PACKAGES = ["cdktf==0.21.0", "cdktf-cdktf-provider-aws==21.22.1", "constructs>=10.4.2,<11"]

# The tsconfig of the CDKTF TypeScript template the corpus tasks were written against.
TSCONFIG = {
    "compilerOptions": {
        "alwaysStrict": True, "declaration": True, "experimentalDecorators": True, "lib": ["es2020"],
        "module": "CommonJS", "noFallthroughCasesInSwitch": True, "noImplicitAny": True,
        "noImplicitReturns": True, "noImplicitThis": True, "noUnusedLocals": True, "noUnusedParameters": True,
        "resolveJsonModule": True, "strict": True, "strictNullChecks": True,
        "strictPropertyInitialization": True, "stripInternal": True, "target": "ES2020", "skipLibCheck": True,
        "noEmit": True, "types": ["node"],
    },
    "include": ["**/*.ts"],
    "exclude": ["node_modules", "cdktf.out"],
}
TS_ERROR = re.compile(r"^(?P<file>[^(\n]+)\(\d+,\d+\): error (?P<code>TS\d+): (?P<message>.*)$", re.M)


# -- toolchain ------------------------------------------------------------------------------------
def node_modules(given: Path | None) -> Path:
    if given:
        return given
    folder = CACHE / "node"
    marker = folder / "node_modules" / "@cdktf" / "provider-aws" / "package.json"
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"name": "bench-tsc", "private": true}\n')
        print(f"installing {' '.join(NPM_PACKAGES)} into {folder} (first run only)", file=sys.stderr)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", *NPM_PACKAGES], cwd=folder, check=True)
    return folder / "node_modules"


def python_env() -> Path:
    venv = CACHE / "py"
    python = venv / "bin" / "python"
    if not (venv / "lib").exists() or subprocess.run([python, "-c", "import cdktf_cdktf_provider_aws"], capture_output=True).returncode:
        print(f"installing {' '.join(PY_PACKAGES)} into {venv} (first run only)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *PY_PACKAGES], check=True)
    return python


# -- extraction -------------------------------------------------------------------------------------
def extract(answer: Path, target: Path, repaired: bool) -> list[str]:
    """The answer's code blocks as files under target (as iacfix repairs them when `repaired`)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    args = [*IACFIX, str(answer), "--extract", str(target)] + ([] if repaired else ["--check"])
    proc = subprocess.run(args, capture_output=True, text=True, cwd=target)
    return [l for l in proc.stderr.splitlines() if ": error: " in l]


# -- TypeScript -------------------------------------------------------------------------------------
def tsc(folder: Path, modules: Path) -> list[tuple[str, str, str]]:
    """(file, code, message) of every tsc error in the folder's .ts files."""
    if not any(folder.rglob("*.ts")):
        return []
    (folder / "tsconfig.json").write_text(json.dumps(TSCONFIG, indent=1))
    link = folder / "node_modules"
    if not link.exists():
        link.symlink_to(modules, target_is_directory=True)
    proc = subprocess.run(
        ["node", str(modules / "typescript" / "bin" / "tsc"), "-p", str(folder), "--pretty", "false"],
        capture_output=True, text=True, cwd=folder, timeout=600,
    )
    return [(m["file"], m["code"], m["message"]) for m in TS_ERROR.finditer(proc.stdout)]


def run_task(task: Path, work: Path, check) -> dict:
    """Extract the task's answer as written and as repaired, and `check` each folder."""
    answer = task / "lib" / "MODEL_RESPONSE.md"
    out = {"task": task.name}
    for phase, repaired in (("before", False), ("after", True)):
        folder = work / task.name / phase
        out[f"{phase}_input_errors"] = extract(answer, folder, repaired)
        out[phase] = check(folder)
    return out


# -- Python -----------------------------------------------------------------------------------------
def entry_point(folder: Path) -> Path | None:
    candidates = [p for p in sorted(folder.rglob("*.py")) if re.search(r"\.synth\(\)", p.read_text(encoding="utf-8"))]
    preferred = [p for p in candidates if re.search(r"\bApp\(", p.read_text(encoding="utf-8"))]
    return (preferred or candidates or [None])[0]


def stack_entry(folder: Path) -> Path | None:
    """For an answer that never builds its App: a main that builds its stack, when the stack
    class takes nothing but (scope, id) or gives every other parameter a default."""
    for path in sorted(folder.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, ast.ClassDef) or not any("TerraformStack" in ast.unparse(b) for b in node.bases):
                continue
            init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
            if init is not None:
                positional = init.args.args[1:]
                required = len(positional) - len(init.args.defaults)
                kw_required = [a for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults) if d is None]
                if required > 2 or kw_required:
                    continue
            module = ".".join(path.relative_to(folder).with_suffix("").parts)
            main = folder / "_bench_main.py"
            main.write_text(
                f"from cdktf import App\nfrom {module} import {node.name}\n\n"
                f"app = App()\n{node.name}(app, 'bench')\napp.synth()\n"
            )
            return main
    return None


def synth(folder: Path, python: Path) -> tuple[str, str]:
    """("pass" | "fail" | "no-app", last error line)."""
    entry = entry_point(folder) or stack_entry(folder)
    if entry is None:
        return "no-app", ""
    for init in {p.parent for p in folder.rglob("*.py") if p.parent != folder}:
        (init / "__init__.py").touch()
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{entry.parent}", "CDKTF_OUTDIR": str(folder / "cdktf.out")}
    try:
        proc = subprocess.run([str(python), str(entry)], capture_output=True, text=True, cwd=folder, env=env, timeout=300)
    except subprocess.TimeoutExpired:
        return "fail", "timeout"
    if proc.returncode == 0:
        return "pass", ""
    lines = [l for l in proc.stderr.strip().splitlines() if l.strip()]
    reason = next((l for l in reversed(lines) if re.match(r"^\w*(Error|Exception)\b", l)), lines[-1] if lines else "")
    return "fail", reason[:300]


# -- report -----------------------------------------------------------------------------------------
def ts_report(results: list[dict]) -> str:
    before = Counter(code for r in results for _, code, _ in r["before"])
    after = Counter(code for r in results for _, code, _ in r["after"])
    codes = sorted(set(before) | set(after), key=lambda c: (-before[c], c))
    clean_before = sum(1 for r in results if not r["before"])
    clean_after = sum(1 for r in results if not r["after"])
    worse = [r["task"] for r in results if len(r["after"]) > len(r["before"])]
    lines = [
        f"## CDKTF TypeScript: tsc --noEmit on {len(results)} MODEL_RESPONSE answers",
        "",
        f"- tsc errors: **{sum(before.values())} before, {sum(after.values())} after**",
        f"- answers with no tsc error: {clean_before} before, {clean_after} after",
        f"- answers with more errors after: {len(worse)}" + (f" ({', '.join(worse)})" if worse else ""),
        "",
        "| code | before | after | change |",
        "|---|---:|---:|---:|",
    ]
    for code in codes:
        lines.append(f"| {code} | {before[code]} | {after[code]} | {after[code] - before[code]:+d} |")
    messages = Counter(
        re.sub(r"'[^']*'", "'…'", m) for r in results for _, c, m in r["after"] if c in ("TS2305", "TS2307", "TS2353", "TS2322", "TS2339", "TS2561", "TS2724")
    )
    lines += ["", "Most frequent remaining messages (provider-API codes, quoted names elided):", ""]
    lines += [f"- {n} × `{m[:160]}`" for m, n in messages.most_common(15)]
    return "\n".join(lines) + "\n"


def py_report(results: list[dict]) -> str:
    count = lambda phase, status: sum(1 for r in results if r[phase][0] == status)  # noqa: E731
    lines = [
        f"## CDKTF Python: synth of {len(results)} MODEL_RESPONSE answers",
        "",
        f"- synth passes: **{count('before', 'pass')} before, {count('after', 'pass')} after**",
        f"- failures: {count('before', 'fail')} before, {count('after', 'fail')} after; "
        f"no runnable app (no block calls `synth()` and no stack class buildable as (app, id)): {count('before', 'no-app')}",
        f"- passed before, fail after: {[r['task'] for r in results if r['before'][0] == 'pass' and r['after'][0] != 'pass']}",
        f"- fail before, pass after: {[r['task'] for r in results if r['before'][0] != 'pass' and r['after'][0] == 'pass']}",
        "",
        "Remaining failure reasons (first line):",
        "",
    ]
    reasons = Counter(re.sub(r"'[^']*'", "'…'", r["after"][1])[:140] for r in results if r["after"][0] == "fail")
    lines += [f"- {n} × `{m}`" for m, n in reasons.most_common(12)]
    return "\n".join(lines) + "\n"


def select(args, flavour: str) -> list[Path]:
    tasks = sorted(p for p in (args.corpus / flavour).iterdir() if (p / "lib" / "MODEL_RESPONSE.md").exists())
    if args.tasks:
        tasks = [t for t in tasks if t.name in args.tasks.split(",")]
    return tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--only", choices=["ts", "py"])
    parser.add_argument("--limit", type=int, help="the first N tasks of each flavour")
    parser.add_argument("--tasks", help="only these tasks (comma-separated names)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--node-modules", type=Path, help="an installed node_modules with cdktf, provider-aws, typescript")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "provider-api-tsc.md")
    parser.add_argument("--json", type=Path, default=CACHE / "provider-api-results.json")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"no corpus at {args.corpus}")
    work = CACHE / "work"
    started = time.time()
    sections, raw = [], {}
    with ThreadPoolExecutor(args.jobs) as pool:
        if args.only in (None, "ts"):
            modules = node_modules(args.node_modules)
            tasks = select(args, "cdktf-ts")
            results = list(pool.map(lambda t: run_task(t, work / "ts", lambda f: tsc(f, modules)), tasks[: args.limit]))
            raw["ts"] = results
            sections.append(ts_report(results))
        if args.only in (None, "py"):
            python = python_env()
            tasks = select(args, "cdktf-py")
            results = list(pool.map(lambda t: run_task(t, work / "py", lambda f: synth(f, python)), tasks[: args.limit]))
            raw["py"] = results
            sections.append(py_report(results))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip()
    header = (
        "# Provider API: compile errors of the corpus answers before and after iacfix\n\n"
        f"`bench/provider_api_tsc.py`, iacfix at {commit} (plus the working tree), cdktf 0.21.0, "
        f"@cdktf/provider-aws 21.22.1; {time.time() - started:.0f} s.\n\n"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(header + "\n".join(sections))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(raw, indent=1))
    print(args.out.read_text())


if __name__ == "__main__":
    main()
