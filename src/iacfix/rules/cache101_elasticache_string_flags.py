"""CACHE101: ElastiCache replication group flags given as booleans where the provider wants strings."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import Example, Rule
from iacfix.rulekit import schema
from iacfix.rulekit.schema import ELASTICACHE_REPLICATION_GROUP as RESOURCE
from iacfix.rulekit.schema import elasticache_string_flags as string_flags


class ElasticacheStringFlags(Rule):
    """ElastiCache `atRestEncryptionEnabled` / `autoMinorVersionUpgrade` take strings, not booleans.

    What it does: on `ElasticacheReplicationGroup`, turns `atRestEncryptionEnabled: true` and
    `autoMinorVersionUpgrade: true` (Python `at_rest_encryption_enabled=True`,
    `auto_minor_version_upgrade=True`) into `'true'` / `"true"`; a boolean held in a variable
    becomes `String(x)` / `str(x).lower()`. `transitEncryptionEnabled` stays a boolean.

    Which properties are string-typed flags is read from the bundled provider schema (the
    replication group's string properties named `...Enabled` / `...Upgrade`). The generic
    coercion of literals, PRV105, leaves these two to this rule, which also converts a boolean
    held in a variable.

    Why: @cdktf/provider-aws types both as `string`: TypeScript does not compile, and the
    Python app fails at synth with a jsii type error.

    HCL is not affected: Terraform converts `true` to "true" by itself.

    Fix (safe): write the same value as a string.
    """

    code = "CACHE101"
    name = "elasticache-string-flags"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"
    seeds = ("001#3",)
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
export function cache(scope: any, encrypt: boolean) {
  return new ElasticacheReplicationGroup(scope, 'redis', {
    replicationGroupId: 'redis',
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    autoMinorVersionUpgrade: encrypt,
  });
}
""",
            after="""\
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
export function cache(scope: any, encrypt: boolean) {
  return new ElasticacheReplicationGroup(scope, 'redis', {
    replicationGroupId: 'redis',
    atRestEncryptionEnabled: 'true',
    transitEncryptionEnabled: true,
    autoMinorVersionUpgrade: String(encrypt),
  });
}
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup


def cache(scope, encrypt: bool):
    return ElasticacheReplicationGroup(
        scope,
        "redis",
        at_rest_encryption_enabled=False,
        transit_encryption_enabled=True,
        auto_minor_version_upgrade=encrypt,
    )
""",
            after="""\
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup


def cache(scope, encrypt: bool):
    return ElasticacheReplicationGroup(
        scope,
        "redis",
        at_rest_encryption_enabled="false",
        transit_encryption_enabled=True,
        auto_minor_version_upgrade=str(encrypt).lower(),
    )
""",
        ),
        # Already strings, or a variable that is not known to be a boolean: nothing to do.
        Example(
            "cdktf-ts",
            before="""\
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
export function cache(scope: any, flag: string) {
  new ElasticacheReplicationGroup(scope, 'redis', {
    atRestEncryptionEnabled: 'true',
    autoMinorVersionUpgrade: flag,
  });
}
""",
        ),
    ]

    def check(self, ctx):
        if schema.for_project(ctx) is None:  # a provider version the bundled schema does not describe
            return
        for group in ctx.resources(RESOURCE):
            file = ctx.file(group.path)
            for flag in string_flags():
                prop = group.attrs.get(flag)
                if prop is None:
                    continue
                value = prop.value
                if value.kind == "bool":
                    new = file.literal("true" if value.value else "false")
                elif value.kind == "expr" and file.value_type(value) == "boolean":
                    new = file.to_string_expr(value)
                else:
                    continue
                yield self.finding(
                    Location(group.path, value.line, value.col),
                    f"`{prop.key}` is a string in the AWS provider, not a boolean; use {new}",
                    file.replace_value(prop, new),
                )
