#!/usr/bin/env python3
"""Render docs/seeds.md, the seed → codes map (every row of ../shared/seeds and the rules that
answer it), and the rules table of README.md (between its `rules:start` / `rules:end` markers).

The codes come from the rules themselves (`Rule.seeds`); what each row is about, in our words,
and what part of it is not automated, are kept here. tests/test_seeds.py checks the docs are
current and that every row of the seeds is in ROWS and answered by a rule.

    python scripts/seed_map.py          # rewrite docs/seeds.md and README.md's rules table
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

SEED_FLAVOUR = {"000": "CDKTF TypeScript", "001": "CDKTF Python", "002": "Terraform HCL", "003": "CDKTF TypeScript", "004": "CDKTF TypeScript"}

# row → (the failure in a few words, what is left to a human: "" when the rule answers it whole)
ROWS: dict[str, tuple[str, str]] = {
    "000#1": ("`use_lockfile` forced onto the S3 backend by an override", ""),
    "000#2": ("database credentials in a secret nobody rotates", "a rotation Lambda for a hand-made secret is not generated; RDS-managed passwords are"),
    "000#3": ("a stack with no outputs", "which values a team's tests read is theirs to choose; the scaffold exports the key resources"),
    "000#4": ("an integration test that can only fail", "writing the real test"),
    "000#5": ("ECS service without a desired count", ""),
    "000#6": ("code imports @aws-sdk clients package.json does not declare", ""),
    "001#1": ("private subnets with no route out (no NAT gateway)", "the layout is ambiguous without public subnets: reported"),
    "001#2": ("stack constructor lacks the arguments the app passes", ""),
    "001#3": ("ElastiCache flags given as booleans where the provider wants strings", ""),
    "001#4": ("`subnet_group_name` on ElastiCache subnet group (it is `name`)", ""),
    "001#5": ("capacity-provider strategy as Python dicts with snake_case keys", ""),
    "001#6": ("provider classes used without their import", ""),
    "001#7": ("integration tests that only synthesize", "writing tests against deployed outputs"),
    "001#8": ("unit tests left as the template", "writing assertions on resources"),
    "002#1": ("a VPC looked up, never created (inputs without defaults)", "creating a whole network is a design choice: reported"),
    "002#2": ("the ECR repository is an input, never created", ""),
    "002#3": ("provider and terraform blocks outside provider.tf", ""),
    "002#4": ("`var.aws_region` used, `region` declared", ""),
    "002#5": ("no environment suffix variable for unique names", ""),
    "002#6": ("HTTPS listener needing a certificate nobody provides", "the certificate itself"),
    "002#7": ("Route53 records needing a zone nobody owns", "the domain itself"),
    "002#8": ("IAM statements on Resource `*` for secrets and KMS keys in the tree", "statements whose resources are not in the tree are reported"),
    "002#9": ("Performance Insights on a class that does not support it", ""),
    "002#10": ("final snapshot identifier with `timestamp()` / no final snapshot", ""),
    "002#11": ("an Aurora engine version AWS does not offer", ""),
    "002#12": ("no plain HTTP listener to test with", ""),
    "002#13": ("security groups of data stores open for all egress", "narrowing egress to what the service needs"),
    "002#14": ("tags repeated instead of kept in locals.tf", ""),
    "002#15": ("private tasks with neither NAT nor VPC endpoints", "choosing NAT or endpoints"),
    "002#16": ("a log bucket that keeps everything forever", "the retention period"),
    "002#17": ("ECS secret `valueFrom` naming a JSON key the secret lacks", "the secret's content"),
    "002#18": ("WAF rules sharing a priority", ""),
    "002#19": ("ECS service racing its load balancer listener", ""),
    "002#20": ("names without the environment suffix", ""),
    "002#21": ("common tags missing on some resources", ""),
    "002#22": ("no CloudWatch dashboard", "what to monitor"),
    "002#23": ("no CloudWatch alarms", "what to alarm on"),
    "002#24": ("no SNS topic for alerts", "who is alerted"),
    "002#25": ("target tracking without cooldowns", ""),
    "003#1": ("`use_lockfile` forced onto the S3 backend by an override", ""),
    "003#2": ("an environment word hardcoded next to the environment suffix in a Name tag", ""),
    "004#1": ("a stack nested in a stack (extends TerraformStack)", ""),
    "004#2": ("`use_lockfile` forced onto the S3 backend by an override", ""),
    "004#3": ("CI runs AWS CDK commands in a CDKTF project", ""),
    "004#4": ("Cognito `tokenValidityUnits` as an object, not a list of one", ""),
    "004#5": ("optional MFA with no MFA factor", "required MFA with no factor is reported"),
    "004#6": ("Lambda zip path relative to where synth runs Terraform", ""),
    "004#7": ("Lambda code imports @aws-sdk clients its package.json lacks", ""),
    "004#8": ("a placeholder account id in an ARN", "an ARN outside any construct's arguments (a constant) is reported"),
    "004#9": ("PowerUserAccess attached to a role", "the least-privilege policy"),
    "004#10": ("a Lambda zip nothing builds", "the build step"),
    "004#11": ("API Gateway without CORS for a browser client", "the allowed origins"),
    "004#12": ("a stack with no outputs", "which values a team's tests read is theirs to choose"),
}

# Rows no rule answers, and why (none left: 002#13 and 002#16, once dropped as noise, are
# answered by opt-in rules).
NOT_AUTOMATED: dict[str, str] = {}

def _outcome(rule) -> str:
    """The rule's fix, in the words `iacfix rules` and --unsafe-fixes use: "safe", "unsafe" or
    "none"; "(opt-in)" after a rule outside the default selection, "(pipeline)" after one that runs
    only where the project follows that convention."""
    return rule.fix + ("" if rule.default else " (opt-in)") + (f" ({rule.convention})" if rule.convention else "")


def render() -> str:
    from iacfix.rules import all_rules

    by_row: dict[str, list] = {}
    for rule in all_rules():
        for key in rule.seeds:
            by_row.setdefault(key, []).append(rule)
    out = [
        "# Seed → codes",
        "",
        "Every row of the five seed write-ups in `../shared/seeds` (the `### N.` headings of their",
        "failure sections) and the rules that answer it, with their fix: **safe** (applied by `--write`),",
        "**unsafe** (adds infrastructure: applied with `--unsafe-fixes`) or **none** (reported: a human decides);",
        "**(opt-in)**: the rule runs only when selected (`--extend-select CODE`); **(pipeline)**: only on",
        "projects that follow the pipeline's conventions (README, Conventions), as the seeds' tasks do.",
        "Generated by `scripts/seed_map.py` from the rules' `seeds`; `tests/test_seeds.py` keeps it",
        "current and runs each row's flawed and repaired snippets. `iacfix explain CODE` has the details.",
        "",
    ]
    seeds = sorted({key.split("#")[0] for key in ROWS})
    for seed in seeds:
        out += [f"## Seed {seed} ({SEED_FLAVOUR[seed]})", "", "| row | failure | codes | fix | flavours | left to a human |", "|---|---|---|---|---|---|"]
        for key in sorted((k for k in ROWS if k.startswith(seed + "#")), key=lambda k: int(k.split("#")[1])):
            what, left = ROWS[key]
            rules = by_row.get(key, [])
            codes = ", ".join(f"`{r.code}`" for r in rules) or "— (" + NOT_AUTOMATED.get(key, "not yet") + ")"
            fix = ", ".join(dict.fromkeys(_outcome(r) for r in rules)) or "—"
            flavours = ", ".join(dict.fromkeys(f for r in rules for f in r.flavours)) or "—"
            out.append(f"| {key} | {what} | {codes} | {fix} | {flavours} | {left or '—'} |")
        out.append("")
    return "\n".join(out)


SHORT_FLAVOUR = {"cdktf-ts": "TS", "cdktf-py": "Py", "terraform": "HCL"}
RULES_START, RULES_END = "<!-- rules:start (scripts/seed_map.py) -->\n", "<!-- rules:end -->\n"


def render_rules_table() -> str:
    from iacfix.rules import all_rules

    rows = ["| code | name | fix | flavours | what it finds |", "|---|---|---|---|---|"]
    for rule in all_rules():
        flavours = ", ".join(SHORT_FLAVOUR[f] for f in rule.flavours)
        summary = rule.summary().replace("|", "\\|")
        rows.append(f"| {rule.code} | {rule.name} | {_outcome(rule)} | {flavours} | {summary} |")
    return "\n".join(rows) + "\n"


def readme_with_rules_table(readme: str) -> str:
    start, end = readme.index(RULES_START) + len(RULES_START), readme.index(RULES_END)
    return readme[:start] + render_rules_table() + readme[end:]


if __name__ == "__main__":
    (REPO / "docs" / "seeds.md").write_text(render(), encoding="utf-8")
    readme = REPO / "README.md"
    readme.write_text(readme_with_rules_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print("wrote docs/seeds.md and README.md's rules table")
