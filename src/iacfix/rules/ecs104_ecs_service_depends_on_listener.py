"""ECS104: an ECS service behind a target group is created before the listener that uses it."""

from __future__ import annotations

from iacfix.model import Edit, Value
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit.embedded import objects
from iacfix.rulekit.text import snake_case

LISTENERS = ("aws_lb_listener", "aws_lb_listener_rule", "aws_alb_listener", "aws_alb_listener_rule")


class EcsServiceDependsOnListener(Rule):
    """An ECS service registered with a target group waits for the listener that forwards to it.

    What it does: for an `aws_ecs_service` whose `load_balancer` names a target group's ARN
    (`aws_lb_target_group.app.arn`, `tg.arn`) that a listener or listener rule of the project
    forwards to (`default_action` / `action` with that `target_group_arn`), and whose
    `depends_on` names none of those listeners, adds the listener to `depends_on` (creating it:
    HCL `depends_on = [aws_lb_listener.http]`, TypeScript `dependsOn: [listener]`, Python
    `depends_on=[listener]`). In TypeScript and Python only a listener assigned to a variable of
    the same file, built before the service, can be named; otherwise nothing is changed.

    Why: the target group reference orders the service after the target group only; ECS then
    races the listener and the create fails with "The target group with targetGroupArn ...
    does not have an associated load balancer".

    Fix (safe): the dependency only orders creation; nothing else changes.
    """

    code = "ECS104"
    name = "ecs-service-depends-on-listener"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("002#19",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_ecs_service" "app" {
  name          = "app"
  desired_count = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = 8080
  }
}
""",
            after="""\
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_ecs_service" "app" {
  name          = "app"
  desired_count = 2
  depends_on    = [aws_lb_listener.http]

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = 8080
  }
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.https.arn

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_ecs_service" "api" {
  depends_on = [aws_iam_role_policy.exec]

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
  }
}
""",
            after="""\
resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.https.arn

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_ecs_service" "api" {
  depends_on = [aws_iam_role_policy.exec, aws_lb_listener_rule.api]

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
  }
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
const listener = new LbListener(this, 'http', {
  loadBalancerArn: alb.arn,
  defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }],
});
new EcsService(this, 'svc', {
  name: 'svc',
  loadBalancer: [{ targetGroupArn: tg.arn, containerName: 'app', containerPort: 80 }],
});
""",
            after="""\
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
const listener = new LbListener(this, 'http', {
  loadBalancerArn: alb.arn,
  defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }],
});
new EcsService(this, 'svc', {
  name: 'svc',
  loadBalancer: [{ targetGroupArn: tg.arn, containerName: 'app', containerPort: 80 }],
  dependsOn: [listener],
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.lb_listener import LbListener
from cdktf_cdktf_provider_aws.ecs_service import EcsService

self.listener = LbListener(self, "http", load_balancer_arn=alb.arn,
    default_action=[{"type": "forward", "target_group_arn": tg.arn}])
EcsService(self, "svc", name="svc", load_balancer=[{"target_group_arn": tg.arn, "container_port": 80}])
""",
            after="""\
from cdktf_cdktf_provider_aws.lb_listener import LbListener
from cdktf_cdktf_provider_aws.ecs_service import EcsService

self.listener = LbListener(self, "http", load_balancer_arn=alb.arn,
    default_action=[{"type": "forward", "target_group_arn": tg.arn}])
EcsService(self, "svc", name="svc", load_balancer=[{"target_group_arn": tg.arn, "container_port": 80}], depends_on=[self.listener])
""",
        ),
        Example(  # already waits for the listener; a target group no listener forwards to
            "terraform",
            before="""\
resource "aws_lb_listener" "http" {
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_ecs_service" "app" {
  depends_on = [aws_lb_listener.http]
  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_ecs_service" "worker" {
  load_balancer {
    target_group_arn = aws_lb_target_group.other.arn
  }
}
""",
        ),
    ]

    def check(self, ctx):
        listeners = ctx.resources(*LISTENERS)
        for service in ctx.resources("aws_ecs_service"):
            groups = {
                arn.text for lb in objects(service.attr_value("load_balancer"))
                if (arn := _prop(lb, "target_group_arn")) is not None and arn.kind == "expr"
            }
            if not groups:
                continue
            forwarding = [ln for ln in listeners if groups & _forwards_to(ln)]
            if not forwarding:
                continue
            depends = service.attr_value("depends_on")
            named = {i.text for i in depends.items} if depends is not None and depends.kind == "array" else set()
            if depends is not None and depends.kind != "array":
                continue
            if any(ln.ref in named for ln in forwarding):
                continue
            usable = [ln for ln in forwarding if _nameable(service, ln)]
            if not usable:
                continue
            listener = usable[0]
            file = ctx.file(service.path)
            if depends is None:
                edits = file.insert_attr(service, "depends_on", f"[{listener.ref}]")
            elif depends.items:
                end = depends.items[-1].span[1]
                edits = [Edit(service.path, end, end, f", {listener.ref}")]
            else:
                edits = file.replace_value(service.attrs["depends_on"], f"[{listener.ref}]")
            yield self.finding(
                service,
                f"the service registers with a target group that {listener.ref} forwards to, but does not wait "
                'for it: ECS fails with "target group ... does not have an associated load balancer"; '
                f"added {listener.ref} to {file.attr_key('depends_on')}",
                edits,
            )



def _prop(obj: Value, name: str) -> Value | None:
    """A nested property by its Terraform name, however the language spells the key."""
    return next((p.value for p in obj.props if snake_case(p.key) == name), None)


def _forwards_to(listener) -> set[str]:
    """The target group ARN expressions a listener or rule forwards to."""
    out = set()
    for key in ("default_action", "action"):
        for action in objects(listener.attr_value(key)):
            arn = _prop(action, "target_group_arn")
            if arn is not None:
                out.add(arn.text)
    return out


def _nameable(service, listener) -> bool:
    """Whether the service's code can name the listener: any HCL resource; in TS/Python a
    variable of the same file assigned before the service is built."""
    if listener.ref is None:
        return False
    if listener.language == "hcl":
        return service.language == "hcl"
    return listener.path == service.path and (listener.line, listener.col) < (service.line, service.col)
