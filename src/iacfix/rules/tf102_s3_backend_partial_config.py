"""TF102: S3 backend settings written into the code."""

from __future__ import annotations

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, location
from iacfix.rulekit.text import indentation_at


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

    With Terraform 1.10 or later as the target (README, Versions), `use_lockfile` stays: S3-native
    locking is the project's choice, not a value of one deployment.

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
        Example(
            "terraform",
            before="""\
terraform {
  required_version = ">= 1.10"

  backend "s3" {
    bucket       = "my-state"
    use_lockfile = true
  }
}
""",
            after="""\
terraform {
  required_version = ">= 1.10"

  backend "s3" {
    use_lockfile = true
  }
}
""",
        ),
    ]

    def check(self, ctx):
        # From Terraform 1.10 `use_lockfile` is how the project locks its state, not a value of
        # one deployment: it stays in the code.
        locking = ("use_lockfile",) if ctx.terraform_version.at_least(1, 10) else ()
        for d in Module(ctx).blocks("terraform"):
            for backend in d.block.blocks:
                if backend.type != "backend" or backend.labels != ["s3"]:
                    continue
                kept = [a for a in backend.attributes if a.key in locking]
                if len(backend.items) == len(kept):  # empty, only comments, or only the locking choice
                    continue
                settings = ", ".join(a.key for a in backend.attributes if a not in kept) or "settings"
                body = ""
                if kept:
                    indent = indentation_at(d.file.text, backend.span[0])
                    body = "".join(f"\n{indent}  {d.file.text[slice(*a.prop.span)]}" for a in kept) + f"\n{indent}"
                leave = (
                    f'only the locking in it (`backend "s3" {{ {kept[0].key} = {kept[0].prop.value.text} }}`)'
                    if kept
                    else 'it empty (`backend "s3" {}`)'
                )
                yield self.finding(
                    location(d.file, backend),
                    f"the S3 backend hardcodes {settings}; leave {leave} and pass them "
                    "to `terraform init -backend-config`",
                    [Edit(d.file.path, backend.body_span[0], backend.body_span[1], body)],
                )
