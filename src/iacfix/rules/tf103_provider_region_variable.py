"""TF103: the AWS provider's region comes from a variable that is not declared."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, attribute, location, pipeline_region

DEFAULT_REGION = "us-east-1"


class ProviderRegionVariable(Rule):
    """The variable an AWS provider takes its region from is declared in the module.

    What it does: for a `provider "aws"` whose `region = var.NAME` names a variable no .tf file
    of the module declares: when the module declares exactly one of `aws_region` / `region`,
    every `var.NAME` of the module becomes a reference to it (the model named it differently in
    two places); otherwise `variable "NAME"` is added to variables.tf (created when the module
    has none) with a description, `type = string` and as default the region of the pipeline's
    `AWS_REGION` file, else us-east-1.

    Why: an undeclared variable stops `terraform validate` and `plan` ("Reference to undeclared
    input variable"), before anything is deployed.

    Code scheme: TF1xx: the `terraform` and `provider` blocks and the module's inputs (TF0xx: layout).

    Fix (safe): declare the input, or use the one that is declared.
    """

    code = "TF103"
    name = "provider-region-variable"
    flavours = ("terraform",)
    severity = "error"
    seeds = ("002#4",)
    # Declaring the variable writes variables.tf, which an example (main.tf only) cannot show:
    # tests/test_hcl_module.py has those cases.
    examples = [
        Example(
            "terraform",
            files={
                "variables.tf": """\
variable "region" {
  type    = string
  default = "eu-west-1"
}
""",
                "outputs.tf": """\
output "region" {
  value = var.aws_region
}
""",
            },
            before="""\
provider "aws" {
  region = var.aws_region
}
""",
            after="""\
provider "aws" {
  region = var.region
}
""",
        ),
        Example(
            "terraform",
            files={"variables.tf": 'variable "aws_region" {\n  type = string\n}\n'},
            before="""\
provider "aws" {
  region = var.aws_region
}
""",
        ),
    ]

    def check(self, ctx):
        seen = set()
        for d in Module(ctx).blocks("provider"):
            if d.block.labels != ["aws"]:
                continue
            module = Module(ctx).near(d.file)  # the provider's folder: a markdown answer may hold several modules
            region = attribute(d.block, "region")
            match = re.fullmatch(r"var\.([A-Za-z_][\w-]*)", region.prop.value.text) if region else None
            if match is None or module.variable(match.group(1)) is not None or (module.folder_of(d.file), match.group(1)) in seen:
                continue
            name = match.group(1)
            seen.add((module.folder_of(d.file), name))
            declared = [n for n in ("aws_region", "region") if module.variable(n) is not None]
            if len(declared) == 1:
                # `var.x` may sit in any expression (a string's interpolation), so the module's text is
                # searched; a comment naming it is renamed too, which keeps the comment true
                edits = [
                    Edit(f.path, m.start(1), m.end(1), declared[0])
                    for f in module.files
                    for m in re.finditer(rf"(?<![\w.])var\.({re.escape(name)})(?![\w-])", f.text)
                ]
                message = f"`var.{name}` is not declared; the module's region variable is `{declared[0]}`: used it"
            else:
                default = pipeline_region(ctx) or DEFAULT_REGION
                edits = module.add_variable(
                    name, "string", "AWS region to deploy into", d.file.literal(default), fallback=d.file
                )
                message = f"`var.{name}` is not declared; declared it (default {default!r})"
            yield self.finding(location(d.file, region), f"the AWS provider's region {message}", edits)
