"""PRV108: a required argument or block of a resource is not set."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Invalid, Reported, Rule, Valid
from iacfix.rulekit import validity


class ProviderRequiredArgument(Rule):
    """Every argument and nested block the provider requires is set.

    What it does: checks each resource and data source, and each of their nested blocks, against
    the provider schema of the version the project gets (`rulekit.terraform_schema`), and
    reports the required arguments and blocks that are missing. Where the project determines
    the value, it is added: an argument that points at another resource (`vpc_id`,
    `load_balancer_arn`, `function_name` of a permission) gets a reference to the only resource
    of that type in the module (in CDKTF: in the file), reading the attribute its name says
    (`aws_vpc.main.id`); a name (`name`, `function_name` of the function itself, `family`,
    `alarm_name`…) gets the resource's label, with `-${var.environment_suffix}` when the module
    declares that variable. Two resources it could point at are both named and nothing is
    added; a block, or anything else, is reported with what is needed.

    Why: `terraform validate` stops ("Missing required argument: The argument "vpc_id" is
    required, but no definition was found"); TypeScript does not compile (Property 'vpcId' is
    missing) and the Python app fails at synth.

    Fix (safe): the reference, or the name, added; otherwise a human decides.
    """

    code = "PRV108"
    name = "provider-required-argument"
    flavours = FLAVOURS
    examples = [
        Invalid(
            "terraform",
            """\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  cidr_block = "10.0.1.0/24"
}
""",
            """\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  cidr_block = "10.0.1.0/24"
  vpc_id     = aws_vpc.main.id
}
""",
            message="aws_subnet needs `vpc_id`: the module's only aws_vpc (aws_vpc.main.id)",
            line=5,
        ),
        Invalid(
            "terraform",
            """\
variable "environment_suffix" {
  type = string
}

resource "aws_ecs_cluster" "app_cluster" {
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
""",
            """\
variable "environment_suffix" {
  type = string
}

resource "aws_ecs_cluster" "app_cluster" {
  name = "app-cluster-${var.environment_suffix}"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
""",
        ),
        Reported(  # two VPCs: which one?
            "terraform",
            """\
resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "public" {
  cidr_block = "10.0.1.0/24"
}
""",
            message="aws_subnet needs `vpc_id`; it may be aws_vpc.a, aws_vpc.b",
            line=9,
        ),
        Reported(
            "terraform",
            """\
resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
  port              = 80
}
""",
            message="aws_lb_listener needs a `default_action` block",
        ),
        Valid(
            "terraform",
            """\
resource "aws_subnet" "public" {
  vpc_id     = var.vpc_id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = [80, 443]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "terraform_data" "marker" {}
""",
        ),
        Invalid(
            "cdktf-ts",
            """\
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";

const vpc = new Vpc(this, "vpc", { cidrBlock: "10.0.0.0/16" });
new Subnet(this, "public", { cidrBlock: "10.0.1.0/24" });
""",
            """\
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";

const vpc = new Vpc(this, "vpc", { cidrBlock: "10.0.0.0/16" });
new Subnet(this, "public", { cidrBlock: "10.0.1.0/24", vpcId: vpc.id });
""",
        ),
    ]

    examples.append(
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission

handler = LambdaFunction(self, "handler", function_name="handler", role=role.arn, runtime="python3.12", handler="app.main")
LambdaPermission(self, "invoke", action="lambda:InvokeFunction", principal="apigateway.amazonaws.com")
""",
            """\
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission

handler = LambdaFunction(self, "handler", function_name="handler", role=role.arn, runtime="python3.12", handler="app.main")
LambdaPermission(self, "invoke", action="lambda:InvokeFunction", principal="apigateway.amazonaws.com", function_name=handler.function_name)
""",
        )
    )

    def check(self, ctx):
        for problem in validity.problems(ctx, "required"):
            file = ctx.file(problem.resource.path)
            filling = validity.required_value(ctx, problem)
            message = problem.message
            edits = []
            if filling.value is not None:
                edits = file.insert_entry(problem.container, problem.name, filling.value)
                message += f": {filling.said} ({filling.value})" if "label" not in filling.said else f": {filling.said}"
            elif filling.said:
                message += f"; {filling.said}"
            yield self.finding(Location(problem.resource.path, problem.line, problem.col), message, edits, problem.safety)
