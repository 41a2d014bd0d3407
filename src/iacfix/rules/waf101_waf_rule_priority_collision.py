"""WAF101: two rules of a WAFv2 web ACL with the same priority."""

from __future__ import annotations

from iacfix.model import Location, Value
from iacfix.rule import FLAVOURS, Example, Rule


class WafRulePriorityCollision(Rule):
    """Every rule of a WAFv2 web ACL has its own priority.

    What it does: on `aws_wafv2_web_acl` / `Wafv2WebAcl` whose `rule`s (HCL blocks, TypeScript
    objects, Python dicts or `Wafv2WebAclRule(...)` structs) give the same literal `priority`
    to more than one rule, keeps the first rule's number and gives each later one the next
    number above it that no rule of the ACL uses, in the order they are written. An ACL with a
    priority that is not a literal number is left alone.

    Why: WAF evaluates rules by priority and requires them unique: the create fails with
    WAFInvalidParameterException ("Duplicate priority ..." / "field: RULE_PRIORITY").

    Fix (safe): the renumbered rules keep the order the model meant for the first of each
    clash; check that the later ones' new position suits you.
    """

    code = "WAF101"
    name = "waf-rule-priority-collision"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("002#18",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_wafv2_web_acl" "main" {
  name  = "main"
  scope = "REGIONAL"

  rule {
    name     = "common"
    priority = 1
  }

  rule {
    name     = "bad-inputs"
    priority = 1
  }

  rule {
    name     = "rate"
    priority = 2
  }
}
""",
            after="""\
resource "aws_wafv2_web_acl" "main" {
  name  = "main"
  scope = "REGIONAL"

  rule {
    name     = "common"
    priority = 1
  }

  rule {
    name     = "bad-inputs"
    priority = 3
  }

  rule {
    name     = "rate"
    priority = 2
  }
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
new Wafv2WebAcl(this, 'acl', {
  scope: 'REGIONAL',
  rule: [
    { name: 'a', priority: 0 },
    { name: 'b', priority: 0 },
  ],
});
""",
            after="""\
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
new Wafv2WebAcl(this, 'acl', {
  scope: 'REGIONAL',
  rule: [
    { name: 'a', priority: 0 },
    { name: 'b', priority: 1 },
  ],
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.wafv2_web_acl import Wafv2WebAcl, Wafv2WebAclRule

Wafv2WebAcl(self, "acl", scope="REGIONAL", rule=[
    Wafv2WebAclRule(name="a", priority=5),
    {"name": "b", "priority": 5},
])
""",
            after="""\
from cdktf_cdktf_provider_aws.wafv2_web_acl import Wafv2WebAcl, Wafv2WebAclRule

Wafv2WebAcl(self, "acl", scope="REGIONAL", rule=[
    Wafv2WebAclRule(name="a", priority=5),
    {"name": "b", "priority": 6},
])
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_wafv2_web_acl" "main" {
  rule {
    priority = 1
  }

  rule {
    priority = var.next
  }
}
""",
        ),
    ]

    def check(self, ctx):
        for acl in ctx.resources("aws_wafv2_web_acl"):
            rules = acl.attr_value("rule")
            if rules is None:
                continue
            file = ctx.file(acl.path)
            objects = [_as_object(file, item) for item in (rules.items if rules.kind == "array" else [rules])]
            props = [o.prop("priority") if o is not None else None for o in objects]
            if not props or any(p is None or p.value.kind != "number" for p in props):
                continue
            taken = {p.value.value for p in props}
            seen: set = set()
            for prop in props:
                number = prop.value.value
                if number not in seen:
                    seen.add(number)
                    continue
                new = number + 1
                while new in taken:
                    new += 1
                taken.add(new)
                seen.add(new)
                yield self.finding(
                    Location(acl.path, prop.value.line, prop.value.col),
                    f"WAF rule priority {number} is already used by an earlier rule of this web ACL, so WAF "
                    f"rejects it; renumbered to {new}",
                    file.replace_value(prop, file.literal(new)),
                )


def _as_object(file, item: Value) -> Value | None:
    """The rule as an object: an object literal / dict, or the keyword arguments of a struct
    constructor call (`Wafv2WebAclRule(name=..., priority=1)`)."""
    if item.kind == "object":
        return item
    if item.kind != "expr" or getattr(file, "view", None) is None:  # HCL has no constructions
        return None
    return file.config_at(item.span)
