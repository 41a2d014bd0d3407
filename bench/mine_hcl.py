#!/usr/bin/env python3
"""Mining plain Terraform: what the model wrote against what the task's final sources hold.

    .venv/bin/python bench/mine_hcl.py diffs  [--jobs J] [--out FILE]   # recurring differences
    .venv/bin/python bench/mine_hcl.py rules  [--jobs J] [--out FILE]   # TF rule hits, model vs final
    .venv/bin/python bench/mine_hcl.py fmt    [--out FILE]              # TF001 vs a real terraform fmt

For each task of ../shared/corpus/tf-hcl the MODEL side is the HCL code blocks of
lib/MODEL_RESPONSE.md (named by a heading, bold line or first-line comment; the last block of a
name wins, as iacfix reads answers), the FINAL side the task's lib/*.tf. Only code is compared,
never prose.

`diffs` counts, per task, mechanical differences between the two sides: the signals the rules
look for (SIGNALS below), and a generic attribute-level diff of the resources both sides declare
(matched by type and name): an attribute or nested block the final adds or drops, a literal that
changes. A difference counts once per task. `rules` runs iacfix's TF rules on both sides and
lists every hit on the final sources for review. Reports go to bench/results/hcl-*.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "tf-hcl"
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "src"))


# -- reading a task ----------------------------------------------------------------------------------


def model_blocks(task: Path) -> dict[str, str]:
    """name → text of the HCL code blocks of the task's MODEL_RESPONSE.md."""
    from iacfix.markdown import assign_names, split_blocks

    answer = task / "lib" / "MODEL_RESPONSE.md"
    if not answer.is_file():
        return {}
    markdown = answer.read_text(encoding="utf-8", errors="replace")
    blocks = split_blocks(markdown)
    assign_names(blocks)  # marks earlier versions of a name (language None)
    return {b.name: b.content(markdown) for b in blocks if b.language == "hcl" and not b.truncated}


