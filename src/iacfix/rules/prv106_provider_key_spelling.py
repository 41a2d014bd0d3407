"""PRV106: a provider property spelled the other language's way."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import Example, Rule
from iacfix.rulekit import schema


class ProviderKeySpelling(Rule):
    """A provider property is spelled as the place it is written in wants it.

    What it does: a key the provider schema knows, spelled for another place, is respelled:
    - TypeScript: camelCase everywhere (`vpc_id` → `vpcId`);
    - Python keyword arguments, and dicts Python converts into a struct (a dict given where one
      struct is expected, and the dicts nested in it): the Python name (`vpcId=` → `vpc_id=`);
    - Python dicts inside a list (`ingress=[{...}]`, `default_tags=[{...}]`) and everything
      nested in them: camelCase (`"hash_key"` → `"hashKey"`), because jsii hands such a dict to
      the JavaScript side as it is.

    Why: TypeScript does not compile; a camelCase keyword or converted dict key fails the Python
    synth with "unexpected keyword argument"; and a snake_case key in a dict in a list is
    silently dropped: the setting never reaches Terraform (or synth fails on a missing
    required property).

    Fix (safe): rename the key.
    """

    code = "PRV106"
    name = "provider-key-spelling"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"
    seeds = ("001#5",)
    examples = [
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable

DynamodbTable(
    self,
    "table",
    name="t",
    hashKey="id",
    attribute=[{"name": "id", "type": "S"}],
    global_secondary_index=[{"name": "by_email", "hash_key": "email", "projection_type": "ALL"}],
    server_side_encryption={"enabled": True, "kmsKeyArn": key.arn},
)
""",
            after="""\
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable

DynamodbTable(
    self,
    "table",
    name="t",
    hash_key="id",
    attribute=[{"name": "id", "type": "S"}],
    global_secondary_index=[{"name": "by_email", "hashKey": "email", "projectionType": "ALL"}],
    server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
)
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
new Subnet(this, 'a', { vpc_id: vpc.id, cidrBlock: '10.0.0.0/24', 'map_public_ip_on_launch': true });
""",
            after="""\
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
new Subnet(this, 'a', { vpcId: vpc.id, cidrBlock: '10.0.0.0/24', 'mapPublicIpOnLaunch': true });
""",
        ),
    ]

    def check(self, ctx):
        if schema.for_project(ctx) is None:  # a provider version the bundled schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            for typed in schema.typed_props(file):
                if typed.spec is None:
                    continue
                wanted = schema.expected_key(file, typed.spec, typed.raw, typed.depth)
                key = typed.prop.key
                if key == wanted or any(p.key == wanted for p in typed.container.props):
                    continue
                where = "in a dict inside a list" if file.language == "python" and typed.raw else "here"
                yield self.finding(
                    Location(file.path, typed.prop.value.line, typed.prop.key_span[0] - file.text.rfind("\n", 0, typed.prop.key_span[0])),
                    f"`{key}` is spelled `{wanted}` {where}",
                    file.rename_key(typed.prop, wanted),
                )
