#!/usr/bin/env python3
"""The provider-block pattern of the corpus's Terraform answers, before and after iacfix.

    .venv/bin/python bench/provider_blocks.py [--limit N] [--list]

The corpus's pipeline keeps a Terraform module's `provider` and `terraform` blocks in
lib/provider.tf. For each tf-hcl task, the model's answer (lib/MODEL_RESPONSE.md) is read as
`iacfix --write lib/MODEL_RESPONSE.md` reads it from inside its task folder (the default
selection, safe fixes only, the task folder as the working directory, so the layout is
recognised), and the answer *has the pattern* when one of its Terraform blocks other than
provider.tf holds a top-level `provider` or `terraform` block. Counted: MODEL answers with the
pattern before and after the fixes, and the reviewers' answers (lib/IDEAL_RESPONSE.md) with it;
then the reviewers' answers the same run changes, with the rules that changed them, apart for
those with the pattern (a known failure) and those without. Nothing is written to the corpus.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as bench  # noqa: E402  (the corpus location and the machine-independent setup)

_TOP_LEVEL = re.compile(r'^(?:provider|terraform)\s*(?:"[^"\n]*"\s*)?\{', re.M)


def has_pattern(markdown: str) -> bool:
    """Whether an answer's Terraform blocks other than provider.tf hold a provider or terraform
    block (the last version of a block repeated under one name, as iacfix reads it)."""
    from iacfix.markdown import assign_names, split_blocks

    blocks = split_blocks(markdown)
    assign_names(blocks)
    return any(
        b.language == "hcl" and Path(b.name).name != "provider.tf" and _TOP_LEVEL.search(b.content(markdown))
        for b in blocks
    )


def repaired(answer: Path, task: Path) -> tuple[str, list[str]]:
    """The answer's text after `iacfix --write` run from its task folder, and the codes of the
    findings that changed it."""
    from iacfix import engine

    result = engine.run([answer], engine.Options(), task)
    changes = dict((s.path, t) for s, t in result.changes())
    text = changes.get(answer, answer.read_text(encoding="utf-8"))
    return text, sorted({f.code for f in result.findings if f.fixable})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N tasks")
    parser.add_argument("--list", action="store_true", help="list the tasks behind each figure")
    args = parser.parse_args()
    bench.setup_worker()
    tasks = sorted(p for p in (bench.CORPUS / "tf-hcl").iterdir() if p.is_dir())[: args.limit or None]
    counts: Counter[str] = Counter()
    listed: dict[str, list[str]] = {}
    ideal_rules: Counter[str] = Counter()
    for task in tasks:
        model, ideal = task / "lib" / "MODEL_RESPONSE.md", task / "lib" / "IDEAL_RESPONSE.md"
        if model.is_file():
            before = model.read_text(encoding="utf-8")
            after, _ = repaired(model, task)
            for key, hit in (("model before", has_pattern(before)), ("model after", has_pattern(after))):
                if hit:
                    counts[key] += 1
                    listed.setdefault(key, []).append(task.name)
        if ideal.is_file():
            text = ideal.read_text(encoding="utf-8")
            known = has_pattern(text)
            if known:
                counts["ideal with the pattern"] += 1
            after, codes = repaired(ideal, task)
            if after != text:
                key = "ideal changed, with the pattern" if known else "ideal changed, no pattern"
                counts[key] += 1
                listed.setdefault(key, []).append(f"{task.name} ({', '.join(codes)})")
                ideal_rules.update(codes)
    print(f"tf-hcl tasks: {len(tasks)}")
    for key in ("model before", "model after", "ideal with the pattern", "ideal changed, with the pattern", "ideal changed, no pattern"):
        print(f"{key}: {counts[key]}")
        if args.list and key in listed:
            print("   " + ", ".join(listed[key]))
    print("rules that changed reviewers' answers (answers):", dict(sorted(ideal_rules.items())))


if __name__ == "__main__":
    main()
