#!/usr/bin/env python3
"""Terraform validity before and after iacfix: `terraform init -backend=false` + `terraform
validate -json` over every tf-hcl answer of the corpus (and of the public benchmarks in
bench/public_benchmarks.json), as the model wrote it and as iacfix repairs it, and over the final
sources (the reference answers), which must stay valid.

    .venv/bin/python bench/validate_sweep.py                     # corpus + public: writes bench/results/validity-<date>.md
    .venv/bin/python bench/validate_sweep.py --inputs corpus --limit 20 --out /tmp/v.md
    .venv/bin/python bench/validate_sweep.py --inputs iac-eval-deepseek --tasks row007,row012
    .venv/bin/python bench/validate_sweep.py --report-only      # the report again from the raw JSON

For each case, up to six variants are written to bench/.cache/validity/work/<input>/<case>/:
- model-before: the answer's code blocks as written (`iacfix --check --extract DIR answer.md`);
- model-after: as iacfix repairs them (`iacfix --extract DIR answer.md`, safe fixes);
- model-unsafe: the same with `--unsafe-fixes` (scaffolds that add infrastructure);
- final-before / final-after / final-unsafe: the final sources (the corpus task's lib/ folder, or
  the benchmark's reference answer as main.tf), as they are and after `iacfix --write`.
A block iacfix cannot read (a syntax error, a cut-off answer) is written as the model wrote it,
before and after alike, and so is every named block of another language (user_data.sh, a policy
JSON): terraform sees the answer whole. iacfix runs in this process's workers (the CLI's own
command, `--output-format json`), with its cache in bench/.cache/validity/iacfix-cache.

Each variant's root modules (the folders with .tf files no module block of the answer points at)
are then checked by bench/tfcheck.py, offline against the aws 5.100.0 mirror, in two modes:
- strict: as written. A configuration needing another provider, another aws major, a newer
  Terraform or a registry module cannot init offline: `cannot-init`, with what it needs;
- relaxed: a scratch copy with those requirements dropped and stand-ins for what the mirror
  lacks (tfcheck.relax); a variant that inits strictly is not relaxed (its relaxed result is its
  strict one). Relaxed figures cover every answer; strict ones only those that init as written.
Results are cached by content (bench/.cache/validity/terraform-results.json): a second run
checks only the variants whose files changed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import tfcheck  # noqa: E402

CACHE = HERE / ".cache"
WORK = CACHE / "validity"
CORPUS = next((p / "shared" / "corpus" for p in (REPO.parent, REPO.parent.parent) if (p / "shared" / "corpus").is_dir()), REPO.parent / "shared" / "corpus")
MANIFEST = HERE / "public_benchmarks.json"
VARIANTS = ("model-before", "model-after", "model-unsafe", "final-before", "final-after", "final-unsafe")
SKIP = ("*.md", ".terraform", ".terraform.lock.hcl", "node_modules", "__pycache__", "cdktf.out")


# -- inputs -----------------------------------------------------------------------------------------
def corpus_cases(corpus: Path) -> list[dict]:
    """Every tf-hcl task: its MODEL_RESPONSE.md and its lib/ folder (the final sources)."""
    cases = []
    for task in sorted((corpus / "tf-hcl").iterdir()):
        answer = task / "lib" / "MODEL_RESPONSE.md"
        if answer.exists():
            final = task / "lib" if any((task / "lib").rglob("*.tf")) else None
            cases.append({"input": "corpus", "name": task.name, "answer": str(answer), "final": str(final) if final else None})
    return cases


def public_cases(name: str, spec: dict, mirror: Path | None) -> list[dict]:
    """A benchmark's rows as cases: the answer as a markdown file and the reference as main.tf,
    written under bench/.cache/validity/public/<name>/ from the data file the manifest pins."""
    data = _fetch(name, spec, mirror)
    folder = WORK / "public" / name
    cases = []
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    for i, row in enumerate(rows):
        case = folder / f"row{i:03d}"
        case.mkdir(parents=True, exist_ok=True)
        (case / "answer.md").write_text(row[spec["answer"]], encoding="utf-8")
        reference = row.get(spec["reference"]) or ""
        if reference.strip():
            (case / "final").mkdir(exist_ok=True)
            (case / "final" / "main.tf").write_text(reference, encoding="utf-8")
        keep = {k: row.get(k) for k in spec.get("keep", [])}
        cases.append({"input": name, "name": case.name, "answer": str(case / "answer.md"), "final": str(case / "final") if reference.strip() else None, "meta": keep})
    return cases


def _fetch(name: str, spec: dict, mirror: Path | None) -> bytes:
    """The pinned data file: from the cache, a local git mirror of the repository, or GitHub."""
    cached = WORK / "public" / f"{name}.data"
    sources = [lambda: cached.read_bytes()]
    if mirror:
        sources.append(lambda: subprocess.run(["git", "-C", str(mirror), "show", f"{spec['commit']}:{spec['path']}"], capture_output=True, check=True).stdout)
    url = f"https://raw.githubusercontent.com/{spec['repo']}/{spec['commit']}/{urllib.parse.quote(spec['path'])}"
    sources.append(lambda: urllib.request.urlopen(url, timeout=60).read())
    for source in sources:
        try:
            data = source()
        except (OSError, subprocess.CalledProcessError):
            continue
        if hashlib.sha256(data).hexdigest() == spec["sha256"]:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(data)
            return data
    raise SystemExit(f"{name}: cannot get {spec['repo']}@{spec['commit'][:10]}:{spec['path']} with sha256 {spec['sha256'][:12]}… "
                     f"(no cache in {cached}; give --mirror a git clone of {spec['repo']}, or network)")


# -- variants (iacfix, in worker processes) -----------------------------------------------------------
_COMMAND = None


def _iacfix(args: list[str]) -> dict:
    """iacfix's own CLI command in this process, its JSON output parsed."""
    global _COMMAND
    if _COMMAND is None:
        import typer.main

        from iacfix.cli import app

        _COMMAND = typer.main.get_command(app)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = _COMMAND.main([*args, "--output-format", "json", "--jobs", "1", "--terraform-version", TERRAFORM], prog_name="iacfix", standalone_mode=False)
        except SystemExit as exc:
            code = exc.code
        except Exception as exc:  # noqa: BLE001 - a crash is a result to report
            return {"exit": "crash", "crash": f"{type(exc).__name__}: {exc}", "findings": [], "errors": []}
    try:
        report = json.loads(out.getvalue())
    except ValueError:
        return {"exit": code, "crash": err.getvalue()[-300:], "findings": [], "errors": []}
    return {"exit": code, "findings": report.get("findings", []), "errors": report.get("errors", [])}


