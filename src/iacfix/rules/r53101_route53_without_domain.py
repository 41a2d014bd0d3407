"""R53101: Route 53 zones and records for a domain the project does not own."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit import optional_feature as opt
from iacfix.rulekit.terraform_module import Module, attribute, insert_attribute, location

FLAG = "enable_route53"
DOMAIN = "domain_name"
KINDS = (("resource", "aws_route53_zone"), ("data", "aws_route53_zone"), ("resource", "aws_route53_record"))


# An example the rule reports without changing it (before and after alike).
REPORTED_1 = """\
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
new Route53Zone(this, 'zone', { name: 'example.com' });
"""

REPORTED_2 = """\
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone

Route53Zone(self, "zone", name="shop.example.com")
"""


class Route53WithoutDomain(Rule):
    """Route 53 resources that need a domain the project does not own are optional.

    What it does: finds `aws_route53_zone` (resource or data lookup) named after a placeholder
    (example.com) or a variable without default, and `aws_route53_record`s in such a zone or
    whose `zone_id` is a variable without default (in a root module: a module under `modules/`
    gets its inputs from its caller). Private zones (a `vpc` block) need no domain. In Terraform it puts them behind a flag: a
    variable `enable_route53` (bool, default false), `count = var.enable_route53 ? 1 : 0` on
    each of them, references between them indexed `[0]`, a reference from elsewhere that is a
    whole value (an output) read as `one(aws_route53_zone.main[*].zone_id)` (null while off),
    a placeholder zone name replaced by `var.domain_name` (declared, default "") and a
    `domain_name` variable without default given `""`.

    Reported only: resources that already have `count` / `for_each` (ACM validation records),
    references inside larger expressions (`"https://${aws_route53_record.app.fqdn}"`), and
    CDKTF, where the program decides whether the zone exists (an `if` and a
    `TerraformVariable`), which a rule cannot add without knowing the program.

    Why: a hosted zone for example.com is created but never delegated, a record in a zone that
    does not exist fails ("NoSuchHostedZone"), a zone-id variable without default stops the
    apply: the stack cannot be deployed on its own.

    Convention (pipeline): the pipeline deploys each stack on its own, with no inputs and no domain
    of its own. A root module elsewhere takes its zone as a required input, and an example names
    example.com on purpose.

    Fix (unsafe, applied with --unsafe-fixes): DNS off by default; set `enable_route53 = true`
    and the domain to use it.
    """

    code = "R53101"
    name = "route53-without-domain"
    flavours = FLAVOURS
    severity = "error"
    convention = "pipeline"
    fix = "unsafe"
    seeds = ("002#7",)
    examples = [
        Example(
            "terraform",
            before="""\
variable "zone_id" {
  description = "Hosted zone of the site"
  type        = string
}

resource "aws_route53_record" "app" {
  zone_id = var.zone_id
  name    = "app"
  type    = "CNAME"
  records = [aws_lb.main.dns_name]
}

output "app_fqdn" {
  value = aws_route53_record.app.fqdn
}
""",
            after="""\
variable "zone_id" {
  description = "Hosted zone of the site"
  type        = string
  default     = ""
}

variable "enable_route53" {
  description = "Create the Route 53 zone and records (needs a domain the account owns)"
  type        = bool
  default     = false
}

resource "aws_route53_record" "app" {
  count = var.enable_route53 ? 1 : 0

  zone_id = var.zone_id
  name    = "app"
  type    = "CNAME"
  records = [aws_lb.main.dns_name]
}

output "app_fqdn" {
  value = one(aws_route53_record.app[*].fqdn)
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_route53_zone" "main" {
  name = "example.com"
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "www.example.com"
  type    = "A"
}
""",
            after="""\
resource "aws_route53_zone" "main" {
  count = var.enable_route53 ? 1 : 0

  name = var.domain_name
}

resource "aws_route53_record" "www" {
  count = var.enable_route53 ? 1 : 0

  zone_id = aws_route53_zone.main[0].zone_id
  name    = "www.example.com"
  type    = "A"
}
""",
            files_after={
                "variables.tf": """\
variable "enable_route53" {
  description = "Create the Route 53 zone and records (needs a domain the account owns)"
  type        = bool
  default     = false
}

variable "domain_name" {
  description = "Domain of the hosted zone (used when enable_route53 is true)"
  type        = string
  default     = ""
}
""",
            },
        ),
        Example(
            "cdktf-ts",
            before=REPORTED_1,
            after=REPORTED_1,
        ),
        Example(
            "cdktf-py",
            before=REPORTED_2,
            after=REPORTED_2,
        ),
        # A real domain, a guarded zone: silent.
        Example(
            "terraform",
            before="""\
variable "enable_dns" {
  type    = bool
  default = false
}

resource "aws_route53_zone" "main" {
  name = "payments.acme-corp.io"
}

