#!/usr/bin/env python3
"""Measure what iacfix does to the compile errors of real model answers (issue 5).

For every task of ../shared/corpus/cdktf-ts (and cdktf-py), the model's answer
(lib/MODEL_RESPONSE.md) is read as a project: its named code blocks are written out as files,
once as written (`iacfix --check --extract`) and once as iacfix repairs them (`iacfix --extract`).
Then:

- TypeScript: `tsc --noEmit` over the extracted files, against cdktf and @cdktf/provider-aws;
  the errors are counted per TS error code, before and after. All answers are checked in one
  tsc program per side (each answer in its own folder, every file a module), so the provider's
  declarations are read twice, not 270 times; an answer iacfix does not change is checked once.
- Python: the file that builds the `App` and calls `synth()` is run, against the cdktf and
  cdktf-cdktf-provider-aws Python packages; a run that ends without an exception passes. An
  answer with no such file but a stack class that takes only (scope, id) gets a small main
  (`_bench_main.py`: `App()`, the stack, `synth()`). The apps run one after the other in one
  long-lived, niced Python process (two, with --jobs 2+), which loads the provider's 37 MB jsii
  assembly once and imports only the provider submodules the apps use; each app's own modules
  are forgotten before the next, and an app gets 90 s.

The toolchain is installed on first use into bench/.cache/ (gitignored): `npm install` of the
pinned packages, and a venv with the Python packages. Not part of the unit suite.

    .venv/bin/python bench/provider_api_tsc.py                 # both, writes bench/results/
    .venv/bin/python bench/provider_api_tsc.py --only ts --limit 20
    .venv/bin/python bench/provider_api_tsc.py --node-modules /tmp/tscheck/node_modules
    .venv/bin/python bench/provider_api_tsc.py --only ts --tasks Pr3203,Pr3225
    .venv/bin/python bench/provider_api_tsc.py --only py --python ../other/bench/.cache/py/bin/python

Extraction is iacfix's own markdown mode (the blocks named by a heading, bold line or
first-line comment; a block that does not parse is left out, before and after alike).
bench/provider_api_fp.py counts the rules' findings on the final sources (false positives).
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
sys.path.insert(0, str(HERE))
import compile_categories  # noqa: E402
REPO = HERE.parent
CACHE = HERE / ".cache"
# the shared corpus beside the repo, or beside the folder of worktrees (/work/wt/NAME)
CORPUS = next((p / "shared" / "corpus" for p in (REPO.parent, REPO.parent.parent) if (p / "shared" / "corpus").is_dir()), REPO.parent / "shared" / "corpus")
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
TS_ERROR = re.compile(r"^(?P<file>[^(\n]+)\((?P<line>\d+),\d+\): error (?P<code>TS\d+): (?P<message>.*)$", re.M)


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


def python_env(given: Path | None) -> Path:
    if given:
        return given
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
    for _attempt in range(3):  # a crash is retried: the working tree may be mid-edit
        proc = subprocess.run(args, capture_output=True, text=True, cwd=target)
        if "Traceback (most recent call last)" not in proc.stderr:
            return [l for l in proc.stderr.splitlines() if ": error: " in l]
        time.sleep(5)
    tail = [l for l in proc.stderr.splitlines() if l.strip()]
    return [f"{answer}: error: iacfix crashed: {tail[-1] if tail else ''}"]


# -- TypeScript -------------------------------------------------------------------------------------
def tsc(root: Path, modules: Path) -> dict[str, list[tuple[str, int, str, str]]]:
    """Task name → (file, line, code, message) of every tsc error in its .ts files, for every task
    folder under root, in one tsc program: the provider's declarations are read once, not once
    per task. Every file is a module (`moduleDetection: force`), so tasks do not see each other."""
    if not any(root.rglob("*.ts")):
        return {}
    config = {**TSCONFIG, "compilerOptions": {**TSCONFIG["compilerOptions"], "moduleDetection": "force"}}
    (root / "tsconfig.json").write_text(json.dumps(config, indent=1))
    link = root / "node_modules"
    if not link.exists():
        link.symlink_to(modules, target_is_directory=True)
    proc = subprocess.run(
        ["node", "--max-old-space-size=8192", str(modules / "typescript" / "bin" / "tsc"), "-p", str(root), "--pretty", "false"],
        capture_output=True, text=True, cwd=root, timeout=3600,
    )
    out: dict[str, list[tuple[str, int, str, str]]] = {}
    for m in TS_ERROR.finditer(proc.stdout):
        task, _, file = m["file"].partition("/")
        out.setdefault(task, []).append((file, int(m["line"]), m["code"], m["message"]))
    if proc.returncode not in (0, 1, 2) or (proc.returncode and not out):
        raise SystemExit(f"tsc failed in {root}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return out


def run_ts(tasks: list[Path], work: Path, modules: Path, pool) -> list[dict]:
    """Extract every answer as written and as repaired, then type-check each side at once."""
    for phase in ("before", "after", "final"):
        if (work / phase).exists():
            shutil.rmtree(work / phase)

    def one(task: Path) -> dict:
        answer = task / "lib" / "MODEL_RESPONSE.md"
        out = {"task": task.name}
        for phase, repaired in (("before", False), ("after", True)):
            out[f"{phase}_input_errors"] = extract(answer, work / phase / task.name, repaired)
        out["changed"] = _contents(work / "before" / task.name) != _contents(work / "after" / task.name)
        if not out["changed"]:  # the same files give the same errors: check them once
            shutil.rmtree(work / "after" / task.name)
        return out

    results = list(pool.map(one, tasks))
    before, after = tsc(work / "before", modules), tsc(work / "after", modules)
    for r in results:
        r["before"] = before.get(r["task"], [])
        r["after"] = after.get(r["task"], []) if r["changed"] else r["before"]
    return results


def ts_finals(tasks: list[Path], work: Path, modules: Path) -> dict[str, list]:
    """The final sources' .ts files (bin/, lib/, test/ as committed), type-checked in one program
    like the answers: what the measurement itself reports on code that compiles in its project."""
    for task in tasks:
        for path in task.rglob("*.ts"):
            rel = path.relative_to(task)
            if not any(part in ("node_modules", "cdktf.out", ".gen") for part in rel.parts):
                (work / "final" / task.name / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, work / "final" / task.name / rel)
    found = tsc(work / "final", modules)
    return {task.name: found.get(task.name, []) for task in tasks}


def _contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- Python -----------------------------------------------------------------------------------------
def entry_point(folder: Path) -> Path | None:
    candidates = [p for p in sorted(folder.rglob("*.py")) if re.search(r"\.synth\(\)", p.read_text(encoding="utf-8"))]
    preferred = [p for p in candidates if re.search(r"\bApp\(", p.read_text(encoding="utf-8"))]
    return (preferred or candidates or [None])[0]


def stack_entry(folder: Path) -> Path | None:
    """For an answer that never builds its App: a main that builds its stack, when the stack
    class takes nothing but (scope, id), gives every other parameter a default, or wants a `str`
    (it gets 'bench')."""
    for path in sorted(folder.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, ast.ClassDef) or not any("TerraformStack" in ast.unparse(b) for b in node.bases):
                continue
            init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
            extra = []  # a required `str` parameter after (scope, id) gets a placeholder, as the template's `environment_suffix`
            if init is not None:
                positional = init.args.args[1:]
                required = positional[2 : len(positional) - len(init.args.defaults)]
                required += [a for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults) if d is None]
                if any(a.annotation is None or ast.unparse(a.annotation) != "str" for a in required):
                    continue
                extra = [f", {a.arg}='bench'" for a in required]
            module = ".".join(path.relative_to(folder).with_suffix("").parts)
            main = folder / "_bench_main.py"
            main.write_text(
                f"from cdktf import App\nfrom {module} import {node.name}\n\n"
                f"app = App()\n{node.name}(app, 'bench'{''.join(extra)})\napp.synth()\n"
            )
            return main
    return None


# Runs every app in one long-lived Python process (one jsii kernel per process). The provider's
# package root imports all its 2,215 submodules, which takes minutes; the runner executes the
# root's own code without those imports instead and lets each submodule load when an app first
# imports it (or reaches it as `aws.s3_bucket`). The 37 MB assembly is still loaded once per
# process, by the first submodule; jsii imports the module of any type it meets that is not
# loaded yet. Each job's own modules (those under the work folder) are forgotten before the next.
RUNNER = r"""
import importlib, importlib.util, json, os, re, runpy, signal, sys, traceback, types
import cdktf  # noqa: F401

