"""TF102: S3 backend settings written into the code."""

from __future__ import annotations

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, location


class S3BackendPartialConfig(Rule):
    """The S3 backend is a partial configuration, `backend "s3" {}`.

    What it does: empties a `backend "s3"` block that sets its bucket, key, region or any other
    setting in the code, leaving `backend "s3" {}`.

    Why: the state bucket, key and region belong to the deployment, not to the module: the
    pipeline passes them at `terraform init -backend-config=...`. Written in the code they point
    every deployment at one state file (two environments overwrite each other's state), or at a
    bucket that does not exist in the account, where `init` fails; and the `use_lockfile` /
    `dynamodb_table` locking written there may not exist either.

    Code scheme: TF1xx: the `terraform` and `provider` blocks and the module's inputs (TF0xx: layout).

    Convention (pipeline): the pipeline completes the backend per deployment (`terraform init
    -backend-config`), so the code holds `backend "s3" {}`. A project that commits its backend, one
    state per root module as most do, is configured as intended: emptying it makes every `terraform
    init` ask for the values.

    Fix (safe): `backend "s3" {}`; give the values to `terraform init -backend-config`.
    """

    code = "TF102"
    name = "s3-backend-partial-config"
    flavours = ("terraform",)
    convention = "pipeline"
    examples = [
        Example(
            "terraform",
            before="""\
terraform {
  required_version = ">= 1.5"

  backend "s3" {
    bucket = "my-state"
    key    = "app/terraform.tfstate"
    region = "us-east-1"
  }
}
""",
            after="""\
terraform {
  required_version = ">= 1.5"

  backend "s3" {}
}
""",
        ),
        Example(
            "terraform",
            before="""\
terraform {
  backend "s3" {}
}
""",
        ),
    ]

    def check(self, ctx):
        for d in Module(ctx).blocks("terraform"):
            for backend in d.block.blocks:
                if backend.type != "backend" or backend.labels != ["s3"]:
                    continue
                if not backend.items:  # empty, or only comments
                    continue
                settings = ", ".join(a.key for a in backend.attributes) or "settings"
                yield self.finding(
                    location(d.file, backend),
                    f"the S3 backend hardcodes {settings}; leave it empty (`backend \"s3\" {{}}`) and pass them "
                    "to `terraform init -backend-config`",
                    [Edit(d.file.path, backend.body_span[0], backend.body_span[1], "")],
                )
