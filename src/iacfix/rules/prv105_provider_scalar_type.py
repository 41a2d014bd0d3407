"""PRV105: a literal of the wrong scalar type for the provider property it is given to."""

from __future__ import annotations

import re
from functools import lru_cache

from iacfix.model import Edit, Location, Value
from iacfix.rule import FLAVOURS, Example, Invalid, Reported, Rule, Valid
from iacfix.rulekit import schema, validity
from iacfix.rulekit.schema import cache101_covers as covers

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")


class ProviderScalarType(Rule):
    """A literal is written in the scalar type the provider gives the property.

    What it does: compares every literal given to a provider property (in the config and in
    nested blocks, lists and maps) with the property's type in the bundled provider schema:
    a number or boolean where the provider wants a string becomes a string
    (`deregistrationDelay: 30` → `'30'`, `tags: { Count: 3 }` → `'3'`); a numeric string where
    it wants a number becomes a number (`threshold: '80'` → `80`); `'true'` / `'false'` where it
    wants a boolean becomes `true` / `false`. Only literals: a variable's value is left alone.
    ElastiCache's `atRestEncryptionEnabled` / `autoMinorVersionUpgrade` are CACHE101's.

    Why: the CDKTF bindings are typed: TypeScript does not compile ("Type 'number' is not
    assignable to type 'string'"), and the Python app fails at synth with a jsii type error.

    A resource's attribute in `dependsOn` (`[recorder.id]`, a string) becomes the resource
    (`[recorder]`), which is what the property takes.

    In Terraform, which converts strings, numbers and booleans into one another where it can,
    only what it cannot convert is wrong: a single value where a list is wanted becomes the
    list of that value (`security_groups = aws_security_group.web.id` → `[...]`); a word where
    a number or a bool is wanted, an object where a string is, are reported.

    Fix (safe): write the same value in the right type.
    """

    code = "PRV105"
    name = "provider-scalar-type"
    flavours = FLAVOURS
    severity = "error"
    examples = [
        Invalid(
            "terraform",
            """\
resource "aws_security_group" "web" {
  name = "web"
}

resource "aws_instance" "web" {
  ami                    = "ami-123"
  instance_type          = "t3.micro"
  vpc_security_group_ids = aws_security_group.web.id
}
""",
            """\
resource "aws_security_group" "web" {
  name = "web"
}

resource "aws_instance" "web" {
  ami                    = "ami-123"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
}
""",
        ),
        Reported(
            "terraform",
            """\
resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  monitoring    = "yes"
}
""",
            message='`monitoring` of aws_instance is a bool, not "yes"',
        ),
        Valid(  # Terraform converts these
            "terraform",
            """\
resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  monitoring    = "true"
  cpu_options {
    core_count = "2"
  }
}
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc

vpc = Vpc(self, "vpc", cidr_block="10.0.0.0/16")
self.gateway = Vpc(self, "other", cidr_block="10.1.0.0/16")
Subnet(self, "private", vpc_id=vpc.id, cidr_block="10.0.1.0/24", depends_on=[vpc.id, self.gateway.arn, self.database, props.listener])
""",
            after="""\
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc

vpc = Vpc(self, "vpc", cidr_block="10.0.0.0/16")
self.gateway = Vpc(self, "other", cidr_block="10.1.0.0/16")
Subnet(self, "private", vpc_id=vpc.id, cidr_block="10.0.1.0/24", depends_on=[vpc, self.gateway, self.database, props.listener])
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
new LbTargetGroup(this, 'tg', {
  port: 80,
  deregistrationDelay: 30,
  healthCheck: { enabled: 'true', matcher: 200, interval: '30' },
  tags: { Tier: 2 },
});
new CloudwatchMetricAlarm(this, 'cpu', { alarmName: 'cpu', comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 2, threshold: '80' });
""",
            after="""\
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
new LbTargetGroup(this, 'tg', {
  port: 80,
  deregistrationDelay: '30',
  healthCheck: { enabled: true, matcher: '200', interval: 30 },
  tags: { Tier: '2' },
});
new CloudwatchMetricAlarm(this, 'cpu', { alarmName: 'cpu', comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 2, threshold: 80 });
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup

LbTargetGroup(self, "tg", port="80", deregistration_delay=30, health_check={"matcher": 200})
""",
            after="""\
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup

LbTargetGroup(self, "tg", port=80, deregistration_delay="30", health_check={"matcher": "200"})
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup

ElasticacheReplicationGroup(self, "r", replication_group_id="r", description="r", at_rest_encryption_enabled="true")
""",
        ),
    ]

    def check(self, ctx):
        for problem in validity.problems(ctx, "literal"):
            yield self.finding(Location(problem.resource.path, problem.line, problem.col), problem.message, problem.edits, problem.safety)
        if schema.for_project(ctx) is None:  # a provider version the bundled CDKTF schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            for typed in schema.typed_props(file):
                spec = typed.spec
                if spec is None or covers(typed.owner.name, typed.depth, spec, typed.prop.value):
                    continue
                if spec.type.text == "list<ITerraformDependable>" and typed.prop.value.kind == "array":
                    yield from self._depends_on(ctx, file, typed.prop)
                    continue
                for value, wanted in _literals(spec.type, typed.prop.value):
                    new = _coerce(file, value, wanted)
                    if new is not None:
                        yield self.finding(
                            Location(file.path, value.line, value.col),
                            f"`{typed.prop.key}` takes a {wanted}: {value.text} → {new}",
                            [_replace(file, value, new)],
                        )

    def _depends_on(self, ctx, file, prop):
        """`dependsOn: [recorder.id]`: a resource's attribute is a string; the resource itself, built
        in this file with a provider class (`recorder = new ...`, `this.recorder = ...`), is what it
        depends on. `compute.service` of a construct of the answer's own is left alone."""
        s = schema.load()
        built = {}  # variable → the provider resource class it holds
        for cons in file.typed_view.constructions:
            info = s.cls(schema.constructed_name(file, cons.callee) or "")
            if cons.assigned_to and info is not None:
                built[cons.assigned_to] = info
        for item in prop.value.items:
            match = _ATTRIBUTE.fullmatch(item.text) if item.kind == "expr" else None
            info = built.get(match.group(1)) if match else None
            if info is None or match.group(2) not in _attributes(info.name):
                continue
            yield self.finding(
                Location(file.path, item.line, item.col),
                f"`{prop.key}` takes resources, not their attributes: {item.text} → {match.group(1)}",
                [_replace(file, item, match.group(1))],
            )