def lazy_provider(name="cdktf_cdktf_provider_aws"):
    spec = importlib.util.find_spec(name)
    module = types.ModuleType(name)
    module.__file__, module.__path__, module.__package__ = spec.origin, list(spec.submodule_search_locations), name
    module.__spec__ = spec
    source = open(spec.origin, encoding="utf-8").read()
    sys.modules[name] = module
    exec(compile(re.sub(r"(?m)^from \. import \w+$", "", source), spec.origin, "exec"), module.__dict__)

    def __getattr__(attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        try:
            return importlib.import_module(f"{name}.{attr}")
        except ModuleNotFoundError as e:
            raise AttributeError(f"module '{name}' has no attribute '{attr}'") from e

    module.__getattr__ = __getattr__

lazy_provider()

class Timeout(Exception):
    pass

def alarm(signum, frame):
    raise Timeout("timeout")

signal.signal(signal.SIGALRM, alarm)
root, results, limit = sys.argv[1], open(sys.argv[2], "a"), int(sys.argv[3])
base_path, base_cwd = list(sys.path), os.getcwd()
for line in sys.stdin:
    job = json.loads(line)
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", None) or []), "")
        if where and str(where).startswith(root):
            del sys.modules[name]
    sys.path[:] = [job["folder"], os.path.dirname(job["entry"])] + base_path
    sys.argv[:] = [job["entry"]]
    os.chdir(job["folder"])
    status, reason, where = "pass", "", ""
    signal.alarm(limit)
    try:
        runpy.run_path(job["entry"], run_name="__main__")
    except SystemExit as e:
        if e.code not in (None, 0):
            status, reason = "fail", f"SystemExit: {e.code}"
    except BaseException as e:
        status = "fail"
        reason = next((l for l in reversed(traceback.format_exception_only(type(e), e)) if l.strip()), "").strip()
        reason = f"{type(e).__name__}: {reason.partition(': ')[2] or reason}"
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.startswith(job["folder"])]
        if isinstance(e, SyntaxError) and e.filename and e.filename.startswith(job["folder"]):
            where = f"{os.path.relpath(e.filename, job['folder'])}:{e.lineno}"
        elif frames:
            where = f"{os.path.relpath(frames[-1].filename, job['folder'])}:{frames[-1].lineno}"
    finally:
        signal.alarm(0)
        os.chdir(base_cwd)
    results.write(json.dumps({"id": job["id"], "status": status, "reason": reason[:300], "where": where}) + "\n")
    results.flush()