def final_files(task: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8", errors="replace") for p in sorted((task / "lib").glob("*.tf"))}


def parsed(files: dict[str, str]):
    from iacfix.backends import hcl

    out = {}
    for name, text in files.items():
        try:
            out[name] = hcl.parse(Path(name), text)
        except Exception:
            pass
    return out


# -- signals: what the rules look for, measured on one side -----------------------------------------


def _blocks(files, type_):
    return [(n, b) for n, f in files.items() for b in f.blocks if b.type == type_]


def _resources(files, rtype):
    return [(n, b) for n, b in _blocks(files, "resource") if b.labels[:1] == [rtype]]


def _attr(block, key):
    return next((a for a in block.attributes if a.key == key), None)


def _text(files) -> str:
    return "\n".join(f.text for f in files.values())


def sig_provider_outside_provider_tf(files):
    return any(
        n.rsplit("/", 1)[-1] != "provider.tf"
        for n, f in files.items()
        for b in f.blocks
        if b.type in ("provider", "terraform")
    )


def sig_no_aws_region_variable(files):
    return any(b.labels == ["aws"] for _, b in _blocks(files, "provider")) and not any(
        b.labels == ["aws_region"] for _, b in _blocks(files, "variable")
    )


def sig_provider_region_hardcoded(files):
    for _, b in _blocks(files, "provider"):
        region = _attr(b, "region")
        if b.labels == ["aws"] and _attr(b, "alias") is None and region is not None and region.prop.value.kind == "string":
            return True
    return False


def sig_s3_lifecycle_rule_without_filter(files):
    for _, b in _resources(files, "aws_s3_bucket_lifecycle_configuration"):
        for rule in b.blocks:
            if rule.type == "rule" and not any(c.type == "filter" for c in rule.blocks) and _attr(rule, "filter") is None:
                if _attr(rule, "prefix") is None:
                    return True
    return False


def sig_timestamp_in_name(files):
    return bool(re.search(r"(name|identifier|_id)\s*=\s*[^\n]*\btimestamp\(\)", _text(files)))


def sig_eip_vpc_true(files):
    return any(_attr(b, "vpc") is not None for _, b in _resources(files, "aws_eip"))


def sig_final_snapshot_missing(files):
    for rtype in ("aws_db_instance", "aws_rds_cluster"):
        for _, b in _resources(files, rtype):
            skip = _attr(b, "skip_final_snapshot")
            if _attr(b, "final_snapshot_identifier") is None and (skip is None or skip.prop.value.text == "false"):
                return True
    return False


def sig_backend_hardcoded(files):
    for _, t in _blocks(files, "terraform"):
        for backend in t.blocks:
            if backend.type == "backend" and backend.labels == ["s3"] and backend.attributes:
                return True
    return False


def sig_backend_missing(files):
    return not any(c.type == "backend" for _, t in _blocks(files, "terraform") for c in t.blocks)


def sig_variable_without_default(files):
    return any(_attr(b, "default") is None for _, b in _blocks(files, "variable"))


def sig_markdown_escape(files):
    return bool(re.search(r"\\[_*]", _text(files)))


SIGNALS = {name[4:]: fn for name, fn in sorted(globals().items()) if name.startswith("sig_")}


def fmt_unclean(raw: dict[str, str], files) -> bool:
    """Some file is not fmt-clean (by iacfix's TF001 formatter)."""
    from iacfix.backends.hcl_format import canonical

    return any(canonical(f).changed for f in files.values())


# -- the generic diff --------------------------------------------------------------------------------


def _literal(value) -> str:
    if value.kind in ("string", "number", "bool", "null"):
        return value.text if len(value.text) < 40 else value.text[:37] + "..."
    return f"<{value.kind}>"


def resource_diffs(model, final) -> set[str]:
    """Attribute-level differences of the resources both sides declare (matched by type, name)."""
    def index(files):
        out = {}
        for _, b in _blocks(files, "resource"):
            if len(b.labels) == 2:
                out.setdefault(tuple(b.labels), b)
        return out

    m, f = index(model), index(final)
    found = set()

    def compare(path: str, mb, fb) -> None:
        ma = {a.key: a.prop.value for a in mb.attributes}
        fa = {a.key: a.prop.value for a in fb.attributes}
        for key in ma.keys() - fa.keys():
            found.add(f"drop {path}.{key}")
        for key in fa.keys() - ma.keys():
            found.add(f"add {path}.{key} = {_literal(fa[key])}")
        for key in ma.keys() & fa.keys():
            if ma[key].kind in ("string", "number", "bool") and fa[key].kind in ("string", "number", "bool"):
                if ma[key].text != fa[key].text:
                    found.add(f"change {path}.{key}: {_literal(ma[key])} -> {_literal(fa[key])}")
            elif ma[key].kind != fa[key].kind and "string" in (ma[key].kind, fa[key].kind):
                found.add(f"change {path}.{key}: <{ma[key].kind}> -> <{fa[key].kind}>")
        mbs = Counter(c.type for c in mb.blocks)
        fbs = Counter(c.type for c in fb.blocks)
        for t in mbs.keys() - fbs.keys():
            found.add(f"drop block {path}.{t}")
        for t in fbs.keys() - mbs.keys():
            found.add(f"add block {path}.{t}")
        for t in mbs.keys() & fbs.keys():
            if mbs[t] == fbs[t] == 1:
                compare(f"{path}.{t}", next(c for c in mb.blocks if c.type == t), next(c for c in fb.blocks if c.type == t))

    for key in m.keys() & f.keys():
        compare(key[0], m[key], f[key])
    # resource types the final adds or drops
    mt, ft = {k[0] for k in m}, {k[0] for k in f}
    found |= {f"drop resource {t}" for t in mt - ft} | {f"add resource {t}" for t in ft - mt}
    return found


def mine_task(task: Path):
    model_raw, final_raw = model_blocks(task), final_files(task)
    model, final = parsed(model_raw), parsed(final_raw)
    if not model or not final:
        return task.name, None
    signals = {}
    for name, fn in SIGNALS.items():
        signals[name] = (fn(model), fn(final))
    signals["not_fmt_clean"] = (fmt_unclean(model_raw, model), fmt_unclean(final_raw, final))
    return task.name, {"signals": signals, "diffs": resource_diffs(model, final)}


def cmd_diffs(args) -> str:
    tasks = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(mine_task, tasks, chunksize=4))
    usable = [(t, r) for t, r in results if r is not None]
    lines = [
        "# Terraform HCL: MODEL vs final, mechanical differences",
        "",
        f"`bench/mine_hcl.py diffs` on {len(tasks)} tasks of tf-hcl; {len(usable)} have HCL that parses on both "
        "sides (the others are left out). A task counts once per line.",
        "",
        "## Signals (tasks where the model's code has it → tasks where the final code still has it)",
        "",
        "| signal | model | final | model has it, final not |",
        "|---|---:|---:|---:|",
    ]
    for name in [*SIGNALS, "not_fmt_clean"]:
        m = sum(r["signals"][name][0] for _, r in usable)
        f = sum(r["signals"][name][1] for _, r in usable)
        fixed = sum(r["signals"][name][0] and not r["signals"][name][1] for _, r in usable)
        lines.append(f"| {name} | {m} | {f} | {fixed} |")
    counts = Counter(d for _, r in usable for d in r["diffs"])
    for title, keep in (
        ("Resource attribute differences", lambda d: " resource " not in f" {d}"),
        ("Resource types the final adds or drops", lambda d: " resource " in f" {d}"),
    ):
        lines += [
            "",
            f"## {title} (top {args.top}; resources matched by type and name)",
            "",
            "| tasks | difference |",
            "|---:|---|",
        ]
        lines += [f"| {n} | `{d}` |" for d, n in [(d, n) for d, n in counts.most_common() if keep(d)][: args.top]]
    return "\n".join(lines) + "\n"