# `recorder.id`, `this.recorder.arn`; not `this.recorder` / `self.recorder` (the resource itself)
_ATTRIBUTE = re.compile(r"((?:this\.|self\.)?(?!(?:this|self)\.)[A-Za-z_]\w*)\.([A-Za-z_]\w*)")


@lru_cache(maxsize=256)
def _attributes(class_name: str) -> frozenset[str]:
    """The attributes a provider class exposes, in both spellings (`id`, `arn`, `bucketDomainName`)."""
    camel = set(schema.load().cls(class_name).attrs)
    return frozenset(camel | {schema.snake_case(a) for a in camel})


def _literals(type_: schema.Type, value: Value):
    """(literal, the scalar type it must have) for a value and, for lists and maps, its items."""
    if type_.is_scalar:
        yield value, type_.text
    elif type_.is_list and type_.element and type_.element.is_scalar and value.kind == "array":
        for item in value.items:
            yield item, type_.element.text
    elif type_.is_map and type_.element and type_.element.is_scalar and value.kind == "object":
        for prop in value.props:
            yield prop.value, type_.element.text


def _coerce(file, value: Value, wanted: str) -> str | None:
    if wanted == "string" and value.kind == "number":
        return file.literal(value.text)
    if wanted == "string" and value.kind == "bool":
        return file.literal("true" if value.value else "false")
    if wanted == "number" and value.kind == "string" and _NUMBER.fullmatch(value.value):
        return value.value
    if wanted == "boolean" and value.kind == "string" and value.value in ("true", "false"):
        return file.literal(value.value == "true")
    return None


def _replace(file, value: Value, text: str) -> Edit:
    return Edit(file.path, value.span[0], value.span[1], text)