"""
APP_SECONDS = 90  # one app's import and synth; a runner silent for longer than this plus a margin is killed


def synth_all(jobs: list[dict], python: Path, root: Path, work: Path) -> dict[str, tuple[str, str, str]]:
    """id → ("pass" | "fail", first line of the error, file:line in the app) for every job ({id, folder, entry}).
    A runner that dies or hangs takes its current job with it (a failure) and is started again."""
    work.mkdir(parents=True, exist_ok=True)
    runner, out = work / "runner.py", work / "results.jsonl"
    runner.write_text(RUNNER)
    scratch = work / "outdir"
    scratch.mkdir(exist_ok=True)
    done: dict[str, tuple[str, str, str]] = {}
    pending = list(jobs)
    while pending:
        out.unlink(missing_ok=True)
        env = {**os.environ, "CDKTF_OUTDIR": str(scratch / "cdktf.out")}
        stdin = scratch / "jobs.jsonl"
        stdin.write_text("".join(json.dumps(j) + "\n" for j in pending))
        with open(stdin) as feed, open(work / "stderr.log", "w") as err:
            # nice: the machine is shared; the runner is one process plus its Node kernel
            proc = subprocess.Popen(
                ["nice", "-n", "10", str(python), str(runner), str(root), str(out), str(APP_SECONDS)],
                stdin=feed, stdout=subprocess.DEVNULL, stderr=err, cwd=scratch, env=env, start_new_session=True,
            )
            seen, quiet_since = 0, time.time()
            while proc.poll() is None:
                time.sleep(1)
                count = len(out.read_text().splitlines()) if out.exists() else 0
                if count != seen:
                    seen, quiet_since = count, time.time()
                elif time.time() - quiet_since > APP_SECONDS + 60:  # stuck outside Python's reach (in the kernel)
                    os.killpg(proc.pid, 9)
                    proc.wait()
        got = [json.loads(l) for l in out.read_text().splitlines()] if out.exists() else []
        for g in got:
            done[g["id"]] = (g["status"], g["reason"], g.get("where", ""))
        pending = pending[len(got):]
        if pending:  # the runner died in this job
            lines = (work / "stderr.log").read_text(errors="replace").splitlines()
            tail = [l for l in lines if l.strip() and "!!" not in l]
            done[pending[0]["id"]] = ("fail", ("runner died: " + (tail[-1] if tail else f"exit {proc.returncode}"))[:300], "")
            pending = pending[1:]
    return done


def run_py(tasks: list[Path], work: Path, python: Path, pool, runners: int, finals: bool = False) -> tuple[list[dict], dict | None]:
    """Extract every answer as written and as repaired; synth every app (in `runners` processes),
    and the final sources' app (tap.py) too when `finals`."""

    def one(task: Path) -> dict:
        answer = task / "lib" / "MODEL_RESPONSE.md"
        out = {"task": task.name}
        for phase, repaired in (("before", False), ("after", True)):
            out[f"{phase}_input_errors"] = extract(answer, work / task.name / phase, repaired)
        out["changed"] = _contents(work / task.name / "before") != _contents(work / task.name / "after")
        if finals:
            folder = work / task.name / "final"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(task, folder, ignore=shutil.ignore_patterns("*.md", "tests", "test", "node_modules", "cdktf.out", ".gen"))
            out["final_entry"] = "tap.py" if (folder / "tap.py").exists() else None
        for phase in ("before", "after") if out["changed"] else ("before",):
            folder = work / task.name / phase
            entry = entry_point(folder) or stack_entry(folder)
            out[f"{phase}_entry"] = str(entry.relative_to(folder)) if entry else None
            for init in {p.parent for p in folder.rglob("*.py") if p.parent != folder}:
                (init / "__init__.py").touch()
        return out

    results = list(pool.map(one, tasks))
    jobs = [
        {"id": f"{r['task']}/{phase}", "folder": str(work / r["task"] / phase), "entry": str(work / r["task"] / phase / r[f"{phase}_entry"])}
        for r in results for phase in ("before", "after", "final") if r.get(f"{phase}_entry")
    ]
    shares = [(i, jobs[i::runners]) for i in range(runners) if jobs[i::runners]]
    done: dict[str, tuple[str, str, str]] = {}
    for part in pool.map(lambda share: synth_all(share[1], python, work, work.parent / f"py-runner{share[0]}"), shares):
        done.update(part)
    for r in results:
        for phase in ("before", "after"):
            if phase == "after" and not r["changed"]:
                r["after"] = r["before"]
            elif r.get(f"{phase}_entry"):
                r[phase] = done[f"{r['task']}/{phase}"]
            else:
                r[phase] = ("no-app", "", "")
    final = {r["task"]: done.get(f"{r['task']}/final", ("no-app", "", "")) for r in results} if finals else None
    return results, final


