#!/usr/bin/env python3
"""The precision benchmark: iacfix's default rules over human-written projects nobody here wrote.

    .venv/bin/python bench/precision.py [--only NAME,GROUP] [--out FILE] [--report-only]

Each project of bench/human_projects.toml (extracted by bench/human_projects.py into
bench/.cache/human/<name>/) is run as a user runs `iacfix FOLDER` there: the default selection,
once as is (what `--write` would apply) and once with --unsafe-fixes (the scaffolds too). Every
finding is looked up in the judgement file, bench/precision_judgements.toml, where a person who
read the code around it said whether it is a real failure (`true`) or something a careful reviewer
leaves alone (`false`). The report (bench/results/precision-<date>.md) gives per rule the findings,
the false ones and the false *fixes* (a false finding `--write` would change), each false finding
with its why, the unjudged findings, crashes and dropped fixes, and the run time.

It exits 1 when a false finding carries a fix `--write` applies, when a fixable finding is not
judged yet (judge it first), or when a rule crashes or drops a fix: the gate that keeps false
fixes at zero as rules are added. `--record-unjudged` appends the unjudged findings to the
judgement file with an empty verdict, to be filled in.

As in bench/corpus.py, the machine's `terraform` binary is not consulted for the target Terraform
version (the projects' own `required_version` is), so the figures do not depend on what is
installed. The raw data of the last run is kept in bench/.cache/precision-last.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import human_projects  # noqa: E402  (a sibling script, not a package)
from human_projects import HumanProject, tomllib  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
JUDGEMENTS = BENCH / "precision_judgements.toml"
LAST_RUN = BENCH / ".cache" / "precision-last.json"
RESULTS = BENCH / "results"

# A finding's fix as the user meets it: "fix" (applied by --write), "scaffold" (shown in the diff,
# applied with --unsafe-fixes) or "report" (no edit: a human decides).
FIX_KINDS = ("fix", "scaffold", "report")


@dataclass
class Seen:
    """One finding of one run, as the benchmark keeps it."""

    project: str
    code: str
    file: str  # relative to the project folder, as `iacfix .` prints it there
    line: int
    message: str
    fix: str  # one of FIX_KINDS
    unsafe_only: bool = False  # raised only when the scaffolds are applied

    @property
    def digest(self) -> str:
        return message_digest(self.message)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.project, self.code, self.file, self.digest)


def message_digest(message: str) -> str:
    return hashlib.sha1(message.encode("utf-8")).hexdigest()[:10]


@dataclass
class ProjectRun:
    name: str
    group: str
    pins: str
    seconds: float = 0.0
    files: int = 0
    findings: list[Seen] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {kind, file, line, message}


# -- running ---------------------------------------------------------------------------------------


def setup_engine() -> None:
    """No terraform binary consulted (tests/conftest.py and bench/corpus.py do the same)."""
    from iacfix import tfversion

    tfversion.installed_version = lambda: None


def run_project(project: HumanProject, extend_select: tuple[str, ...] = ()) -> ProjectRun:
    from iacfix import engine

    folder = project.folder
    record = ProjectRun(project.name, project.group, project.pins)
    start = time.perf_counter()
    results = {}
    for run, unsafe_fixes in (("default", False), ("--unsafe-fixes", True)):
        options = engine.Options(unsafe_fixes=unsafe_fixes, extend_select=extend_select or None)
        try:
            results[run] = engine.run([folder], options, folder)
        except Exception as exc:  # escaped the engine's own guard: the user gets no findings at all
            record.errors.append({"kind": "crash", "file": ".", "line": 1, "run": run, "message": f"{type(exc).__name__} escaped engine.run: {exc}"})
    record.seconds = time.perf_counter() - start
    default, unsafe = results.get("default"), results.get("--unsafe-fixes")
    if default is None or unsafe is None:
        return record
    record.files = len(default.workspace.sources)
    seen = [_seen(project.name, f, folder) for f in default.findings]
    keys = {s.key for s in seen}
    for finding in unsafe.findings:
        extra = _seen(project.name, finding, folder)
        if extra.key not in keys:  # what only the repaired tree shows
            extra.unsafe_only = True
            seen.append(extra)
            keys.add(extra.key)
    record.findings = seen
    errors = {}
    for result, run in ((default, "default"), (unsafe, "--unsafe-fixes")):
        for error in result.errors:
            if error.severity == "error":
                entry = {"kind": error_kind(error.message), "file": _relative(error.path, folder), "line": error.line, "message": error.message}
                errors.setdefault((entry["file"], entry["line"], entry["message"]), {**entry, "run": run})
    record.errors += errors.values()
    return record


def _seen(project: str, finding, folder: Path) -> Seen:
    fix = "fix" if finding.edits else "scaffold" if finding.preview else "report"
    return Seen(project, finding.code, _relative(finding.path, folder), finding.line, finding.message, fix)


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def error_kind(message: str) -> str:
    if message.startswith("internal error"):
        return "crash"
    if " fix dropped: " in message:
        return "dropped"
    return "unreadable"  # a file iacfix could not read or parse: no rule saw it


# -- judgements ------------------------------------------------------------------------------------


@dataclass
class Judgement:
    project: str
    rule: str
    file: str
    digest: str
    verdict: str  # "true", "false", or "" (not judged yet)
    why: str = ""
    should: str = ""  # for a false finding: what a correct rule does instead (nothing, report, scaffold)
    line: int = 0  # for the reader only: where it was when judged
    message: str = ""  # for the reader only

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.project, self.rule, self.file, self.digest)


def load_judgements(path: Path = JUDGEMENTS) -> dict[tuple[str, str, str, str], Judgement]:
    if not path.is_file():
        return {}
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("judgement", [])
    judgements = {}
    for entry in entries:
        judgement = Judgement(**entry)
        if judgement.verdict not in ("true", "false", ""):
            raise SystemExit(f"{path}: verdict must be \"true\" or \"false\", not {judgement.verdict!r} ({judgement.key})")
        if judgement.key in judgements:
            raise SystemExit(f"{path}: judged twice: {judgement.key}")
        judgements[judgement.key] = judgement
    return judgements


def record_unjudged(runs: list[ProjectRun], judgements: dict, path: Path = JUDGEMENTS) -> int:
    """Append a template entry (empty verdict) for each finding not in the judgement file."""
    new: dict[tuple, Seen] = {}
    for run in runs:
        for seen in run.findings:
            if seen.key not in judgements:
                new.setdefault(seen.key, seen)
    with path.open("a", encoding="utf-8") as out:
        for seen in new.values():
            out.write(
                "\n[[judgement]]\n"
                f"project = {_toml(seen.project)}\nrule = {_toml(seen.code)}\nfile = {_toml(seen.file)}\n"
                f"digest = {_toml(seen.digest)}\nline = {seen.line}\nmessage = {_toml(seen.message)}\n"
                'verdict = ""\nshould = ""\nwhy = ""\n'
            )
    return len(new)


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


# -- the report ------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Per rule."""

    findings: int = 0
    projects: set = field(default_factory=set)
    fixes: int = 0
    scaffolds: int = 0
    true: int = 0
    false: int = 0
    false_fixes: int = 0
    false_scaffolds: int = 0
    unjudged: int = 0


