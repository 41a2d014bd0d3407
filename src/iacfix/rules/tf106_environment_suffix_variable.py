"""TF106: fixed resource names in a project that deploys each environment with a suffix."""

from __future__ import annotations

import re
from pathlib import Path

from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module

VARIABLE = "environment_suffix"
SUFFIX = "-${var.environment_suffix}"

# Resources whose name must be unique in an account (and region), and the attribute holding it.
UNIQUE_NAMES: dict[str, str] = {
    "aws_s3_bucket": "bucket",
    "aws_iam_role": "name",
    "aws_iam_policy": "name",
    "aws_iam_user": "name",
    "aws_iam_instance_profile": "name",
    "aws_lb": "name",
    "aws_lb_target_group": "name",
    "aws_ecs_cluster": "name",
    "aws_ecs_task_definition": "family",
    "aws_db_instance": "identifier",
    "aws_rds_cluster": "cluster_identifier",
    "aws_db_subnet_group": "name",
    "aws_db_parameter_group": "name",
    "aws_rds_cluster_parameter_group": "name",
    "aws_elasticache_replication_group": "replication_group_id",
    "aws_elasticache_subnet_group": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_lambda_function": "function_name",
    "aws_dynamodb_table": "name",
    "aws_sqs_queue": "name",
    "aws_sns_topic": "name",
    "aws_kms_alias": "name",
    "aws_secretsmanager_secret": "name",
    "aws_ecr_repository": "name",
    "aws_cloudwatch_metric_alarm": "alarm_name",
    "aws_ssm_parameter": "name",
    "aws_kinesis_stream": "name",
    "aws_sfn_state_machine": "name",
    "aws_cloudwatch_event_rule": "name",
    "aws_codebuild_project": "name",
    "aws_wafv2_web_acl": "name",
}
# Load balancer and target group names stop at 32 characters: leave room for the suffix.
MAX_LENGTH = {"aws_lb": 32, "aws_lb_target_group": 32}

_MENTION = re.compile(r"environment_?suffix", re.IGNORECASE)
_SUFFIX_IN_USE = re.compile(r"suffix", re.IGNORECASE)