# -- report -----------------------------------------------------------------------------------------
def ts_report(results: list[dict]) -> str:
    before = Counter(e[2] for r in results for e in r["before"])
    after = Counter(e[2] for r in results for e in r["after"])
    codes = sorted(set(before) | set(after), key=lambda c: (-before[c], c))
    clean_before = sum(1 for r in results if not r["before"])
    clean_after = sum(1 for r in results if not r["after"])
    worse = [r["task"] for r in results if len(r["after"]) > len(r["before"])]
    better = [r["task"] for r in results if len(r["after"]) < len(r["before"])]
    changed = sum(1 for r in results if r.get("changed", True))
    rises = []  # (task, code, before, after): a code that got more frequent, even if the total fell
    for r in results:
        b, a = Counter(e[2] for e in r["before"]), Counter(e[2] for e in r["after"])
        rises += [(r["task"], c, b[c], a[c]) for c in sorted(a) if a[c] > b[c]]
    lines = [
        f"## CDKTF TypeScript: tsc --noEmit on {len(results)} MODEL_RESPONSE answers",
        "",
        f"- tsc errors: **{sum(before.values())} before, {sum(after.values())} after**",
        f"- answers with no tsc error: {clean_before} before, {clean_after} after",
        f"- answers iacfix changed: {changed}; with fewer errors after: {len(better)}; with more errors after: {len(worse)}"
        + (f" ({', '.join(worse)})" if worse else ""),
        f"- an error code more frequent after than before in an answer: {len(rises)}"
        + (" (" + ", ".join(f"{t} {c} {b}→{a}" for t, c, b, a in rises) + ")" if rises else ""),
        "",
        "| code | before | after | change |",
        "|---|---:|---:|---:|",
    ]
    for code in codes:
        lines.append(f"| {code} | {before[code]} | {after[code]} | {after[code] - before[code]:+d} |")
    messages = Counter(
        re.sub(r"'[^']*'", "'…'", e[3]) for r in results for e in r["after"] if e[2] in ("TS2305", "TS2307", "TS2353", "TS2322", "TS2339", "TS2561", "TS2724")
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
        f"no runnable app (no block calls `synth()` and no stack class buildable from (app, id) and placeholder strings): {count('before', 'no-app')}",
        f"- passed before, fail after: {[r['task'] for r in results if r['before'][0] == 'pass' and r['after'][0] != 'pass']}",
        f"- fail before, pass after: {[r['task'] for r in results if r['before'][0] != 'pass' and r['after'][0] == 'pass']}",
        "",
        "| failure | before | after | change |",
        "|---|---:|---:|---:|",
    ]
    before = Counter(error_class(r["before"][1]) for r in results if r["before"][0] == "fail")
    after = Counter(error_class(r["after"][1]) for r in results if r["after"][0] == "fail")
    for cls in sorted(set(before) | set(after), key=lambda c: (-before[c], -after[c], c)):
        lines.append(f"| {cls} | {before[cls]} | {after[cls]} | {after[cls] - before[cls]:+d} |")
    lines += ["", "Remaining failure reasons (first line, quoted names and paths elided):", ""]
    reasons = Counter(
        re.sub(r"\(/[^)]*(\)|$)", "(…)", re.sub(r"'[^']*'", "'…'", r["after"][1]))[:140] for r in results if r["after"][0] == "fail"
    )
    lines += [f"- {n} × `{m}`" for m, n in reasons.most_common(15)]
    return "\n".join(lines) + "\n"


