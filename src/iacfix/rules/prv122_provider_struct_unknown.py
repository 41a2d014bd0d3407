"""PRV122: a Python struct class the provider does not have, built with keywords."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import Invalid, Rule, Valid
from iacfix.rulekit import provider_imports, schema
from iacfix.rulekit.cdktf_view import Construction, Import, ImportedName


class ProviderStructUnknown(Rule):
    """Give a nested block whose struct class does not exist as a dict of its keywords.

    What it does: in CDKTF Python, finds a struct class imported from a provider module that
    exports no such name and no name it could stand for (PRV101 and PRV102 move and rename the
    ones that have one): `LbTargetGroupStickinessConfig` (the provider's is
    `LbTargetGroupStickiness`), `Wafv2WebAclRuleStatement` (deeper than the provider generates
    structs), `DynamodbTableStreamSpecification` (no such block). When every use of it builds it
    with keywords, each call becomes the dict of the same keywords and the import goes:
    `stickiness=LbTargetGroupStickinessConfig(type="lb_cookie", enabled=True)` →
    `stickiness={"type": "lb_cookie", "enabled": True}`.

    A struct of the provider's built for a property that takes another one (the WAFv2 ACL's
    `Wafv2WebAclVisibilityConfig` for a rule's `visibility_config`, where the rule's is
    `Wafv2WebAclRuleVisibilityConfig`) becomes the property's own struct when that has every
    keyword given.

    Why: the import raises ImportError before anything is synthesized; a struct of another
    block makes typeguard refuse the argument ("type of argument visibility_config must be one
    of (...Wafv2WebAclRuleVisibilityConfig, Dict[str, Any])"). A dict is what jsii turns
    into whatever struct the property wants, whatever its class is called; where the property is
    typed `any` (WAFv2's deep statements) the dict is passed to Terraform as it is. What the
    keywords themselves are worth is then checked as any dict is (PRV103-PRV106: a block the
    resource does not have is lifted or reported, keys in a list are camelCase).

    Fix (safe): the same values under the same keys; only the class that does not exist goes.
    """

    code = "PRV122"
    name = "provider-struct-unknown"
    flavours = ("cdktf-py",)
    severity = "error"  # tsc or synth fails
    examples = [
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupStickinessConfig

LbTargetGroup(
    self,
    "tg",
    port=80,
    stickiness=LbTargetGroupStickinessConfig(
        type="lb_cookie",
        enabled=True,
    ),
)
""",
            """\
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup

LbTargetGroup(
    self,
    "tg",
    port=80,
    stickiness={
        "type": "lb_cookie",
        "enabled": True,
    },
)
""",
            message="'cdktf_cdktf_provider_aws.lb_target_group' has no class `LbTargetGroupStickinessConfig`: its keywords "
            "are given as a dict, which jsii turns into the struct the property wants",
            line=1,
        ),
        # A struct of the provider's, built for a property that takes another one.
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.wafv2_web_acl import Wafv2WebAcl, Wafv2WebAclRule, Wafv2WebAclVisibilityConfig

Wafv2WebAcl(
    self,
    "acl",
    name="api",
    scope="REGIONAL",
    default_action={"allow": {}},
    rule=[
        Wafv2WebAclRule(
            name="rate",
            priority=1,
            visibility_config=Wafv2WebAclVisibilityConfig(
                cloudwatch_metrics_enabled=True, metric_name="rate", sampled_requests_enabled=True
            ),
        )
    ],
    visibility_config=Wafv2WebAclVisibilityConfig(
        cloudwatch_metrics_enabled=True, metric_name="api", sampled_requests_enabled=True
    ),
)
""",
            """\
from cdktf_cdktf_provider_aws.wafv2_web_acl import (
    Wafv2WebAcl,
    Wafv2WebAclRule,
    Wafv2WebAclRuleVisibilityConfig,
    Wafv2WebAclVisibilityConfig,
)

Wafv2WebAcl(
    self,
    "acl",
    name="api",
    scope="REGIONAL",
    default_action={"allow": {}},
    rule=[
        Wafv2WebAclRule(
            name="rate",
            priority=1,
            visibility_config=Wafv2WebAclRuleVisibilityConfig(
                cloudwatch_metrics_enabled=True, metric_name="rate", sampled_requests_enabled=True
            ),
        )
    ],
    visibility_config=Wafv2WebAclVisibilityConfig(
        cloudwatch_metrics_enabled=True, metric_name="api", sampled_requests_enabled=True
    ),
)
""",
        ),
        # The provider's own structs, and a name used otherwise than built: left alone.
        Valid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupStickiness
from cdktf_cdktf_provider_aws.lb_listener import LbListenerDefaultActionConfig

LbTargetGroup(self, "tg", stickiness=LbTargetGroupStickiness(type="lb_cookie"))
config: LbListenerDefaultActionConfig = None
""",
        ),
    ]

    def check(self, ctx):
        s = schema.for_project(ctx)
        if s is None:  # the project pins a provider version the bundled schema does not describe
            return
        for file in ctx.files("python"):
            yield from self._other_block(ctx, s, file)
            for imp in file.typed_view.imports:
                is_provider, module = schema.provider_module(file, imp.module)
                if not is_provider or module is None or not s.has_module(module):
                    continue
                gone = [spec for spec in imp.names if _unknown(s, module, spec.name)]
                calls = {spec.local: _built(file, spec.local) for spec in gone}
                gone = [spec for spec in gone if calls[spec.local]]
                if not gone:
                    continue
                edits = [e for spec in gone for call in calls[spec.local] for e in _as_dict(file, call)]
                kept = [spec for spec in imp.names if spec not in gone]
                edits += _import_without(file, imp, kept)
                names = ", ".join(f"`{spec.name}`" for spec in gone)
                yield self.finding(
                    Location(file.path, imp.line),
                    f"'{imp.module}' has no class {names}: its keywords are given as a dict, which jsii turns into the "
                    f"struct the property wants",
                    edits,
                )


    def _other_block(self, ctx, s, file):
        """A struct of the provider built for a property that takes another one (WAFv2's
        `Wafv2WebAclVisibilityConfig` for a rule's `visibility_config`): the property's own
        struct, when it has every keyword given."""
        built = {c.span: c for c in file.typed_view.constructions}
        for typed in schema.typed_props(file):
            spec, value = typed.spec, typed.prop.value
            call = built.get(tuple(value.span)) if spec is not None and value.kind == "expr" else None
            wanted = spec.type.struct if spec is not None else None
            if call is None or wanted is None or "." in call.callee:
                continue
            written = schema.constructed_name(file, call.callee)
            target = s.struct(wanted)
            if written is None or written == wanted or s.struct(written) is None or target is None:
                continue
            keys = [p.key for p in call.config.props] if call.config is not None else []
            if call.args or any(target.prop(k) is None for k in keys):
                continue
            edits = [Edit(file.path, *call.callee_span, wanted)] + provider_imports.add_imports(file, [wanted])
            yield self.finding(
                Location(file.path, call.line, call.col),
                f"`{typed.prop.key}` takes a `{wanted}`, not a `{written}` (typeguard refuses it at synth)",
                edits,
            )


