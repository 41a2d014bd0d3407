"""ASG101: a target tracking scaling policy that leaves its cooldowns to the defaults."""

from __future__ import annotations

from iacfix.model import Edit, Resource
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit.embedded import objects
from iacfix.rulekit.text import snake_case

SCALE_IN, SCALE_OUT = 300, 60
COOLDOWNS = {"scale_in_cooldown": SCALE_IN, "scale_out_cooldown": SCALE_OUT}
WHY = "cooldowns: add capacity after 60 s, remove it only after 300 s, so scaling does not flap"


class AutoscalingCooldown(Rule):
    """A target tracking policy sets its scale-in and scale-out cooldowns.

    What it does: on an `aws_appautoscaling_policy` with `policy_type = "TargetTrackingScaling"`
    whose `target_tracking_scaling_policy_configuration` has neither `scale_in_cooldown` nor
    `scale_out_cooldown`, adds `scale_in_cooldown = 300` and `scale_out_cooldown = 60` with a
    comment saying why. One already set is left as it is (and the other is not guessed).

    Why: with the service defaults every scale-out waits as long as a scale-in, so a traffic
    spike is met late, while a short scale-in wait removes capacity that is needed again a
    minute later (thrashing). Scaling out fast and in slowly is the usual choice for web
    services and what reviews ask for.

    Convention (pipeline): the pipeline's reviews ask for explicit cooldowns. The service defaults
    are a valid choice elsewhere.

    Fix (unsafe: it changes how the service scales): the two cooldowns, in seconds; tune them
    to the service's start-up time and traffic.
    """

    code = "ASG101"
    name = "autoscaling-cooldown"
    flavours = FLAVOURS
    convention = "pipeline"
    fix = "unsafe"
    seeds = ("002#25",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_appautoscaling_policy" "cpu" {
  name        = "cpu"
  policy_type = "TargetTrackingScaling"

  target_tracking_scaling_policy_configuration {
    target_value = 70
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
""",
            after="""\
resource "aws_appautoscaling_policy" "cpu" {
  name        = "cpu"
  policy_type = "TargetTrackingScaling"

  target_tracking_scaling_policy_configuration {
    target_value = 70
    # cooldowns: add capacity after 60 s, remove it only after 300 s, so scaling does not flap
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
new AppautoscalingPolicy(this, 'cpu', {
  policyType: 'TargetTrackingScaling',
  targetTrackingScalingPolicyConfiguration: {
    targetValue: 70,
    predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
  },
});
""",
            after="""\
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
new AppautoscalingPolicy(this, 'cpu', {
  policyType: 'TargetTrackingScaling',
  targetTrackingScalingPolicyConfiguration: {
    targetValue: 70,
    predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    // cooldowns: add capacity after 60 s, remove it only after 300 s, so scaling does not flap
    scaleInCooldown: 300,
    scaleOutCooldown: 60,
  },
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.appautoscaling_policy import AppautoscalingPolicy

AppautoscalingPolicy(
    self,
    "cpu",
    policy_type="TargetTrackingScaling",
    target_tracking_scaling_policy_configuration={"target_value": 70},
)
""",
            after="""\
from cdktf_cdktf_provider_aws.appautoscaling_policy import AppautoscalingPolicy

AppautoscalingPolicy(
    self,
    "cpu",
    policy_type="TargetTrackingScaling",
    target_tracking_scaling_policy_configuration={"target_value": 70, "scale_in_cooldown": 300, "scale_out_cooldown": 60},
)
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration as Tracking,
)

AppautoscalingPolicy(
    self,
    "cpu",
    policy_type="TargetTrackingScaling",
    target_tracking_scaling_policy_configuration=Tracking(
        target_value=70,
    ),
)
""",
            after="""\
from cdktf_cdktf_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration as Tracking,
)

AppautoscalingPolicy(
    self,
    "cpu",
    policy_type="TargetTrackingScaling",
    target_tracking_scaling_policy_configuration=Tracking(
        target_value=70,
        # cooldowns: add capacity after 60 s, remove it only after 300 s, so scaling does not flap
        scale_in_cooldown=300,
        scale_out_cooldown=60,
    ),
)
""",
        ),
        Example(  # a cooldown already chosen; step scaling has its own cooldown
            "terraform",
            before="""\
resource "aws_appautoscaling_policy" "cpu" {
  policy_type = "TargetTrackingScaling"
  target_tracking_scaling_policy_configuration {
    target_value      = 70
    scale_in_cooldown = 600
  }
}

resource "aws_appautoscaling_policy" "step" {
  policy_type = "StepScaling"
}
""",
        ),
    ]

    def check(self, ctx):
        for policy in ctx.resources("aws_appautoscaling_policy"):
            kind = policy.attr_value("policy_type")
            if kind is None or kind.kind != "string" or kind.value != "TargetTrackingScaling":
                continue
            file = ctx.file(policy.path)
            value = policy.attr_value("target_tracking_scaling_policy_configuration")
            configs = objects(value) or _struct(file, value)
            if len(configs) != 1:
                continue
            config = configs[0]
            if {snake_case(p.key.strip("\"'")) for p in config.props} & set(COOLDOWNS):
                continue
            first, second = _entries(file, config)
            yield self.finding(
                policy,
                f"target tracking policy without scale-in / scale-out cooldowns; the fix adds `{first}` and "
                f"`{second}` so scaling out is quick and scaling in does not flap",
                _insert_pair(file, policy, config),
            )


def _struct(file, value):
    """Python's struct class (`AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration(
    target_value=70)`): its keyword arguments, as the construction the view lists."""
    if value is None or value.kind != "expr" or file.language != "python":
        return []
    config = file.config_at(value.span)
    return [config] if config is not None else []


def _entries(file, config) -> tuple[str, str]:
    """The two cooldowns as the configuration writes its entries (and the message names them):
    `scaleInCooldown: 300` in TypeScript, `scale_in_cooldown=300` or, in a Python dict,
    `"scale_in_cooldown": 300`, `scale_in_cooldown = 300` in HCL."""
    if file.language == "python" and config.text.lstrip().startswith("{"):  # a dict: quoted keys
        first, second = (f"{file.quote}{name}{file.quote}: {value}" for name, value in COOLDOWNS.items())
    else:
        first, second = (file.attr_entry(name, str(value)) for name, value in COOLDOWNS.items())
    return first, second


def _insert_pair(file, policy, config):
    """Both cooldowns after the configuration's last argument, under a comment where the layout
    has a line for it. One insertion: two at the same point would collide."""
    holder = Resource(policy.path, policy.language, policy.type, None, None, {}, config, config.line, config.col)
    if file.language == "hcl":
        *_, edit = file.insert_attr(holder, "scale_out_cooldown", str(SCALE_OUT))  # only its position
        indent = edit.text[1 : len(edit.text) - len(edit.text[1:].lstrip(" \t"))]
        lines = [f"# {WHY}", f"scale_in_cooldown  = {SCALE_IN}", f"scale_out_cooldown = {SCALE_OUT}"]
        return [Edit(edit.path, edit.start, edit.end, "".join(f"\n{indent}{line}" for line in lines))]
    first, second = _entries(file, config)
    edits = file.insert_attr(holder, "x", "x")
    placeholder = file.attr_entry("x", "x")
    out = []
    for edit in edits:
        at = edit.text.find(placeholder)
        if at < 0:
            out.append(edit)
            continue
        before = edit.text[:at]
        if "\n" in before:
            indent = before[before.rfind("\n") + 1 :]
            pair = f"{file.comment_prefixes[0]} {WHY}\n{indent}{first},\n{indent}{second}"
        else:
            pair = f"{first}, {second}"
        out.append(Edit(edit.path, edit.start, edit.end, before + pair + edit.text[at + len(placeholder) :]))
    return out