def error_class(reason: str) -> str:
    """The kind of a failure: the exception's class, a jsii error (RuntimeError from the kernel:
    the provider refused a value), a timeout or a dead runner."""
    if reason.startswith("runner died"):
        return "runner died"
    name = reason.partition(":")[0]
    if name == "RuntimeError" and "@cdktf/provider-aws" in reason:
        return "RuntimeError (jsii: a value the provider refuses)"
    if name == "TypeError" and "type of argument" in reason:
        return "TypeError (typeguard: a value of the wrong type)"
    if name == "TypeError" and "unexpected keyword argument" in reason:
        return "TypeError (an argument the class does not take)"
    return name or "unknown"


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
    parser.add_argument("--python", type=Path, help="a Python with cdktf and cdktf-cdktf-provider-aws installed")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "provider-api.md")
    parser.add_argument("--json", type=Path, default=CACHE / "provider-api-results.json")
    parser.add_argument("--work", type=Path, default=CACHE / "work", help="where the answers are extracted")
    parser.add_argument("--no-finals", action="store_true", help="skip the final sources (the yardstick of the blocking figures)")
    parser.add_argument("--report-only", action="store_true", help="the report again from --json")
    args = parser.parse_args()
    if args.report_only:
        raw = json.loads(args.json.read_text())
        args.out.write_text(report(raw))
        print(args.out.read_text())
        return
    if not args.corpus.is_dir():
        raise SystemExit(f"no corpus at {args.corpus}")
    work = args.work
    started = time.time()
    raw = {}
    with ThreadPoolExecutor(args.jobs) as pool:
        if args.only in (None, "ts"):
            modules = node_modules(args.node_modules)
            compile_categories.NAMES = compile_categories.ProviderNames(modules / "@cdktf" / "provider-aws", CACHE / "provider-aws-names.json")
            tasks = select(args, "cdktf-ts")[: args.limit]
            raw["ts"] = run_ts(tasks, work / "ts", modules, pool)
            raw["ts_final"] = None if args.no_finals else ts_finals(tasks, work / "ts", modules)
            raw["ts_seconds"] = round(time.time() - started)
        if args.only in (None, "py"):
            python = python_env(args.python)
            tasks = select(args, "cdktf-py")[: args.limit]
            py_started = time.time()
            raw["py"], raw["py_final"] = run_py(tasks, work / "py", python, pool, min(args.jobs, 2), finals=not args.no_finals)
            raw["py_seconds"] = round(time.time() - py_started)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip()
    raw["meta"] = {"date": time.strftime("%Y-%m-%d"), "commit": commit, "seconds": round(time.time() - started)}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(raw, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(raw))
    print(args.out.read_text())