# -- rule hits -----------------------------------------------------------------------------------------


def rules_task(task: Path):
    from iacfix import engine

    options = engine.Options(select=["TF"], terraform_version=None)
    out = {}
    answer = task / "lib" / "MODEL_RESPONSE.md"
    for side, paths in (("model", [answer] if answer.is_file() else []), ("final", sorted((task / "lib").glob("*.tf")))):
        if not paths:
            out[side] = None
            continue
        result = engine.run(paths, options, cwd=task)
        out[side] = [(f.code, str(f.path.relative_to(task)) if f.path.is_relative_to(task) else str(f.path), f.line, f.message)
                     for f in result.findings]
    return task.name, out


def _setup() -> None:
    from iacfix import tfversion

    tfversion.installed_version = lambda: None  # as the tests: results do not depend on the machine


def cmd_rules(args) -> str:
    from iacfix.rules import all_rules

    tasks = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    with ProcessPoolExecutor(args.jobs, initializer=_setup) as pool:
        results = list(pool.map(rules_task, tasks, chunksize=4))
    codes = [r for r in all_rules() if r.code.startswith("TF") and "terraform" in r.flavours]
    lines = [
        "# Terraform HCL: TF rule hits, MODEL answers vs final sources",
        "",
        f"`bench/mine_hcl.py rules` on {len(tasks)} tasks of tf-hcl: every TF rule on each task's "
        "lib/MODEL_RESPONSE.md (its HCL blocks) and on its final lib/*.tf. Tasks with at least one hit "
        "(findings in brackets).",
        "",
        "| rule | name | model | final |",
        "|---|---|---:|---:|",
    ]
    for rule in codes:
        row = []
        for side in ("model", "final"):
            hits = [[h for h in (r[side] or []) if h[0] == rule.code] for _, r in results]
            row.append(f"{sum(bool(h) for h in hits)} ({sum(len(h) for h in hits)})")
        lines.append(f"| {rule.code} | {rule.name} | {row[0]} | {row[1]} |")
    lines += ["", "## Every hit on the final sources (TF001 counted above, not listed)", ""]
    for task, r in results:
        for code, path, line, message in r["final"] or []:
            if code != "TF001":
                lines.append(f"- {task} `{path}:{line}` {code} {message}")
    return "\n".join(lines) + "\n"


# -- fmt -------------------------------------------------------------------------------------------------


def cmd_fmt(args) -> str:
    """TF001's output against `terraform fmt` on every MODEL block and final file."""
    from iacfix.backends.hcl_format import canonical

    terraform = shutil.which("terraform")
    if terraform is None:
        sys.exit("no terraform binary on PATH")
    version = subprocess.run([terraform, "version"], capture_output=True, text=True).stdout.splitlines()[0]
    texts = []
    for task in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        texts += [(f"{task.name} model {n}", t) for n, t in model_blocks(task).items()]
        texts += [(f"{task.name} final {n}", t) for n, t in final_files(task).items()]
    with tempfile.TemporaryDirectory() as tmp:
        for i, (_, text) in enumerate(texts):
            Path(tmp, f"{i}.tf").write_text(text, encoding="utf-8")
        subprocess.run([terraform, "fmt", tmp], capture_output=True)
        expected = [Path(tmp, f"{i}.tf").read_text(encoding="utf-8") for i in range(len(texts))]
    refused = unparsed = same = 0
    different = []
    parsed_texts = parsed({str(i): t for i, (_, t) in enumerate(texts)})
    for i, (label, text) in enumerate(texts):
        file = parsed_texts.get(str(i))
        if file is None:
            unparsed += 1
            continue
        mine = canonical(file).text
        if mine == expected[i]:
            same += 1
        elif expected[i] == text:
            refused += 1  # terraform fmt left it: it does not parse for Terraform
        else:
            different.append(label)
    compared = same + len(different)
    lines = [
        "# TF001 against terraform fmt",
        "",
        f"{len(texts)} files (MODEL code blocks and final lib/*.tf of tf-hcl), {version}.",
        "",
        f"- byte-identical: {same} of {compared} ({100 * same / max(compared, 1):.2f} %)",
        f"- not compared: {unparsed} do not parse for iacfix, {refused} that terraform fmt refuses (syntax errors for Terraform) "
        "while iacfix formats them",
    ]
    lines += [f"- different: {label}" for label in different]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["diffs", "rules", "fmt"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--top", type=int, default=80)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    report = {"diffs": cmd_diffs, "rules": cmd_rules, "fmt": cmd_fmt}[args.command](args)
    out = args.out or RESULTS / f"hcl-{args.command}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
