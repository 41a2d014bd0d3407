#!/usr/bin/env python3
"""The corpus benchmark: every rule over every task of ../shared/corpus, and checkov as a yardstick.

    .venv/bin/python bench/corpus.py [--sample N] [--seed S] [--no-checkov] [--jobs J] [--out FILE]

For each task (`<flavour>/<task>/`) iacfix reads three things: the final sources (the task folder
as it is on disk), `lib/MODEL_RESPONSE.md` and `lib/IDEAL_RESPONSE.md` (markdown answers, read as
virtual projects of their named code blocks). It counts each rule's hits on each, checks that the
fixes are safe (no crash, no fix that breaks a file, a second run on the repaired tree finds
nothing left to fix), measures whether the final sources made the change a MODEL fix makes, mines
the MODEL→final differences no fix explains, and times iacfix against checkov on a seeded sample.
It writes a markdown report to bench/results/corpus-<date>.md (bench/README.md explains every
figure). tests/test_corpus.py reuses `sweep` and `safety_problems` for the `corpus` pytest test.

Nothing here writes to the corpus: second runs work on copies in a temporary folder.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CACHE = REPO / "bench" / ".cache"
RESULTS = REPO / "bench" / "results"
CHECKOV_VERSION = "3.3.30"  # pinned: the version the committed results were measured with
CHECKOV_VENV = CACHE / "checkov-venv"

FLAVOURS = ("cdktf-ts", "cdktf-py", "tf-hcl")
PARTS = ("final", "model", "ideal")  # what iacfix reads of a task
ANSWERS = {"model": "lib/MODEL_RESPONSE.md", "ideal": "lib/IDEAL_RESPONSE.md"}
SOURCE_SUFFIXES = {".ts": "typescript", ".py": "python", ".tf": "hcl"}
SKIP_DIRS = {"node_modules", ".gen", "cdktf.out", ".terraform", ".git", "__pycache__", ".venv", "venv"}
TEST_DIRS = {"test", "tests", "__tests__"}


# -- one task ----------------------------------------------------------------------------------


def setup_worker() -> None:
    """Make results independent of the machine: no terraform binary is consulted for the target
    Terraform version (tests/conftest.py does the same for the test suite)."""
    from iacfix import parse_cache, tfversion

    tfversion.installed_version = lambda: None
    # Every tree is parsed: the sweep measures the engine, not what earlier runs left in the
    # parse cache (repeat_medians measures that apart).
    parse_cache._folder = lambda: None


_rule_seconds: dict[str, float] = {}  # rule code → wall seconds in the current _timed_run


def time_rule(code: str, seconds: float) -> None:
    """The engine's rule timer: what the rules cost, apart from reading and parsing."""
    _rule_seconds[code] = _rule_seconds.get(code, 0.0) + seconds


def warm_up() -> float:
    """Run once over the bundled samples (starts the Node worker, imports every backend); the
    seconds it took are the cold start."""
    from iacfix import engine

    setup_worker()
    start = time.perf_counter()
    for flavour in ("cdktf-ts", "cdktf-py", "terraform"):
        engine.run([REPO / "samples" / flavour], engine.Options(unsafe_fixes=True), REPO / "samples" / flavour)
    return time.perf_counter() - start


def machine_pace(repeat: int = 3) -> float:
    """Seconds of a fixed pure-Python loop (fastest of `repeat`), which no iacfix change moves:
    this shared machine runs the same work up to 1.8 times slower at some hours, CPU time
    included, so each report says how fast the machine was while it ran."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        sum(i * i for i in range(3_000_000))
        best = min(best, time.perf_counter() - start)
    return best


def all_tasks(corpus: Path = CORPUS) -> list[Path]:
    return [t for f in FLAVOURS if (corpus / f).is_dir() for t in sorted((corpus / f).iterdir()) if t.is_dir()]


# Rule codes or prefixes run besides the default selection (--extend-select; the opt-in rules).
EXTEND_SELECT: tuple[str, ...] = ()

# CPU seconds of this process in the last _timed_run: on a loaded machine wall time says as much
# about the neighbours as about iacfix (TypeScript parsing runs in the Node worker: not counted).
_last_cpu = 0.0


def _timed_run(paths: list[Path], cwd: Path):
    """engine.run with every fix applied (safe and unsafe: both must be safe to apply); returns
    (result or None, seconds, crash message or None)."""
    from iacfix import engine

    global _last_cpu
    _rule_seconds.clear()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        result = engine.run(paths, engine.Options(unsafe_fixes=True, extend_select=EXTEND_SELECT), cwd, rule_timer=time_rule)
        return result, time.perf_counter() - start, None
    except Exception as exc:  # a crash that escaped the engine's own guard
        return None, time.perf_counter() - start, f"internal error escaped engine.run: {type(exc).__name__}: {exc}"
    finally:
        _last_cpu = time.process_time() - cpu


def _display(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _error_kind(message: str) -> str:
    if message.startswith("internal error"):
        return "crash"
    if " fix dropped: " in message:
        return "dropped"
    if "syntax error" in message:
        return "syntax"
    if "is cut off" in message:
        return "cut-off"
    return "other"


def _run_record(result, seconds: float, crash: str | None, cwd: Path) -> dict:
    """What a benchmark keeps of one run (JSON-serialisable, so it crosses process boundaries)."""
    rec = {"seconds": seconds, "files": 0, "errors": [], "findings": [], "changed": []}
    if crash:
        rec["errors"].append({"kind": "crash", "file": "", "line": 1, "message": crash})
        return rec
    ws = result.workspace
    rec["files"] = len(ws.sources)
    for error in result.errors:
        if error.severity != "error":
            continue
        known = ws.sources.get(error.path)
        rec["errors"].append(
            {
                "kind": _error_kind(error.message),
                "file": known.display if known else _display(error.path, cwd),
                "line": error.line,
                "message": error.message,
            }
        )
    for f in result.findings:
        source = ws.sources.get(f.path)
        rec["findings"].append(
            {
                "code": f.code,
                "file": source.display if source else _display(f.path, cwd),
                "block": source.origin.block.name if source is not None and source.origin else None,
                "line": f.line,
                "fixable": f.fixable,
                "message": f.message,
            }
        )
    rec["changed"] = [s.display for s, _ in result.changes()]
    return rec


def _parse_failures(rec: dict) -> set[tuple[str, str]]:
    return {(e["file"], re.sub(r"\(line \d+", "(line", e["message"])) for e in rec["errors"] if e["kind"] in ("syntax", "other")}


def _second_run(result, cwd: Path, first: dict, part: str) -> dict:
    """Write the repaired tree into a temporary copy and run again: nothing fixable may be left,
    nothing may change, and no file may fail to parse that parsed before."""
    with tempfile.TemporaryDirectory(prefix="iacfix-bench-") as tmp:
        copy = Path(tmp) / cwd.name
        if part == "final":
            shutil.copytree(cwd, copy, ignore=shutil.ignore_patterns(*SKIP_DIRS), symlinks=True)
        else:
            (copy / "lib").mkdir(parents=True)
            if (cwd / "metadata.json").is_file():  # the same task layout, so the same conventions apply
                shutil.copy(cwd / "metadata.json", copy / "metadata.json")
        for source, text in result.changes():
            target = copy / source.path.relative_to(cwd)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.encode(text))
        target = [copy] if part == "final" else [copy / ANSWERS[part]]
        again, seconds, crash = _timed_run(target, copy)
        rec = _run_record(again, seconds, crash, copy)
    broken = sorted(_parse_failures(rec) - _parse_failures(first))
    return {
        "fixable": [f for f in rec["findings"] if f["fixable"]],
        "changed": rec["changed"],
        "crashes": [e["message"] for e in rec["errors"] if e["kind"] == "crash"],
        "dropped": [e["message"] for e in rec["errors"] if e["kind"] == "dropped"],
        "broken": [f"{file}: {message}" for file, message in broken],
    }


def scan_part(task: Path, part: str) -> tuple[dict, object]:
    """Run iacfix on one part of a task, and again on what it repaired."""
    target = task if part == "final" else task / ANSWERS[part]
    if not target.exists():
        return {"missing": True, "seconds": 0.0, "files": 0, "errors": [], "findings": [], "changed": []}, None
    result, seconds, crash = _timed_run([target], task)
    rec = _run_record(result, seconds, crash, task)
    rec["cpu"] = _last_cpu
    rec["rule_seconds"] = {c: round(t, 4) for c, t in _rule_seconds.items() if t >= 0.0005}
    rec["second"] = _second_run(result, task, rec, part) if result is not None and rec["changed"] else None
    # A fixable finding with no change at all would be found again by every run.
    rec["idempotent"] = (
        rec["second"] is None and not any(f["fixable"] for f in rec["findings"])
        if not rec["changed"]
        else not (rec["second"]["fixable"] or rec["second"]["changed"])
    )
    return rec, result


def scan_task(task: str, parts: Sequence[str] = PARTS, deep: bool = True) -> dict:
    """Everything the benchmark measures of one task. `deep` adds agreement and the mining of
    uncovered differences (needs all three parts)."""
    path = Path(task)
    record = {"flavour": path.parent.name, "task": path.name, "parts": {}}
    results = {}
    for part in parts:
        record["parts"][part], results[part] = scan_part(path, part)
    if deep and results.get("model") is not None:
        try:
            record["agreement"] = agreement(path, results["model"], results.get("ideal"))
            record["uncovered"] = uncovered(path, results["model"])
        except Exception as exc:  # the benchmark's own analysis must not hide the safety figures
            record["analysis_error"] = f"{type(exc).__name__}: {exc}"
    return record


# -- agreement: did the final sources (and the ideal answer) make the change a fix makes? -------

_TRIVIAL = re.compile(r"^[\s\[\](){}<>,;:.]*$")
_COMMENT = re.compile(r"^(//|#|/\*|\*|\"\"\"|''')")


def norm(line: str) -> str:
    """A line as compared: stripped, runs of blanks collapsed, one trailing , or ; dropped, and
    single quotes read as double quotes (Python and TypeScript write either)."""
    line = re.sub(r"\s+", " ", line.strip())
    line = re.sub(r"\s*[,;]$", "", line)
    return line.replace("'", '"')


def meaningful(line: str) -> bool:
    return bool(line) and not _TRIVIAL.match(line) and not _COMMENT.match(line)


def line_delta(before: str, after: str) -> tuple[list[str], list[str]]:
    """(added, removed) normalised meaningful lines of the change before → after."""
    a = [norm(l) for l in before.split("\n")]
    b = [norm(l) for l in after.split("\n")]
    added, removed = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed += [l for l in a[i1:i2] if meaningful(l)]
        if op in ("replace", "insert"):
            added += [l for l in b[j1:j2] if meaningful(l)]
    # A line both removed and added (moved, or re-indented) is no change.
    common = Counter(added) & Counter(removed)
    return list((Counter(added) - common).elements()), list((Counter(removed) - common).elements())


def final_sources(task: Path) -> dict[str, str]:
    """The task's final source files (relative path → text), test folders included."""
    out = {}
    for folder, dirs, files in os.walk(task):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            p = Path(folder) / name
            if p.suffix in SOURCE_SUFFIXES and not name.endswith(".d.ts"):
                try:
                    out[p.relative_to(task).as_posix()] = p.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    pass
    return out


