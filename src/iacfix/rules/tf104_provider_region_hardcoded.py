"""TF104: the AWS provider's region is a literal while the module has a region input."""

from __future__ import annotations

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Module, attribute, location, pipeline_region

VARIABLE = "aws_region"


class ProviderRegionHardcoded(Rule):
    """The default AWS provider takes its region from `var.aws_region`.

    What it does: when the un-aliased `provider "aws"` says `region = "us-west-2"` while the
    module's region input says another region (the pipeline's `AWS_REGION` file beside the
    module, else the default of `variable "aws_region"`), writes `region = var.aws_region`,
    declaring the variable in variables.tf when it is missing (its default: the pipeline's
    region). Aliased providers (a second region on purpose), a literal that agrees with the
    input, and modules with no region input are left alone.

    Why: the pipeline picks the region through `aws_region`; a literal in the provider ignores
    it, so the stack is deployed to another region than the one the pipeline, its tests and
    the other resources' ARNs expect.

    Code scheme: TF1xx: the `terraform` and `provider` blocks and the module's inputs (TF0xx: layout).

    Convention (pipeline): the pipeline picks the region through `var.aws_region` (from its
    AWS_REGION file). Elsewhere a literal region beside a region variable may be deliberate: a
    variable kept for another purpose, a home region that never changes.

    Fix (safe): the region the module's input names, now overridable.
    """

    code = "TF104"
    name = "provider-region-hardcoded"
    flavours = ("terraform",)
    convention = "pipeline"
    examples = [
        Example(
            "terraform",
            files={"variables.tf": 'variable "aws_region" {\n  type    = string\n  default = "eu-west-1"\n}\n'},
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
        expected = pipeline_region(ctx)
        declared = module.variable(VARIABLE)
        if expected is None and declared is not None:
            default = next((a.prop.value for a in declared.block.attributes if a.key == "default"), None)
            expected = default.value if default is not None and default.kind == "string" else None
        if expected is None:
            return
        for d in module.blocks("provider"):
            region = attribute(d.block, "region")
            if d.block.labels != ["aws"] or attribute(d.block, "alias") is not None or region is None:
                continue
            if region.prop.value.kind != "string" or region.prop.value.value == expected:
                continue
            edits = [Edit(d.file.path, *region.prop.value.span, f"var.{VARIABLE}")]
            edits += module.add_variable(VARIABLE, "string", "AWS region to deploy into", d.file.literal(expected), fallback=d.file)
            yield self.finding(
                location(d.file, region),
                f"the AWS provider hardcodes region {region.prop.value.text} while the module's region input says "
                f"{expected!r}; use var.{VARIABLE}",
                edits,
            )