resource "aws_route53_zone" "optional" {
  count = var.enable_dns ? 1 : 0
  name  = "example.com"
}
""",
        ),
    ]

    def check(self, ctx):
        hcl = [r for r in ctx.resources("aws_route53_zone", "aws_route53_record") if r.language != "hcl"]
        for r in hcl:
            if r.type == "aws_route53_zone" and opt.unowned_domain(None, r.attr_value("name")):
                yield self.finding(r, "a hosted zone for a placeholder domain is never delegated: make Route 53 optional "
                                      "(create the zone and its records only when a real domain is given)")
        if not ctx.files("hcl"):
            return
        module = Module(ctx)
        flagged = _flagged(module)
        if not flagged:
            return
        first = flagged[0]
        edits, reason = _scaffold(ctx, module, flagged)
        names = ", ".join(f"`{_address(d)}`" for d in flagged) + (" needs" if len(flagged) == 1 else " need")
        if edits:
            yield self.finding(location(first.file, first.block),
                               f"{names} a domain the project does not own: the fix puts them behind `enable_route53` (default false)", edits)
        else:
            yield self.finding(location(first.file, first.block),
                               f"{names} a domain the project does not own; make them optional (`enable_route53`, "
                               f"default false, `count` on each){reason}")


def _address(d) -> str:
    return ("data." if d.block.type == "data" else "") + ".".join(d.block.labels)


def _blocks(module, kind, rtype):
    return [d for d in module.blocks(kind) if d.block.labels[:1] == [rtype]]


def _flagged(module: Module) -> list:
    """The zones and records that need an unowned domain, zones first, in file order."""
    zones = [d for kind, rtype in KINDS[:2] for d in _blocks(module, kind, rtype)
             if attribute(d.block, "count") is None and attribute(d.block, "for_each") is None
             and not any(b.type == "vpc" for b in d.block.blocks) and attribute(d.block, "vpc") is None
             and attribute(d.block, "private_zone") is None and _unowned(module, d, "name")]
    zone_refs = [_address(z) for z in zones]
    records = []
    for d in _blocks(module, "resource", "aws_route53_record"):
        if attribute(d.block, "count") is not None:
            continue
        zone_id = attribute(d.block, "zone_id")
        if zone_id is None:
            continue
        text = zone_id.prop.value.text
        if _unowned(module, d, "zone_id") or any(re.search(rf"(?<![\w.]){re.escape(z)}\.", text) for z in zone_refs):
            records.append(d)
    return zones + records


def _unowned(module, d, key) -> bool:
    attr = attribute(d.block, key)
    if attr is None:
        return False
    value = attr.prop.value
    if key == "zone_id":
        declared = opt.variable_of(module, value.text)
        return declared is not None and opt.without_default(declared)
    return opt.unowned_domain(module, value)


def _scaffold(ctx, module, flagged) -> tuple[list[Edit], str]:
    """The edits, or [] and why not."""
    if any(attribute(d.block, "for_each") is not None for d in flagged):
        return [], " (a record with for_each needs its map emptied by hand)"
    condition = f"var.{FLAG}"
    edits: list[Edit] = []
    spans = [(d.file.path, d.block.span) for d in flagged]
    for d in flagged:
        edits += opt.add_count(d.file, d.block, condition)
    # references to the guarded resources
    for d in flagged:
        address = _address(d)
        pattern = re.compile(rf"(?<![\w.]){re.escape(address)}\.([A-Za-z_]\w*)")
        for file in module.files:
            if address not in file.text:  # most files: a substring search spares the regex
                continue
            for match in pattern.finditer(file.text):
                inside = any(p == file.path and s[0] <= match.start() < s[1] for p, s in spans)
                if inside:
                    edits.append(Edit(file.path, match.start(), match.end(), f"{address}[0].{match.group(1)}"))
                    continue
                value = _whole_value(file, match)
                if value is None:
                    return [], f" (`{match.group(0)}` is used in a larger expression at {file.path.name}, which needs it by hand)"
                edits.append(Edit(file.path, *value, f"one({address}[*].{match.group(1)})"))
    # the domain: a placeholder literal zone name becomes var.domain_name; the variables
    needs_domain = False
    for d in flagged:
        name = attribute(d.block, "name")
        if d.block.labels[0] == "aws_route53_zone" and name is not None and name.prop.value.kind == "string":
            edits.append(Edit(d.file.path, *name.prop.value.span, f"var.{DOMAIN}"))
            needs_domain = True
    declared = []
    for d in flagged:
        for key in ("name", "zone_id"):
            attr = attribute(d.block, key)
            var = opt.variable_of(module, attr.prop.value.text) if attr else None
            if var is not None and attribute(var.block, "default") is None and var.block.labels not in [v.block.labels for v in declared]:
                declared.append(var)
                edits += insert_attribute(var.file, var.block, "default", '""')
    beside = declared[-1] if declared else None
    specs = [(FLAG, "bool", "Create the Route 53 zone and records (needs a domain the account owns)", "false")]
    if needs_domain:
        specs.append((DOMAIN, "string", "Domain of the hosted zone (used when enable_route53 is true)", '""'))
    edits += opt.declare(module, specs, beside, fallback=flagged[0].file)
    return edits, ""


def _whole_value(file, match) -> tuple[int, int] | None:
    """The span of the reference when it is a whole attribute value (`value = aws_x.y.attr`)."""
    start = file.text.rfind("\n", 0, match.start()) + 1
    end = file.text.find("\n", match.end())
    end = len(file.text) if end == -1 else end
    before, after = file.text[start : match.start()], file.text[match.end() : end]
    if re.fullmatch(r"\s*[\w-]+\s*=\s*", before) and re.fullmatch(r"\s*(#.*|//.*)?", after):
        return match.start(), match.end()
    return None