def same_name(name: str, files: Iterable[str]) -> str | None:
    """The file a block named `name` stands for: the same relative path, else lib/<name>, else the
    one file with that base name (lib/ first when several)."""
    files = list(files)
    for candidate in (name, f"lib/{name}"):
        if candidate in files:
            return candidate
    base = name.rsplit("/", 1)[-1]
    matches = [f for f in files if f.rsplit("/", 1)[-1] == base]
    if len(matches) > 1:
        matches = [f for f in matches if f.startswith("lib/")] or matches
    return matches[0] if len(matches) == 1 else None


def _is_test(rel: str) -> bool:
    return any(part in TEST_DIRS for part in rel.split("/")[:-1]) or ".test." in rel or rel.rsplit("/", 1)[-1].startswith("test_")


def judge(added: list[str], removed: list[str], candidates: list[str]) -> str:
    """agree when every added line is there and no removed line is; "whitespace" when the fix
    changes no meaningful line (layout only)."""
    if not added and not removed:
        return "whitespace"
    lines = {norm(l) for text in candidates for l in text.split("\n")}
    return "agree" if all(l in lines for l in added) and not any(l in lines for l in removed) else "disagree"


def _changes_by_finding(result) -> Iterator[tuple[object, Path, str]]:
    """(finding, file, the file's text after that finding's edits alone) for each fixable finding
    of a one-rule run. A rule whose fixes overlap (two that add the same import) makes them in
    passes, and a later pass's edits are offsets into the text the earlier ones left: applied to
    the original they land elsewhere. So where the findings' edits together do not rebuild the
    run's text, the file's whole change is given once, with its first finding."""
    from iacfix.textedit import apply_edits

    by_file: dict[Path, list[tuple[object, list]]] = defaultdict(list)
    for finding in result.findings:
        for path in sorted({e.path for e in finding.edits}):
            by_file[path].append((finding, [e for e in finding.edits if e.path == path]))
    for path, items in sorted(by_file.items()):
        source = result.workspace.sources[path].text
        try:
            one_pass = apply_edits(source, [e for _, edits in items for e in edits]) == result.workspace.text[path]
        except ValueError:  # overlapping edits: several passes
            one_pass = False
        if not one_pass:
            yield items[0][0], path, result.workspace.text[path]
            continue
        for finding, edits in items:
            yield finding, path, apply_edits(source, edits)


def agreement(task: Path, model_result, ideal_result) -> list[dict]:
    """Per fixable MODEL finding: its own change (the rule run alone on the answer, the finding's
    edits applied to the block as the model wrote it; see _changes_by_finding), judged against the final file of the same
    name (else every final non-test file of the block's language) and the IDEAL block of the same
    name (else every IDEAL block of that language)."""
    from iacfix import engine
    from iacfix.rules import all_rules

    finals = final_sources(task)
    ideal_blocks = {}
    if ideal_result is not None:
        ideal_blocks = {s.origin.block.name: s for s in ideal_result.workspace.sources.values() if s.origin}
    rules = {r.code: r for r in all_rules()}
    answer = task / ANSWERS["model"]
    out = []
    for code in sorted({f.code for f in model_result.findings if f.fixable}):
        only = engine.run([answer], engine.Options(unsafe_fixes=True), task, rules=[rules[code]])
        for finding, path, after in _changes_by_finding(only):
            source = only.workspace.sources[path]
            added, removed = line_delta(source.text, after)
            name = source.origin.block.name if source.origin else _display(path, task)
            language = source.language
            # package.json, a workflow's YAML: compared with final files of the same suffix
            suffix = {v: k for k, v in SOURCE_SUFFIXES.items()}.get(language, Path(name).suffix)
            match = same_name(name, finals)
            if match:
                final_verdict = judge(added, removed, [finals[match]])
            else:
                pool = [t for rel, t in finals.items() if rel.endswith(suffix) and not _is_test(rel)]
                final_verdict = judge(added, removed, pool) if pool else "no final file"
            ideal_match = same_name(name, ideal_blocks)
            if ideal_match:
                ideal_verdict = judge(added, removed, [ideal_blocks[ideal_match].text])
            else:
                pool = [s.text for s in ideal_blocks.values() if s.language == language]
                ideal_verdict = judge(added, removed, pool) if pool else "no ideal block"
            out.append(
                {
                    "code": code,
                    "block": name,
                    "line": finding.line,
                    "final_file": match,
                    "final": final_verdict,
                    "ideal": ideal_verdict,
                    "added": added,
                    "removed": removed,
                }
            )
    return out