def report(raw: dict) -> str:
    meta = raw.get("meta", {})
    package = CACHE / "node" / "node_modules" / "@cdktf" / "provider-aws"
    if compile_categories.NAMES is None and package.is_dir():  # to tell a wrong import path from a name that exists nowhere
        compile_categories.NAMES = compile_categories.ProviderNames(package, CACHE / "provider-aws-names.json")
    sections = []
    if raw.get("ts") is not None:
        sections.append(ts_report(raw["ts"]) + "\n" + "\n".join(compile_categories.ts_sections(raw["ts"], raw.get("ts_final"))) + "\n")
    if raw.get("py") is not None:
        sections.append(py_report(raw["py"]) + "\n" + "\n".join(compile_categories.py_sections(raw["py"], raw.get("py_final"))) + "\n")
    header = (
        "# Provider API: compile errors of the corpus answers before and after iacfix\n\n"
        f"`bench/provider_api_tsc.py`, {meta.get('date', '?')}, iacfix at {meta.get('commit', '?')} (plus the working tree); "
        f"toolchain: {', '.join(NPM_PACKAGES)} (TypeScript), {', '.join(PY_PACKAGES)} (Python); "
        f"{meta.get('seconds', '?')} s (TypeScript {raw.get('ts_seconds', '-')} s, Python {raw.get('py_seconds', '-')} s).\n\n"
    )
    return header + "\n".join(sections)


if __name__ == "__main__":
    main()