TERRAFORM = "1.11.4"  # the target version iacfix is told: the binary the sweep validates with (set in main)


def _worker_init(terraform: str) -> None:
    global TERRAFORM
    TERRAFORM = terraform
    os.environ["IACFIX_CACHE_DIR"] = str(WORK / "iacfix-cache")


def prepare(case: dict) -> dict:
    """Write the case's variants; returns what iacfix said of each."""
    root = WORK / "work" / case["input"] / case["name"]
    out: dict = {}
    if case["answer"]:
        for variant, flags in (("model-before", ["--check"]), ("model-after", ["--no-unsafe-fixes"]), ("model-unsafe", ["--unsafe-fixes"])):
            folder = _fresh(root / variant)
            run = _iacfix([case["answer"], "--extract", str(folder), *flags])
            raw = _raw_blocks(Path(case["answer"]), folder)
            # what a block is, is read from the answer as written: the repaired variants rename the same blocks
            values_only = _tfvars_blocks(folder, out["model-before"]["tfvars"] if "model-before" in out else None)
            out[variant] = {**_summary(run), "raw": raw, "tfvars": values_only}
    if case["final"]:
        for variant, flags in (("final-before", None), ("final-after", ["--no-unsafe-fixes"]), ("final-unsafe", ["--unsafe-fixes"])):
            folder = _fresh(root / variant)
            shutil.copytree(case["final"], folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*SKIP))
            for path in folder.rglob("*"):
                path.chmod(path.stat().st_mode | 0o200)  # the corpus is read-only; its copies are written
            out[variant] = _summary(_iacfix([str(folder), "--write", *flags])) if flags else {}
    return out


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _summary(run: dict) -> dict:
    """Rule codes found (fixable ones apart), iacfix's input errors, a crash."""
    found = Counter(f["code"] for f in run["findings"])
    fixed = Counter(f["code"] for f in run["findings"] if f.get("fixable"))
    said = lambda e: f"{Path(e.get('path', '')).name}:{e.get('line', '')}: {e.get('message', '')}"[-300:]  # noqa: E731
    errors = [said(e) for e in run["errors"] if e.get("severity", "error") == "error"]
    notes = [said(e) for e in run["errors"] if e.get("severity", "error") != "error"]
    return {"found": dict(found), "fixable": dict(fixed), "input_errors": errors, "notes": notes, **({"crash": run["crash"]} if run.get("crash") else {})}


def _raw_blocks(answer: Path, folder: Path) -> list[str]:
    """Write every named block iacfix did not extract (it does not parse, or it is not code iacfix
    reads) as the answer has it; returns their names."""
    from iacfix import markdown

    text = answer.read_text(encoding="utf-8", errors="replace")
    blocks = markdown.split_blocks(text)
    markdown.assign_names(blocks)  # unnamed code blocks get block-<n>.<suffix>, as iacfix names them
    extracted = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    written = set()
    for block in blocks:  # in order: a later block of the same name wins, as in iacfix
        name = block.name
        if not name or name in extracted or name.startswith("/") or ".." in Path(name).parts:
            continue
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(block.content(text), encoding="utf-8")
        written.add(name)
    return sorted(written)


_TOP_LEVEL_BLOCK = re.compile(r"^(resource|data|module|variable|output|locals|provider|terraform|moved|import|check|removed)\b", re.M)