# -- mining: the MODEL → final differences no fix explains ---------------------------------------

_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`')
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
# Kept as written: the type of an HCL resource / data block, and a quoted key ("Name": ..., "Effect" = ...).
_BLOCK_HEAD = re.compile(r'^(resource|data) ("[^"]*") "[^"]*"')
_QUOTED_KEY = re.compile(r'^(f?"[\w.:/-]+"\s?[:=]\s?)')


def pattern(line: str) -> str:
    """A normalised line with its literals replaced: strings by "S", numbers by N. Identifiers,
    attribute names, true/false/null, resource types and quoted keys stay."""
    head = ""
    match = _BLOCK_HEAD.match(line)
    if match:
        head, line = f"{match.group(1)} {match.group(2)} " + '"S"', line[match.end() :]
    else:
        match = _QUOTED_KEY.match(line)
        if match:
            head, line = match.group(1), line[match.end() :]
    return head + _NUMBER.sub("N", _STRING.sub('"S"', line))


_CAMEL = re.compile(r"\b[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+\b")


def canonical(p: str) -> str:
    """A pattern as the three languages would share it: camelCase names in snake_case, `key: v`
    and `key=v` as `key = v` (so TypeScript's desiredCount: N and HCL's desired_count = N meet)."""
    p = _CAMEL.sub(lambda m: re.sub(r"(?<!^)([A-Z])", r"_\1", m.group(0)).lower(), p)
    return re.sub(r"^([+~-] )([\w.]+)\s?[:=]\s?(?!=)", r"\1\2 = ", p)


_ANY_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`')
_LINE_COMMENT = re.compile(r"(?://|#).*$", re.M)
_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]{2,}\b")


def names(text: str) -> set[str]:
    """The identifiers of a text (three characters or more), outside strings and comments."""
    return set(_NAME.findall(_LINE_COMMENT.sub("", _ANY_STRING.sub('""', text))))


def uncovered(task: Path, model_result) -> dict:
    """For every MODEL block with a final file of the same name: the lines the final file adds and
    removes (normalised, meaningful), less those the fixes themselves add and remove, as
    patterns. A pattern both added and removed in one block is a changed value (`~`). Counted
    once per task per pattern, with the number of lines."""
    from iacfix.files import read_markdown, read_source

    finals = final_sources(task)
    answer = read_source(task / ANSWERS["model"], task)
    if not hasattr(answer, "text"):
        return {"blocks": 0, "patterns": {}}
    blocks, _ = read_markdown(answer)
    repaired = {s.origin.block.name: model_result.workspace.text[p] for p, s in model_result.workspace.sources.items() if s.origin}
    lines: Counter[str] = Counter()
    one_side: set[str] = set()
    compared = 0
    for block in blocks:
        name = block.origin.block.name
        match = same_name(name, finals)
        if match is None or _is_test(match):
            continue
        compared += 1
        fix_added, fix_removed = line_delta(block.text, repaired.get(name, block.text))
        added, removed = line_delta(block.text, finals[match])
        plus = Counter(pattern(l) for l in (Counter(added) - Counter(fix_added)).elements())
        minus = Counter(pattern(l) for l in (Counter(removed) - Counter(fix_removed)).elements())
        changed = plus & minus
        for sign, counts in (("+", plus - changed), ("-", minus - changed), ("~", changed)):
            for p, n in counts.items():
                lines[f"{sign} {p}"] += n
        # Names only one side has, less those in the lines the fixes add or remove.
        model_names, final_names = names(block.text), names(finals[match])
        fix_names = names("\n".join(fix_added + fix_removed))
        one_side |= {f"+ {n}" for n in final_names - model_names - fix_names}
        one_side |= {f"- {n}" for n in model_names - final_names - fix_names}
    return {"blocks": compared, "patterns": dict(lines), "names": sorted(one_side)}


# -- the sweep -----------------------------------------------------------------------------------


def _init_pool(extend_select: tuple[str, ...] = ()) -> None:
    global EXTEND_SELECT
    EXTEND_SELECT = tuple(extend_select)
    setup_worker()


def _scan(args) -> dict:
    task, parts, deep = args
    return scan_task(task, parts, deep)


def sweep(
    tasks: Sequence[Path],
    parts: Sequence[str] = PARTS,
    deep: bool = True,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    extend_select: Sequence[str] = (),
) -> list[dict]:
    """scan_task over the tasks, in this process (jobs=1, the timings are then clean) or in a
    pool of fresh processes (spawned: each gets its own Node worker). The default rules run, and
    those `extend_select` names (opt-in rules; "ALL": every rule)."""
    work = [(str(t), tuple(parts), deep) for t in tasks]
    records = []
    if jobs <= 1:
        _init_pool(tuple(extend_select))
        for i, item in enumerate(work):
            records.append(_scan(item))
            if progress:
                progress(i + 1, len(work))
        return records
    import multiprocessing

    bench_dir = str(Path(__file__).resolve().parent)
    if bench_dir not in sys.path:  # the spawned workers import this module by name
        sys.path.insert(0, bench_dir)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_pool, initargs=(tuple(extend_select),)) as pool:
        for i, record in enumerate(pool.map(_scan, work, chunksize=4)):
            records.append(record)
            if progress:
                progress(i + 1, len(work))
    return records


def safety_problems(records: Iterable[dict]) -> dict[str, list[str]]:
    """Every crash, dropped fix, file broken by a fix and non-idempotent run, as one line each
    (task, part, file, what happened). All four lists must be empty."""
    problems: dict[str, list[str]] = {"crashes": [], "dropped": [], "broken": [], "not idempotent": []}
    for r in records:
        for part, rec in r["parts"].items():
            where = f"{r['flavour']}/{r['task']} {part}"
            for e in rec["errors"]:
                if e["kind"] in ("crash", "dropped"):
                    problems["crashes" if e["kind"] == "crash" else "dropped"].append(f"{where} {e['file']}:{e['line']}: {e['message']}")
            second = rec.get("second")
            if second:
                problems["crashes"] += [f"{where} (second run): {m}" for m in second["crashes"]]
                problems["dropped"] += [f"{where} (second run): {m}" for m in second["dropped"]]
                problems["broken"] += [f"{where}: {b}" for b in second["broken"]]
            if not rec.get("idempotent", True):
                if second:
                    left = [f"{f['code']} at {f['file']}:{f['line']}" for f in second["fixable"]]
                    what = f"fixable again: {', '.join(left)}" if left else f"changes again: {', '.join(second['changed'])}"
                else:
                    what = "fixable findings but no change: " + ", ".join(
                        f"{f['code']} at {f['file']}:{f['line']}" for f in rec["findings"] if f["fixable"]
                    )
                problems["not idempotent"].append(f"{where}: {what}")
    return problems


# -- speed: iacfix and checkov on the same trees ---------------------------------------------------


def checkov_bin() -> Path:
    """checkov in its own virtualenv under bench/.cache, installed on first use."""
    checkov = CHECKOV_VENV / "bin" / "checkov"
    if checkov.exists():
        return checkov
    print(f"installing checkov=={CHECKOV_VERSION} into {CHECKOV_VENV} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
    subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "-q", f"checkov=={CHECKOV_VERSION}"], check=True)
    return checkov


def checkov_command(checkov: Path, *trees: Path) -> list[str]:
    # terraform and cdk are the frameworks that read these trees; --skip-download keeps it off the
    # network (no Prisma Cloud guidelines), as iacfix is.
    dirs = [arg for tree in trees for arg in ("-d", str(tree))]
    return [str(checkov), *dirs, "--framework", "terraform", "cdk", "--quiet", "--compact", "-o", "json", "--skip-download"]


def iacfix_command(tree: Path) -> list[str]:
    return [str(Path(sys.executable).with_name("iacfix")), "--check", str(tree)]


def _time_process(command: list[str]) -> tuple[float, int, str]:
    seconds, code, out, _ = _time_process_rss(command)
    return seconds, code, out