def verdict_of(seen: Seen, judgements: dict) -> str:
    judgement = judgements.get(seen.key)
    return judgement.verdict if judgement else ""


def tally(runs: list[ProjectRun], judgements: dict) -> dict[str, Tally]:
    rules: dict[str, Tally] = defaultdict(Tally)
    for run in runs:
        for seen in run.findings:
            t = rules[seen.code]
            t.findings += 1
            t.projects.add(seen.project)
            t.fixes += seen.fix == "fix"
            t.scaffolds += seen.fix == "scaffold"
            verdict = verdict_of(seen, judgements)
            t.true += verdict == "true"
            t.false += verdict == "false"
            t.unjudged += verdict == ""
            t.false_fixes += verdict == "false" and seen.fix == "fix"
            t.false_scaffolds += verdict == "false" and seen.fix == "scaffold"
    return dict(sorted(rules.items()))


def gate_failures(runs: list[ProjectRun], judgements: dict) -> list[str]:
    """What makes the benchmark exit 1."""
    problems = []
    for run in runs:
        for seen in run.findings:
            verdict = verdict_of(seen, judgements)
            where = f"{run.name}/{seen.file}:{seen.line} {seen.code}"
            if seen.fix == "fix" and verdict == "false":
                problems.append(f"false fix: {where}")
            elif seen.fix == "fix" and verdict == "":
                problems.append(f"fixable finding not judged: {where}")
        for error in run.errors:
            if error["kind"] in ("crash", "dropped"):
                problems.append(f"{error['kind']}: {run.name}/{error['file']}:{error['line']} {error['message']}")
    return problems


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report(runs: list[ProjectRun], skipped: list[tuple[str, str]], judgements: dict, meta: dict) -> str:
    rules = tally(runs, judgements)
    total = Tally()
    for t in rules.values():
        for name in ("findings", "fixes", "scaffolds", "true", "false", "false_fixes", "false_scaffolds", "unjudged"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    with_findings = sum(1 for r in runs if r.findings)
    clean = [r.name for r in runs if not any(verdict_of(s, judgements) != "true" for s in r.findings)]
    lines = [
        f"# Precision on human-written code, {meta['date']}",
        "",
        f"iacfix {meta['version']} at {meta['commit']}; default selection"
        + (f" plus {meta['extend_select']}" if meta.get("extend_select") else "")
        + ", each project run as `iacfix FOLDER`"
        " (and again with `--unsafe-fixes`); no terraform binary consulted. Projects, their commits and why"
        " they were chosen: `bench/human_projects.toml`; judgements: `bench/precision_judgements.toml`;"
        " `bench/README.md` explains the figures.",
        "",
        f"- projects: {len(runs)} run ({', '.join(f'{g} {n}' for g, n in sorted(Counter(r.group for r in runs).items()))}),"
        f" {len(skipped)} skipped; {sum(r.files for r in runs)} files read",
        f"- run time: {sum(r.seconds for r in runs):.1f} s for both runs of every project (slowest: "
        + ", ".join(f"{r.name} {r.seconds:.1f} s" for r in sorted(runs, key=lambda r: -r.seconds)[:3])
        + ")",
        f"- findings: {total.findings} in {with_findings} projects ({total.fixes} with a fix `--write` applies,"
        f" {total.scaffolds} scaffolds, {total.findings - total.fixes - total.scaffolds} reports)",
        f"- judged true: {total.true}; **false: {total.false}**, of which **false fixes: {total.false_fixes}**"
        f" and false scaffolds: {total.false_scaffolds}; unjudged: {total.unjudged}",
        f"- projects with no false or unjudged finding: {len(clean)} of {len(runs)}",
        f"- crashes: {sum(e['kind'] == 'crash' for r in runs for e in r.errors)};"
        f" dropped fixes: {sum(e['kind'] == 'dropped' for r in runs for e in r.errors)};"
        f" files iacfix could not read: {sum(e['kind'] == 'unreadable' for r in runs for e in r.errors)}",
        "",
    ]
    for name, why in skipped:
        lines.append(f"Skipped {name}: {why}")
    if skipped:
        lines.append("")
    lines += [
        "## Per rule",
        "",
        "| rule | findings | projects | fixes | scaffolds | true | false | false fixes | false scaffolds | unjudged |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for code, t in rules.items():
        lines.append(
            f"| {code} | {t.findings} | {len(t.projects)} | {t.fixes} | {t.scaffolds} | {t.true} | {t.false}"
            f" | {t.false_fixes} | {t.false_scaffolds} | {t.unjudged} |"
        )
    lines += ["", "## False findings, by rule", ""]
    lines.append("Each with what a correct rule would do instead (`should`): nothing, report (no edit), scaffold (unsafe fix only).")
    for code in rules:
        false = [(r, s) for r in runs for s in r.findings if s.code == code and verdict_of(s, judgements) == "false"]
        if not false:
            continue
        lines += ["", f"### {code} ({len(false)})", "", "| project | where | fix | message | why false | should |", "|---|---|---|---|---|---|"]
        for run, seen in false:
            j = judgements[seen.key]
            lines.append(
                f"| {run.name} | {seen.file}:{seen.line} | {seen.fix} | {_cell(seen.message, 140)} | {_cell(j.why, 240)} | {j.should or '?'} |"
            )
    unjudged = [(r, s) for r in runs for s in r.findings if verdict_of(s, judgements) == ""]
    lines += ["", f"## Unjudged findings ({len(unjudged)})", ""]
    if unjudged:
        lines += ["Judge each in `bench/precision_judgements.toml` (`--record-unjudged` adds templates).", ""]
        lines += ["| project | rule | where | fix | digest | message |", "|---|---|---|---|---|---|"]
        for run, seen in unjudged:
            lines.append(f"| {run.name} | {seen.code} | {seen.file}:{seen.line} | {seen.fix} | {seen.digest} | {_cell(seen.message)} |")
    else:
        lines.append("None.")
    raised = {s.key for r in runs for s in r.findings}
    ran = {r.name for r in runs}
    gone = [j for j in judgements.values() if j.project in ran and j.key not in raised]
    lines += ["", f"## Judged findings not raised ({len(gone)})", ""]
    lines.append(
        "A rule repaired, a message reworded (judge the new one and drop the old entry), or a project that crashed"
        " (judged ahead on a copy that does not)."
    )
    if gone:
        lines += ["", "| project | rule | file | verdict | message |", "|---|---|---|---|---|"]
        for j in gone:
            lines.append(f"| {j.project} | {j.rule} | {j.file} | {j.verdict} | {_cell(j.message, 120)} |")
    lines += ["", "## Crashes, dropped fixes, unreadable files", ""]
    errors = [(r, e) for r in runs for e in r.errors]
    if errors:
        lines += ["| project | kind | where | run | message |", "|---|---|---|---|---|"]
        for run, e in errors:
            lines.append(f"| {run.name} | {e['kind']} | {e['file']}:{e['line']} | {e['run']} | {_cell(e['message'], 200)} |")
    else:
        lines.append("None.")
    lines += ["", "## Per project", ""]
    lines += ["| project | group | pins | files | seconds | findings | false | false fixes |", "|---|---|---|---:|---:|---:|---:|---:|"]
    for run in runs:
        false = [s for s in run.findings if verdict_of(s, judgements) == "false"]
        lines.append(
            f"| {run.name} | {run.group} | {_cell(run.pins, 60)} | {run.files} | {run.seconds:.1f} | {len(run.findings)}"
            f" | {len(false)} | {sum(s.fix == 'fix' for s in false)} |"
        )
    for run in runs:
        if not run.findings:
            continue
        lines += ["", f"### {run.name}", "", "| rule | where | fix | verdict | message |", "|---|---|---|---|---|"]
        for seen in run.findings:
            fix = seen.fix + (" (only with --unsafe-fixes)" if seen.unsafe_only else "")
            lines.append(f"| {seen.code} | {seen.file}:{seen.line} | {fix} | {verdict_of(seen, judgements) or '?'} | {_cell(seen.message)} |")
    return "\n".join(lines) + "\n"


def _meta() -> dict:
    import iacfix

    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"], capture_output=True, text=True).stdout
    return {"date": date.today().isoformat(), "version": iacfix.__version__, "commit": commit + (" (modified)" if dirty.strip() else "")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated project names or groups")
    parser.add_argument("--mirror", type=Path, default=human_projects.DEFAULT_MIRROR, help="folder of the fetched mirrors")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--out", type=Path, help="report file (default: bench/results/precision-<date>.md)")
    parser.add_argument("--report-only", action="store_true", help=f"rewrite the report from {LAST_RUN.relative_to(REPO)}")
    parser.add_argument("--record-unjudged", action="store_true", help="append unjudged findings to the judgement file")
    parser.add_argument("--extend-select", default="", help="rules added to the default selection (opt-in ones: SG101,S3101)")
    args = parser.parse_args(argv)

    if args.report_only:
        data = json.loads(LAST_RUN.read_text())
        runs = [ProjectRun(**{**r, "findings": [Seen(**s) for s in r["findings"]]}) for r in data["runs"]]
        skipped, meta = [tuple(s) for s in data["skipped"]], data["meta"]
    else:
        projects = human_projects.select(human_projects.load_manifest(), args.only)
        extraction = human_projects.extract_all(projects, args.mirror)
        skipped = [(p.name, why) for p, why in extraction.skipped]
        for name, why in skipped:
            print(f"skipped {name}: {why}", file=sys.stderr)
        setup_engine()
        runs = []
        for project in extraction.extracted:
            run = run_project(project, tuple(c.strip().upper() for c in args.extend_select.split(",") if c.strip()))
            print(f"{project.name}: {len(run.findings)} findings, {len(run.errors)} errors, {run.seconds:.1f} s", file=sys.stderr)
            runs.append(run)
        meta = {**_meta(), "extend_select": args.extend_select}
        LAST_RUN.parent.mkdir(parents=True, exist_ok=True)
        LAST_RUN.write_text(json.dumps({"meta": meta, "skipped": skipped, "runs": [asdict(r) for r in runs]}, indent=1))

    judgements = load_judgements(args.judgements)
    if args.record_unjudged:
        added = record_unjudged(runs, judgements, args.judgements)
        print(f"{added} unjudged findings appended to {args.judgements}", file=sys.stderr)
        judgements = load_judgements(args.judgements)
    out = args.out or RESULTS / f"precision-{meta['date']}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report(runs, skipped, judgements, meta), encoding="utf-8")
    print(f"report: {out}", file=sys.stderr)
    problems = gate_failures(runs, judgements)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