class EnvironmentSuffixVariable(Rule):
    """Resource names carry the environment suffix the project deploys with.

    What it does: in a Terraform root module (one with a `provider` or `terraform` block; a
    child module is named by what its caller passes) that declares no `environment_suffix` variable and whose
    resource names reference no suffix at all, while the project shows the convention — its
    tests (a `test/` or `tests/` folder beside the module or its parent) or a `.tfvars` speak of
    `environment_suffix`, or the module already reads `var.environment_suffix` — it declares
    `variable "environment_suffix"` (string, default "dev") in variables.tf and appends
    `-${var.environment_suffix}` to the literal names (`"orders-db"`, `"${var.project}-alb"`) of
    resources whose names must be unique in the account: buckets, IAM roles and policies, load
    balancers, databases, log groups, functions, tables, queues, topics, secrets, alarms ...

    Names built from a variable or local, `name_prefix`, and LB / target group names with no
    room left under 32 characters are left alone; a module that threads any suffix (a
    `random_string.suffix`, `local.name_suffix`) is not touched. Routing every name through a
    `local.name_prefix` is the nicer end state; that restructuring is left to a human.

    Why: with fixed names a second deployment of the same code in the account (another pull
    request, another environment) fails with "already exists" errors, and the pipeline that
    deploys with `ENVIRONMENT_SUFFIX` cannot keep its stacks apart.

    Convention (pipeline): the pipeline deploys every pull request beside the others in one account,
    told apart by ENVIRONMENT_SUFFIX. A project that deploys one stack per account or workspace
    names its resources as it likes.

    Fix (unsafe, it renames resources, which replaces them): the variable and the suffixed names.
    """

    code = "TF106"
    name = "environment-suffix-variable"
    flavours = ("terraform",)
    convention = "pipeline"
    fix = "unsafe"
    seeds = ("002#5", "002#20")
    examples = [
        Example(
            "terraform",
            files={"test/unit.test.ts": "const environmentSuffix = process.env.ENVIRONMENT_SUFFIX;\n"},
            before="""\
provider "aws" {}

resource "aws_s3_bucket" "logs" {
  bucket = "orders-logs"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${var.project}"
  retention_in_days = 7
}

resource "aws_iam_role" "task" {
  name               = var.role_name
  assume_role_policy = "{}"
}
""",
            after="""\
provider "aws" {}

resource "aws_s3_bucket" "logs" {
  bucket = "orders-logs-${var.environment_suffix}"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${var.project}-${var.environment_suffix}"
  retention_in_days = 7
}

resource "aws_iam_role" "task" {
  name               = var.role_name
  assume_role_policy = "{}"
}
""",
            files_after={
                "variables.tf": """\
variable "environment_suffix" {
  description = "Suffix appended to resource names so that several deployments can share an account"
  type        = string
  default     = "dev"
}
""",
            },
        ),
        # No sign of a suffix convention; a module that threads its own suffix; a child module.
        Example(
            "terraform",
            before="""\
provider "aws" {}

resource "aws_s3_bucket" "logs" {
  bucket = "orders-logs"
}
""",
        ),
        Example(
            "terraform",
            files={"test/unit.test.ts": "const environmentSuffix = process.env.ENVIRONMENT_SUFFIX;\n"},
            before="""\
terraform {}

resource "aws_s3_bucket" "logs" {
  bucket = "orders-logs-${random_string.suffix.result}"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
""",
        ),
        Example(
            "terraform",
            files={"test/unit.test.ts": "const environmentSuffix = process.env.ENVIRONMENT_SUFFIX;\n"},
            before="""\
resource "aws_sqs_queue" "jobs" {
  name = "${var.name_prefix}-jobs"
}
""",
        ),
    ]

    def check(self, ctx):
        module = Module(ctx)
        # a child module (no provider, no terraform block) is named by its caller's inputs; so are
        # the blocks of a markdown answer named into another folder than the root's
        roots = module.blocks("provider") or module.blocks("terraform")
        if not roots:
            return
        module = module.near(roots[0].file)
        in_root = {f.path for f in module.files}
        if module.variable(VARIABLE) is not None or any("suffix" in name.lower() for name in module.locals()):
            return
        candidates, threaded = [], False
        for r in ctx.resources(*UNIQUE_NAMES):
            prop = r.attrs.get(UNIQUE_NAMES[r.type])
            if prop is None or r.path not in in_root:
                continue
            if _SUFFIX_IN_USE.search(prop.value.text):
                threaded = True
            elif prop.value.kind in ("string", "template") and _fits(r.type, prop.value):
                candidates.append((r, prop))
        if threaded or not candidates or not _convention(ctx, module):
            return
        first = ctx.file(candidates[0][0].path)
        edits = module.add_variable(
            VARIABLE,
            "string",
            "Suffix appended to resource names so that several deployments can share an account",
            first.literal("dev"),
            fallback=first,
        )
        for r, prop in candidates:
            edits.append(_insert(r.path, prop.value.span[1] - 1, SUFFIX))  # before the closing quote
        names = ", ".join(f"`{r.ref}`" for r, _ in candidates[:3]) + (" ..." if len(candidates) > 3 else "")
        yield self.finding(
            candidates[0][0],
            f"the project deploys with an environment suffix but the module has no `{VARIABLE}` variable and "
            f"{names} have fixed names, so a second deployment in the account collides; the fix declares the "
            f"variable and suffixes {len(candidates)} names",
            edits,
        )


def _fits(rtype: str, value) -> bool:
    limit = MAX_LENGTH.get(rtype)
    if limit is None:
        return True
    if value.kind != "string":
        return False
    return len(value.value) + 4 <= limit  # "-dev"


def _convention(ctx, module: Module) -> bool:
    """Does the project show an environment-suffix convention outside the resource names?"""
    if any(f"var.{VARIABLE}" in f.text for f in module.files):
        return True
    root = Path(ctx.project.root)
    folders = [root] if root.is_dir() else []
    folders += [root.parent, root.parent.parent]
    for folder in folders:
        for tfvars in folder.glob("*.tfvars"):
            if _mentions(tfvars):
                return True
        for name in ("test", "tests"):
            tests = folder / name
            if tests.is_dir() and any(_mentions(p) for p in list(tests.rglob("*"))[:200] if p.is_file()):
                return True
    return False


def _mentions(path: Path) -> bool:
    # tfvars and test files are no sources of the module (no backend parses them): their text is all there is
    try:
        return bool(_MENTION.search(path.read_text(encoding="utf-8", errors="replace")[:200_000]))
    except OSError:
        return False


def _insert(path, at: int, text: str):
    from iacfix.model import Edit

    return Edit(path, at, at, text)
