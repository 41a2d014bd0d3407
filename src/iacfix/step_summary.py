"""`python -m iacfix.step_summary LOG.sarif`: the markdown the GitHub Action appends to the job's
summary page ($GITHUB_STEP_SUMMARY): the findings per rule, each linked to its docs, then every
finding (the first MAX_ROWS) and the files that could not be read.

Read from the SARIF log the check step already wrote, so the summary costs no second run and
says exactly what code scanning was sent.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

MAX_ROWS = 200  # a job summary is capped at 1 MiB; past this many rows nobody reads on


def render(log: dict) -> str:
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"].get("rules", [])}
    results = run.get("results", [])
    problems = [n for i in run.get("invocations", []) for n in i.get("toolExecutionNotifications", []) if n.get("level") == "error"]
    fixable = sum(bool(r.get("properties", {}).get("fixable")) for r in results)
    if not results:
        out = ["### iacfix: no findings"]
    else:
        out = [f"### iacfix: {_count(len(results), 'finding')} ({fixable} fixable)", ""]
        counts = Counter(r["ruleId"] for r in results)
        fixable_by_rule = Counter(r["ruleId"] for r in results if r.get("properties", {}).get("fixable"))
        out += ["| rule | findings | fixable | what it finds |", "|---|---:|---:|---|"]
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            rule = rules.get(code, {})
            name = f"[{code}]({rule['helpUri']})" if rule.get("helpUri") else code
            out.append(f"| {name} | {n} | {fixable_by_rule[code]} | {_cell(rule.get('shortDescription', {}).get('text', ''))} |")
        out += ["", "<details><summary>Every finding</summary>", "", "| where | rule | message |", "|---|---|---|"]
        for result in results[:MAX_ROWS]:
            out.append(f"| `{_where(result)}` | {result['ruleId']} | {_cell(result['message']['text'])} |")
        if len(results) > MAX_ROWS:
            out.append(f"| … | | {len(results) - MAX_ROWS} more: run `iacfix --check` |")
        out += ["", "</details>"]
        if fixable:
            out += ["", "`iacfix --write` applies the fixable ones (`iacfix` alone shows the diff first)."]
    if problems:
        out += ["", f"**Could not be read** ({len(problems)}):", ""]
        out += [f"- `{_where(n)}`: {_cell(n['message']['text'])}" for n in problems[:MAX_ROWS]]
    return "\n".join(out) + "\n"


def _where(item: dict) -> str:
    locations = item.get("locations") or [{}]
    physical = locations[0].get("physicalLocation", {})
    uri = unquote(physical.get("artifactLocation", {}).get("uri", "?"))
    line = physical.get("region", {}).get("startLine")
    return f"{uri}:{line}" if line else uri


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _count(n: int, one: str) -> str:
    return f"{n} {one}{'s' * (n != 1)}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m iacfix.step_summary LOG.sarif", file=sys.stderr)
        return 2
    try:
        log = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"iacfix.step_summary: cannot read {args[0]}: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render(log))
    return 0


if __name__ == "__main__":
    sys.exit(main())
