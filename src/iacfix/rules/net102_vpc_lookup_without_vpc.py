"""NET102: the network is looked up from inputs the project does not supply."""

from __future__ import annotations

import re

from iacfix.rule import Example, Rule
from iacfix.rulekit import optional_feature as opt
from iacfix.rulekit.terraform_module import Module, location

LOOKUPS = ("aws_vpc", "aws_subnets", "aws_subnet", "aws_subnet_ids")
_VAR = re.compile(r"(?<![\w.])var\.([A-Za-z_][\w-]*)")


# An example the rule reports without changing it (before and after alike).
REPORTED = """\
variable "vpc_id" {
  description = "VPC to deploy into"
  type        = string
}

data "aws_vpc" "selected" {
  id = var.vpc_id
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [var.vpc_id]
  }
}
"""


class VpcLookupWithoutVpc(Rule):
    """A module that looks its VPC up needs the VPC: here nobody supplies it.

    What it does: reports a `data "aws_vpc"` / `aws_subnets` / `aws_subnet` lookup whose
    arguments (id, filters, tags) read variables that have no default at all and no value in
    terraform.tfvars (an empty default is taken as the usual "use the default VPC" switch; a
    lookup with `count` is conditional and left alone) (only in a root module: a module under `modules/` gets them from its
    caller).

    Why: the stack cannot be deployed on its own: `terraform apply` asks for the VPC and
    subnet ids (in CI: "No value for required variable"), and with made-up values the lookups
    fail ("no matching EC2 VPC found").

    Convention (pipeline): the pipeline deploys each stack on its own, with no inputs. A root module
    elsewhere looks its network up from required inputs, set by its pipeline or tfvars.

    Fix: none automatic: create the network in the module (aws_vpc, public and private subnets
    over the availability zones, internet gateway, NAT gateway, route tables), for instance
    behind a `create_vpc` flag that keeps the lookup for an existing VPC. A whole VPC has too
    many choices (CIDRs, zone count, one NAT or one per zone) for a safe default scaffold.
    """

    code = "NET102"
    name = "vpc-lookup-without-vpc"
    flavours = ("terraform",)
    severity = "error"
    convention = "pipeline"
    fix = "none"
    seeds = ("002#1",)
    examples = [
        Example(
            "terraform",
            before=REPORTED,
            after=REPORTED,
        ),
        # The default VPC, or an id with a default: deployable as it is.
        Example(
            "terraform",
            before="""\
variable "vpc_id" {
  type    = string
  default = "vpc-0abc"
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "app" {
  filter {
    name   = "vpc-id"
    values = [var.vpc_id]
  }
}
""",
        ),
    ]

    def check(self, ctx):
        module = Module(ctx)
        for d in module.blocks("data"):
            if d.block.labels[:1] == [] or d.block.labels[0] not in LOOKUPS:
                continue
            if any(a.key in ("count", "for_each") for a in d.block.attributes):
                continue  # a conditional lookup: the module has another way
            text = d.file.text[slice(*d.block.span)]
            missing = []
            for name in dict.fromkeys(_VAR.findall(text)):
                declared = module.variable(name)
                if declared is not None and opt.unsupplied(declared):
                    missing.append(name)
            if not missing:
                continue
            names = ", ".join(f"`var.{n}`" for n in missing)
            yield self.finding(
                location(d.file, d.block),
                f"`data.{'.'.join(d.block.labels)}` looks up a network from {names}, which nothing supplies (no default, "
                "no tfvars), so the stack cannot deploy on its own: create the VPC and subnets in the module "
                "(e.g. behind a `create_vpc` flag)",
            )
