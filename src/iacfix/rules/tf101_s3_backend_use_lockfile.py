"""TF101: `use_lockfile` in the S3 backend on a Terraform older than 1.10."""

from __future__ import annotations

from iacfix.rule import FLAVOURS, Example, Invalid, Rule

KEY = "terraform.backend.s3.use_lockfile"
# Examples of the pipeline's tasks, whose Terraform is taken to be older when unknown.
PIPELINE = {"conventions": ["pipeline"]}


class S3BackendUseLockfile(Rule):
    """The S3 backend's `use_lockfile` needs Terraform 1.10 or newer.

    What it does: finds `use_lockfile` on the S3 backend — `use_lockfile = true` in a
    `backend "s3"` block, or the CDKTF escape hatch
    `addOverride('terraform.backend.s3.use_lockfile', true)` / `add_override(...)` — and
    removes it when the target Terraform is older than 1.10 or unknown.

    Why: before 1.10 the argument does not exist, and `terraform init` stops with "No argument
    or block type is named use_lockfile" before anything is deployed. From 1.10 on it turns on
    S3-native state locking, which projects use on purpose: there the rule stays silent.

    Target version, first found wins: `--terraform-version`; `terraform-version` in
    `[tool.iacfix]` or `.iacfix.toml`; the lower bound of `required_version` in the tree;
    `.terraform-version`; `terraform version` on PATH. When none is known, the version is taken
    to be older and the message says so: in the pipeline's tasks (convention `pipeline`; the
    seeds were all deployed on older Terraform) the setting is removed; elsewhere the project
    chose S3 locking and may run 1.10 or later, so the removal is an unsafe fix.

    Fix (safe; unsafe when the version is unknown outside the pipeline): delete the statement
    (with the comment lines right above it) or the attribute; in HCL the remaining `=` are realigned.
    """

    code = "TF101"
    name = "s3-backend-use-lockfile"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("000#1", "003#1", "004#2")
    examples = [
        Example(
            "cdktf-ts",
            options=PIPELINE,
            before="""\
import { TerraformStack } from 'cdktf';
class TapStack extends TerraformStack {
  constructor(scope: any, id: string) {
    super(scope, id);
    this.addOverride('terraform.backend.s3.use_lockfile', true);
    this.addOverride('terraform.backend.s3.encrypt', true);
  }
}
""",
            after="""\
import { TerraformStack } from 'cdktf';
class TapStack extends TerraformStack {
  constructor(scope: any, id: string) {
    super(scope, id);
    this.addOverride('terraform.backend.s3.encrypt', true);
  }
}
""",
        ),
        Example(
            "cdktf-py",
            options=PIPELINE,
            before="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        self.add_override("terraform.backend.s3.use_lockfile", True)
""",
            after="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
""",
        ),
        # The comment lines right above the statement go with it, and one of the blank lines
        # around it; a comment after a blank line is not the statement's and stays.
        Example(
            "cdktf-ts",
            options=PIPELINE,
            before="""\
import { TerraformStack } from 'cdktf';
class TapStack extends TerraformStack {
  constructor(scope: any, id: string) {
    super(scope, id);
    // Backend settings

    // Turn on S3 native state locking
    // (S3Backend has no option for it: an escape hatch)
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    this.addOverride('terraform.backend.s3.encrypt', true);
  }
}
""",
            after="""\
import { TerraformStack } from 'cdktf';
class TapStack extends TerraformStack {
  constructor(scope: any, id: string) {
    super(scope, id);
    // Backend settings

    this.addOverride('terraform.backend.s3.encrypt', true);
  }
}
""",
        ),
        Example(
            "cdktf-py",
            options=PIPELINE,
            before="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)

        # S3Backend has no option for native state locking: use an escape hatch
        self.add_override("terraform.backend.s3.use_lockfile", True)
""",
            after="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
""",
        ),
        Example(
            "terraform",
            options=PIPELINE,
            before="""\
terraform {
  backend "s3" {
    bucket       = "state"
    key          = "app.tfstate"
    use_lockfile = true
  }
}
""",
            after="""\
terraform {
  backend "s3" {
    bucket = "state"
    key    = "app.tfstate"
  }
}
""",
        ),
        # A project that targets Terraform >= 1.10 uses it on purpose.
        Example(
            "terraform",
            before="""\
terraform {
  required_version = ">= 1.10.0"
  backend "s3" {
    bucket       = "state"
    use_lockfile = true
  }
}
""",
        ),
        Example(
            "terraform",
            before="""\
terraform {
  backend "s3" {
    use_lockfile = true
  }
}
""",
            options={"terraform_version": "1.11.2"},
        ),
        # Outside the pipeline, with no version known, the project may run 1.10+: offered only.
        Invalid(
            "terraform",
            'terraform {\n  backend "s3" {\n    bucket       = "state"\n    use_lockfile = true\n  }\n}\n',
            'terraform {\n  backend "s3" {\n    bucket = "state"\n  }\n}\n',
            unsafe=True,
        ),
    ]

    def check(self, ctx):
        target = ctx.terraform_version
        if target.at_least(1, 10):
            return
        # Unknown, the version is taken to be older, as the pipeline's are; elsewhere the project
        # chose S3 locking and may well run 1.10+: the removal is offered, not applied.
        guess = target.version is None and not ctx.follows("pipeline")
        if target.version is None:
            why = (
                "the target Terraform version is unknown, so it is assumed older; set terraform-version "
                "in [tool.iacfix] or pass --terraform-version to keep it"
            )
        else:
            why = f"the target is {target.describe()}"
        for setting in ctx.settings():
            if setting.key == KEY:
                yield self.finding(
                    setting,
                    f"`use_lockfile` on the S3 backend needs Terraform >= 1.10 and fails `terraform init` "
                    f"before; {'the fix removes it' if guess else 'removed'} ({why})",
                    ctx.file(setting.path).remove_setting(setting),
                    safety="unsafe" if guess else None,
                )