def _unknown(s: schema.ProviderSchema, module: str, name: str) -> bool:
    """No such class or struct in the module, nor one the name stands for (PRV101/PRV102's)."""
    if name in s.module_exports(module) or name + "A" in s.module_exports(module) or not name[:1].isupper():
        return False
    if re.search(r"(OutputReference|List|Map)$", name):
        return False  # helper classes the schema does not list
    return schema.meant_name(name, module) is None


def _built(file, local: str) -> list[Construction]:
    """The calls that build `local` with keywords only, when they are all its uses; else []."""
    calls = [c for c in file.typed_view.constructions if c.callee == local]
    if not calls or file.typed_view.identifier_counts.get(local, 0) != len(calls) or any(c.args for c in calls):
        return []
    return calls


def _as_dict(file, call: Construction) -> list[Edit]:
    """`Name(a=1, b=x)` → `{"a": 1, "b": x}`: the call's brackets and each `key=`."""
    start, end = call.callee_span[0], call.span[1]
    opening = file.text.index("(", call.callee_span[1])
    edits = [Edit(file.path, start, opening + 1, "{"), Edit(file.path, end - 1, end, "}")]
    config = call.config
    for prop in config.props if config else []:
        key_start, key_end = prop.key_span
        equals = file.text.index("=", key_end)
        space = "" if file.text[equals + 1 : equals + 2].isspace() else " "
        edits.append(Edit(file.path, key_start, equals + 1, f'"{prop.key}":{space}'))
    return edits


def _import_without(file, imp: Import, kept: list[ImportedName]) -> list[Edit]:
    if not kept:
        return file.remove_statement(imp.span)
    specs = imp.names
    separator = file.text[specs[0].span[1] : specs[1].span[0]]
    text = separator.join(file.text[spec.span[0] : spec.span[1]] for spec in kept)
    return [Edit(file.path, specs[0].span[0], specs[-1].span[1], text)]
