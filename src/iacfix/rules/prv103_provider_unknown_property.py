"""PRV103: a property the provider's resource or block does not have."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from iacfix.model import Edit, Location, Prop, Value
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit import schema, validity
from iacfix.rulekit.text import indentation_at

# What models write for what the provider calls otherwise (owner struct, wrong name) → right
# name (camelCase), and the value to write when the old one does not carry over as is. Every
# target is checked against the schema before it is used.
RENAMES: dict[tuple[str, str], tuple[str, dict | None]] = {
    ("KmsKeyConfig", "keySpec"): ("customerMasterKeySpec", None),
    ("FlowLogConfig", "resourceId"): ("vpcId", None),
    ("DbInstanceConfig", "managePassword"): ("manageMasterUserPassword", None),
    ("RdsClusterConfig", "managePassword"): ("manageMasterUserPassword", None),
    ("Route53RecordConfig", "fullyQualifiedDomainName"): ("fqdn", None),
    ("LbTargetGroupConfig", "deregistrationDelaySeconds"): ("deregistrationDelay", None),
    ("CloudwatchLogGroupConfig", "retentionDays"): ("retentionInDays", None),
    ("DbInstanceConfig", "name"): ("dbName", None),  # removed in provider 5
    # The replication group's argument, written on the subnet group itself (seed 001#4)
    ("ElasticacheSubnetGroupConfig", "subnetGroupName"): ("name", None),
    ("S3BucketConfig", "bucketName"): ("bucket", None),
    ("S3BucketConfig", "name"): ("bucket", None),
    ("SnsTopicConfig", "kmsKeyId"): ("kmsMasterKeyId", None),
    ("SqsQueueConfig", "kmsKeyId"): ("kmsMasterKeyId", None),
    ("DataAwsSecretsmanagerRandomPasswordConfig", "length"): ("passwordLength", None),
    ("InstanceConfig", "securityGroupIds"): ("vpcSecurityGroupIds", None),
    # S3 default encryption, as a resource of its own and as S3Bucket's old inline block
    ("S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA", "kmsKeyId"): ("kmsMasterKeyId", None),
    ("S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault", "kmsKeyId"): ("kmsMasterKeyId", None),
}
# Unknown arguments a dedicated rule repairs (TF203, TF205, TF206): left to it, in every flavour.
DEDICATED = validity.DEDICATED
# Python constructors take scope and id positionally; `id_` is the construct id by keyword.
PY_CONSTRUCT = frozenset({"scope", "id_"})


class ProviderUnknownProperty(Rule):
    """A property the resource (or its nested block) does not have is renamed, removed or reported.

    What it does: checks every key of a provider resource's config, and of its nested blocks,
    against the provider's schema: in Terraform, the schema of the provider version the project
    gets (`rulekit.validity`); in CDKTF, the bindings' own (rulekit.schema). An unknown key is
    renamed to the property it clearly means: a rename the provider's upgrade guides name
    (`name` → `db_name` on aws_db_instance) or a known model slip (`keySpec` →
    `customerMasterKeySpec` on KmsKey, `resourceId` → `vpcId` on FlowLog), the same name spelled
    with other case or underscores, a plural list (`password = "x"` → `passwords = ["x"]`), the
    name with what it holds (`cidr` → `cidr_blocks`, `kms_key` → `kms_key_id`), the required
    argument not set that it ends or shares a telling word with (`request_payer` → `payer`,
    `git_repo { ... }` → `git_config { ... }`), or a unique close match whose type fits the
    value. In Terraform, an argument of the one nested block that has it is moved into it
    (`response_headers_policy_id` into cloudfront's `default_cache_behavior`). An unknown key
    that only wraps properties of the resource itself (another resource's inline block copied
    whole: `serverSideEncryptionConfiguration: { rule: ... }` in
    `S3BucketServerSideEncryptionConfigurationA`) gives way to what it holds.

    Otherwise the key is removed when that keeps every setting the code has: its value asks for
    nothing (`false`, `0`, `""`), or the provider has nothing of that name or close to it at any
    depth, no resource named after the type holds it (`metric` of aws_s3_bucket is
    aws_s3_bucket_metric's) and it holds none of the provider's own names — a setting Terraform
    can never deploy; `tags` on what the provider cannot tag too. A key that may be a misspelling
    of a real one, or belongs to another resource, is reported with the valid names (or the
    resource), its removal offered as an unsafe fix; one that is an argument of another version
    the project may get (`stage_name` of aws_api_gateway_deployment, gone in aws 6) is reported.
    The arguments a dedicated rule repairs are left to it, in every flavour (`vpc` on aws_eip:
    TF203; the flow log's destination: TF205; ECS deployment percentages: TF206).

    Why: TypeScript does not compile ("Object literal may only specify known properties"), the
    Python app fails at synth ("unexpected keyword argument"), and Terraform stops at
    `terraform validate` ("An argument named ... is not expected here"). A dict key Python passes
    through is silently dropped, and the setting with it.

    A key the schema knows under another spelling (`vpc_id` in TypeScript, `vpcId` as a Python
    keyword) is PRV106's.

    Fix (safe): rename the key (and rewrite the value of a known rename that needs it), or remove
    a setting the provider does not have; unsafe: remove a possible misspelling.
    """

    code = "PRV103"
    name = "provider-unknown-property"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("001#4",)
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
new KmsKey(this, 'key', { keySpec: 'SYMMETRIC_DEFAULT', enableKeyRotaton: true });
new FlowLog(this, 'flow', { resourceId: vpc.id, trafficType: 'ALL' });
""",
            after="""\
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
new KmsKey(this, 'key', { customerMasterKeySpec: 'SYMMETRIC_DEFAULT', enableKeyRotation: true });
new FlowLog(this, 'flow', { vpcId: vpc.id, trafficType: 'ALL' });
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup

DbInstance(self, "db", engine="postgres", instance_class="db.t3.micro", manage_password=True)
ElasticacheSubnetGroup(self, "cache", subnet_group_name="cache-subnets", subnet_ids=ids)
""",
            after="""\
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup

DbInstance(self, "db", engine="postgres", instance_class="db.t3.micro", manage_master_user_password=True)
ElasticacheSubnetGroup(self, "cache", name="cache-subnets", subnet_ids=ids)
""",
        ),
        # The wrapper of S3Bucket's inline block, in the resource of its own.
        Example(
            "cdktf-ts",
            before="""\
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
new S3BucketServerSideEncryptionConfigurationA(this, 'sse', {
  bucket: 'logs',
  serverSideEncryptionConfiguration: {
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  },
});
""",
            after="""\
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
new S3BucketServerSideEncryptionConfigurationA(this, 'sse', {
  bucket: 'logs',
  rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import S3BucketServerSideEncryptionConfigurationA

S3BucketServerSideEncryptionConfigurationA(self, "sse", bucket="logs", server_side_encryption_configuration={"rule": []})
""",
            after="""\
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import S3BucketServerSideEncryptionConfigurationA

S3BucketServerSideEncryptionConfigurationA(self, "sse", bucket="logs", rule=[])
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
new S3BucketServerSideEncryptionConfigurationA(this, 'sse', { bucket: 'logs', rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsKeyId: key.arn } }] });
""",
            after="""\
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
new S3BucketServerSideEncryptionConfigurationA(this, 'sse', { bucket: 'logs', rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn } }] });
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_db_instance" "db" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  name              = "app"
  allocated_storage = 20
}
""",
            after="""\
resource "aws_db_instance" "db" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  db_name           = "app"
  allocated_storage = 20
}
""",
            codes=("PRV103",),
            message="`name` is not an argument of aws_db_instance: it is `db_name`",
            line=4,
        ),
        Example(
            "terraform",
            before="""\
resource "aws_s3_bucket" "logs" {
  bucket        = "logs"
  force_destroy = true
  count         = 2

  lifecycle {
    prevent_destroy = true
  }
}
""",
        ),
    ]

    def check(self, ctx):
        # the validity engine judges by the schema of the version the project pins (terraform_schema),
        # the bindings' check below only where the bundled bindings describe it: a module pinning
        # `~> 5.0` is judged by aws 5 here, not skipped for the bindings' aws 6
        for problem in validity.problems(ctx, "unknown"):
            yield self.finding(Location(problem.resource.path, problem.line, problem.col), problem.message, problem.edits, problem.safety)
        s = schema.for_project(ctx)
        if s is None:  # the project pins a provider version the bundled CDKTF schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            problems = validity.file_problems(ctx, file)
            computed = {p.prop.key_span for p in problems if p.kind == "computed"}  # PRV109's
            # a construct written with a data source's arguments is PRV102's: its properties are right there
            data_meant = [p.resource.body.span for p in problems if p.kind == "type"]
            for typed in schema.typed_props(file):
                if any(start <= typed.prop.key_span[0] < end for start, end in data_meant):
                    continue
                if typed.spec is not None or (file.language == "python" and typed.depth == 0 and typed.prop.key in PY_CONSTRUCT):
                    continue
                if typed.prop.key_span in computed or typed.owner.name in _dedicated_structs():
                    continue
                if typed.depth == 0 and (s.terraform_type_of_config(typed.owner.name), schema.snake_case(typed.prop.key)) in DEDICATED:
                    continue
                yield from self._unknown(ctx, file, typed.owner, typed.prop, typed.container, typed.raw, typed.depth, True)

    def _unknown(self, ctx, file, struct, prop: Prop, container: Value, raw: bool, depth: int, fix_near: bool):
        key = prop.key
        camel = schema.camel_case(key) if file.language != "typescript" else key
        owner = struct.name.removesuffix("Config")
        at = Location(file.path, prop.value.line, _col(file, prop))
        rename = RENAMES.get((struct.name, camel))
        target, value = None, None
        if rename and rename[0] in struct.props:
            target = struct.props[rename[0]]
            if rename[1] is not None:
                if prop.value.kind not in ("bool", "string", "number") or prop.value.value not in rename[1]:
                    target = None
                else:
                    value = rename[1][prop.value.value]
        elif fix_near:
            target = _near(struct, camel, prop.value)
            if target is None:  # by its form: `fullyQualifiedDomainName` → `fqdn`, `alias` of KmsAlias → `name`
                tf_type = schema.load().terraform_type_of_config(struct.name) or ""
                words = tf_type.removeprefix("data.").split("_")[1:]
                meant = validity.by_form(schema.snake_case(camel), words, {p.terraform: p for p in struct.props.values()})
                target = next((p for p in struct.props.values() if p.terraform == meant), None)
        lifted = _lift(file, struct, prop, container, raw, depth) if target is None and fix_near else None
        if lifted is not None:
            inner = ", ".join(f"`{p.key}`" for p in prop.value.props)
            yield self.finding(at, f"`{owner}` has no property `{key}`: what it holds ({inner}) is `{owner}`'s own", lifted)
            return
        if target is None:
            valid = [_spelled(file, struct.props[n], raw, depth) if n in struct.props else n for n in _closest(struct, camel)]
            name = schema.snake_case(camel)
            tf_type = schema.load().terraform_type_of_config(struct.name) if depth == 0 else None
            elsewhere = validity.owner_elsewhere(ctx, tf_type, name) if tf_type else None
            other_version = validity.known_elsewhere(ctx, tf_type, name) if tf_type else ""
            names = _struct_names(struct)
            close = validity.close_names(name, names)
            removal = file.remove_entry(container, prop)
            if other_version:  # an argument of another version the project may get: a human decides
                yield self.finding(at, f"`{owner}` has no property `{key}`{other_version}")
            elif elsewhere:
                yield self.finding(at, f"`{owner}` has no property `{key}`; it belongs to {elsewhere}", removal, safety="unsafe")
            elif validity.removal_is_safe(prop.value, close, elsewhere, names, [p.terraform for p in struct.props.values()]) and removal:
                yield self.finding(at, f"`{owner}` has no property `{key}`: it has nothing of that name or close to it (removed)", removal)
            else:
                yield self.finding(at, f"`{owner}` has no property `{key}`; valid: {', '.join(valid)}", removal, safety="unsafe")
            return
        new_key = _spelled(file, target, raw, depth)
        if any(p.key == new_key for p in container.props):
            yield self.finding(at, f"`{owner}` has no property `{key}` (it means `{new_key}`, which is set too)")
            return
        shown = f"`{new_key}`" + (f" = {file.literal(value)}" if value is not None else "")
        yield self.finding(
            at,
            f"`{owner}` has no property `{key}`: it is {shown}",
            _rename(file, prop, new_key, None if value is None else file.literal(value)),
        )
        # what the renamed property holds, checked in the same run (it was not walked: unknown)
        for typed in schema.walk_value(prop.value, target):
            if typed.spec is None:
                yield from self._unknown(ctx, file, typed.owner, typed.prop, typed.container, typed.raw, depth + 1 + typed.depth, fix_near)


@lru_cache(maxsize=1)
def _dedicated_structs() -> frozenset[str]:
    """The structs of the blocks a dedicated rule repairs whole (EcsServiceDeploymentConfiguration:
    TF206 moves what the model writes in it)."""
    s = schema.load()
    out = set()
    for (tf_type, name) in DEDICATED:
        config = s.resource_struct(tf_type)
        spec = config.prop(name) if config else None
        if spec is not None and (spec.type.struct or spec.type.struct_list):
            out.add(spec.type.struct or spec.type.struct_list)
    return frozenset(out)


def _struct_names(struct, depth: int = 0) -> list[str]:
    """The Terraform names of a struct's properties and of the structs in it, at any depth."""
    out = []
    for spec in struct.props.values():
        out.append(spec.terraform)
        nested = schema.load().struct(spec.type.struct or spec.type.struct_list or "")
        if nested is not None and depth < 4:
            out += _struct_names(nested, depth + 1)
    return out


def _lift(file, struct, prop: Prop, container: Value, raw: bool, depth: int) -> list[Edit] | None:
    """An unknown key whose object holds only properties of the struct itself, none of them set
    beside it: the wrapper of another resource's inline block (`serverSideEncryptionConfiguration:
    { rule: ... }` in S3BucketServerSideEncryptionConfigurationA, copied from S3Bucket). The edit
    puts its contents in its place (as keywords in a Python constructor call)."""
    value = prop.value
    if value.kind != "object" or not value.props:
        return None
    specs = [struct.prop(p.key) for p in value.props]
    beside = {struct.prop(p.key).name for p in container.props if p is not prop and struct.prop(p.key)}
    if any(spec is None or spec.name in beside for spec in specs):
        return None
    if file.language == "python" and depth == 0:  # keyword arguments
        entries = [f"{schema.expected_key(file, spec, raw, depth)}={p.value.text}" for p, spec in zip(value.props, specs)]
    else:
        entries = [file.text[p.span[0] : p.span[1]] for p in value.props]
    multiline = "\n" in file.text[value.span[0] : value.span[1]]
    separator = ",\n" + indentation_at(file.text, prop.span[0]) if multiline else ", "
    return [Edit(file.path, prop.span[0], prop.span[1], separator.join(entries))]


def _spelled(file, spec, raw: bool, depth: int) -> str:
    return spec.terraform if file.language == "hcl" else schema.expected_key(file, spec, raw, depth)


def _col(file, prop: Prop) -> int:
    return prop.key_span[0] - file.text.rfind("\n", 0, prop.key_span[0])


def _rename(file, prop: Prop, new_key: str, value_text: str | None) -> list[Edit]:
    edits = file.rename_key(prop, new_key)
    if value_text is not None:
        edits += file.replace_value(prop, value_text)
    return edits


def _normal(name: str) -> str:
    return re.sub(r"[_-]", "", name).lower()


_FITS = {
    "string": ("string", "template"),
    "number": ("number",),
    "bool": ("boolean",),
    "object": ("struct", "map", "any"),
    "array": ("list",),
}


def _fits(spec, value: Value) -> bool:
    if value.kind in ("expr", "null"):
        return True
    kind = spec.type.text
    if spec.type.struct:
        kind = "struct"
    elif spec.type.is_list:
        kind = "list"
    elif spec.type.is_map:
        kind = "map"
    return kind == "any" or kind in _FITS.get(value.kind, ()) or (value.kind == "template" and kind == "string")


def _near(struct, camel: str, value: Value):
    """The property a key clearly means: same name but for case and underscores, or the one
    close match (no second one nearly as close) whose type fits the value."""
    same = [p for p in struct.props.values() if _normal(p.name) == _normal(camel)]
    if len(same) == 1:
        return same[0]
    scored = sorted(
        ((difflib.SequenceMatcher(None, _normal(camel), _normal(p.name)).ratio(), p.name) for p in struct.props.values()),
        reverse=True,
    )
    if not scored or scored[0][0] < 0.85 or (len(scored) > 1 and scored[1][0] > scored[0][0] - 0.05):
        return None
    best = struct.props[scored[0][1]]
    return best if _fits(best, value) else None


def _closest(struct, camel: str, n: int = 8, skip: frozenset[str] = frozenset()) -> list[str]:
    names = [p for p in struct.props if p not in skip]
    names = sorted(names, key=lambda p: (-difflib.SequenceMatcher(None, _normal(camel), _normal(p)).ratio(), p))
    return names[:n] + (["…"] if len(names) > n else [])
