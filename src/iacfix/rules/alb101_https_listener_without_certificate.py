"""ALB101: an HTTPS listener whose certificate the project cannot provide."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit import optional_feature as opt
from iacfix.rulekit.terraform_module import Module, attribute, insert_attribute, location, resources

LISTENERS = ("aws_lb_listener", "aws_alb_listener")
FLAG = "enable_https"
_CERT_REF = re.compile(r"^(aws_acm_certificate(?:_validation)?)\.([\w-]+)(?:\[0\])?\.(?:certificate_)?arn$")


# An example the rule reports without changing it (before and after alike).
REPORTED_1 = """\
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';

const cert = new AcmCertificate(this, 'cert', { domainName: 'app.example.com', validationMethod: 'DNS' });
new LbListener(this, 'https', {
  loadBalancerArn: alb.arn,
  port: 443,
  protocol: 'HTTPS',
  certificateArn: cert.arn,
  defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }],
});
"""

REPORTED_2 = """\
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.lb_listener import LbListener

cert = AcmCertificate(self, "cert", domain_name="api.example.com", validation_method="DNS")
LbListener(self, "https", load_balancer_arn=alb.arn, port=443, protocol="HTTPS", certificate_arn=cert.arn)
"""


class HttpsListenerWithoutCertificate(Rule):
    """An HTTPS listener needs a certificate the deployment can really get.

    What it does: finds an `aws_lb_listener` with `protocol = "HTTPS"` whose `certificate_arn`
    is a variable without a default (or with an empty / placeholder one), or an
    `aws_acm_certificate` validated by DNS for a domain the project does not own (an
    example.com placeholder, a variable without default) or with no Route 53 record to answer
    the validation. In Terraform, for the variable case, it makes HTTPS optional: a variable
    `enable_https` (bool, default false), a default `""` for the certificate variable,
    `count = var.enable_https ? 1 : 0` on the HTTPS listener (and on an HTTP listener that only
    redirects to it), and a new HTTP listener on port 80 that forwards to the HTTPS listener's
    target group while HTTPS is off.

    Reported only: the ACM case (guarding the certificate, its validation and every reference
    to them with `[0]` is more than a safe scaffold), listeners referenced elsewhere (listener
    rules, outputs) or forwarding in a way the rule cannot copy, and CDKTF: there the listener is
    built by program code, so whether it exists is a decision of that code (an `if` around it
    and a `TerraformVariable`), not a `count` a rule can add without knowing the program.

    Why: `terraform apply` stops on the prompt for the certificate ARN (or in CI on "No value
    for required variable"), and an ACM certificate waiting for DNS validation that never comes
    is never issued, so creating the listener fails (or an `aws_acm_certificate_validation` blocks the
    apply for 75 minutes first); nothing can be tested over HTTP meanwhile.

    Convention (pipeline): the pipeline deploys each stack on its own, with no inputs and no domain
    of its own. A root module elsewhere takes its certificate as a required input, and an example
    names example.com on purpose.

    Fix (unsafe, applied with --unsafe-fixes): HTTP first, HTTPS when `enable_https = true` and
    `certificate_arn` are set.
    """

    code = "ALB101"
    name = "https-listener-without-certificate"
    flavours = FLAVOURS
    severity = "error"
    convention = "pipeline"
    fix = "unsafe"
    seeds = ("002#6", "002#12")
    examples = [
        Example(
            "terraform",
            files={
                "variables.tf": """\
variable "certificate_arn" {
  description = "ACM certificate for the ALB"
  type        = string
}
""",
            },
            before="""\
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_lb_listener" "redirect" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
""",
            after="""\
resource "aws_lb_listener" "https" {
  count = var.enable_https ? 1 : 0

  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_lb_listener" "redirect" {
  count = var.enable_https ? 1 : 0

  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "http" {
  count = var.enable_https ? 0 : 1

  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
""",
            files_after={
                "variables.tf": """\
variable "certificate_arn" {
  description = "ACM certificate for the ALB"
  type        = string
  default     = ""
}

variable "enable_https" {
  description = "Create the HTTPS listener (needs certificate_arn); without it the ALB serves HTTP on port 80"
  type        = bool
  default     = false
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
        # A certificate the project validates in its own zone, and a variable with a default: silent.
        Example(
            "terraform",
            before="""\
variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
}

resource "aws_acm_certificate" "main" {
  domain_name       = var.domain
  validation_method = "DNS"
}

resource "aws_route53_record" "validation" {
  zone_id = aws_route53_zone.main.zone_id
  name    = tolist(aws_acm_certificate.main.domain_validation_options)[0].resource_record_name
}

resource "aws_lb_listener" "https" {
  protocol        = "HTTPS"
  certificate_arn = aws_acm_certificate.main.arn
}

resource "aws_lb_listener" "admin" {
  protocol        = "HTTPS"
  certificate_arn = var.certificate_arn
}
""",
        ),
    ]

    def check(self, ctx):
        module = None  # the Terraform module, read once (it indexes every block)
        for listener in ctx.resources(*LISTENERS):
            protocol = listener.attr_value("protocol")
            cert = listener.attr_value("certificate_arn")
            if protocol is None or protocol.kind != "string" or protocol.value.upper() != "HTTPS" or cert is None:
                continue
            if listener.language == "hcl":
                module = module or Module(ctx)
                yield from self._terraform(ctx, module, listener, cert)
                continue
            certificate = _cdktf_certificate(ctx, cert)
            if certificate is not None and _unvalidated(ctx, None, certificate):
                yield self.finding(
                    listener,
                    "the HTTPS listener's ACM certificate is never issued (DNS validation for a domain the project does "
                    "not own or answer), so the deploy fails: make HTTPS optional (an HTTP listener forwarding to the "
                    "target group by default, HTTPS behind a flag with a certificate ARN input)",
                )

    def _terraform(self, ctx, module, listener, cert):
        if "count" in listener.attrs or "for_each" in listener.attrs:
            return  # already optional
        declared = opt.variable_of(module, cert.text)
        if declared is not None:
            if not opt.without_default(declared):
                return
            edits = _scaffold(ctx, module, listener, declared)
            what = f"`{cert.text}` has no default, so the apply cannot run on its own"
        else:
            match = _CERT_REF.match(cert.text.strip())
            acm = None
            if match:
                acm = next((r for r in ctx.resources("aws_acm_certificate") if r.name == match.group(2)), None)
                if match.group(1) == "aws_acm_certificate_validation":
                    validation = next((r for r in ctx.resources(match.group(1)) if r.name == match.group(2)), None)
                    ref = validation.attr_value("certificate_arn") if validation else None
                    inner = _CERT_REF.match(ref.text.strip()) if ref else None
                    acm = next((r for r in ctx.resources("aws_acm_certificate") if inner and r.name == inner.group(2)), None)
            if acm is None or not _unvalidated(ctx, module, acm):
                return
            edits = []
            what = (f"`{cert.text}` is never issued (DNS validation for a domain the project does not own or answer), so "
                    "creating the HTTPS listener fails (or waits on the validation until it times out)")
        decl = next(d for d in resources(module, listener.type) if d.block.labels[1] == listener.name)
        if edits:
            yield self.finding(
                location(decl.file, decl.block),
                f"{what}: the fix makes HTTPS optional (`enable_https`, default false) with an HTTP listener forwarding meanwhile",
                edits,
            )
        else:
            yield self.finding(
                location(decl.file, decl.block),
                f"{what}; make HTTPS optional: `variable \"{FLAG}\"` (default false), `count` on this listener and an "
                "HTTP listener forwarding to the target group while it is off",
            )


def _unvalidated(ctx, module, acm) -> bool:
    """An ACM certificate validated by DNS that the project cannot get issued."""
    method = acm.attr_value("validation_method")
    if method is None or method.kind != "string" or method.value.upper() != "DNS":
        return False
    if opt.unowned_domain(module, acm.attr_value("domain_name")):
        return True
    # nothing answers the validation: no record reading the certificate's validation options
    records = ctx.resources("aws_route53_record")
    return not any(re.search(r"domain_validation_options|domainValidationOptions", v.text)
                   for r in records for v in (p.value for p in r.attrs.values()))


def _cdktf_certificate(ctx, cert):
    """The AcmCertificate construction a CDKTF `certificateArn` reads (`cert.arn`), or None."""
    head = cert.text.rsplit(".", 1)[0]
    return next((r for r in ctx.resources("aws_acm_certificate") if r.ref and r.ref == head), None)


def _scaffold(ctx, module, listener, declared) -> list[Edit]:
    """The Terraform edits making HTTPS optional; [] when the layout is not one they fit."""
    decl = next(d for d in resources(module, listener.type) if d.block.labels[1] == listener.name)
    if "count" in listener.attrs or "for_each" in listener.attrs:
        return []
    if opt.referenced(module, listener.ref, (decl.file.path, decl.block.span)):
        return []
    action = listener.attr_value("default_action")
    forward = action.items[0] if action is not None and action.kind == "array" and len(action.items) == 1 else None
    target = forward.prop("target_group_arn") if forward is not None else None
    kind = forward.prop("type") if forward is not None else None
    if target is None or kind is None or kind.value.value != "forward":
        return []
    lb = listener.attr_value("load_balancer_arn")
    if lb is None:
        return []
    condition = f"var.{FLAG}"
    edits = opt.add_count(decl.file, decl.block, condition)
    forwarding = False
    for other in resources(module, listener.type):
        r = next(x for x in ctx.resources(listener.type) if x.path == other.file.path and x.name == other.block.labels[1])
        if r is listener or r.attr_value("load_balancer_arn") is None or r.attr_value("load_balancer_arn").text != lb.text:
            continue
        proto = r.attr_value("protocol")
        if proto is None or proto.kind != "string" or proto.value.upper() != "HTTP":
            continue
        if "redirect" in (r.attr_value("default_action").text if r.attr_value("default_action") else ""):
            if "count" in r.attrs or opt.referenced(module, r.ref, (other.file.path, other.block.span)):
                return []
            edits += opt.add_count(other.file, other.block, condition)
        else:
            forwarding = True
    if not forwarding:
        taken = {d.block.labels[1] for d in resources(module, listener.type)}
        label = next(n for n in ("http", "http_forward", "http_default") if n not in taken)
        text = (
            f'resource "{listener.type}" "{label}" {{\n  count = {condition} ? 0 : 1\n\n'
            f"  load_balancer_arn = {lb.text}\n  port              = 80\n  protocol          = \"HTTP\"\n\n"
            f'  default_action {{\n    type             = "forward"\n    target_group_arn = {target.value.text}\n  }}\n}}'
        )
        others = [d.block.span[1] for d in resources(module, listener.type) if d.file.path == decl.file.path]
        at = max(others)
        edits.append(Edit(decl.file.path, at, at, "\n\n" + text))
    if attribute(declared.block, "default") is None:
        edits += insert_attribute(declared.file, declared.block, "default", '""')
    description = f"Create the HTTPS listener (needs {declared.block.labels[0]}); without it the ALB serves HTTP on port 80"
    edits += opt.bool_flag(module, FLAG, description, beside=declared, fallback=decl.file)
    return edits
