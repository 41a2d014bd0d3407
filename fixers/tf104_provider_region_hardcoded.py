"""TF104: the AWS provider's region is a literal while the module has a region input."""

from __future__ import annotations

from iacfix.backends.hcl_module import Module, attribute, location, pipeline_region
from iacfix.model import Edit
from iacfix.rule import Example, Rule

VARIABLE = "aws_region"


class ProviderRegionHardcoded(Rule):
    """The default AWS provider takes its region from `var.aws_region`.

    What it does: when the un-aliased `provider "aws"` says `region = "us-west-2"` while the
    module has a region input (it declares `variable "aws_region"`, or the pipeline's
    `AWS_REGION` file sits beside it), writes `region = var.aws_region`, declaring the variable
    in variables.tf with the literal as its default when it is missing. Aliased providers (a
    second region on purpose) and modules with no region input are left alone.

    Why: the pipeline picks the region through `aws_region`; a literal in the provider ignores
    it, so the stack is deployed to another region than the one the pipeline, its tests and
    the other resources' ARNs expect.

    Codes: TF0xx layout, TF1xx the `terraform`/`provider` blocks and the module's inputs, TF2xx
    resources.

    Fix (safe): the same region by default, now overridable.
    """

    code = "TF104"
    name = "provider-region-hardcoded"
    flavours = ("terraform",)
    examples = [
        Example(
            "terraform",
            files={"variables.tf": 'variable "aws_region" {\n  type    = string\n  default = "us-west-2"\n}\n'},
            before="""\
provider "aws" {
  region = "us-west-2"
}
""",
            after="""\
provider "aws" {
  region = var.aws_region
}
""",
        ),
        Example(
            "terraform",
            before="""\
provider "aws" {
  region = "us-west-2"
}

provider "aws" {
  alias  = "dr"
  region = "eu-west-1"
}
""",
        ),
    ]

    def check(self, ctx):
        module = Module(ctx)
        declared = module.variable(VARIABLE) is not None
        if not declared and pipeline_region(ctx) is None:
            return
        for d in module.blocks("provider"):
            region = attribute(d.block, "region")
            if d.block.labels != ["aws"] or attribute(d.block, "alias") is not None or region is None:
                continue
            if region.prop.value.kind != "string":
                continue
            edits = [Edit(d.file.path, *region.prop.value.span, f"var.{VARIABLE}")]
            edits += module.add_variable(
                VARIABLE, "string", "AWS region to deploy into", region.prop.value.text, fallback=d.file
            )
            yield self.finding(
                location(d.file, region),
                f"the AWS provider hardcodes region {region.prop.value.text} although the module has a region input; "
                f"use var.{VARIABLE}",
                edits,
            )