def _tfvars_blocks(folder: Path, names: list[str] | None = None) -> list[str]:
    """An unnamed block that only sets values (`environment = "prod"`) is a tfvars file the heading
    named in a way iacfix does not read (`(/lib/terraform.tfvars)`); as `block-<n>.tf` terraform would
    reject every line of it. It is renamed `block-<n>.tfvars` (which validate does not read). With
    `names`, those blocks are renamed whatever a fix made of them. iacfix itself names such a
    block `block-<n>.tfvars` and leaves it alone (markdown._values_only): written raw, it counts too."""
    renamed = [path.with_suffix(".tf").name for path in sorted(folder.glob("block-*.tfvars"))]
    for path in sorted(folder.glob("block-*.tf")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.name in names if names is not None else not _TOP_LEVEL_BLOCK.search(text) and re.search(r"^[\w-]+\s*=", text, re.M):
            path.rename(path.with_suffix(".tfvars"))
            renamed.append(path.name)
    return renamed


# -- terraform --------------------------------------------------------------------------------------
def roots(folder: Path) -> list[str]:
    """The root modules: folders holding .tf files that no module block in the tree points at."""
    dirs = sorted({p.parent for p in folder.rglob("*.tf") if ".terraform" not in p.parts})
    called = set()
    for d in dirs:
        for path in d.glob("*.tf"):
            text = path.read_text(encoding="utf-8", errors="replace")
            called |= {(d / s).resolve() for s in re.findall(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', text, re.M)}
    found = [d for d in dirs if d.resolve() not in called] or dirs[:1]
    return [d.relative_to(folder).as_posix() or "." for d in found]


def content_key(folder: Path) -> str:
    """What a verdict depends on: the files, with the .tf files' horizontal whitespace and blank
    lines left out. Two variants equal but for those (what `terraform fmt`, and so TF001, changes)
    share one terraform run; a change of line structure or of anything else gets its own."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".terraform" not in p.parts and p.name != ".terraform.lock.hcl"):
        data = path.read_bytes()
        if path.suffix == ".tf":
            data = b"\n".join(line for line in re.sub(rb"[ \t\r]+", b"", data).split(b"\n") if line)
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def check_variant(tf: tfcheck.Terraform, folder: Path, mode: str, work: Path = WORK) -> dict:
    """The variant's verdict in `mode` (strict | relaxed), each root module checked on its own
    (the slow, plain way: check_many gives the same verdicts for many variants at once)."""
    return check_many(tf, {"one": folder}, mode, jobs=1, batch=1, work=work)["one"]


BATCH = 25  # root modules per terraform process (it reads the 600 MB provider's schema once)


def check_many(tf: tfcheck.Terraform, folders: dict[str, Path], mode: str, jobs: int, batch: int = BATCH, work: Path = WORK) -> dict[str, dict]:
    """Verdicts of many variants (key → folder) in `mode`:
    - strict: a variant that needs what the mirror lacks (tfcheck.blocking of what relax would
      change) is `cannot-init` without running terraform; the others are checked as written;
    - relaxed: each variant is checked in a relaxed copy (tfcheck.relax).
    Every root module is first loaded without providers (precheck: a syntax error or a duplicate
    ends there, as in a full validate); those that load are validated `batch` at a time as child
    modules of one generated root (tfcheck.check_batch), or alone when tfcheck.batchable says a
    child module would not validate as a root does. A variant is invalid when one of its roots is,
    cannot-init when one cannot init (and none is invalid)."""
    terraform, out, targets = tfcheck.terraform_version(), {}, {}
    scratch = work / "scratch"  # relaxed copies, batches: under `work`
    for key, folder in folders.items():
        target, notes = folder, []
        if mode == "relaxed":
            target = work / "relaxed" / key
            notes = tfcheck.relax(folder, target)
        else:
            needs = tfcheck.blocking(tfcheck.relax(folder, scratch / key), terraform)
            shutil.rmtree(scratch / key, ignore_errors=True)
            if needs:
                out[key] = {"status": "cannot-init", "roots": roots(folder), "diagnostics": [], "init_failures": needs, "notes": [], "seconds": 0}
                continue
        targets[key] = (target, roots(target), notes)
    members = {f"{key}|{root}": target / root for key, (target, found, _) in targets.items() for root in found}
    by_member: dict[str, dict] = {}
    with ThreadPoolExecutor(jobs) as pool:
        for member, errors in zip(members, pool.map(lambda m: _precheck_tree(tf, members[m]), members)):
            if errors:
                by_member[member] = {"status": "invalid", "diagnostics": errors, "init_failures": [], "warnings": 0, "seconds": 0, "batch": 0}
        loading = [m for m in members if m not in by_member]
        grouped = [m for m in loading if batch > 1 and tfcheck.batchable(members[m])]
        runs = [grouped[i : i + batch] for i in range(0, len(grouped), batch)] + [[m] for m in loading if m not in grouped]

        def one(item):
            n, group = item
            if len(group) == 1:
                return {group[0]: tf.check(members[group[0]])}
            return tf.check_batch({m: members[m] for m in group}, work / "batches" / f"{mode}-{n}")

        for n, part in enumerate(pool.map(one, enumerate(runs)), 1):
            by_member.update(part)
            if n % 10 == 0:
                print(f"  {mode}: {n}/{len(runs)} terraform runs", file=sys.stderr)
    for key, (target, found, notes) in targets.items():
        results = {root: by_member[f"{key}|{root}"] for root in found}
        out[key] = _combine(results, notes)
        if mode == "relaxed":
            shutil.rmtree(target, ignore_errors=True)
    return out


def _precheck_tree(tf: tfcheck.Terraform, root: Path) -> list[dict]:
    """precheck of the root and of every other folder of .tf files below it (a local module: a root
    does not load its modules before init), paths relative to the root."""
    errors = []
    for folder in sorted({p.parent for p in root.rglob("*.tf") if ".terraform" not in p.parts}, key=lambda p: (p != root, str(p))):
        prefix = "" if folder == root else folder.relative_to(root).as_posix() + "/"
        errors += [{**d, "file": prefix + d["file"]} for d in tf.precheck(folder)]
    return errors


def _combine(results: dict[str, dict], notes: list[str]) -> dict:
    if not results:
        return {"status": "no-terraform", "roots": [], "diagnostics": [], "init_failures": [], "notes": notes, "seconds": 0}
    statuses = {r["status"] for r in results.values()}
    prefix = lambda root: "" if root == "." else root + "/"  # noqa: E731
    return {
        "status": "invalid" if "invalid" in statuses else "cannot-init" if "cannot-init" in statuses else "valid",
        "roots": list(results),
        "diagnostics": [{**d, "file": prefix(root) + d["file"]} for root, r in results.items() for d in r["diagnostics"]],
        "init_failures": sorted({f for r in results.values() for f in r["init_failures"]}),
        "warnings": sum(r.get("warnings", 0) for r in results.values()),
        "notes": notes,
        "seconds": round(sum(r["seconds"] for r in results.values()), 2),
        "how": sorted({"precheck" if r.get("batch") == 0 else "batch" if r.get("batch") else "alone" for r in results.values()}),
    }


class ResultCache:
    """Terraform verdicts by (mode, variant content, checker): unchanged variants are not checked again."""

    def __init__(self, path: Path, salt: str):
        self.path, self.salt = path, salt
        self.data = json.loads(path.read_text()) if path.exists() else {}

    def key(self, mode: str, digest: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{mode}\0{digest}".encode()).hexdigest()[:32]

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data))


def run_terraform(cases: list[dict], prepared: dict, tf: tfcheck.Terraform, jobs: int) -> dict:
    salt = f"{tfcheck.terraform_version()} aws {tfcheck.AWS_VERSION} {hashlib.sha256(Path(tfcheck.__file__).read_bytes()).hexdigest()[:12]}"
    cache = ResultCache(WORK / "terraform-results.json", salt)
    stats = Counter()
    for mode in ("strict", "relaxed"):
        todo: dict[str, list[tuple[dict, Path]]] = {}
        for case in cases:
            for variant, info in prepared[(case["input"], case["name"])].items():
                folder = WORK / "work" / case["input"] / case["name"] / variant
                info.setdefault("key", content_key(folder))
                if mode == "relaxed" and info["strict"]["status"] != "cannot-init":
                    info["relaxed"] = info["strict"]
                    continue
                key = cache.key(mode, info["key"])
                if key in cache.data:
                    info[mode] = cache.data[key]
                    stats[f"{mode} cached"] += 1
                else:
                    todo.setdefault(key, []).append((info, folder))
        started = time.perf_counter()
        print(f"  {mode}: {len(todo)} variants to check", file=sys.stderr)
        for key, result in check_many(tf, {k: v[0][1] for k, v in todo.items()}, mode, jobs).items():
            cache.data[key] = result
            for info, _ in todo[key]:
                info[mode] = result
            stats[f"{mode} via " + "+".join(result.get("how", ["none"]))] += 1
        cache.save()
        stats[f"{mode} checked"] += len(todo)
        stats[f"{mode} seconds"] = round(time.perf_counter() - started)
    return dict(stats)


def verify(cases: list[dict], prepared: dict, tf: tfcheck.Terraform, sample: int, seed: int = 1) -> list[str]:
    """Check `sample` variants again one root at a time (no precheck, no batch; a relaxed verdict
    in a fresh relaxed copy) and list every verdict that differs from the sweep's: the check of
    the sweep's shortcuts."""
    import random

    pool = [(c, v, info) for c in cases for v, info in prepared[(c["input"], c["name"])].items() if info.get("relaxed", {}).get("status") in ("valid", "invalid")]
    differ = []
    for case, variant, info in random.Random(seed).sample(pool, min(sample, len(pool))):
        folder = WORK / "work" / case["input"] / case["name"] / variant
        mode = "relaxed" if info["strict"]["status"] == "cannot-init" else "strict"
        if mode == "relaxed":
            tfcheck.relax(folder, WORK / "verify")
            folder = WORK / "verify"
        plain = _combine({root: tf.check(folder / root) for root in roots(folder)}, [])
        summary = lambda r: (r["status"], sorted((d["file"], *classify(d), _no_paths(d["detail"])[:80]) for d in r["diagnostics"]))  # noqa: E731
        if summary(plain) != summary(info[mode]):
            differ.append(f"{case['name']} {variant} ({mode}): sweep {summary(info[mode])} / alone {summary(plain)}")
    shutil.rmtree(WORK / "verify", ignore_errors=True)
    return [f"{min(sample, len(pool))} variants checked again one root at a time (no precheck, no batch); {len(differ)} differ"] + differ


def _no_paths(detail: str) -> str:
    """A detail without the folder it was checked in (a relaxed copy's path differs run to run)."""
    return re.sub(r'"/[^"]*/([^"/]+)"', r'"\1"', re.sub(r'"\./', '"', detail))


# -- classification ---------------------------------------------------------------------------------
_DETAIL_KEYS = [  # (summary, detail pattern): what the diagnostic is about
    ("Unsupported argument", r'An argument named "([^"]+)" is not expected'),
    ("Missing required argument", r'The argument "([^"]+)" is required'),
    ("Unsupported block type", r'Blocks of type "([^"]+)" are not expected'),
    ("Invalid resource type", r'does not support resource type "([^"]+)"'),
    ("Invalid data source", r'does not support data source "([^"]+)"'),
    ("Unsupported attribute", r'(?:named|attribute) "([^"]+)"'),
    ("Incorrect attribute value type", r'Inappropriate value for attribute "([^"]+)"'),
    ("Missing required argument", r'"([^"]+)"'),
    ("Reference to undeclared resource", r'A managed resource "([^"]+)"'),
    ("Reference to undeclared", r'"([^"]+)"'),
    ("Invalid Attribute Combination", r'"([^"]+)"'),
    ("Conflicting configuration arguments", r'"([^"]+)": conflicts with'),
    ("Invalid combination of arguments", r'"([^"]+)": (?:one|only one|all) of'),
    ("Missing required argument", r'"([^"]+)": one of'),
]


def classify(d: dict) -> tuple[str, str, str]:
    """(category, resource type, the argument/block/type it is about) of a diagnostic."""
    summary, detail = d["summary"], d["detail"]
    context = re.match(r'(resource|data|module|provider|variable|output)\s+"([^"]+)"', d.get("context") or "")
    rtype = (("data." if context[1] == "data" else "") + context[2] if context[1] in ("resource", "data") else f"{context[1]} block") if context else ""
    if m := re.match(r'Duplicate (resource|data) "([\w-]+)" configuration', summary):
        return f"Duplicate {m[1]} configuration", rtype or (("data." if m[1] == "data" else "") + m[2]), m[2]
    if m := re.match(r"(Insufficient|Too many) ([\w-]+) blocks", summary):
        return f"{m[1]} nested blocks", rtype, m[2]
    if m := re.match(r"expected ([\w.]+) to be one of", summary):
        return "Value not among the allowed ones (provider validation)", rtype, re.sub(r"\.\d+", "", m[1])
    if m := re.match(r"invalid value for ([\w.]+)", summary):
        return "Invalid value (provider validation)", rtype, m[1]
    if summary == "Provider configuration not present" and (m := re.search(r'provider\["[^"]+"\]\.([\w-]+)', detail)):
        return summary, rtype, f"alias {m[1]}"
    if summary.startswith("Cycle:"):
        return "Cycle", rtype, ", ".join(sorted(n.strip() for n in summary[len("Cycle:"):].split(",")))
    if summary in ("Invalid function argument", "Error in function call") and ("no file exists" in detail or "no such file or directory" in detail):
        return "Invalid function argument: a file the answer does not provide", rtype, ""
    if "syntax" in summary.lower() or summary in ("Argument or block definition required", "Invalid expression", "Unclosed configuration block", "Invalid character", "Missing newline after argument", "Invalid block definition", "Unterminated template string", "Invalid multi-line string", "Missing item separator", "Invalid single-argument block definition", "Extra characters after interpolation expression", "Missing key/value separator", "Invalid reference"):
        return f"syntax: {summary}", rtype, ""
    for prefix, pattern in _DETAIL_KEYS:
        if summary.startswith(prefix):
            m = re.search(pattern, detail)
            if m:
                return summary, rtype, m[1]
    return summary, rtype, ""


# -- report -----------------------------------------------------------------------------------------
def verdicts(records: list[dict], part: str, mode: str) -> dict:
    """Per variant status counts and the transitions that matter."""
    rows = [r for r in records if f"{part}-before" in r["variants"]]
    status = lambda r, v: r["variants"].get(f"{part}-{v}", {}).get(mode, {}).get("status")  # noqa: E731
    out = {"cases": len(rows)}
    for v in ("before", "after", "unsafe"):
        out[v] = Counter(status(r, v) for r in rows)
    invalid_before = [r for r in rows if status(r, "before") == "invalid"]
    out["invalid_before"] = [r["name"] for r in invalid_before]
    out["fixed_safe"] = [r["name"] for r in invalid_before if status(r, "after") == "valid"]
    out["fixed_unsafe"] = [r["name"] for r in invalid_before if status(r, "unsafe") == "valid"]
    valid_before = [r for r in rows if status(r, "before") == "valid"]
    out["broken_safe"] = [r["name"] for r in valid_before if status(r, "after") == "invalid"]
    out["broken_unsafe"] = [r["name"] for r in valid_before if status(r, "unsafe") == "invalid"]
    out["lost_init_safe"] = [r["name"] for r in valid_before if status(r, "after") == "cannot-init"]
    out["lost_init_unsafe"] = [r["name"] for r in valid_before if status(r, "unsafe") == "cannot-init"]
    return out


def diagnostics_of(records: list[dict], variant: str, mode: str, only: set[str] | None = None) -> list[tuple[str, dict]]:
    return [(r["name"], d) for r in records if only is None or r["name"] in only for d in r["variants"].get(variant, {}).get(mode, {}).get("diagnostics", [])]


def category_table(records: list[dict], part: str, mode: str, scope: set[str]) -> list[str]:
    before = Counter(classify(d)[0] for _, d in diagnostics_of(records, f"{part}-before", mode, scope))
    after = Counter(classify(d)[0] for _, d in diagnostics_of(records, f"{part}-after", mode, scope))
    unsafe = Counter(classify(d)[0] for _, d in diagnostics_of(records, f"{part}-unsafe", mode, scope))
    tasks = lambda v: defaultdict(set, {c: {n for n, d in diagnostics_of(records, f"{part}-{v}", mode, scope) if classify(d)[0] == c} for c in set(before) | set(after)})  # noqa: E731
    tb, ta = tasks("before"), tasks("after")
    lines = ["| category | before (answers) | after, safe (answers) | after, unsafe | change (safe) |", "|---|---:|---:|---:|---:|"]
    for c in sorted(set(before) | set(after) | set(unsafe), key=lambda c: (-after[c], -before[c], c)):
        lines.append(f"| {c} | {before[c]} ({len(tb[c])}) | {after[c]} ({len(ta[c])}) | {unsafe[c]} | {after[c] - before[c]:+d} |")
    lines.append(f"| **all** | **{sum(before.values())}** | **{sum(after.values())}** | **{sum(unsafe.values())}** | {sum(after.values()) - sum(before.values()):+d} |")
    return lines


def pair_table(records: list[dict], part: str, mode: str, scope: set[str], top: int = 25) -> list[str]:
    key = lambda d: classify(d)  # noqa: E731
    before = Counter(key(d) for _, d in diagnostics_of(records, f"{part}-before", mode, scope) if key(d)[2])
    after = Counter(key(d) for _, d in diagnostics_of(records, f"{part}-after", mode, scope) if key(d)[2])
    examples = defaultdict(list)
    for name, d in diagnostics_of(records, f"{part}-after", mode, scope):
        if len(examples[key(d)]) < 2 and key(d)[2]:
            examples[key(d)].append(f"{name} {d['file']}:{d['line']}")
    lines = ["| category | resource type | argument / block / type | before | after | e.g. (after) |", "|---|---|---|---:|---:|---|"]
    for k in sorted(set(before) | set(after), key=lambda k: (-after[k], -before[k], k))[:top]:
        lines.append(f"| {k[0]} | {k[1] or '—'} | `{k[2]}` | {before[k]} | {after[k]} | {', '.join(examples[k])} |")
    return lines


def examples(records: list[dict], part: str, mode: str, scope: set[str], per: int = 3, top: int = 12) -> list[str]:
    by = defaultdict(list)
    for name, d in diagnostics_of(records, f"{part}-after", mode, scope):
        by[classify(d)[0]].append((name, d))
    lines = []
    for c, items in sorted(by.items(), key=lambda kv: -len(kv[1]))[:top]:
        lines.append(f"- **{c}** ({len(items)} in {len({n for n, _ in items})} answers):")
        seen = set()
        for name, d in items:
            if name in seen:
                continue
            seen.add(name)
            lines.append(f"  - {name} `{d['file']}:{d['line']}` {d['context'] or ''}: {d['detail'].splitlines()[0][:160] if d['detail'] else d['summary']}")
            if len(seen) == per:
                break
    return lines


def init_table(records: list[dict], part: str, terraform: str) -> list[str]:
    """Why the variants that cannot init offline cannot (what relax had to drop or stand in for)."""
    rows = [r for r in records if r["variants"].get(f"{part}-before", {}).get("strict", {}).get("status") == "cannot-init"]
    needs = Counter(n for r in rows for n in tfcheck.blocking(r["variants"][f"{part}-before"].get("relaxed", {}).get("notes", []), terraform))
    lines = [f"{len(rows)} of {sum(1 for r in records if f'{part}-before' in r['variants'])} cannot init offline as written; what they need (one can need several):", ""]
    return lines + [f"- {n} × {k}" for k, n in needs.most_common(25)]


def layout_changes(records: list[dict], variant: str) -> list[str]:
    """Final sources valid before whose .tf files changed beyond whitespace after iacfix."""
    out = []
    for r in records:
        if r["variants"].get("final-before", {}).get("relaxed", {}).get("status") != "valid" or variant not in r["variants"]:
            continue
        a, b = WORK / "work" / r["input"] / r["name"] / "final-before", WORK / "work" / r["input"] / r["name"] / variant
        changed = [p.relative_to(b).as_posix() for p in sorted(b.rglob("*.tf")) if not (a / p.relative_to(b)).exists() or _squash((a / p.relative_to(b)).read_text(errors="replace")) != _squash(p.read_text(errors="replace"))]
        changed += [p.relative_to(a).as_posix() + " (removed)" for p in sorted(a.rglob("*.tf")) if not (b / p.relative_to(a)).exists()]
        if changed:
            rules = {k: v for k, v in r["variants"][variant].get("fixable", {}).items() if k != "TF001"}
            out.append(f"{r['name']}: {', '.join(changed[:4])}{' …' if len(changed) > 4 else ''} (rules: {', '.join(f'{k}×{v}' for k, v in sorted(rules.items())) or 'TF001 only'})")
    return out


def _values_changed(record: dict, name: str) -> bool:
    folder = WORK / "work" / record["input"] / record["name"]
    before, after = (folder / "model-before" / name).with_suffix(".tfvars"), (folder / "model-after" / name).with_suffix(".tfvars")
    return before.exists() and after.exists() and _squash(before.read_text(errors="replace")) != _squash(after.read_text(errors="replace"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def input_report(name: str, records: list[dict], terraform: str) -> str:
    lines = [f"## {name}: {len(records)} answers", ""]
    no_tf = [r["name"] for r in records if r["variants"].get("model-before", {}).get("strict", {}).get("status") == "no-terraform"]
    unparsed = [r["name"] for r in records if r["variants"].get("model-before", {}).get("input_errors")]
    tfvars = [r["name"] for r in records if r["variants"].get("model-before", {}).get("tfvars")]
    tfvars_edited = [f"{r['name']} {name}" for r in records for name in r["variants"].get("model-before", {}).get("tfvars", [])
                     if _values_changed(r, name)]
    crashes = [f"{r['name']} {v}" for r in records for v, i in r["variants"].items() if i.get("crash")]
    lines += [
        f"- answers with no Terraform block: {len(no_tf)}; with a block iacfix cannot read (written as the model wrote it, so terraform sees it: a syntax error, a cut-off answer): {len(unparsed)}; "
        f"with an unnamed block of values only, renamed .tfvars: {len(tfvars)}; of those blocks, changed by a safe fix beyond layout "
        f"(a fix that took a tfvars file for Terraform code): {len(tfvars_edited)}{' (' + ', '.join(tfvars_edited[:12]) + ')' if tfvars_edited else ''}",
        f"- iacfix crashes: {len(crashes)}{' (' + ', '.join(crashes[:10]) + ')' if crashes else ''}",
        "",
    ]
    for mode, what in (("relaxed", "every answer; those that cannot init offline are checked in a relaxed copy (stand-ins for other providers and registry modules, version constraints dropped)"),
                       ("strict", "as written; answers that cannot init offline (another provider, another aws major, a registry module) are left out")):
        for part, label in (("model", "MODEL answers"), ("final", "final sources (references)")):
            v = verdicts(records, part, mode)
            if not v["cases"]:
                continue
            s = lambda c: ", ".join(f"{k} {n}" for k, n in sorted(c.items(), key=lambda kv: str(kv[0])))  # noqa: E731
            lines += [
                f"### {label}, {mode}: {what}",
                "",
                f"- before: {s(v['before'])}",
                f"- after (safe fixes): {s(v['after'])}; with --unsafe-fixes: {s(v['unsafe'])}",
                f"- **invalid before: {len(v['invalid_before'])}; valid after: {len(v['fixed_safe'])} (safe), {len(v['fixed_unsafe'])} (unsafe)**",
                f"- valid before, invalid after (must be 0): {len(v['broken_safe'])} safe {v['broken_safe'] or ''}, {len(v['broken_unsafe'])} unsafe {v['broken_unsafe'] or ''}",
                f"- valid before, cannot init offline after (a fix added a provider the mirror lacks): {len(v['lost_init_safe'])} safe {v['lost_init_safe'] or ''}, {len(v['lost_init_unsafe'])} unsafe {v['lost_init_unsafe'] or ''}",
                "",
            ]
            if part == "model":
                scope = set(v["invalid_before"]) | {r["name"] for r in records if r["variants"].get("model-after", {}).get(mode, {}).get("status") == "invalid"}
                lines += [f"Diagnostics (errors) by category, over the answers invalid before or after ({len(scope)}), biggest after first:", ""]
                lines += category_table(records, part, mode, scope) + [""]
                if mode == "relaxed":
                    lines += ["Top (resource type, argument/block/type) pairs:", ""] + pair_table(records, part, mode, scope) + [""]
                    lines += ["Examples of what remains after iacfix (safe fixes), biggest categories first:", ""] + examples(records, part, mode, scope) + [""]
            elif mode == "relaxed":
                changed = layout_changes(records, "final-after")
                lines += [f"Final sources valid before whose .tf files iacfix changes beyond layout (safe fixes): {len(changed)}", ""]
                lines += [f"- {c}" for c in changed[:40]] + [""]
                if any(r["variants"].get("final-before", {}).get(mode, {}).get("status") == "invalid" for r in records):
                    scope = {r["name"] for r in records if r["variants"].get("final-before", {}).get(mode, {}).get("status") == "invalid"}
                    lines += [f"Final sources invalid before ({len(scope)}), by category:", ""] + category_table(records, part, mode, scope) + [""]
                    lines += examples(records, part, mode, scope, per=2, top=8) + [""]
    lines += ["### What cannot init offline", ""]
    for part, label in (("model", "MODEL answers"), ("final", "final sources")):
        lines += [f"{label}: " + "\n".join(init_table(records, part, terraform)), ""]
    if name != "corpus" and records and records[0].get("meta"):
        lines += iac_eval_agreement(records)
    return "\n".join(lines) + "\n"


def iac_eval_agreement(records: list[dict]) -> list[str]:
    """The benchmark's own verdict (terraform plan) beside ours (validate), as a sanity check."""
    table = Counter((r["meta"].get("LLM Plannable? #0"), r["variants"].get("model-before", {}).get("relaxed", {}).get("status")) for r in records)
    lines = ["### Against the benchmark's own verdict", "", "IaC-Eval ran `terraform plan` (with AWS credentials) on each answer; its verdict beside this sweep's (model-before, relaxed):", "",
             "| IaC-Eval plannable | validate: valid | invalid | cannot-init | no-terraform |", "|---|---:|---:|---:|---:|"]
    for p in sorted({k[0] for k in table}, key=str):
        lines.append(f"| {p} | {table[(p, 'valid')]} | {table[(p, 'invalid')]} | {table[(p, 'cannot-init')]} | {table[(p, 'no-terraform')]} |")
    return lines + [""]


def report(raw: dict) -> str:
    meta = raw["meta"]
    head = [
        "# Terraform validity before and after iacfix",
        "",
        f"`bench/validate_sweep.py`, {meta['date']}, iacfix at {meta['commit']}; Terraform {meta['terraform']}, hashicorp/aws {tfcheck.AWS_VERSION} "
        f"(filesystem mirror, offline). Wall time {meta['seconds']} s (iacfix {meta['iacfix_seconds']} s; terraform: {meta['terraform_stats']}).",
        "",
        "Each answer's verdict is `terraform init -backend=false` + `terraform validate -json` on its root modules. *Before*: the "
        "answer's blocks as written; *after*: as `iacfix` repairs them (safe fixes; `--unsafe-fixes` beside). *Relaxed* figures cover every "
        "answer: one that needs what the offline mirror lacks (another provider, another aws major, a newer Terraform, a registry module) "
        "is validated in a copy where those are stand-ins (`terraform_data`) and the constraints are dropped; *strict* figures leave such "
        "answers out. bench/README.md explains each figure.",
        "",
    ]
    if meta.get("verify"):
        head += [f"Batching check: {meta['verify'][0]}.", *[f"- {line}" for line in meta["verify"][1:]], ""]
    return "\n".join(head) + "\n" + "\n".join(input_report(name, recs, meta["terraform"]) for name, recs in raw["inputs"].items())


# -- main -------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--inputs", default="all", help="corpus, a benchmark name of public_benchmarks.json, comma-separated, or all")
    parser.add_argument("--tasks", help="only these cases (comma-separated names)")
    parser.add_argument("--limit", type=int, help="the first N cases of each input")
    parser.add_argument("--jobs", type=int, default=2, help="iacfix worker processes and parallel terraform runs")
    parser.add_argument("--mirror", type=Path, action="append", default=[], help="a local git clone of a benchmark's repository")
    parser.add_argument("--out", type=Path, default=HERE / "results" / f"validity-{time.strftime('%Y-%m-%d')}.md")
    parser.add_argument("--json", type=Path, default=WORK / "results.json")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--models-only", action="store_true", help="the MODEL answers alone (not the final sources: most of the relaxed checks)")
    parser.add_argument("--verify", type=int, default=0, help="check N random variants again one root at a time (no precheck, no batch) and compare")
    args = parser.parse_args()
    if args.report_only:
        args.out.write_text(report(json.loads(args.json.read_text())))
        print(args.out)
        return
    if not tfcheck.available():
        raise SystemExit(f"needs terraform on PATH and the aws {tfcheck.AWS_VERSION} mirror in {tfcheck.MIRROR}")
    started = time.perf_counter()
    manifest = json.loads(MANIFEST.read_text())
    wanted = list(manifest) + ["corpus"] if args.inputs == "all" else args.inputs.split(",")
    cases = []
    for name in ["corpus", *manifest]:
        if name not in wanted:
            continue
        some = corpus_cases(args.corpus) if name == "corpus" else public_cases(name, manifest[name], next((m for m in args.mirror if manifest[name]["repo"].replace("/", "+") in str(m)), args.mirror[0] if args.mirror else None))
        if args.tasks:
            some = [c for c in some if c["name"] in args.tasks.split(",")]
        cases += some[: args.limit]
    if args.models_only:
        cases = [{**c, "final": None} for c in cases]
    terraform = tfcheck.terraform_version()
    print(f"{len(cases)} cases; iacfix over every variant ({args.jobs} processes)", file=sys.stderr)
    with ProcessPoolExecutor(args.jobs, initializer=_worker_init, initargs=(terraform,)) as pool:
        prepared = {(c["input"], c["name"]): p for c, p in zip(cases, pool.map(prepare, cases, chunksize=4))}
    iacfix_seconds = round(time.perf_counter() - started)
    print(f"iacfix done in {iacfix_seconds} s; terraform ({args.jobs} at a time)", file=sys.stderr)
    tf = tfcheck.Terraform(WORK / "terraform")
    stats = run_terraform(cases, prepared, tf, args.jobs)
    checked = verify(cases, prepared, tf, args.verify) if args.verify else []
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "src", "fixers"], capture_output=True, text=True, cwd=REPO).stdout.strip()
    raw = {
        "meta": {"date": time.strftime("%Y-%m-%d"), "commit": commit + (" (plus uncommitted changes)" if dirty else ""), "terraform": terraform,
                 "seconds": round(time.perf_counter() - started), "iacfix_seconds": iacfix_seconds, "terraform_stats": stats, "verify": checked},
        "inputs": defaultdict(list),
    }
    for c in cases:
        raw["inputs"][c["input"]].append({**c, "variants": prepared[(c["input"], c["name"])]})
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(raw, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(raw))
    print(args.out.read_text())


if __name__ == "__main__":
    main()