# GNU time measures the peak RSS: a child forked from this (large) process reports this process's
# memory as its own peak until it execs, so os.wait4's figure is at least the benchmark's size.
GNU_TIME = Path("/usr/bin/time")


def _time_process_rss(command: list[str], keep_output: bool = True, env: dict | None = None) -> tuple[float, int, str, float]:
    """Wall seconds, exit code, stdout ("" unless `keep_output`: checkov's JSON for the whole
    corpus runs to gigabytes) and peak RSS in MB (the largest of the process and the children it
    waited for, e.g. iacfix's Node worker)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss:
        if GNU_TIME.exists():
            command = [str(GNU_TIME), "-f", "%M", "-o", rss.name, *command]
        start = time.perf_counter()
        proc = subprocess.Popen(
            command,
            stdout=out if keep_output else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=None if env is None else {**os.environ, **env},
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        kb = rss.read().strip().splitlines()[-1:] if GNU_TIME.exists() else []
        peak = int(kb[0]) / 1024 if kb and kb[0].isdigit() else usage.ru_maxrss / 1024
        return seconds, proc.returncode, out.read().decode("utf-8", "replace"), peak


def sample_tasks(tasks: Sequence[Path], size: int, seed: int) -> list[Path]:
    """A fixed, seeded sample with an equal share of each flavour (the rest to the first ones)."""
    rng = random.Random(seed)
    by_flavour = defaultdict(list)
    for t in tasks:
        by_flavour[t.parent.name].append(t)
    flavours = [f for f in FLAVOURS if by_flavour[f]]
    chosen = []
    for i, flavour in enumerate(flavours):
        share = size // len(flavours) + (1 if i < size % len(flavours) else 0)
        chosen += rng.sample(sorted(by_flavour[flavour]), min(share, len(by_flavour[flavour])))
    return chosen


def compare_speed(sample: Sequence[Path], checkov: Path | None, progress=None) -> list[dict]:
    """Per tree: the iacfix CLI and checkov, each as the command a user types, one right after the
    other (which goes first alternates), so both see the same machine load."""
    rows = []
    for i, tree in enumerate(sample):
        row = {"flavour": tree.parent.name, "task": tree.name}
        order = ["iacfix", "checkov"] if i % 2 == 0 else ["checkov", "iacfix"]
        for tool in order:
            if tool == "checkov" and checkov is None:
                continue
            command = iacfix_command(tree) if tool == "iacfix" else checkov_command(checkov, tree)
            seconds, code, out, rss = _time_process_rss(command)
            row[tool] = seconds
            row[f"{tool}_rss_mb"] = rss
            row[f"{tool}_exit"] = code
            if tool == "checkov":
                row["checkov_failed_checks"], row["checkov_resources"] = _checkov_counts(out)
        rows.append(row)
        if progress:
            progress(i + 1, len(sample))
    return rows


def compare_whole(sample: Sequence[Path], checkov: Path | None) -> dict:
    """The whole sample as one command of each tool, as a user scans many trees at once:
    `iacfix TREE...` (the default dry run, with its default process pool) and `checkov -d TREE
    -d TREE ...`; checkov first, then iacfix."""
    figures: dict = {"trees": len(sample)}
    if checkov is not None:
        figures["checkov"], figures["checkov_exit"], _, _ = _time_process_rss(checkov_command(checkov, *sample))
    warm, cold = _time_iacfix_warm_and_cold(sample)
    figures["iacfix"], figures["iacfix_exit"], figures["iacfix_rss_mb"] = warm
    figures["iacfix_cold"] = cold[0]
    return figures


def _time_iacfix_warm_and_cold(paths: Sequence[Path]) -> tuple[tuple[float, int, float], tuple[float, float]]:
    """`iacfix PATH...` as a user runs it: (seconds, exit code, peak RSS MB) with the user cache
    as an untimed first run over the same paths leaves it, and (seconds, peak RSS MB) with an
    empty one (every text parsed and formatted afresh, the worker's code compiled afresh)."""
    command = [str(Path(sys.executable).with_name("iacfix")), *map(str, paths)]
    _time_process_rss(command, keep_output=False)
    seconds, code, _, rss = _time_process_rss(command, keep_output=False)
    with tempfile.TemporaryDirectory() as empty:
        cold_seconds, _, _, cold_rss = _time_process_rss(command, keep_output=False, env={"IACFIX_CACHE_DIR": empty})
    return (seconds, code, rss), (cold_seconds, cold_rss)


def _timed_run_as_fresh(paths: list[Path], cwd: Path):
    """_timed_run with the formatter's answers read from the user cache, as a fresh process
    reads them (not from what this process's earlier runs left in memory)."""
    from iacfix.backends import hcl_format

    hcl_format.FmtCache._instances.clear()
    return _timed_run(paths, cwd)


def fastest_pass(tasks: Sequence[Path], best: dict[Path, tuple[float, float]]) -> None:
    """One more run of each task's final sources, as the sweep times them (the parse cache off,
    every file parsed), keeping each tree's fastest (wall, CPU) seconds in `best`. The formatter's
    answers are read from the user cache at each run, as a fresh process would."""
    for task in tasks:
        _, seconds, _ = _timed_run_as_fresh([task], task)
        wall, cpu = best.get(task, (float("inf"), float("inf")))
        best[task] = (min(wall, seconds), min(cpu, _last_cpu))


def fastest_medians(best: dict[Path, tuple[float, float]], runs: int) -> dict[str, dict[str, float]]:
    """Each tree's fastest run over the passes (fastest_pass), then the median of those per
    flavour. This shared machine's neighbours only ever slow a run (the same code's single-run
    medians moved by half between two hours), so a tree's fastest run is the closest to what
    iacfix itself costs: how timeit and pyperf time on a noisy machine too. The passes are made
    minutes apart (after the sweep, after the checkov sample, at the end), so that one slow spell
    of the machine does not slow them all."""
    rows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for task, figures in best.items():
        rows[task.parent.name].append(figures)
    return _medians_by_flavour(rows, runs=runs)


def _medians_by_flavour(rows: dict[str, list[tuple[float, float]]], **extra) -> dict[str, dict[str, float]]:
    """(wall, CPU) seconds of each tree by flavour → each flavour's medians and tree count."""
    return {
        flavour: {"median": statistics.median(w for w, _ in r), "cpu_median": statistics.median(c for _, c in r), "trees": len(r), **extra}
        for flavour, r in rows.items()
    }


def repeat_medians(tasks: Sequence[Path]) -> dict[str, dict[str, float]]:
    """Each task's final sources run twice with the parse cache on (an empty folder at first):
    the second run is what a repeat run over unchanged files costs (pre-commit, or CI with its
    cache kept). Median wall and CPU milliseconds of the second runs, per flavour."""
    from iacfix import parse_cache

    times: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as folder:
        parse_cache._folder = lambda: Path(folder)
        try:
            for task in tasks:
                _timed_run([task], task)
                _, seconds, _ = _timed_run([task], task)
                times[task.parent.name].append((seconds, _last_cpu))
        finally:
            parse_cache._folder = lambda: None
    return _medians_by_flavour(times)


# How much source the one big project of each flavour gathers (scaling_figures).
BIG_PROJECT_BYTES = 3_000_000


def build_big_project(tasks: Sequence[Path], folder: Path, min_bytes: int = BIG_PROJECT_BYTES) -> list[Path]:
    """The final sources of the first trees of one flavour as ONE project in `folder`, until it
    holds min_bytes: CDKTF sources keep their folders with the tree's name below them (lib/Pr1/x.py,
    tests/unit/Pr1/test_x.py) under one cdktf.json; .tf files side by side in one module (Pr1_main.tf).
    The trees it took."""
    taken: list[Path] = []
    size = 0
    for task in tasks:
        if size >= min_bytes:
            break
        sources = final_sources(task)
        if not sources:
            continue
        if not (folder / "cdktf.json").exists() and (task / "cdktf.json").is_file() and task.parent.name != "tf-hcl":
            shutil.copy(task / "cdktf.json", folder / "cdktf.json")
        for rel, text in sources.items():
            if task.parent.name == "tf-hcl":
                target = folder / f"{task.name}_{rel.replace('/', '_')}"
            else:
                head, _, name = rel.rpartition("/")
                target = folder / head / task.name / name if head else folder / task.name / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            size += len(text.encode("utf-8"))
        taken.append(task)
    return taken


def scaling_figures(tasks: Sequence[Path], rounds: int = 2) -> dict[str, dict]:
    """Whether a run's time grows with the size of ONE project as it does with the number of
    trees: per flavour, the first trees gathered into one project of about BIG_PROJECT_BYTES
    (build_big_project), run as the sweep runs a tree, against the same trees run one by one,
    summed. The two alternate, `rounds` times, and each keeps its fastest: the machine's pace
    drifts within minutes, so both are timed at the same moments. A rule that compares every
    file with every other file shows here as a ratio well above 1 (RDS102 once made the
    TypeScript one 1.18; 0.99 after)."""
    out = {}
    for flavour in FLAVOURS:
        of_flavour = [t for t in tasks if t.parent.name == flavour]
        if not of_flavour:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            taken = build_big_project(of_flavour, folder)
            files = [p for p in folder.rglob("*") if p.suffix in SOURCE_SUFFIXES]
            size = sum(p.stat().st_size for p in files)
            seconds = one_by_one = float("inf")
            crash = None
            for _ in range(rounds):
                _, big, big_crash = _timed_run_as_fresh([folder], folder)
                seconds, crash = min(seconds, big), crash or big_crash
                one_by_one = min(one_by_one, sum(_timed_run_as_fresh([t], t)[1] for t in taken))
        out[flavour] = {"trees": len(taken), "files": len(files), "bytes": size, "seconds": seconds,
                        "one_by_one": one_by_one, "crash": crash}
    return out


def compare_corpus(tasks: Sequence[Path], corpus: Path, checkov: Path | None) -> dict:
    """What a user sees running iacfix over everything at once (wall time, peak memory), with
    the user cache warm and empty (_time_iacfix_warm_and_cold); then, when given, checkov over
    the same trees as one command."""
    (seconds, code, rss), (cold_seconds, cold_rss) = _time_iacfix_warm_and_cold([corpus])
    figures = {"seconds": seconds, "exit": code, "rss_mb": rss, "cold_seconds": cold_seconds, "cold_rss_mb": cold_rss}
    if checkov is not None:
        figures["checkov"], figures["checkov_exit"], _, figures["checkov_rss_mb"] = _time_process_rss(
            checkov_command(checkov, *tasks), keep_output=False
        )
    return figures


def startup_figures(repeat: int = 5) -> dict:
    """`iacfix --version` and a one-file `iacfix --check FILE` (TypeScript: the Node worker starts
    and parses it; HCL), each a fresh process: median wall seconds and peak RSS."""
    iacfix = str(Path(sys.executable).with_name("iacfix"))
    ts_file = sorted((REPO / "samples" / "cdktf-ts" / "lib").glob("*.ts"))[0]
    tf_file = sorted((REPO / "samples" / "terraform").glob("*.tf"))[0]
    out = {}
    for name, command in (
        ("--version", [iacfix, "--version"]),
        (f"one TypeScript file ({ts_file.name})", [iacfix, "--check", str(ts_file)]),
        (f"one HCL file ({tf_file.name})", [iacfix, "--check", str(tf_file)]),
    ):
        runs = [_time_process_rss(command) for _ in range(repeat)]
        out[name] = {"median": statistics.median(r[0] for r in runs), "min": min(r[0] for r in runs), "rss_mb": max(r[3] for r in runs)}
    return out


def memory_figures() -> dict:
    """Peak RSS of this process (every tree of the sweep run in it) and of its Node worker."""
    import resource

    figures = {"bench_process_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    try:
        from iacfix.backends import node

        worker = getattr(node, "_worker", None)
        pid = worker._process.popen.pid if worker is not None and getattr(worker, "_process", None) else None
        if pid:
            status = Path(f"/proc/{pid}/status").read_text()
            figures["node_worker_mb"] = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    except (OSError, AttributeError, ValueError):
        pass
    return figures


def _checkov_counts(out: str) -> tuple[int | None, int | None]:
    try:
        data = json.loads(out)
    except ValueError:
        return None, None
    reports = data if isinstance(data, list) else [data]
    failed = sum((r.get("summary") or r).get("failed", 0) for r in reports)
    resources = sum((r.get("summary") or r).get("resource_count", 0) for r in reports)
    return failed, resources


# -- the report ----------------------------------------------------------------------------------


def _q(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "n/a"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(records: list[dict], meta: dict, speed: list[dict], top: int = 20) -> str:
    from iacfix.rules import all_rules

    rules = all_rules()
    out: list[str] = []
    w = out.append
    w(f"# Corpus benchmark, {meta['date']}\n")
    w(
        f"iacfix {meta['iacfix']} at commit `{meta['commit']}`; {len(rules)} rules; {meta['tasks']} tasks "
        f"({', '.join(f'{f} {n}' for f, n in meta['per_flavour'].items())}); machine: {meta['machine']}. "
        f"Load average (1 min) at start and end: {', '.join(f'{x:.1f}' for x in meta.get('load', []))}. "
        + (f"Machine pace (a fixed Python loop, fastest of 3; lower is faster) at start and end: "
           f"{', '.join(_s(x) for x in meta['pace'])}. " if meta.get("pace") else "")
        + f"Command: `{meta['command']}`. What each figure means: [bench/README.md](../README.md).\n"
    )
    states = meta.get("rules", {})
    if any(v != "committed" for v in states.values()):
        w(
            "Rules measured, as they stood in the working tree: "
            + ", ".join(f"{c}" + (f" ({v})" if v != "committed" else "") for c, v in sorted(states.items()))
            + ". Those marked were not committed yet.\n"
        )

    # rules
    hits = {part: Counter() for part in PARTS}
    tasks_hit = {part: defaultdict(set) for part in PARTS}
    for r in records:
        for part, rec in r["parts"].items():
            for f in rec["findings"]:
                hits[part][f["code"]] += 1
                tasks_hit[part][f["code"]].add(r["task"])
    verdicts = {side: defaultdict(Counter) for side in ("final", "ideal")}
    for r in records:
        for a in r.get("agreement", []):
            verdicts["final"][a["code"]][a["final"]] += 1
            verdicts["ideal"][a["code"]][a["ideal"]] += 1
    w("## Rules\n")
    w("Hits are findings (tasks in brackets). A hit on IDEAL or on the final sources is a false positive unless the ideal really is wrong: each one is listed below. Agreement: each fixable MODEL finding's change, looked for in the final file of the same name (and in the IDEAL block of the same name).\n")
    w("| rule | fix | flavours | MODEL | IDEAL | final | final agrees | disagrees | whitespace only | no final file | IDEAL agrees | disagrees | no block |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    from iacfix.engine.selection import matches

    for rule in rules:
        c = rule.code
        v, iv = verdicts["final"][c], verdicts["ideal"][c]
        cells = [f"{hits[p][c]} ({len(tasks_hit[p][c])})" for p in ("model", "ideal", "final")]
        if not rule.default and not matches(c, meta.get("extend_select", [])):
            cells = ["opt-in: not run"] * 3
        w(
            f"| {c} | {rule.fix} | {', '.join(rule.flavours)} | {' | '.join(cells)} | {v['agree']} | {v['disagree']} | "
            f"{v['whitespace']} | {v['no final file']} | {iv['agree']} | {iv['disagree']} | {iv['no ideal block']} |"
        )
    unknown = sorted(set().union(*hits.values()) - {r.code for r in rules})
    if unknown:
        w(f"\nFindings under codes no rule declares: {', '.join(unknown)}.")
    w("")

    w("### Hits on IDEAL and on the final sources\n")
    w("Grouped by rule, part and message; each location is `task file:line`.\n")
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in records:
        for part in ("ideal", "final"):
            for f in r["parts"].get(part, {}).get("findings", []):
                fix = "fixable" if f["fixable"] else "not fixable"
                groups[(f["code"], part, f"({fix}) {f['message']}")].append(f"{r['flavour']}/{r['task']} {f['file']}:{f['line']}")
    for (code, part, message), where in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], -len(kv[1]))):
        w(f"- **{code}** {part}, {len(where)} hit{'s' * (len(where) != 1)} {_md(message)}  ")
        w("  at " + ", ".join(f"`{x}`" for x in where))
    if not groups:
        w("None.")
    w("")

    w("### MODEL fixes the final sources did not make\n")
    shown = 0
    for r in records:
        for a in r.get("agreement", []):
            if a["final"] == "disagree":
                shown += 1
                w(
                    f"- `{r['flavour']}/{r['task']}` {a['block']}:{a['line']} **{a['code']}** vs `{a['final_file'] or 'any final file'}`: "
                    f"adds {_md(json.dumps(a['added'][:3]))}, removes {_md(json.dumps(a['removed'][:3]))}"
                )
    if not shown:
        w("None.")
    w("")

    # safety
    problems = safety_problems(records)
    w("## Safety\n")
    w("| part | runs | files read | failed to parse before (syntax / cut-off block / other) | runs that changed something | broken by a fix | dropped fixes | idempotent | crashes |")
    w("|---|---|---|---|---|---|---|---|---|")
    for part in PARTS:
        recs = [(r, r["parts"][part]) for r in records if part in r["parts"] and not r["parts"][part].get("missing")]
        kinds = Counter(e["kind"] for _, rec in recs for e in rec["errors"])
        files = sum(rec["files"] for _, rec in recs) + kinds["syntax"] + kinds["other"]
        changed = sum(1 for _, rec in recs if rec["changed"])
        idem = sum(1 for _, rec in recs if rec["changed"] and rec["idempotent"])
        idem_all = sum(1 for _, rec in recs if rec["idempotent"])
        broken = sum(len(rec["second"]["broken"]) for _, rec in recs if rec.get("second"))
        crashes = kinds["crash"] + sum(len(rec["second"]["crashes"]) for _, rec in recs if rec.get("second"))
        w(
            f"| {part} | {len(recs)} | {files} | {kinds['syntax']} / {kinds['cut-off']} / {kinds['other']} | {changed} | {broken} | "
            f"{kinds['dropped']} | {idem}/{changed} changed ({_pct(idem_all, len(recs))} of all runs) | {crashes} |"
        )
    missing = [f"{r['flavour']}/{r['task']} {p}" for r in records for p, rec in r["parts"].items() if rec.get("missing")]
    if missing:
        w(f"\nMissing (not counted): {', '.join(missing)}.")
    w("")
    for name, lines in problems.items():
        w(f"**{name}**: {len(lines)}" + ("" if not lines else ""))
        for line in lines:
            w(f"- {_md(line)}")
        w("")
    others = [(r, part, e) for r in records for part, rec in r["parts"].items() for e in rec["errors"] if e["kind"] == "other"]
    if others:
        w("Other read errors (not syntax errors):\n")
        for r, part, e in others:
            w(f"- `{r['flavour']}/{r['task']}` {part} `{e['file']}:{e['line']}`: {_md(e['message'])}")
        w("")
    analysis = [f"{r['flavour']}/{r['task']}: {r['analysis_error']}" for r in records if r.get("analysis_error")]
    if analysis:
        w("The benchmark's own analysis failed on: " + "; ".join(analysis) + "\n")

    # speed
    w("## Speed\n")
    w(
        f"iacfix in this process, warm (the Node worker started and every backend imported by a first run over samples/, "
        f"which took {_s(meta['cold_start'])}), one run per tree, every fix applied in memory, nothing written; "
        f"{meta['jobs']} process(es).\n"
    )
    w(
        "Wall time per tree, and in the last columns the CPU time of the benchmark's own process for the same runs "
        "(Python's part: on a loaded machine the wall time also measures the neighbours; for TypeScript the parsing "
        "runs in the Node worker and is not in the CPU figure).\n"
    )
    w("| flavour | part | trees | median | p90 | max | total | CPU median | CPU total |")
    w("|---|---|---|---|---|---|---|---|---|")

    def cells(recs: list[dict]) -> str:
        times = [r["seconds"] for r in recs]
        cpu = [r.get("cpu", 0.0) for r in recs]
        return (
            f"{len(times)} | {_s(statistics.median(times))} | {_s(_q(times, 0.9))} | {_s(max(times))} | {_s(sum(times))} | "
            f"{_s(statistics.median(cpu))} | {_s(sum(cpu))}"
        )

    for part in PARTS:
        for flavour in FLAVOURS:
            recs = [r["parts"][part] for r in records if r["flavour"] == flavour and part in r["parts"] and not r["parts"][part].get("missing")]
            if recs:
                w(f"| {flavour} | {part} | {cells(recs)} |")
        recs = [r["parts"][part] for r in records if part in r["parts"] and not r["parts"][part].get("missing")]
        if recs:
            w(f"| **all** | {part} | {cells(recs)} |")
    w(f"\nThe whole sweep (all parts, second runs, agreement and mining included) took {_s(meta['sweep_seconds'])} of wall time.\n")

    def medians_table(figures: dict[str, dict], median_label: str) -> None:
        w(f"| flavour | trees | {median_label} | CPU median |")
        w("|---|---|---|---|")
        for flavour in FLAVOURS:
            if flavour in figures:
                r = figures[flavour]
                w(f"| {flavour} | {r['trees']} | {_s(r['median'])} | {_s(r['cpu_median'])} |")
        w("")

    fastest = meta.get("fastest_of")
    if fastest:
        runs = next(iter(fastest.values()))["runs"]
        w(
            f"The same final sources, each tree run {runs} times (in {runs} passes over all trees, every file parsed each time); "
            "each tree's fastest run, and the median of those. Neighbours on this shared machine only ever slow a run, so "
            "this is the figure the per-tree speed targets are checked against; the single runs above show the spread. "
            "The passes are made minutes apart (after the sweep, after the checkov sample, at the end)"
            + (f", at machine paces {', '.join(f'{p * 1000:.0f}' for p in meta['fastest_paces'])} ms" if meta.get("fastest_paces") else "")
            + ".\n"
        )
        medians_table(fastest, "median of each tree's fastest run")
    repeat = meta.get("repeat")
    if repeat:
        w(
            "Every tree above was parsed (the parse cache off). A repeat run over unchanged files reads its parses from the "
            "parse cache instead (TypeScript views too: the Node worker then parses a file only if a rule asks it about types). "
            "Each task's final sources run twice with the cache on, an empty folder at first; the second runs:\n"
        )
        medians_table(repeat, "median")
    scaling = meta.get("scaling")
    if scaling:
        w(
            "One big project: the final sources of each flavour's first trees gathered into one project (a CDKTF "
            "project's folders kept, a Terraform module's files side by side), against the same trees run one by one, summed; "
            "the two alternate twice and each keeps its faster. About 1 means the time grows with the size of a project "
            "as it does with the number of trees; a rule that compares every file with every other shows far above.\n"
        )
        w("| flavour | trees | files | size | one project | one by one | ratio |")
        w("|---|---|---|---|---|---|---|")
        for flavour in FLAVOURS:
            if flavour in scaling:
                r = scaling[flavour]
                ratio = f"{r['seconds'] / r['one_by_one']:.2f}" if r["one_by_one"] else "-"
                crash = f" (crash: {_md(r['crash'])})" if r.get("crash") else ""
                w(f"| {flavour} | {r['trees']} | {r['files']} | {r['bytes'] / 1000:.0f} KB | {_s(r['seconds'])}{crash} | "
                  f"{_s(r['one_by_one'])} | {ratio} |")
        w("")
    per_rule: Counter[str] = Counter()
    runs = [rec for r in records for rec in r["parts"].values() if not rec.get("missing")]
    for rec in runs:
        per_rule.update(rec.get("rule_seconds", {}))
    if per_rule:
        total = sum(rec["seconds"] for rec in runs)
        w(
            f"Where the time of those {len(runs)} first runs ({_s(total)}) went, by rule (the rest is reading, parsing and "
            "the engine): the ten costliest rules, summed over all runs.\n"
        )
        w("| rule | total | share | per run |")
        w("|---|---|---|---|")
        for code, seconds in per_rule.most_common(10):
            w(f"| {code} | {_s(seconds)} | {_pct(int(seconds * 1000), int(total * 1000))} | {_s(seconds / len(runs))} |")
        w("")
    if speed:
        w(
            f"### iacfix vs checkov on a sample of {len(speed)} trees (seed {meta['seed']})\n\n"
            f"Both as the command a user types, one after the other on each tree: `iacfix --check TREE` and "
            f"`checkov -d TREE --framework terraform cdk --quiet --compact -o json --skip-download` (checkov {meta.get('checkov', 'not run')}). "
            "Each is a fresh process, so each pays its start-up (iacfix: Python imports and, for TypeScript, the Node worker).\n"
        )
        w("| flavour | trees | iacfix median | iacfix total | checkov median | checkov total | checkov / iacfix | checkov resources seen | iacfix in-process total |")
        w("|---|---|---|---|---|---|---|---|---|")
        warm = {(r["flavour"], r["task"]): r["parts"]["final"]["seconds"] for r in records if "final" in r["parts"]}
        for flavour in list(FLAVOURS) + ["all"]:
            rows = [s for s in speed if flavour in ("all", s["flavour"])]
            if not rows:
                continue
            ia = [s["iacfix"] for s in rows]
            ck = [s["checkov"] for s in rows if "checkov" in s]
            resources = sum(s.get("checkov_resources") or 0 for s in rows)
            inproc = sum(warm.get((s["flavour"], s["task"]), 0.0) for s in rows)
            ratio = f"{sum(ck) / sum(ia):.1f}×" if ck and sum(ia) else "n/a"
            label = "**all**" if flavour == "all" else flavour
            w(
                f"| {label} | {len(rows)} | {_s(statistics.median(ia))} | {_s(sum(ia))} | "
                f"{_s(statistics.median(ck)) if ck else 'n/a'} | {_s(sum(ck)) if ck else 'n/a'} | **{ratio}** | {resources} | {_s(inproc)} |"
            )
        whole = meta.get("whole_sample")
        if whole:
            ratio = f"**{whole['checkov'] / whole['iacfix']:.1f}×**" if whole.get("checkov") else "n/a"
            w(
                f"\nThe same {whole['trees']} trees as one command of each tool, as a user scans many trees at once: "
                f"`iacfix TREE...` (the default dry run, every fix computed, with its default process pool) took "
                f"{_s(whole['iacfix'])} (peak RSS {whole['iacfix_rss_mb']:.0f} MB); `checkov -d TREE -d TREE ...` took "
                f"{_s(whole['checkov']) if whole.get('checkov') else 'n/a'}: checkov / iacfix = {ratio}"
                + (
                    f" (iacfix with an empty user cache, every text parsed and formatted afresh: {_s(whole['iacfix_cold'])}"
                    + (f", **{whole['checkov'] / whole['iacfix_cold']:.1f}×**" if whole.get("checkov") else "")
                    + ")"
                    if "iacfix_cold" in whole else ""
                )
                + ". "
                + (
                    f"Against checkov run tree by tree (the table's total, {_s(sum(s['checkov'] for s in speed if 'checkov' in s))}): "
                    f"**{sum(s['checkov'] for s in speed if 'checkov' in s) / whole['iacfix']:.1f}×**."
                    if whole.get("checkov") else ""
                )
                + "\n"
            )
        peak = max((s.get("iacfix_rss_mb") or 0.0) for s in speed)
        w(f"\nPeak RSS of an `iacfix --check TREE` run over the sample (the largest of the Python process and its Node worker): {peak:.0f} MB.\n")
        w("Sampled trees: " + ", ".join(f"{s['flavour']}/{s['task']}" for s in speed) + ".\n")
        bad = [f"{s['flavour']}/{s['task']} (iacfix exit {s['iacfix_exit']})" for s in speed if s.get("iacfix_exit") not in (0, 1)]
        if bad:
            w("iacfix exited 2 (a file it could not read or parse) on: " + ", ".join(bad) + ".\n")

    startup, memory = meta.get("startup"), meta.get("memory")
    if startup or memory:
        w("### Start-up and memory\n")
    if startup:
        w("Each a fresh process, 5 runs: median, fastest and peak RSS.\n")
        w("| command | median | fastest | peak RSS |")
        w("|---|---|---|---|")
        for name, fig in startup.items():
            w(f"| `iacfix {name}` | {_s(fig['median'])} | {_s(fig['min'])} | {fig['rss_mb']:.0f} MB |" if name == "--version"
              else f"| {name} | {_s(fig['median'])} | {_s(fig['min'])} | {fig['rss_mb']:.0f} MB |")
        w("")
    corpus_run = meta.get("whole_corpus")
    if corpus_run:
        w(
            f"The whole corpus as one command, `iacfix {meta.get('corpus', '../shared/corpus')}` (the default dry run, "
            f"{meta['tasks']} tasks, three flavours, its default process pool): {_s(corpus_run['seconds'])}, "
            f"peak RSS {corpus_run['rss_mb']:.0f} MB (the largest of its processes and their Node workers), exit {corpus_run['exit']}"
            + (
                f"; with an empty user cache (every text parsed, every .tf text formatted, the worker's code compiled afresh): "
                f"{_s(corpus_run['cold_seconds'])}, peak RSS {corpus_run['cold_rss_mb']:.0f} MB"
                if "cold_seconds" in corpus_run else ""
            )
            + ".\n"
        )
        if corpus_run.get("checkov"):
            finished = corpus_run["checkov_exit"] in (0, 1)
            at_least = "" if finished else "at least "
            w(
                f"checkov over the same {meta['tasks']} trees as one command (`checkov -d TREE -d TREE ...`, the options above, "
                f"its JSON sent to /dev/null): "
                + (
                    f"{_s(corpus_run['checkov'])}, exit {corpus_run['checkov_exit']}"
                    if finished
                    else f"**did not finish**: stopped by hand after {_s(corpus_run['checkov'])} (exit {corpus_run['checkov_exit']})"
                )
                + f", peak RSS {corpus_run['checkov_rss_mb']:.0f} MB. checkov / iacfix = {at_least}**{corpus_run['checkov'] / corpus_run['seconds']:.1f}×**"
                + (f" ({at_least}**{corpus_run['checkov'] / corpus_run['cold_seconds']:.1f}×** with iacfix's cache empty)" if "cold_seconds" in corpus_run else "")
                + ".\n"
            )
    if memory:
        w(
            f"Peak RSS of the benchmark process, which ran every tree of the sweep in turn: {memory['bench_process_mb']:.0f} MB"
            + (f"; of its Node worker: {memory['node_worker_mb']:.0f} MB" if "node_worker_mb" in memory else "")
            + ".\n"
        )

    # mining
    w("## MODEL → final differences no rule covers\n")
    compared = sum(r.get("uncovered", {}).get("blocks", 0) for r in records)
    w(
        f"Over the {compared} MODEL blocks that have a final file of the same name: the lines the final file adds (+) or "
        "removes (−) against the MODEL block, normalised (stripped, blanks collapsed, trailing `,`/`;` dropped, brackets-only "
        "lines and comments left out), less the lines iacfix's own fixes add and remove, with string literals read as "
        '`"S"` and numbers as `N` (resource types and quoted keys kept). A pattern both added and removed in one block '
        "is a changed value (`~`). Tasks: how many tasks show the pattern (the ranking); lines: how often in all.\n"
    )
    def table(title: str, recs: list[dict], key: Callable[[str], str]) -> None:
        tasks_with, lines_of = Counter(), Counter()
        for r in recs:
            seen = Counter()
            for p, n in r.get("uncovered", {}).get("patterns", {}).items():
                seen[key(p)] += n
            for p, n in seen.items():
                tasks_with[p] += 1
                lines_of[p] += n
        if not tasks_with:
            return
        w(f"### {title} ({len(recs)} tasks, {sum(r.get('uncovered', {}).get('blocks', 0) for r in recs)} blocks compared)\n")
        w("| # | pattern | tasks | lines |")
        w("|---|---|---|---|")
        ranked = sorted(tasks_with.items(), key=lambda kv: (-kv[1], -lines_of[kv[0]], kv[0]))
        for i, (p, n) in enumerate(ranked[:top], 1):
            w(f"| {i} | `{_md(p[:140])}` | {n} | {lines_of[p]} |")
        w("")

    for flavour in FLAVOURS:
        table(flavour, [r for r in records if r["flavour"] == flavour], lambda p: p)
    table("all flavours, names in snake_case", records, canonical)

    w("### Names only one side has\n")
    w(
        "The same blocks, read another way: the identifiers (attribute names, classes, functions, variables; three "
        "characters or more, outside strings and comments) that the final file has and the MODEL block has not (+), or "
        "the other way round (−), less those in the lines iacfix's fixes add or remove. Counted once per task.\n"
    )
    w("| # | " + " | ".join(FLAVOURS) + " |")
    w("|---|" + "---|" * len(FLAVOURS))
    columns = []
    for flavour in FLAVOURS:
        counts = Counter(n for r in records if r["flavour"] == flavour for n in r.get("uncovered", {}).get("names", []))
        columns.append(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
    for i in range(max((len(c) for c in columns), default=0)):
        cells = [f"`{c[i][0]}` {c[i][1]}" if i < len(c) else "" for c in columns]
        w(f"| {i + 1} | " + " | ".join(cells) + " |")
    w("")
    return "\n".join(out) + "\n"


# -- main ----------------------------------------------------------------------------------------


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def rule_states() -> dict[str, str]:
    """Each rule's code → "committed", "modified" or "new": the working tree may hold rules that
    are still being written, and the report says which were measured."""
    from iacfix.rules import all_rules

    status = {}
    for line in _git("status", "--porcelain", "--", "fixers").splitlines():
        status[Path(line[3:]).name] = "new" if line.startswith("??") else "modified"
    out = {}
    for rule in all_rules():
        module = sys.modules[type(rule).__module__]
        out[rule.code] = status.get(Path(module.__file__).name, "committed")
    return out


def _progress(label: str):
    def show(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            print(f"  {label}: {done}/{total}", file=sys.stderr, flush=True)

    return show


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", type=int, default=60, help="trees timed against checkov (default 60, split evenly across flavours)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the sample (default 8)")
    parser.add_argument(
        "--checkov-whole",
        action="store_true",
        help="also time checkov over the whole corpus as one command (49 minutes here), against iacfix's whole-corpus run",
    )
    parser.add_argument("--no-checkov", action="store_true", help="skip the checkov comparison")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the sweep (default 1: clean timings)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N tasks of each flavour (a quick look)")
    parser.add_argument("--out", type=Path, help="report file (default bench/results/corpus-<date>.md)")
    parser.add_argument(
        "--extend-select", default="", metavar="CODES", help="also run these opt-in rules (codes or prefixes, comma-separated; ALL: every rule)"
    )
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from the last run's data (bench/.cache/last-run.json)")
    args = parser.parse_args(argv)
    if args.report_only:
        data = json.loads((CACHE / "last-run.json").read_text())
        out = args.out or RESULTS / f"corpus-{data['meta']['date'][:10]}.md"
        out.write_text(report(data["records"], data["meta"], data["speed"]), encoding="utf-8")
        print(f"report: {out}", file=sys.stderr)
        return 0

    import iacfix

    # The iacfix processes timed below run with their modules' bytecode cached, as an installed
    # package has it (pip compiles it): this machine's environment turns that cache off, and each
    # start then compiled every module again (a tenth of a second of a one-file run).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    tasks = all_tasks(args.corpus)
    if args.limit:
        tasks = [t for f in FLAVOURS for t in [t for t in tasks if t.parent.name == f][: args.limit]]
    if not tasks:
        print(f"no tasks under {args.corpus}", file=sys.stderr)
        return 2
    now = datetime.now(timezone.utc)
    meta = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "iacfix": iacfix.__version__,
        "commit": _git("rev-parse", "--short", "HEAD") + ("+dirty" if _git("status", "--porcelain", "--", "src", "fixers") else ""),
        "tasks": len(tasks),
        "per_flavour": dict(Counter(t.parent.name for t in tasks)),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}",
        "command": "bench/corpus.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "seed": args.seed,
        "jobs": args.jobs,
        "rules": rule_states(),
        "extend_select": [c.strip().upper() for c in args.extend_select.split(",") if c.strip()],
        "load": [os.getloadavg()[0]],
        "pace": [machine_pace()],
    }
    print(f"warming up ...", file=sys.stderr)
    meta["cold_start"] = warm_up()
    print(f"sweeping {len(tasks)} tasks ...", file=sys.stderr)
    start = time.perf_counter()
    records = sweep(tasks, jobs=args.jobs, progress=_progress("tasks"), extend_select=meta["extend_select"])
    meta["sweep_seconds"] = time.perf_counter() - start
    # The per-tree speed figure: three passes over every task's final sources, minutes apart
    # (fastest_medians); the machine's pace is noted before each.
    fastest: dict[Path, tuple[float, float]] = {}
    meta["fastest_paces"] = []

    def timing_pass() -> None:
        print(f"each tree's final sources again (timing pass {len(meta['fastest_paces']) + 1} of 3) ...", file=sys.stderr)
        meta["fastest_paces"].append(machine_pace())
        fastest_pass(tasks, fastest)

    timing_pass()
    print("repeat runs with the parse cache ...", file=sys.stderr)
    meta["repeat"] = repeat_medians(tasks)
    meta["memory"] = memory_figures()

    speed = []
    if args.sample:
        sample = sample_tasks(tasks, args.sample, args.seed)
        checkov = None
        if not args.no_checkov:
            checkov = checkov_bin()
            meta["checkov"] = subprocess.run([str(checkov), "--version"], capture_output=True, text=True).stdout.strip()
        print(f"timing {len(sample)} trees{' against checkov' if checkov else ''} ...", file=sys.stderr)
        speed = compare_speed(sample, checkov, _progress("sample"))
        print(f"timing the {len(sample)} trees as one command of each tool ...", file=sys.stderr)
        meta["whole_sample"] = compare_whole(sample, checkov)
    timing_pass()
    if not args.limit:
        meta["whole_corpus"] = compare_corpus(tasks, args.corpus, checkov_bin() if args.checkov_whole else None)
    print("timing start-up ...", file=sys.stderr)
    meta["startup"] = startup_figures()
    timing_pass()
    meta["fastest_of"] = fastest_medians(fastest, runs=len(meta["fastest_paces"]))
    print("one big project per flavour ...", file=sys.stderr)
    meta["scaling"] = scaling_figures(tasks)

    meta["load"].append(os.getloadavg()[0])
    meta["pace"].append(machine_pace())
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "last-run.json").write_text(json.dumps({"meta": meta, "records": records, "speed": speed}, indent=1))
    out = args.out or RESULTS / f"corpus-{now.strftime('%Y-%m-%d')}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report(records, meta, speed), encoding="utf-8")
    problems = safety_problems(records)
    print(f"report: {out}", file=sys.stderr)
    for name, lines in problems.items():
        print(f"{name}: {len(lines)}", file=sys.stderr)
    return 1 if any(problems.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
